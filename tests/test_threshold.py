"""HoldoutThresholdClassifier and PriorCorrectedClassifier on fast numeric models.

The Keras text versions of these guarantees are in test_search.py.
"""

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler, TomekLinks
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import (
    StratifiedShuffleSplit,
    TunedThresholdClassifierCV,
    train_test_split,
)

from sklearn_imbal.metrics import cost, recall_at_precision
from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier

FITTED_ON = []  # the training rows (column 0 holds the row id) of every fit


class RecordingLR(LogisticRegression):
    """LogisticRegression that records which rows each fit saw (column 0 = row id)."""

    def fit(self, X, y, sample_weight=None):
        FITTED_ON.append(np.asarray(X)[:, 0].astype(int))
        return super().fit(np.asarray(X)[:, 1:], y, sample_weight=sample_weight)

    # predict and predict_proba go through decision_function.
    def decision_function(self, X):
        return super().decision_function(np.asarray(X)[:, 1:])


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=1000, weights=[0.88], class_sep=0.7, flip_y=0.03, random_state=0
    )
    return np.column_stack([np.arange(len(y)), X]), y


@pytest.fixture(autouse=True)
def _reset_recorder():
    FITTED_ON.clear()


@pytest.mark.smoke
@pytest.mark.parametrize("random_state", [None, 0])
def test_holdout_is_held_out_and_threshold_belongs_to_estimator(data, random_state):
    # random_state=None is the case of scikit-learn issue #33540, where
    # TunedThresholdClassifierCV(cv=float, refit=False) may fit estimator_ on a
    # different split than the one its threshold was tuned on.
    X, y = data
    tuned = HoldoutThresholdClassifier(
        RecordingLR(), cv=0.25, random_state=random_state, store_cv_results=True
    ).fit(X, y)
    assert len(FITTED_ON) == 1, "the cheap mode fits the model once"
    train, holdout = tuned.train_indices_, tuned.holdout_indices_
    assert np.intersect1d(train, holdout).size == 0
    assert len(train) + len(holdout) == len(y) and len(holdout) == 250
    np.testing.assert_array_equal(np.sort(FITTED_ON[0]), np.sort(train))
    # Stratified: the holdout keeps the class ratio.
    assert abs(y[holdout].mean() - y.mean()) < 0.01
    # The sweep is the F1 of *estimator_* on the holdout, threshold by threshold.
    proba = tuned.estimator_.predict_proba(X[holdout])[:, 1]
    by_hand = [f1_score(y[holdout], proba >= t) for t in tuned.cv_results_["thresholds"]]
    np.testing.assert_allclose(tuned.cv_results_["scores"], by_hand)
    assert tuned.best_score_ == pytest.approx(max(by_hand))
    # predict uses the tuned threshold on estimator_.
    np.testing.assert_array_equal(
        tuned.predict(X), (tuned.estimator_.predict_proba(X)[:, 1] >= tuned.best_threshold_)
    )


def test_fit_counts(data):
    X, y = data
    counts = {}
    for name, tuner in {
        "holdout": HoldoutThresholdClassifier(RecordingLR(), random_state=0),
        "holdout_refit": HoldoutThresholdClassifier(RecordingLR(), refit=True, random_state=0),
        "sklearn_float": TunedThresholdClassifierCV(RecordingLR(), cv=0.2, refit=False,
                                                    random_state=0),
        "sklearn_cv5": TunedThresholdClassifierCV(RecordingLR(), cv=5),
    }.items():
        FITTED_ON.clear()
        tuner.fit(X, y)
        counts[name] = len(FITTED_ON)
    assert counts == {"holdout": 1, "holdout_refit": 2, "sklearn_float": 2, "sklearn_cv5": 6}


def test_single_split_splitter_and_several_folds(data):
    X, y = data
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=1)
    tuned = HoldoutThresholdClassifier(RecordingLR(), cv=splitter).fit(X, y)
    assert len(FITTED_ON) == 1 and len(tuned.holdout_indices_) == 300
    FITTED_ON.clear()
    # Several folds need refit=True, as in scikit-learn: its path, unchanged.
    tuned = HoldoutThresholdClassifier(RecordingLR(), cv=3, refit=True).fit(X, y)
    assert len(FITTED_ON) == 4 and not hasattr(tuned, "holdout_indices_")
    with pytest.raises(ValueError, match="refit cannot be False"):
        HoldoutThresholdClassifier(RecordingLR(), cv=3).fit(X, y)


def test_defaults_are_visible_in_get_params():
    params = HoldoutThresholdClassifier(LogisticRegression()).get_params()
    assert params["cv"] == 0.2 and params["refit"] is False and params["scoring"] == "f1"
    assert isinstance(HoldoutThresholdClassifier(LogisticRegression()), TunedThresholdClassifierCV)


def test_multiclass_target_is_a_clear_error(data):
    X, y = data
    y3 = y + (np.arange(len(y)) % 7 == 0)
    with pytest.raises(ValueError, match=r"binary classifier, but y has 3 classes \[0, 1, 2\]"):
        HoldoutThresholdClassifier(LogisticRegression()).fit(X, y3)


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision", "neg_log_loss"])
def test_ranking_metric_as_threshold_objective_is_refused(data, scoring):
    X, y = data
    with pytest.raises(ValueError, match=rf"scoring='{scoring}' cannot be a threshold objective"):
        HoldoutThresholdClassifier(LogisticRegression(), scoring=scoring).fit(X, y)


