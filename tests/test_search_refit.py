"""RefitGridSearchCV / RefitRandomizedSearchCV: the plain search, then a refit with refit_params."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_imbal import KerasTextClassifier, make_text_baseline, make_text_search
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.search import (
    CheckpointedGridSearchCV,
    RefitGridSearchCV,
    RefitRandomizedSearchCV,
)

FITS = []  # (C, n_rows, sample_weight or None) of every RecordingLogisticRegression fit


class RecordingLogisticRegression(LogisticRegression):
    """LogisticRegression that records each fit (clones share FITS)."""

    def fit(self, X, y, sample_weight=None):
        FITS.append((self.C, len(y), sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


GRID = {"estimator__clf__C": [0.01, 1.0, 100.0]}
FOLDS = StratifiedKFold(3, shuffle=True, random_state=0)
REFIT = {"cv": FOLDS, "refit": True}


def _threshold_step():
    """make_text_baseline's word TF-IDF + LogisticRegression, threshold on a 25% holdout."""
    return make_text_baseline("word_logreg", threshold_cv=0.25)


@pytest.fixture(scope="module")
def pair(text_data):
    """The same search fitted plainly and with refit_params (3-fold threshold refit)."""
    X, y = text_data
    plain = GridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3).fit(X, y)
    ours = RefitGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3,
                             refit_params=REFIT).fit(X, y)
    return plain, ours


def test_candidates_are_compared_without_refit_params(pair):
    plain, ours = pair
    for key in ("mean_test_score", "std_test_score", "rank_test_score", "params"):
        assert list(ours.cv_results_[key]) == list(plain.cv_results_[key])
    assert ours.best_index_ == plain.best_index_
    assert ours.best_params_ == plain.best_params_
    assert ours.best_score_ == plain.best_score_
    assert ours.n_splits_ == plain.n_splits_ and ours.multimetric_ is False
    assert ours.scorer_ is not None and ours.refit_time_ > 0


def test_the_refit_has_refit_params_on_top_of_the_best_params(pair, text_data):
    X, y = text_data
    plain, ours = pair
    best = ours.best_estimator_
    assert plain.best_estimator_.cv == 0.25
    assert best.cv is not FOLDS and best.cv.get_n_splits() == 3 and best.refit is True
    assert best.estimator.get_params()["clf__C"] == ours.best_params_["estimator__clf__C"]
    # Fitted as documented: the same as a by-hand refit of those parameters.
    by_hand = clone(_threshold_step()).set_params(**ours.best_params_, **REFIT).fit(X, y)
    assert best.best_threshold_ == by_hand.best_threshold_
    np.testing.assert_array_equal(ours.predict(X), by_hand.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), by_hand.predict_proba(X))
    # The search's own parameters are untouched.
    assert ours.refit is True and ours.refit_params is REFIT


def test_without_refit_params_or_refit_it_is_the_plain_search(text_data):
    X, y = text_data
    plain = GridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3).fit(X, y)
    for refit_params in (None, {}):
        ours = RefitGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3,
                                 refit_params=refit_params).fit(X, y)
        assert ours.best_estimator_.cv == 0.25
        np.testing.assert_allclose(ours.predict_proba(X), plain.predict_proba(X))
    unfitted = RefitGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3, refit=False,
                                 refit_params=REFIT).fit(X, y)
    assert not hasattr(unfitted, "best_estimator_")
    assert unfitted.best_params_ == plain.best_params_


def test_fit_parameters_reach_the_refit(text_data):
    X, y = text_data
    from sklearn.feature_extraction.text import TfidfVectorizer

    features = TfidfVectorizer().fit_transform(X)
    weights = np.linspace(0.5, 1.5, len(y))
    FITS.clear()
    search = RefitGridSearchCV(RecordingLogisticRegression(), {"C": [0.1, 1.0]}, cv=2,
                               refit_params={"C": 7.0}).fit(features, y, sample_weight=weights)
    assert search.best_estimator_.C == 7.0
    # 2 candidates x 2 folds, then the one refit on every row with every weight.
    assert len(FITS) == 5
    C, n_rows, refit_weights = FITS[-1]
    assert (C, n_rows) == (7.0, len(y))
    np.testing.assert_array_equal(refit_weights, weights)


def test_several_scorers_refit_by_name_or_callable(text_data):
    X, y = text_data
    scoring = {"f1": "f1", "auc": "roc_auc"}
    by_name = RefitGridSearchCV(_threshold_step(), GRID, scoring=scoring, refit="auc", cv=3,
                                refit_params=REFIT).fit(X, y)
    plain = GridSearchCV(_threshold_step(), GRID, scoring=scoring, refit="auc", cv=3).fit(X, y)
    assert by_name.multimetric_ is True
    assert by_name.best_index_ == plain.best_index_
    assert by_name.best_score_ == plain.best_score_
    assert by_name.best_estimator_.cv.get_n_splits() == 3

    def last(results):
        return len(results["params"]) - 1

    by_callable = RefitGridSearchCV(_threshold_step(), GRID, scoring=scoring, refit=last, cv=3,
                                    refit_params=REFIT).fit(X, y)
    assert by_callable.best_index_ == 2
    assert by_callable.best_params_ == {"estimator__clf__C": 100.0}
    assert not hasattr(by_callable, "best_score_")  # as GridSearchCV with a callable refit
    assert by_callable.best_estimator_.estimator_.steps[-1][1].C == 100.0


