"""Scorers for imbalanced binary classification, for model selection and threshold tuning.

Each factory returns a scikit-learn scorer built on hard predictions
(``response_method="predict"``), so the same object works in two places:

* ``GridSearchCV(scoring=...)`` (and ``cross_validate``...), where it scores the
  candidate's ``predict``, which for a ``TunedThresholdClassifierCV`` is the
  tuned threshold;
* ``TunedThresholdClassifierCV(scoring=...)``, which sweeps the decision
  threshold and calls the scorer's metric on the hard predictions at each one.

Constraint scorers (:func:`recall_at_precision`, :func:`precision_at_recall`)
score ``-inf`` where the constraint is not met. Why ``-inf`` and not 0 or NaN:

* 0 is a legal score (no recall): an infeasible candidate scoring 0 would tie
  with, or beat, feasible ones, silently;
* ``TunedThresholdClassifierCV`` picks the best threshold with ``argmax``, which
  returns the first NaN it meets: NaN would *select* an infeasible threshold.
  ``argmax`` never picks ``-inf`` while a feasible threshold exists, and the
  mean of its cross-validation curves is ``-inf`` at any threshold infeasible
  on one fold, so the tuned threshold satisfies the constraint on every fold;
* ``GridSearchCV`` averages fold scores, so a candidate infeasible on one test
  fold has mean ``-inf`` and ranks last; scikit-learn also warns about the
  non-finite score.

Every scorer accepts ``sample_weight`` (passed to the scorer directly, or routed
by a search with metadata routing): the confusion counts are then sums of weights,
and weights of the wrong length or with negative values are a clear error.

When a *final* score (a search's fold score, or a direct ``scorer(est, X, y)``
call) is infeasible, the scorer warns with :class:`InfeasibleConstraintWarning`
naming the constraint and the value reached. Inside a threshold sweep, where
most thresholds are expected to be infeasible, it stays silent.

This module does not import TensorFlow.
"""

from __future__ import annotations

import math
import warnings
from numbers import Real
from typing import Any, Union

import numpy as np
from sklearn.metrics import fbeta_score
from sklearn.utils.validation import check_is_fitted

from sklearn_imbal._compat import Interval, _Scorer, validate_params
from sklearn_imbal.exceptions import InfeasibleConstraintWarning
from sklearn_imbal.utils.validation import check_classification_target, check_sample_weight

#: A class label that can be the positive class.
PosLabel = Union[int, float, bool, str]

__all__ = [
    "InfeasibleConstraintWarning",
    "cost",
    "fbeta",
    "precision_at_recall",
    "recall_at_precision",
]


# ----------------------------------------------------------------- metrics
def _confusion(y_true, y_pred, pos_label, metric, sample_weight=None):
    """Binary confusion counts (tp, fp, fn, tn) of hard predictions, weighted if asked."""
    # One class is fine when scoring (a small fold may hold no positive).
    y_true = check_classification_target(
        y_true, min_classes=1, binary_only=True, owner=metric,
        binary_reason="is a binary metric", input_name="y_true",
    )
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes {y_true.shape} and {y_pred.shape}."
        )
    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    if pos_label not in labels.tolist() and labels.shape[0] > 1:
        raise ValueError(
            f"pos_label={pos_label!r} is not a label of y: {labels.tolist()}. Pass the "
            "positive class, e.g. recall_at_precision(0.9, pos_label='spam')."
        )
    weights = check_sample_weight(sample_weight, y_true.shape[0])
    true = y_true == pos_label
    pred = y_pred == pos_label
    tp = float(np.sum(weights[true & pred]))
    fp = float(np.sum(weights[~true & pred]))
    fn = float(np.sum(weights[true & ~pred]))
    tn = float(np.sum(weights[~true & ~pred]))
    return tp, fp, fn, tn


def _recall_at_precision_score(y_true, y_pred, *, min_precision, pos_label=1,
                               sample_weight=None):
    tp, fp, fn, _ = _confusion(y_true, y_pred, pos_label, "recall_at_precision",
                               sample_weight)
    # No positive prediction: the precision is undefined, so the constraint is
    # not verified; scoring it feasible would make "predict nothing" a recall-0
    # winner whenever nothing else is feasible.
    if tp + fp == 0 or tp + fn == 0 or tp / (tp + fp) < min_precision:
        return -math.inf
    return tp / (tp + fn)


def _precision_at_recall_score(y_true, y_pred, *, min_recall, pos_label=1,
                               sample_weight=None):
    tp, fp, fn, _ = _confusion(y_true, y_pred, pos_label, "precision_at_recall",
                               sample_weight)
    if tp + fn == 0 or tp / (tp + fn) < min_recall or tp + fp == 0:
        return -math.inf
    return tp / (tp + fp)