@pytest.mark.parametrize("scoring", ["f1", "balanced_accuracy", recall_at_precision(0.5),
                                     cost(fp=1, fn=5)])
def test_decision_metrics_are_accepted(data, scoring):
    X, y = data
    tuned = HoldoutThresholdClassifier(RecordingLR(), scoring=scoring, random_state=0).fit(X, y)
    assert np.isfinite(tuned.best_score_)


def test_clone_keeps_parameters():
    tuner = HoldoutThresholdClassifier(LogisticRegression(), cv=0.3, scoring=cost(fp=1, fn=2))
    assert clone(tuner).get_params()["cv"] == 0.3


# ---------------------------------------------------------------- prior correction
@pytest.fixture(scope="module")
def split():
    X, y = make_classification(
        n_samples=4000, weights=[0.9], class_sep=0.8, flip_y=0.02, random_state=3
    )
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)


def test_prior_correction_after_oversampling_calibrates(split):
    X_train, X_test, y_train, y_test = split
    pipe = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    raw = clone(pipe).fit(X_train, y_train).predict_proba(X_test)[:, 1]
    model = PriorCorrectedClassifier(pipe).fit(X_train, y_train)
    corrected = model.predict_proba(X_test)[:, 1]
    np.testing.assert_allclose(model.trained_prior_, [0.5, 0.5])
    np.testing.assert_allclose(model.target_prior_, np.bincount(y_train) / len(y_train))
    # Better calibrated on held-out data...
    assert brier_score_loss(y_test, corrected) < 0.8 * brier_score_loss(y_test, raw)
    assert log_loss(y_test, corrected) < 0.8 * log_loss(y_test, raw)
    # ...with the same ranking.
    assert roc_auc_score(y_test, corrected) == pytest.approx(roc_auc_score(y_test, raw), abs=1e-12)
    # Mean predicted probability close to the real positive rate.
    assert abs(corrected.mean() - y_test.mean()) < abs(raw.mean() - y_test.mean()) / 3


def test_prior_correction_formula(split):
    X_train, X_test, y_train, _ = split
    pipe = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    model = PriorCorrectedClassifier(pipe).fit(X_train, y_train)
    p = model.estimator_.predict_proba(X_test)[:, 1]
    pi = y_train.mean()
    # Two classes: odds multiplied by (pi / (1 - pi)) / (0.5 / 0.5).
    ratio = pi / (1 - pi)
    expected = ratio * p / (ratio * p + (1 - p))
    np.testing.assert_allclose(model.predict_proba(X_test)[:, 1], expected)
    np.testing.assert_array_equal(model.predict(X_test), (expected >= 0.5).astype(int))


def test_trained_prior_from_class_weight_and_undersampler(split):
    X_train, _, y_train, _ = split
    model = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced"))
    np.testing.assert_allclose(model.fit(X_train, y_train).trained_prior_, [0.5, 0.5])
    # Under-sampling the majority to 2 negatives per positive.
    pipe = make_pipeline(RandomUnderSampler(sampling_strategy=0.5, random_state=0),
                         LogisticRegression())
    np.testing.assert_allclose(PriorCorrectedClassifier(pipe).fit(X_train, y_train).trained_prior_,
                               [2 / 3, 1 / 3])
    # Over-sampling to 1:2 and class weights {0: 1, 1: 4}: 2 : 1 * 4.
    pipe = make_pipeline(RandomOverSampler(sampling_strategy=0.5, random_state=0),
                         LogisticRegression(class_weight={0: 1, 1: 4}))
    np.testing.assert_allclose(PriorCorrectedClassifier(pipe).fit(X_train, y_train).trained_prior_,
                               [1 / 3, 2 / 3], atol=1e-3)


def test_explicit_priors(split):
    X_train, _, y_train, _ = split
    model = PriorCorrectedClassifier(
        LogisticRegression(), trained_prior=[1, 1], target_prior=[0.99, 0.01]
    ).fit(X_train, y_train)
    np.testing.assert_allclose(model.trained_prior_, [0.5, 0.5])
    np.testing.assert_allclose(model.target_prior_, [0.99, 0.01])
    with pytest.raises(ValueError, match=r"target_prior must hold one positive number per class"):
        PriorCorrectedClassifier(LogisticRegression(), target_prior=[1, 0, 0]).fit(X_train, y_train)


def test_unknown_sampler_prior_is_a_clear_error(split):
    X_train, _, y_train, _ = split
    pipe = make_pipeline(TomekLinks(), LogisticRegression())
    with pytest.raises(ValueError, match=r"Cannot infer the class prior .* Pass trained_prior="):
        PriorCorrectedClassifier(pipe).fit(X_train, y_train)


def test_prior_correction_inside_threshold_tuning(split):
    X_train, X_test, y_train, y_test = split
    pipe = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    tuned = HoldoutThresholdClassifier(PriorCorrectedClassifier(pipe), random_state=0)
    tuned.fit(X_train, y_train)
    assert f1_score(y_test, tuned.predict(X_test)) > 0.5
