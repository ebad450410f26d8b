"""Scorer factories: hand-computed values, sign conventions, infeasible constraints."""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV

from sklearn_imbal.exceptions import InfeasibleConstraintWarning
from sklearn_imbal.metrics import cost, fbeta, precision_at_recall, recall_at_precision

# 3 positives, 5 negatives; the predictions hold tp=2, fn=1, fp=1, tn=4:
# precision 2/3, recall 2/3.
Y_TRUE = np.array([1, 1, 1, 0, 0, 0, 0, 0])
Y_PRED = np.array([1, 1, 0, 1, 0, 0, 0, 0])


class Fixed(ClassifierMixin, BaseEstimator):
    """Predicts the labels stored in column 0 of X: scorers see exactly those."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


def score(scorer, y_true=Y_TRUE, y_pred=Y_PRED):
    X = np.asarray(y_pred).reshape(-1, 1)
    return scorer(Fixed().fit(X, y_true), X, y_true)


@pytest.mark.parametrize(
    "scorer, expected",
    [
        (recall_at_precision(0.6), 2 / 3),
        (recall_at_precision(2 / 3), 2 / 3),
        (precision_at_recall(0.5), 2 / 3),
        (fbeta(1), 2 / 3),
        # F2 = 5 p r / (4 p + r) with p = r = 2/3
        (fbeta(2), 2 / 3),
        # 1 false positive at 1 and 1 false negative at 5, over 8 samples; negated.
        (cost(fp=1, fn=5), -6 / 8),
        (cost(fp=2, fn=0), -2 / 8),
    ],
    ids=repr,
)
@pytest.mark.smoke
def test_scorers_hand_computed(scorer, expected):
    assert score(scorer) == pytest.approx(expected)


def test_fbeta_weighs_recall():
    # tp=1, fn=2, fp=0: precision 1, recall 1/3.
    y_pred = np.array([1, 0, 0, 0, 0, 0, 0, 0])
    precision, recall = 1.0, 1 / 3
    for beta in (0.5, 2.0):
        expected = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
        assert score(fbeta(beta), y_pred=y_pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    "scorer, y_pred",
    [
        (recall_at_precision(0.7), Y_PRED),  # precision 2/3 < 0.7
        (precision_at_recall(0.9), Y_PRED),  # recall 2/3 < 0.9
        # No positive prediction: precision is undefined; a silent recall 0
        # would win ties against feasible candidates.
        (recall_at_precision(0.5), np.zeros(8, dtype=int)),
    ],
    ids=["precision-short", "recall-short", "no-positive-prediction"],
)
def test_infeasible_constraint_is_minus_inf_with_warning(scorer, y_pred):
    with pytest.warns(InfeasibleConstraintWarning, match=r"is infeasible on these 8 samples"):
        value = score(scorer, y_pred=y_pred)
    assert value == -math.inf


def test_infeasible_warning_names_constraint_and_values():
    with pytest.warns(InfeasibleConstraintWarning) as record:
        score(recall_at_precision(0.7))
    message = str(record[0].message)
    assert "recall_at_precision(min_precision=0.7)" in message
    assert "precision 0.667 and recall 0.667" in message


def test_string_pos_label():
    labels = np.array(["ham", "spam"])
    y_true, y_pred = labels[Y_TRUE], labels[Y_PRED]
    assert score(recall_at_precision(0.6, pos_label="spam"), y_true, y_pred) == pytest.approx(
        2 / 3
    )
    # With "ham" positive: tp=4, fp=1, fn=1, precision 0.8, recall 0.8.
    assert score(precision_at_recall(0.8, pos_label="ham"), y_true, y_pred) == pytest.approx(0.8)
    # scikit-learn's own check catches a pos_label that is not a class.
    with pytest.raises(ValueError, match=r"pos_label=1 is not a valid label"):
        score(cost(fp=1, fn=1), y_true, y_pred)


def test_multiclass_target_is_refused():
    y_true = np.array([0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError, match=r"recall_at_precision is a binary metric"):
        score(recall_at_precision(0.5), y_true, y_true)


@pytest.mark.parametrize(
    "factory, kwargs, match",
    [
        (recall_at_precision, {"min_precision": 1.5}, "min_precision"),
        (recall_at_precision, {"min_precision": 0}, "min_precision"),
        (precision_at_recall, {"min_recall": -0.1}, "min_recall"),
        (fbeta, {"beta": 0}, "beta"),
        (cost, {"fp": -1, "fn": 1}, "fp"),
    ],
)
def test_invalid_parameters(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)


def test_cost_needs_a_positive_cost():
    with pytest.raises(ValueError, match=r"makes every prediction free"):
        cost(fp=0, fn=0)


def test_repr_is_the_factory_call():
    assert repr(recall_at_precision(0.9)) == "recall_at_precision(min_precision=0.9, pos_label=1)"
    assert repr(cost(fp=1, fn=10)) == "cost(fp=1, fn=10, pos_label=1)"


@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(
        n_samples=600, weights=[0.85, 0.15], class_sep=0.8, flip_y=0.02, random_state=0
    )


def _curve(tuned, X, y, metric):
    """The metric at each of the tuner's thresholds, on (X, y), by hand."""
    proba = tuned.estimator_.predict_proba(X)[:, 1]
    return np.array([metric(y, (proba >= t).astype(int)) for t in tuned.cv_results_["thresholds"]])