def _cost_score(y_true, y_pred, *, fp, fn, pos_label=1, sample_weight=None):
    _, n_fp, n_fn, _ = _confusion(y_true, y_pred, pos_label, "cost", sample_weight)
    # Per sample (per unit of weight), so that folds of different sizes are
    # comparable and averaging fold scores in a search weighs every sample alike.
    total = len(y_true) if sample_weight is None else float(np.sum(sample_weight))
    return (fp * n_fp + fn * n_fn) / total


def _achieved(score_func, kwargs, y_true, y_pred, sample_weight=None):
    """The precision and recall reached, for the infeasibility warning."""
    tp, fp, fn, _ = _confusion(y_true, y_pred, kwargs.get("pos_label", 1), score_func,
                               sample_weight)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall


# ----------------------------------------------------------------- scorers
class _NamedScorer(_Scorer):
    """A scorer whose repr is the factory call that made it."""

    def __init__(self, score_func, sign, kwargs, *, name):
        super().__init__(score_func, sign, kwargs, response_method="predict")
        self._name = name

    def __repr__(self):
        arguments = ", ".join(f"{key}={value!r}" for key, value in self._kwargs.items())
        return f"{self._name}({arguments})"

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        # scikit-learn's scorers fail with "no attribute 'classes_'" on an
        # unfitted classifier; say what is wrong.
        check_is_fitted(estimator)
        if kwargs.get("sample_weight") is not None:
            # Checked here so that every scorer (fbeta's sklearn metric too)
            # rejects negative or misaligned weights the same way.
            kwargs["sample_weight"] = check_sample_weight(
                kwargs["sample_weight"], len(y_true)
            )
        return super()._score(method_caller, estimator, X, y_true, **kwargs)


class _ConstraintScorer(_NamedScorer):
    """A scorer that warns when the final score it returns is infeasible.

    ``TunedThresholdClassifierCV`` uses only the scorer's metric function for
    its sweep, so these warnings come from final scores only.
    """

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        # Cache the predictions: the warning needs them too.
        cache = {}

        def caching_caller(estimator, method, *args, **kw):
            if method not in cache:
                cache[method] = method_caller(estimator, method, *args, **kw)
            return cache[method]

        score = super()._score(caching_caller, estimator, X, y_true, **kwargs)
        if not math.isfinite(score):
            precision, recall = _achieved(self._name, self._kwargs, y_true, cache["predict"],
                                          kwargs.get("sample_weight"))
            constraint = ", ".join(
                f"{key}={value}" for key, value in self._kwargs.items() if key != "pos_label"
            )
            warnings.warn(
                InfeasibleConstraintWarning(
                    f"{self._name}({constraint}) is infeasible on these "
                    f"{len(y_true)} samples: the predictions reach precision "
                    f"{precision:.3f} and recall {recall:.3f}. The score is -inf, so "
                    "this candidate ranks last in a search. Relax the constraint, "
                    "tune the threshold for it (TunedThresholdClassifierCV with this "
                    "scorer), or leave a safety margin above the required value."
                ),
                stacklevel=3,
            )
        return score


@validate_params(
    {
        "min_precision": [Interval(Real, 0, 1, closed="right")],
        "pos_label": [Real, str, "boolean"],
    },
    prefer_skip_nested_validation=True,
)
def recall_at_precision(min_precision: float, *, pos_label: PosLabel = 1) -> Any:
    """Scorer: the recall, provided the precision is at least ``min_precision``.

    "Catch as much spam as possible while at most 1 flagged message in 10 is a
    false alarm" is ``recall_at_precision(0.9)``. As the objective of
    ``TunedThresholdClassifierCV`` it selects the threshold with the highest
    recall among those whose precision reaches ``min_precision``; in
    ``GridSearchCV`` it scores each candidate's predictions.

    Parameters
    ----------
    min_precision : float in (0, 1]
        The least acceptable precision of the positive class.
    pos_label : int, float, bool or str, default=1
        The positive class.

    Returns
    -------
    scorer : callable
        A scorer ``scorer(estimator, X, y)`` on hard predictions; higher is
        better. Infeasible predictions (precision below ``min_precision``, or
        no positive prediction, where precision is undefined) score ``-inf``,
        and a final score that is infeasible warns with
        :class:`InfeasibleConstraintWarning`; see the module docstring for why.

    See Also
    --------
    precision_at_recall : The dual constraint.
    sklearn.model_selection.TunedThresholdClassifierCV : Tunes the threshold
        for this objective.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_imbal.metrics import recall_at_precision
    >>> scorer = recall_at_precision(0.5)
    >>> scorer
    recall_at_precision(min_precision=0.5, pos_label=1)
    >>> always_positive = DummyClassifier(strategy="constant", constant=1)
    >>> X, y = [[0]] * 4, [1, 0, 0, 1]
    >>> scorer(always_positive.fit(X, y), X, y)  # precision 0.5, recall 1
    1.0
    """
    return _ConstraintScorer(
        _recall_at_precision_score, 1,
        {"min_precision": min_precision, "pos_label": pos_label},
        name="recall_at_precision",
    )