def test_errors_come_before_any_fit(text_data):
    X, y = text_data
    FITS.clear()
    estimator = RecordingLogisticRegression()
    with pytest.raises(ValueError, match="refit_params: Invalid parameter 'Cee'"):
        RefitGridSearchCV(estimator, {"C": [1.0]}, cv=2, refit_params={"Cee": 1.0}).fit(
            [[0.0], [1.0]] * 4, [0, 1] * 4)
    with pytest.raises(ValueError, match="refit=True with several scorers: refit must be "
                                         r"the name of one of them \(a, b\)"):
        RefitGridSearchCV(estimator, {"C": [1.0]}, cv=2, scoring={"a": "f1", "b": "roc_auc"},
                          refit_params={"C": 2.0}).fit([[0.0], [1.0]] * 4, [0, 1] * 4)
    with pytest.raises(ValueError, match="'refit_params' parameter of RefitGridSearchCV"):
        RefitGridSearchCV(estimator, {"C": [1.0]}, refit_params=[("C", 2.0)]).fit(
            [[0.0], [1.0]] * 4, [0, 1] * 4)
    assert FITS == []


def test_randomized_and_checkpointed_searches_take_it_too(text_data, tmp_path):
    X, y = text_data
    randomized = RefitRandomizedSearchCV(_threshold_step(), GRID, n_iter=2, random_state=0,
                                         scoring="f1", cv=3, refit_params=REFIT).fit(X, y)
    assert randomized.best_estimator_.cv.get_n_splits() == 3
    kept = CheckpointedGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3,
                                    refit_params=REFIT, checkpoint=tmp_path).fit(X, y)
    again = CheckpointedGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3,
                                     refit_params=REFIT, checkpoint=tmp_path).fit(X, y)
    for search in (kept, again):
        assert type(search.best_estimator_).__name__ == "HoldoutThresholdClassifier"
        assert search.best_estimator_.cv.get_n_splits() == 3
    np.testing.assert_allclose(again.predict_proba(X), kept.predict_proba(X))
    # refit_params changes only the refit: another value reuses the stored fits.
    other = CheckpointedGridSearchCV(_threshold_step(), GRID, scoring="f1", cv=3,
                                     refit_params=None, checkpoint=tmp_path).fit(X, y)
    assert other.best_estimator_.cv == 0.25


def test_clone_get_params_and_pickle(pair, text_data):
    X, _ = text_data
    _, ours = pair
    copy = clone(ours)
    assert copy.refit_params["cv"] is not FOLDS
    assert copy.refit_params["cv"].get_n_splits() == 3
    assert "refit_params" in ours.get_params(deep=False)
    restored = pickle.loads(pickle.dumps(ours))
    np.testing.assert_allclose(restored.predict_proba(X), ours.predict_proba(X))


# ----------------------------------------------------------- make_text_search
TINY = dict(architecture="tfidf", analyzer="word", epochs=2, batch_size=16,
            learning_rate=0.05, random_state=0)
ONE_CANDIDATE = {"estimator__sampler": [TextRandomOverSampler(random_state=0)],
                 "estimator__clf__class_weight": [None]}


def _tiny(search, prefix):
    return search.set_params(**{f"{prefix}estimator__estimator__clf__{key}": value
                                for key, value in TINY.items()})


def test_make_text_search_refit_is_its_ensemble_of_one(text_data):
    """The default refit is ``ensemble=1``'s model: same threshold, same probabilities."""
    X, y = text_data
    search = _tiny(make_text_search(param_space=ONE_CANDIDATE, cv=2), "").fit(X, y)
    best = search.best_estimator_
    assert isinstance(best.estimator_.steps[-1][1], KerasTextClassifier)
    assert best.cv.get_n_splits() == 5 and best.refit is True
    ensemble = _tiny(make_text_search(param_space=ONE_CANDIDATE, cv=2, ensemble=1),
                     "search__").fit(X, y)
    assert best.best_threshold_ == pytest.approx(ensemble.best_threshold_)
    np.testing.assert_allclose(search.predict_proba(X), ensemble.predict_proba(X), atol=1e-6)


def test_make_text_search_refit_threshold_cv():
    assert make_text_search(refit_threshold_cv=3).refit_params["cv"].get_n_splits() == 3
    assert make_text_search(refit_threshold_cv=None).refit_params is None
    assert make_text_search(threshold_scoring=None).refit_params is None
    folds = make_text_search(random_state=4).refit_params["cv"]
    assert (folds.n_splits, folds.shuffle, folds.random_state) == (5, True, 4)
    assert make_text_search(ensemble=2, refit_threshold_cv=3).threshold_cv == 3
    assert make_text_search(ensemble=2, refit_threshold_cv=None).threshold_cv == 5
    with pytest.raises(ValueError, match="'refit_threshold_cv' parameter of make_text_search"):
        make_text_search(refit_threshold_cv=1)