def _recall_if_precise(min_precision):
    def metric(y, pred):
        tp, fp, fn = np.sum((y == 1) & (pred == 1)), np.sum((y == 0) & (pred == 1)), np.sum(
            (y == 1) & (pred == 0)
        )
        if tp + fp == 0 or tp / (tp + fp) < min_precision:
            return -math.inf
        return tp / (tp + fn)

    return metric


def test_recall_at_precision_as_threshold_objective(imbalanced):
    X, y = imbalanced
    model = LogisticRegression().fit(X[:300], y[:300])
    with warnings.catch_warnings():
        # The sweep meets infeasible thresholds; they must not warn.
        warnings.simplefilter("error", InfeasibleConstraintWarning)
        tuned = TunedThresholdClassifierCV(
            model, scoring=recall_at_precision(0.8), cv="prefit", refit=False,
            store_cv_results=True,
        ).fit(X[300:], y[300:])
    by_hand = _curve(tuned, X[300:], y[300:], _recall_if_precise(0.8))
    assert np.isfinite(by_hand).any() and not np.isfinite(by_hand).all()
    assert tuned.best_score_ == pytest.approx(by_hand.max())
    predicted = tuned.predict(X[300:])
    precision = np.sum((predicted == 1) & (y[300:] == 1)) / np.sum(predicted == 1)
    assert precision >= 0.8


def test_cost_as_threshold_objective_minimizes_cost(imbalanced):
    X, y = imbalanced
    model = LogisticRegression().fit(X[:300], y[:300])
    tuned = TunedThresholdClassifierCV(
        model, scoring=cost(fp=1, fn=10), cv="prefit", refit=False, store_cv_results=True
    ).fit(X[300:], y[300:])

    def mean_cost(y_true, pred):
        false_positives = np.sum((y_true == 0) & (pred == 1))
        false_negatives = np.sum((y_true == 1) & (pred == 0))
        return (false_positives + 10 * false_negatives) / len(y_true)

    costs = _curve(tuned, X[300:], y[300:], mean_cost)
    assert tuned.best_score_ == pytest.approx(-costs.min())
    # Misses cost 10 times false alarms, so the threshold drops below 0.5.
    assert tuned.best_threshold_ < 0.5


def test_all_thresholds_infeasible_gives_minus_inf_best_score(imbalanced):
    X, y = imbalanced
    # Trained on inverted labels, the model ranks negatives first: no threshold
    # reaches a precision of 0.9.
    model = LogisticRegression().fit(X[:300], 1 - y[:300])
    tuned = TunedThresholdClassifierCV(
        model, scoring=recall_at_precision(0.9), cv="prefit", refit=False
    ).fit(X[300:], y[300:])
    assert tuned.best_score_ == -math.inf


def test_grid_search_ranks_infeasible_candidate_last(imbalanced):
    X, y = imbalanced
    # C=1e-6 shrinks the model to the prior: it predicts no positive at 0.5.
    search = GridSearchCV(
        LogisticRegression(), {"C": [1e-6, 1.0]}, scoring=recall_at_precision(0.5), cv=3
    )
    with pytest.warns(InfeasibleConstraintWarning):
        search.fit(X, y)
    assert search.cv_results_["mean_test_score"][0] == -math.inf
    assert np.isfinite(search.cv_results_["mean_test_score"][1])
    assert search.best_params_ == {"C": 1.0}


def test_grid_search_cost_sign(imbalanced):
    X, y = imbalanced
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.01, 1.0]}, scoring=cost(fp=1, fn=10), cv=3
    ).fit(X, y)
    # Scores are negated costs: all <= 0, the best is the least costly.
    assert np.all(search.cv_results_["mean_test_score"] <= 0)
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()


def test_multimetric_grid_search(imbalanced):
    X, y = imbalanced
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, refit="f2",
        scoring={"f2": fbeta(2), "cost": cost(fp=1, fn=5), "rap": recall_at_precision(0.3)},
    ).fit(X, y)
    for name in ("f2", "cost", "rap"):
        assert np.all(np.isfinite(search.cv_results_[f"mean_test_{name}"]))


def test_metrics_import_without_tensorflow():
    code = (
        "import sys, sklearn_imbal.metrics; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