@validate_params(
    {
        "min_recall": [Interval(Real, 0, 1, closed="right")],
        "pos_label": [Real, str, "boolean"],
    },
    prefer_skip_nested_validation=True,
)
def precision_at_recall(min_recall: float, *, pos_label: PosLabel = 1) -> Any:
    """Scorer: the precision, provided the recall is at least ``min_recall``.

    "Flag at least 95% of fraud, with as few false alarms as possible" is
    ``precision_at_recall(0.95)``.

    Parameters
    ----------
    min_recall : float in (0, 1]
        The least acceptable recall of the positive class.
    pos_label : int, float, bool or str, default=1
        The positive class.

    Returns
    -------
    scorer : callable
        A scorer on hard predictions; higher is better. Infeasible predictions
        (recall below ``min_recall``, or no positive sample) score ``-inf``,
        and a final infeasible score warns with
        :class:`InfeasibleConstraintWarning`.

    See Also
    --------
    recall_at_precision : The dual constraint.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_imbal.metrics import precision_at_recall
    >>> X, y = [[0]] * 4, [1, 0, 0, 1]
    >>> always_positive = DummyClassifier(strategy="constant", constant=1).fit(X, y)
    >>> precision_at_recall(0.9)(always_positive, X, y)
    0.5
    """
    return _ConstraintScorer(
        _precision_at_recall_score, 1,
        {"min_recall": min_recall, "pos_label": pos_label},
        name="precision_at_recall",
    )


@validate_params(
    {
        "beta": [Interval(Real, 0, None, closed="neither")],
        "pos_label": [Real, str, "boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fbeta(beta: float, *, pos_label: PosLabel = 1) -> Any:
    """Scorer: the F-beta score of the positive class.

    ``beta > 1`` weighs recall higher (``fbeta(2)``: missing a positive costs as
    much as four false alarms), ``beta < 1`` weighs precision higher;
    ``fbeta(1)`` is the F1 score (``scoring="f1"``).

    Parameters
    ----------
    beta : float > 0
        The weight of recall relative to precision.
    pos_label : int, float, bool or str, default=1
        The positive class.

    Returns
    -------
    scorer : callable
        A scorer on hard predictions; higher is better. When there is no
        positive prediction and no positive sample it is 0
        (``zero_division=0``), as scikit-learn's ``"f1"``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_imbal.metrics import fbeta
    >>> X, y = [[0]] * 4, [1, 0, 0, 1]
    >>> always_positive = DummyClassifier(strategy="constant", constant=1).fit(X, y)
    >>> round(fbeta(2)(always_positive, X, y), 4)  # precision 0.5, recall 1
    0.8333
    """
    return _NamedScorer(
        fbeta_score, 1,
        {"beta": beta, "pos_label": pos_label, "zero_division": 0.0},
        name="fbeta",
    )


@validate_params(
    {
        "fp": [Interval(Real, 0, None, closed="left")],
        "fn": [Interval(Real, 0, None, closed="left")],
        "pos_label": [Real, str, "boolean"],
    },
    prefer_skip_nested_validation=True,
)
def cost(*, fp: float, fn: float, pos_label: PosLabel = 1) -> Any:
    """Scorer: the mean misclassification cost per sample; lower is better.

    The cost of the predictions is ``(fp * n_false_positives + fn *
    n_false_negatives) / n_samples``. The scorer is made with
    ``greater_is_better=False``, as scikit-learn's ``neg_*`` scorers: it
    *returns the negated cost*, so that every tool maximizing scores
    (``GridSearchCV``, ``TunedThresholdClassifierCV``) minimizes the cost, and
    ``search.best_score_`` is ``-cost``.

    Parameters
    ----------
    fp : float >= 0
        Cost of one false positive (e.g. a legitimate message sent to spam).
    fn : float >= 0
        Cost of one false negative (e.g. a spam message let through).
    pos_label : int, float, bool or str, default=1
        The positive class.

    Returns
    -------
    scorer : callable
        A scorer on hard predictions returning ``-cost``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_imbal.metrics import cost
    >>> X, y = [[0]] * 4, [1, 0, 0, 1]
    >>> always_negative = DummyClassifier(strategy="constant", constant=0).fit(X, y)
    >>> cost(fp=1, fn=5)(always_negative, X, y)  # two misses at 5, over 4 samples
    -2.5
    """
    if fp == 0 and fn == 0:
        raise ValueError("cost(fp=0, fn=0) makes every prediction free; give a positive cost.")
    return _NamedScorer(
        _cost_score, -1, {"fp": fp, "fn": fn, "pos_label": pos_label}, name="cost"
    )
