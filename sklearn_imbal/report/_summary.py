"""The metrics table of a binary classifier at one decision threshold."""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Union

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    roc_auc_score,
)

from sklearn_imbal._compat import Interval, validate_params
from sklearn_imbal.utils.validation import check_classification_target

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

#: The label of the positive class.
PosLabel = Union[int, float, bool, str]

__all__ = ["check_binary_scores", "classification_summary", "format_summary", "to_jsonable"]


def check_binary_scores(
    y_true: ArrayLike,
    proba: ArrayLike,
    *,
    pos_label: PosLabel = 1,
    owner: str = "check_binary_scores",
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Validate a binary target and the positive-class probabilities scored on it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels with exactly two classes.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or the two-column output of
        ``predict_proba`` whose columns follow the sorted labels (a fitted
        classifier's ``classes_``).
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    owner : str, default="check_binary_scores"
        The function named in the error messages (the report or figure asked for).

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
        The labels as a 1-D array.
    proba : ndarray of shape (n_samples,), dtype=float64
        The probabilities of ``pos_label``.
    labels : list
        ``[negative_label, positive_label]``, as found in ``y_true``.

    Raises
    ------
    ValueError
        If ``y_true`` does not hold exactly two classes, ``pos_label`` is not one
        of them, ``proba`` has the wrong shape or length, or holds values that
        are not finite probabilities in [0, 1].
    """
    try:
        proba = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"proba must hold numbers (probabilities in [0, 1]): {exc}") from None
    if proba.ndim == 2 and proba.shape[1] != 2:
        raise ValueError(
            f"proba has shape {proba.shape}: {proba.shape[1]} columns. Pass the "
            "positive-class probabilities as a 1-D array, or the two columns of a "
            "binary classifier's predict_proba; multiclass output is not supported."
        )
    if proba.ndim not in (1, 2):
        raise ValueError(
            f"proba has shape {proba.shape}; expected (n_samples,) positive-class "
            "probabilities or (n_samples, 2) predict_proba output."
        )
    y_true = check_classification_target(
        y_true, proba.shape[0], binary_only=True, owner=owner, input_name="y_true"
    )
    classes = np.unique(y_true)
    if pos_label not in classes.tolist():
        raise ValueError(
            f"pos_label={pos_label!r} is not a label of y_true, whose labels are "
            f"{classes.tolist()}. Pass pos_label= one of them."
        )
    # The labels as they are in y_true, as Python scalars (pos_label=1 may name
    # the label True).
    positive_index = 1 if classes[1] == pos_label else 0
    negative, positive = (classes[1 - positive_index].item(), classes[positive_index].item())
    if proba.ndim == 2:
        proba = proba[:, positive_index]
    if not np.all(np.isfinite(proba)):
        raise ValueError("proba contains NaN or infinity.")
    if proba.size and (proba.min() < 0 or proba.max() > 1):
        raise ValueError(
            f"proba must hold probabilities in [0, 1]; its values range from "
            f"{proba.min():.4g} to {proba.max():.4g}. Decision-function scores "
            "(e.g. LinearSVC) are not probabilities: calibrate them first "
            "(sklearn.calibration.CalibratedClassifierCV)."
        )
    return y_true, proba, [negative, positive]


def _ratio(numerator, denominator):
    # The report's convention for an empty denominator (no predicted positives,
    # say) is 0.0 without a warning: a report must not fail on a degenerate
    # threshold, and sklearn's zero_division=0 gives the same value.
    return float(numerator / denominator) if denominator else 0.0


@validate_params(
    {
        # None passes on to check_binary_scores, which gives the library's one
        # message for a missing target.
        "y_true": ["array-like", None],
        "proba": ["array-like"],
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "pos_label": [Real, str, "boolean"],
    },
    prefer_skip_nested_validation=True,
)
def classification_summary(
    y_true: ArrayLike, proba: ArrayLike, threshold: float, *, pos_label: PosLabel = 1
) -> dict[str, Any]:
    """Metrics of a binary classifier at a decision threshold, as a dict.

    A sample is predicted positive when its probability is at least
    ``threshold`` (the rule of scikit-learn's ``TunedThresholdClassifierCV``).
    The threshold-free ranking metrics (ROC AUC, average precision) are
    computed from the probabilities themselves.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels with exactly two classes.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or the two-column output of
        ``predict_proba`` (columns in sorted label order, as ``classes_``).
    threshold : float in [0, 1]
        The decision threshold, e.g. ``TunedThresholdClassifierCV.best_threshold_``.
    pos_label : int, float, bool or str, default=1
        The label of the positive (usually minority) class.

    Returns
    -------
    summary : dict
        ``threshold``, ``pos_label``, ``labels`` (``[negative, positive]``),
        ``n_samples``, ``support`` (``{"negative": n, "positive": n}``),
        ``prevalence`` (share of positives), ``accuracy``, ``balanced_accuracy``,
        ``precision``, ``recall``, ``specificity``, ``f1``, ``roc_auc``,
        ``average_precision``, ``confusion_matrix`` (``[[tn, fp], [fn, tp]]``,
        rows true, columns predicted), ``classification_report_imbalanced``
        (imbalanced-learn's report as a dict) and
        ``classification_report_imbalanced_text`` (the same, as text). Values
        are Python numbers; an undefined ratio (no predicted positives) is 0.0.

    See Also
    --------
    format_summary : The summary as a text table.
    write_report : The summary and its figures written to a folder.

    Examples
    --------
    >>> from sklearn_imbal.report import classification_summary
    >>> summary = classification_summary([0, 0, 0, 1, 1], [0.1, 0.4, 0.6, 0.7, 0.3], 0.5)
    >>> summary["confusion_matrix"]
    [[2, 1], [1, 1]]
    >>> round(summary["f1"], 3), round(summary["roc_auc"], 3)
    (0.5, 0.667)
    """
    from imblearn.metrics import classification_report_imbalanced

    y_true, proba, labels = check_binary_scores(
        y_true, proba, pos_label=pos_label, owner="classification_summary"
    )
    negative, positive = labels
    y_pred = np.where(proba >= threshold, positive, negative).astype(y_true.dtype)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y_true, y_pred, labels=labels).ravel())
    y_binary = (y_true == positive).astype(int)
    recall = _ratio(tp, tp + fn)
    specificity = _ratio(tn, tn + fp)
    precision = _ratio(tp, tp + fp)
    report_kwargs = dict(labels=labels, target_names=[str(negative), str(positive)],
                         zero_division=0)
    return {
        "threshold": float(threshold),
        "pos_label": positive,
        "labels": labels,
        "n_samples": int(y_true.shape[0]),
        "support": {"negative": tn + fp, "positive": tp + fn},
        "prevalence": _ratio(tp + fn, y_true.shape[0]),
        "accuracy": _ratio(tp + tn, y_true.shape[0]),
        "balanced_accuracy": (recall + specificity) / 2,
        "precision": precision,
        "recall": recall,
        "specificity": specificity,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "roc_auc": float(roc_auc_score(y_binary, proba)),
        "average_precision": float(average_precision_score(y_binary, proba)),
        "confusion_matrix": [[tn, fp], [fn, tp]],
        "classification_report_imbalanced": to_jsonable(
            classification_report_imbalanced(y_true, y_pred, output_dict=True,
                                             **report_kwargs)
        ),
        "classification_report_imbalanced_text": classification_report_imbalanced(
            y_true, y_pred, digits=3, **report_kwargs
        ),
    }


_TABLE_ROWS = [
    ("threshold", "decision threshold"),
    ("f1", "F1"),
    ("precision", "precision"),
    ("recall", "recall (sensitivity)"),
    ("specificity", "specificity"),
    ("balanced_accuracy", "balanced accuracy"),
    ("accuracy", "accuracy"),
    ("roc_auc", "ROC AUC"),
    ("average_precision", "average precision"),
]


def format_summary(summary: Mapping[str, Any], *, digits: int = 3) -> str:
    """Format a :func:`classification_summary` as a plain-text table.

    Parameters
    ----------
    summary : dict
        The output of :func:`classification_summary` (or the ``"summary"`` of a
        ``report.json`` written by :func:`write_report`).
    digits : int, default=3
        Decimal places of the metrics.

    Returns
    -------
    text : str
        One metric a line, then the support and the confusion matrix.

    Examples
    --------
    >>> from sklearn_imbal.report import classification_summary, format_summary
    >>> summary = classification_summary([0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9], 0.5)
    >>> print(format_summary(summary))  # doctest: +NORMALIZE_WHITESPACE
    decision threshold      0.500
    F1                      0.800
    precision               0.667
    recall (sensitivity)    1.000
    specificity             0.500
    balanced accuracy       0.750
    accuracy                0.750
    ROC AUC                 1.000
    average precision       1.000
    support                 2 negative (0), 2 positive (1)
    confusion matrix        predicted 0  predicted 1
      true 0                          1            1
      true 1                          0            2
    """
    if not isinstance(digits, Integral) or digits < 0:
        raise ValueError(f"digits must be a non-negative int; got {digits!r}.")
    negative, positive = summary["labels"]
    lines = [f"{label:<22}  {summary[key]:.{digits}f}" for key, label in _TABLE_ROWS]
    support = summary["support"]
    lines.append(f"{'support':<22}  {support['negative']} negative ({negative}), "
                 f"{support['positive']} positive ({positive})")
    (tn, fp), (fn, tp) = summary["confusion_matrix"]
    heads = [f"predicted {negative}", f"predicted {positive}"]
    width = max(len(head) for head in heads + [str(v) for v in (tn, fp, fn, tp)])
    lines.append(f"{'confusion matrix':<22}  " + "  ".join(h.rjust(width) for h in heads))
    for label, row in ((negative, (tn, fp)), (positive, (fn, tp))):
        lines.append(f"{'  true ' + str(label):<22}  "
                     + "  ".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


def to_jsonable(value: Any, *, _path: str = "value") -> Any:
    """A copy of ``value`` that :func:`json.dumps` accepts, numpy types converted.

    Dict keys become str; tuples, sets and arrays become lists; numpy scalars
    become Python numbers; NaN and infinity become None (JSON has no such
    numbers); paths become str.

    Parameters
    ----------
    value : object
        Nested dicts, lists, tuples, numpy arrays and scalars, str, numbers,
        bool, None or ``os.PathLike``.

    Returns
    -------
    value : object
        Built from dict, list, str, int, float, bool and None only.

    Raises
    ------
    TypeError
        For any other type, naming where it sits in ``value``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.report import to_jsonable
    >>> to_jsonable({np.int64(1): np.array([0.5, np.nan]), "ok": np.bool_(True)})
    {'1': [0.5, None], 'ok': True}
    """
    import os

    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, (str, bool, int)):
            return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return {str(to_jsonable(k, _path=_path)): to_jsonable(v, _path=f"{_path}[{k!r}]")
                for k, v in value.items()}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [to_jsonable(v, _path=f"{_path}[{i}]") for i, v in enumerate(items)]
    raise TypeError(
        f"{_path} has type {type(value).__name__}, which has no JSON form; pass str, "
        "numbers, bool, None, lists or dicts of them (or numpy arrays and scalars)."
    )
