"""make_text_search and threshold tuning of Keras text pipelines: finite scores,
tuned thresholds, seeds, and no leakage between training, holdout and test data."""

import pickle

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    RandomizedSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)

from sklearn_imbal import KerasTextClassifier, make_text_baseline, make_text_search
from sklearn_imbal.metrics import fbeta
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.search import BASELINES
from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier

FAST = dict(epochs=3, batch_size=16, learning_rate=0.05, analyzer="word")
# Two candidates: sampler on, or off with balanced class weights.
TINY_SPACE = [
    {"estimator__sampler": [TextRandomOverSampler(random_state=0)],
     "estimator__clf__class_weight": [None]},
    {"estimator__sampler": ["passthrough"], "estimator__clf__class_weight": ["balanced"]},
]


def fast_search(**kwargs):
    search = make_text_search(param_space=TINY_SPACE, cv=2, random_state=0, **kwargs)
    prefix = "estimator__estimator__clf__" if kwargs.get("threshold_scoring", "f1") else (
        "estimator__clf__"
    )
    return search.set_params(**{prefix + key: value for key, value in FAST.items()})


# ---------------------------------------------------------------- the search
@pytest.mark.parametrize("scoring", ["roc_auc", pytest.param("f1", marks=pytest.mark.slow)])
def test_nested_search_scores_are_finite_and_predict_uses_threshold(text_data, scoring):
    X, y = text_data
    search = fast_search(scoring=scoring).fit(X, y)
    assert isinstance(search, GridSearchCV)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores.max() > 0.5
    best = search.best_estimator_
    assert isinstance(best, TunedThresholdClassifierCV)
    assert isinstance(best.estimator_, Pipeline)
    assert isinstance(best.estimator_.named_steps["clf"], KerasTextClassifier)
    proba = best.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(best.predict(X), (proba >= best.best_threshold_).astype(int))
    np.testing.assert_array_equal(search.predict(X), best.predict(X))


@pytest.mark.slow  # 2 folds x (2 threshold folds + refit) Keras fits, plus the refit
def test_sklearn_tuned_threshold_in_grid_search(text_data):
    """The plain scikit-learn composition of DESIGN.md, with our sampler and classifier."""
    X, y = text_data
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**FAST, random_state=0))])
    search = GridSearchCV(
        TunedThresholdClassifierCV(pipe, scoring="f1", cv=2),
        {"estimator__clf__class_weight": [None]},
        scoring="roc_auc", cv=2, error_score="raise",
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    proba = best.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(best.predict(X), (proba >= best.best_threshold_).astype(int))


@pytest.mark.slow  # a whole nested search (five fits, each with its threshold holdout)
def test_multimetric_search_refit_f1(text_data):
    X, y = text_data
    search = fast_search(scoring={"f1": "f1", "roc_auc": "roc_auc", "f2": fbeta(2)},
                         refit="f1").fit(X, y)
    for name in ("f1", "roc_auc", "f2"):
        assert np.all(np.isfinite(search.cv_results_[f"mean_test_{name}"]))
    assert search.best_index_ == np.argmax(search.cv_results_["mean_test_f1"])


# Same seed, same search: tests/test_determinism.py.


def test_choices_are_visible_in_get_params():
    search = make_text_search()
    params = search.get_params()
    assert isinstance(search, GridSearchCV) and len(ParameterGrid(params["param_grid"])) == 4
    assert params["estimator__scoring"] == "f1"
    assert params["estimator__cv"] == 0.2 and params["estimator__refit"] is False
    assert params["estimator__random_state"] == 0
    clf = "estimator__estimator__clf__"
    assert params[clf + "epochs"] == 20 and params[clf + "random_state"] == 0
    assert params[clf + "architecture"] == "tfidf" and params[clf + "loss"] == "squared_hinge"
    assert params[clf + "learning_rate_schedule"] == "cosine"
    assert isinstance(params["cv"], StratifiedKFold) and params["cv"].shuffle
    large = make_text_search(budget="large")
    assert len(ParameterGrid(large.param_grid)) == 13
    assert large.get_params()[clf + "epochs"] == 30
    drawn = make_text_search(budget=3)
    assert isinstance(drawn, RandomizedSearchCV) and drawn.n_iter == 3


def test_the_penalty_of_each_candidate_is_stated_and_the_hinge_ones_adapt_to_the_data():
    # Every candidate names its l2_scale, so the classifier's default cannot leak
    # into one: squared hinge adapts to the size of the data, cross-entropy does not.
    for budget in ("small", "large"):
        for candidate in ParameterGrid(make_text_search(budget=budget).param_grid):
            hinge = candidate["estimator__clf__loss"] == "squared_hinge"
            assert candidate["estimator__clf__l2_scale"] == ("dataset" if hinge else "sample")
            assert candidate["estimator__clf__l2"] in ((0.3, 0.6) if hinge else (1e-5,))
    default = make_text_search().get_params()
    clf = "estimator__estimator__clf__"
    assert (default[clf + "l2"], default[clf + "l2_scale"]) == (0.6, "dataset")


def test_threshold_modes():
    search = make_text_search(threshold_cv=5)
    assert search.estimator.cv == 5 and search.estimator.refit is True
    search = make_text_search(threshold_refit=True)
    assert search.estimator.cv == 0.2 and search.estimator.refit is True


def test_roc_auc_threshold_objective_is_refused():
    with pytest.raises(ValueError, match=r"threshold_scoring='roc_auc' cannot be a threshold"):
        make_text_search(threshold_scoring="roc_auc")
    with pytest.raises(ValueError, match=r"threshold_scoring='average_precision' cannot"):
        make_text_search(scoring="f1", threshold_scoring="average_precision")


def test_three_classes_get_a_clear_error(text_data):
    X, y = text_data
    y3 = np.where(np.arange(len(y)) % 5 == 0, 2, y)
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**FAST))])
    with pytest.raises(ValueError, match=r"binary classifier, but y has 3 classes \[0, 1, 2\]"):
        HoldoutThresholdClassifier(pipe).fit(X, y3)
    # Inside the search, the same message reaches the user.
    with pytest.raises(ValueError, match=r"y has 3 classes"):
        fast_search().fit(X, y3)


