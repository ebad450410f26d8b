"""Resumable searches: an interrupted search reuses every finished fit and ends the same."""

import inspect

import keras
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, StratifiedKFold

from sklearn_imbal.datasets import make_imbalanced_text
from sklearn_imbal.search import (
    CheckpointedGridSearchCV,
    CheckpointedRandomizedSearchCV,
    CheckpointMismatchError,
    RefitGridSearchCV,
    make_text_search,
)

FITS = {"count": 0, "interrupt_at": None}


class CountedTextClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF + logistic regression that counts its fits and can interrupt one."""

    def __init__(self, C=1.0, ngram_max=1):
        self.C = C
        self.ngram_max = ngram_max

    def fit(self, X, y):
        FITS["count"] += 1
        if FITS["count"] == FITS["interrupt_at"]:
            raise KeyboardInterrupt
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, self.ngram_max)).fit(X)
        self.model_ = LogisticRegression(C=self.C).fit(self.vectorizer_.transform(X), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(self.vectorizer_.transform(X))

    def predict(self, X):
        return self.model_.predict(self.vectorizer_.transform(X))


GRID = {"C": [0.1, 1.0, 10.0], "ngram_max": [1, 2]}
CV = StratifiedKFold(3, shuffle=True, random_state=0)
N_FITS = 6 * 3


@pytest.fixture(scope="module")
def data():
    X, y = make_imbalanced_text(n_samples=90, weights=(0.7, 0.3), random_state=0)
    return list(X), np.asarray(y)


@pytest.fixture(autouse=True)
def reset_counter():
    FITS.update(count=0, interrupt_at=None)


def _search(checkpoint=None, estimator=None, **params):
    estimator = CountedTextClassifier() if estimator is None else estimator
    params = {"scoring": {"f1": "f1", "auc": "roc_auc"}, "refit": "auc", "cv": CV,
              "return_train_score": True, **params}
    if checkpoint is None:
        return GridSearchCV(estimator, GRID, **params)
    return CheckpointedGridSearchCV(estimator, GRID, checkpoint=checkpoint, **params)


def _assert_same_results(resumed, plain):
    ours, theirs = resumed.cv_results_, plain.cv_results_
    assert list(ours) == list(theirs)  # same keys in the same order
    for key in theirs:
        if key.endswith("_time"):
            continue
        if key.startswith("param"):
            assert list(ours[key]) == list(theirs[key]), key
        else:
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    assert resumed.best_params_ == plain.best_params_
    assert resumed.best_index_ == plain.best_index_
    assert type(resumed.best_estimator_) is CountedTextClassifier


@pytest.mark.parametrize("k", [0, 7, N_FITS - 1])
def test_interrupted_search_resumes_with_only_the_missing_fits(data, tmp_path, k):
    X, y = data
    plain = _search().fit(X, y)
    assert FITS["count"] == N_FITS + 1  # the folds, then the refit

    FITS.update(count=0, interrupt_at=k + 1)
    with pytest.raises(KeyboardInterrupt):
        _search(tmp_path).fit(X, y)
    assert len(list((tmp_path / "fits").iterdir())) == k  # each finished fit, no more

    FITS.update(count=0, interrupt_at=None)
    resumed = _search(tmp_path).fit(X, y)
    assert FITS["count"] == N_FITS - k + 1  # the fits the interrupt lost, then the refit
    _assert_same_results(resumed, plain)
    np.testing.assert_array_equal(resumed.predict_proba(X), plain.predict_proba(X))
    assert resumed.score(X, y) == plain.score(X, y)


def test_finished_search_run_again_fits_only_the_refit(data, tmp_path):
    X, y = data
    first = _search(tmp_path, n_jobs=2).fit(X, y)  # loky workers write the files
    FITS["count"] = 0
    again = _search(tmp_path).fit(X, y)
    assert FITS["count"] == 1
    _assert_same_results(again, first)


def test_randomized_search_resumes(data, tmp_path):
    X, y = data
    space = {"C": np.logspace(-2, 2, 50), "ngram_max": [1, 2]}
    common = dict(n_iter=4, cv=CV, scoring="f1", random_state=0)
    plain = RandomizedSearchCV(CountedTextClassifier(), space, **common).fit(X, y)
    FITS.update(count=0, interrupt_at=6)
    with pytest.raises(KeyboardInterrupt):
        CheckpointedRandomizedSearchCV(CountedTextClassifier(), space, checkpoint=tmp_path,
                                       **common).fit(X, y)
    FITS.update(count=0, interrupt_at=None)
    resumed = CheckpointedRandomizedSearchCV(CountedTextClassifier(), space,
                                             checkpoint=tmp_path, **common).fit(X, y)
    assert FITS["count"] == 12 - 5 + 1
    _assert_same_results(resumed, plain)


def test_other_data_or_parameters_are_refused(data, tmp_path):
    X, y = data
    _search(tmp_path).fit(X, y)
    with pytest.raises(CheckpointMismatchError,
                       match=rf"checkpoint {tmp_path} was written for other data \(hash "
                             r"\w+, this data \w+\); use another folder or delete it"):
        _search(tmp_path).fit(X[:-1], y[:-1])
    with pytest.raises(CheckpointMismatchError, match="was written for other data"):
        _search(tmp_path).fit(X, 1 - y)
    with pytest.raises(CheckpointMismatchError,
                       match=r"for another search \(parameters changed: cv, param_grid\); "
                             "use another folder or delete it"):
        CheckpointedGridSearchCV(CountedTextClassifier(), {"C": [0.1]}, cv=4,
                                 scoring={"f1": "f1", "auc": "roc_auc"}, refit="auc",
                                 return_train_score=True, checkpoint=tmp_path).fit(X, y)
    with pytest.raises(CheckpointMismatchError, match=r"parameters changed: estimator\)"):
        _search(tmp_path, estimator=CountedTextClassifier(C=3.0)).fit(X, y)
    # How the search runs and which candidate it refits may change.
    FITS["count"] = 0
    _search(tmp_path, n_jobs=1, verbose=0, refit="f1").fit(X, y)
    assert FITS["count"] == 1


def test_without_a_checkpoint_it_is_the_plain_search(data):
    X, y = data
    plain = _search().fit(X, y)
    FITS["count"] = 0
    ours = CheckpointedGridSearchCV(**{**_search().get_params(deep=False),
                                       "checkpoint": None}).fit(X, y)
    assert FITS["count"] == N_FITS + 1
    _assert_same_results(ours, plain)


def test_checkpointed_search_signatures_extend_scikit_learns():
    for ours, theirs in [(CheckpointedGridSearchCV, GridSearchCV),
                         (CheckpointedRandomizedSearchCV, RandomizedSearchCV)]:
        mine = list(inspect.signature(ours).parameters)
        assert mine == [*inspect.signature(theirs).parameters, "refit_params", "checkpoint"]


def test_make_text_search_with_a_checkpoint(tmp_path):
    search = make_text_search(budget=2, checkpoint=tmp_path)
    assert isinstance(search, CheckpointedRandomizedSearchCV)
    assert search.checkpoint == tmp_path
    assert isinstance(make_text_search(checkpoint=str(tmp_path)), CheckpointedGridSearchCV)
    assert type(make_text_search()) is RefitGridSearchCV


class CountKerasFits(keras.callbacks.Callback):
    """Counts Keras fits (and interrupts one, as Ctrl-C would)."""

    def on_train_begin(self, logs=None):
        FITS["count"] += 1
        if FITS["count"] == FITS["interrupt_at"]:
            raise KeyboardInterrupt


@pytest.mark.slow
def test_interrupted_keras_text_search_resumes(tmp_path):
    from conftest import make_texts

    X, y = make_texts(n_samples=120, minority=0.3, seed=0)

    def search(checkpoint=None):
        search = make_text_search(param_space={"estimator__clf__l2": [1e-4, 3e-4]}, cv=2,
                                  checkpoint=checkpoint, random_state=0)
        return search.set_params(estimator__estimator__clf__epochs=1,
                                 estimator__estimator__clf__analyzer="word",
                                 estimator__estimator__clf__ngrams=1,
                                 estimator__estimator__clf__callbacks=[CountKerasFits()])

    refit = 5 + 1  # the best candidate's threshold on 5 folds, then its fit on all rows
    plain = search().fit(X, y)
    assert FITS["count"] == 4 + refit
    FITS.update(count=0, interrupt_at=3)
    with pytest.raises(KeyboardInterrupt):
        search(tmp_path).fit(X, y)
    FITS.update(count=0, interrupt_at=None)
    resumed = search(tmp_path).fit(X, y)
    assert FITS["count"] == 4 - 2 + refit
    for key in ("params", "mean_test_score", "std_test_score", "rank_test_score",
                "split0_test_score", "split1_test_score"):
        assert list(resumed.cv_results_[key]) == list(plain.cv_results_[key]), key
    np.testing.assert_array_equal(resumed.predict_proba(X), plain.predict_proba(X))
