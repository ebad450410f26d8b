"""Determinism: the same seed on the same data and machine gives the same search.

``make_text_search(random_state=...)`` seeds the folds, the threshold holdout,
the sampler and every Keras model (weights, dropout, batch order), so two runs
in one process must agree exactly: every score of ``cv_results_``, the
candidates, the ranks, the tuned threshold and the predictions. Only the
timings may differ.
"""

import numpy as np
import pytest

from sklearn_imbal import make_text_search
from sklearn_imbal.sampling import TextRandomOverSampler

# Tiny models: the point is the seeding, not the quality.
FAST = dict(epochs=3, batch_size=16, learning_rate=0.05, analyzer="word", ngrams=1,
            max_tokens=500)
# Two candidates: over-sampling, or balanced class weights with a hidden layer
# and dropout (random at training time).
SPACE = [
    {"estimator__sampler": [TextRandomOverSampler(random_state=0)],
     "estimator__clf__class_weight": [None]},
    {"estimator__sampler": ["passthrough"], "estimator__clf__class_weight": ["balanced"],
     "estimator__clf__hidden_units": [8], "estimator__clf__dropout": [0.3]},
]
SCORING = {"f1": "f1", "roc_auc": "roc_auc"}


def run_search(X, y, random_state):
    search = make_text_search(param_space=SPACE, scoring=SCORING, refit="f1", cv=2,
                              random_state=random_state)
    search.set_params(**{f"estimator__estimator__clf__{k}": v for k, v in FAST.items()})
    return search.fit(X, y)


@pytest.fixture(scope="module")
def first_and_second(text_data):
    X, y = text_data
    return run_search(X, y, 0), run_search(X, y, 0)


def _params(results):
    """The candidates, comparable: estimators in them by class and parameters."""
    def plain(value):
        if hasattr(value, "get_params"):
            return type(value).__name__, sorted(value.get_params().items())
        return value
    return [{key: plain(value) for key, value in params.items()}
            for params in results["params"]]


def test_same_seed_gives_identical_cv_results(first_and_second):
    first, second = (search.cv_results_ for search in first_and_second)
    assert first.keys() == second.keys()
    compared = [key for key in first if "time" not in key and key != "params"]
    assert {"mean_test_f1", "std_test_f1", "mean_test_roc_auc", "std_test_roc_auc",
            "split0_test_f1", "split1_test_roc_auc", "rank_test_f1"} <= set(compared)
    for key in compared:
        # Exact equality, not approximate: the same seed replays the same
        # floating-point operations.
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)
    assert _params(first) == _params(second)
    assert np.all(np.isfinite(first["mean_test_f1"]))


def test_same_seed_gives_the_same_refitted_model(first_and_second, text_data):
    X, _ = text_data
    first, second = first_and_second
    assert first.best_index_ == second.best_index_
    assert first.best_estimator_.best_threshold_ == second.best_estimator_.best_threshold_
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


def test_another_seed_gives_another_search(first_and_second, text_data):
    """The seed reaches the folds and the models: the equality above is not vacuous."""
    X, y = text_data
    other = run_search(X, y, 1).cv_results_
    first = first_and_second[0].cv_results_
    assert _params(other) == _params(first)
    assert not np.array_equal(other["split0_test_roc_auc"], first["split0_test_roc_auc"])