@pytest.mark.slow  # a nested search with prior correction
def test_no_threshold_step_and_prior_correction(text_data):
    X, y = text_data
    plain = make_text_search(threshold_scoring=None, param_space={"clf__l2": [1e-4]}, cv=2)
    assert isinstance(plain.estimator, Pipeline)
    corrected = make_text_search(prior_correction=True, budget=1, cv=2,
                                 param_space={"estimator__estimator__clf__l2": [1e-4]})
    # Search-level names: search -> threshold step -> prior correction -> pipeline.
    corrected.set_params(
        **{f"estimator__estimator__estimator__clf__{k}": v for k, v in FAST.items()})
    corrected.fit(X, y)
    best = corrected.best_estimator_
    assert isinstance(best.estimator_, PriorCorrectedClassifier)
    # Default pipeline over-samples to 1:1; the correction goes back to the real prior.
    np.testing.assert_allclose(best.estimator_.trained_prior_, [0.5, 0.5])
    assert best.predict_proba(X)[:, 1].mean() < 0.5


# Leakage (samplers, vocabulary, threshold holdout, whole search): tests/test_leakage.py.


@pytest.mark.slow
def test_search_in_two_processes(text_data):
    X, y = text_data
    search = fast_search(scoring="roc_auc", n_jobs=2).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_prior_correction_calibrates_keras_after_text_oversampling(text_data):
    X, y = text_data
    train, test = np.arange(0, len(y), 2), np.arange(1, len(y), 2)
    # A well-regularized model: the correction assumes the model estimates the
    # posterior of the resampled data, which a model memorizing the duplicated
    # minority texts does not (see docs/workflow.rst).
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**{**FAST, "epochs": 20}, l2=1e-2,
                                                 random_state=0))])
    model = PriorCorrectedClassifier(pipe).fit(X[train], y[train])
    raw = model.estimator_.predict_proba(X[test])[:, 1]
    corrected = model.predict_proba(X[test])[:, 1]
    np.testing.assert_allclose(model.trained_prior_, [0.5, 0.5])
    assert brier_score_loss(y[test], corrected) < brier_score_loss(y[test], raw)
    assert log_loss(y[test], corrected) < log_loss(y[test], raw)
    assert roc_auc_score(y[test], corrected) == pytest.approx(roc_auc_score(y[test], raw),
                                                              abs=1e-9)


# ------------------------------------------------------------ make_text_baseline
@pytest.mark.parametrize("kind", sorted(BASELINES))
def test_each_baseline_tunes_its_threshold_on_training_folds(text_data, kind):
    X, y = text_data
    baseline = make_text_baseline(kind, random_state=0)
    assert clone(baseline).get_params()["cv"].get_n_splits() == 5
    baseline.fit(X, y)
    # The final model is refitted on all of the data; the threshold applies to
    # the scores the model has (a margin for the SVMs).
    method = "predict_proba" if hasattr(baseline, "predict_proba") else "decision_function"
    scores = getattr(baseline.estimator_, method)(X)
    scores = scores[:, 1] if scores.ndim == 2 else scores
    assert np.isfinite(scores).all() and roc_auc_score(y, scores) > 0.9
    expected = np.where(scores >= baseline.best_threshold_, 1, 0)
    np.testing.assert_array_equal(baseline.predict(X), expected)
    restored = pickle.loads(pickle.dumps(baseline))
    np.testing.assert_array_equal(restored.predict(X), baseline.predict(X))


def test_baseline_in_a_search_and_with_a_holdout(text_data):
    X, y = text_data
    search = GridSearchCV(make_text_baseline("word_logreg", threshold_cv=0.25),
                          {"estimator__clf__C": [0.3, 3.0]}, scoring="f1", cv=3).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.cv == 0.25 and not search.best_estimator_.refit


def test_baseline_refuses_unknown_kinds_and_ranking_objectives():
    with pytest.raises(ValueError, match="'kind' parameter of make_text_baseline"):
        make_text_baseline("svm")
    with pytest.raises(ValueError, match="cannot be a threshold objective"):
        make_text_baseline(threshold_scoring="roc_auc")
