"""Figures of a binary classifier's scores: curves with the operating point marked.

matplotlib is imported inside the functions, so ``sklearn_imbal.report`` loads
without it. Without ``ax`` the figures are made with ``pyplot`` (they show in
notebooks and sphinx-gallery collects them); :func:`write_report` passes axes of
figures it makes without ``pyplot``, so writing files needs no display.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    PrecisionRecallDisplay,
    RocCurveDisplay,
    confusion_matrix,
    get_scorer,
)

from sklearn_imbal._compat import (
    HasMethods,
    Interval,
    StrOptions,
    scorer_score_func,
    validate_params,
)
from sklearn_imbal.report._summary import check_binary_scores

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from numpy.typing import ArrayLike

    from sklearn_imbal.report._summary import PosLabel

    #: One threshold, several labelled ones, or none.
    Thresholds = float | Mapping[str, float] | None

__all__ = [
    "plot_confusion_matrix",
    "plot_precision_recall_curve",
    "plot_roc_curve",
    "plot_threshold_curve",
    "threshold_curve",
]

_MARKERS = ["o", "s", "^", "D", "v", "P"]
_LINESTYLES = ["--", ":", "-."]

# Shared constraints of the figure functions' common parameters.
_SCORES = {"y_true": ["array-like"], "proba": ["array-like"], "pos_label": [Real, str, "boolean"]}
_MARKS = [Interval(Real, 0, 1, closed="both"), dict, None]
_AX = [HasMethods(["plot", "get_figure"]), None]


def _thresholds_to_mark(threshold):
    """``[(label, value), ...]`` from a float, a {label: float} dict or None."""
    if threshold is None:
        return []
    if not isinstance(threshold, dict):
        return [(f"threshold {threshold:.2f}", float(threshold))]
    marks = []
    for label, value in threshold.items():
        if not isinstance(value, Real) or not 0 <= float(value) <= 1:
            raise ValueError(
                f"threshold[{label!r}] is {value!r}; every threshold to mark must be a "
                "number in [0, 1]."
            )
        marks.append((f"{label} ({value:.2f})", float(value)))
    return marks


def _figure(ax: Axes) -> Figure | SubFigure:
    """The figure (or subfigure) ``ax`` belongs to, which every axes we draw on has."""
    figure = ax.get_figure()
    if figure is None:
        raise ValueError("ax does not belong to a figure; create it with plt.subplots().")
    return figure


def _mark(ax, x, y, index, color, label):
    """One operating point: the curve's colour, so several curves on one axes
    stay paired with their marks; a shape per threshold."""
    ax.plot(x, y, _MARKERS[index % len(_MARKERS)], color=color, markeredgecolor="black",
            markersize=9, linestyle="none", label=label)


def _axes(ax, **subplots_kwargs):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(**subplots_kwargs)[1]


def _rates(y_true, proba, threshold, positive):
    """Precision, recall and false-positive rate of ``proba >= threshold``.

    With no predicted positive, precision is 1.0 here (where the
    precision-recall curve ends, so the mark sits on the curve), while
    :func:`classification_summary` reports 0.0 (scikit-learn's
    ``zero_division=0``).
    """
    actual = y_true == positive
    predicted = proba >= threshold
    tp = np.sum(actual & predicted)
    precision = tp / predicted.sum() if predicted.any() else 1.0
    recall = tp / actual.sum()
    fpr = np.sum(~actual & predicted) / np.sum(~actual)
    return float(precision), float(recall), float(fpr)


@validate_params({**_SCORES, "threshold": _MARKS, "name": [str, None], "ax": _AX},
                 prefer_skip_nested_validation=True)
def plot_precision_recall_curve(
    y_true: ArrayLike,
    proba: ArrayLike,
    threshold: Thresholds = None,
    *,
    pos_label: PosLabel = 1,
    name: str | None = None,
    ax: Axes | None = None,
) -> Figure | SubFigure:
    """Precision-recall curve, with the operating point at ``threshold`` marked.

    The dashed line is the chance level: the precision of random guessing, the
    share of positives. On imbalanced data this curve shows what the ROC curve
    hides: how many of the flagged samples are false alarms.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    threshold : float in [0, 1], dict of str to float, or None, default=None
        Operating point(s) to mark; a dict labels each one
        (``{"tuned": 0.31, "default": 0.5}``).
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    name : str, default=None
        The curve's name in the legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_imbal.report import plot_precision_recall_curve
    >>> fig = plot_precision_recall_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], threshold=0.5)
    >>> fig.axes[0].get_xlabel()
    'Recall (Positive label: 1)'
    """
    y_true, proba, (_, positive) = check_binary_scores(
        y_true, proba, pos_label=pos_label, owner="plot_precision_recall_curve"
    )
    ax = _axes(ax)
    first = len(ax.lines)
    PrecisionRecallDisplay.from_predictions(
        y_true, proba, pos_label=positive, name=name, ax=ax, plot_chance_level=True
    )
    color = ax.lines[first].get_color()
    for index, (label, value) in enumerate(_thresholds_to_mark(threshold)):
        precision, recall, _ = _rates(y_true, proba, value, positive)
        _mark(ax, recall, precision, index, color,
              f"{label}: P={precision:.2f}, R={recall:.2f}")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.legend(loc="lower left")
    return _figure(ax)


@validate_params({**_SCORES, "threshold": _MARKS, "name": [str, None], "ax": _AX},
                 prefer_skip_nested_validation=True)
def plot_roc_curve(
    y_true: ArrayLike,
    proba: ArrayLike,
    threshold: Thresholds = None,
    *,
    pos_label: PosLabel = 1,
    name: str | None = None,
    ax: Axes | None = None,
) -> Figure | SubFigure:
    """ROC curve, with the operating point at ``threshold`` marked.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    threshold : float in [0, 1], dict of str to float, or None, default=None
        Operating point(s) to mark; a dict labels each one.
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    name : str, default=None
        The curve's name in the legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_imbal.report import plot_roc_curve
    >>> fig = plot_roc_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], threshold={"default": 0.5})
    >>> len(fig.axes)
    1
    """
    y_true, proba, (_, positive) = check_binary_scores(
        y_true, proba, pos_label=pos_label, owner="plot_roc_curve"
    )
    ax = _axes(ax)
    first = len(ax.lines)
    RocCurveDisplay.from_predictions(
        y_true, proba, pos_label=positive, name=name, ax=ax, plot_chance_level=True
    )
    color = ax.lines[first].get_color()
    for index, (label, value) in enumerate(_thresholds_to_mark(threshold)):
        _, recall, fpr = _rates(y_true, proba, value, positive)
        _mark(ax, fpr, recall, index, color, f"{label}: FPR={fpr:.3f}, TPR={recall:.2f}")
    ax.legend(loc="lower right")
    return _figure(ax)


class _FixedProbabilities(ClassifierMixin, BaseEstimator):
    """A "fitted classifier" that answers a scorer from stored probabilities.

    Why: a scorer (``"f1"``, ``make_scorer(...)``, ``sklearn_imbal.metrics``)
    only talks to an estimator, calling whichever of ``predict`` or
    ``predict_proba`` it needs. Answering those calls from the probabilities
    and one threshold evaluates any scorer at that threshold through its
    public interface; ``X`` is the row indices.
    """

    def __init__(self, proba=None, classes=None, positive=None, threshold=0.5):
        self.proba = proba
        self.classes = classes
        self.positive = positive
        self.threshold = threshold

    def fit(self, X, y=None):  # pragma: no cover - the scorer never fits
        return self

    @property
    def classes_(self):
        return self.classes

    def predict_proba(self, X):
        positive = self.proba[np.asarray(X)]
        columns = [positive, 1.0 - positive]
        return np.column_stack(columns if self.classes[0] == self.positive else columns[::-1])

    def predict(self, X):
        negative = self.classes[1] if self.classes[0] == self.positive else self.classes[0]
        return np.where(self.proba[np.asarray(X)] >= self.threshold, self.positive, negative)


@validate_params(
    {**_SCORES, "scoring": [str, callable],
     "thresholds": [Interval(Integral, 2, None, closed="left"), "array-like"]},
    prefer_skip_nested_validation=True,
)
def threshold_curve(
    y_true: ArrayLike,
    proba: ArrayLike,
    *,
    scoring: str | Callable[..., float] = "f1",
    thresholds: int | ArrayLike = 101,
    pos_label: PosLabel = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """A score as a function of the decision threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    scoring : str or callable, default="f1"
        A scikit-learn scoring name or a scorer ``scorer(estimator, X, y)``
        (``make_scorer(fbeta_score, beta=2)``, a ``sklearn_imbal.metrics``
        scorer), as ``TunedThresholdClassifierCV(scoring=...)`` takes. A
        threshold-free scorer such as ``"roc_auc"`` gives a flat line.
    thresholds : int or array-like of float, default=101
        An int ``n``: ``n`` evenly spaced thresholds in [0, 1], plus ``n``
        spanning the range of ``proba`` (where the score changes), sorted.
        An array: these thresholds.
    pos_label : int, float, bool or str, default=1
        The label of the positive class.

    Returns
    -------
    thresholds : ndarray of shape (n_thresholds,)
        The thresholds, ascending.
    scores : ndarray of shape (n_thresholds,)
        The score of ``proba >= threshold`` at each threshold.

    Examples
    --------
    >>> from sklearn_imbal.report import threshold_curve
    >>> thresholds, f1 = threshold_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9],
    ...                                  thresholds=[0.3, 0.5, 0.7])
    >>> f1.round(3).tolist()
    [0.8, 0.5, 0.667]
    """
    y_true, proba, (_, positive) = check_binary_scores(
        y_true, proba, pos_label=pos_label, owner="threshold_curve"
    )
    scorer = get_scorer(scoring)
    if isinstance(thresholds, Integral):
        thresholds = np.unique(np.concatenate(
            [np.linspace(0, 1, thresholds), np.linspace(proba.min(), proba.max(), thresholds)]
        ))
    else:
        thresholds = np.sort(np.asarray(thresholds, dtype=np.float64).ravel())
        if thresholds.size == 0 or thresholds[0] < 0 or thresholds[-1] > 1:
            raise ValueError("thresholds must be a non-empty list of numbers in [0, 1].")
    if isinstance(scoring, str):
        # scikit-learn's named scorers ("f1", "precision"...) take label 1 as the
        # positive class; on the target binarized for pos_label they score
        # pos_label whatever the labels are ("spam", or 0). A scorer object
        # carries its own pos_label and gets the labels as they are.
        y_true, positive = np.asarray(y_true == positive, dtype=np.int64), 1
    stand_in = _FixedProbabilities(proba, np.unique(y_true), positive)
    rows = np.arange(y_true.shape[0])
    scores = []
    for value in thresholds:
        stand_in.threshold = value
        scores.append(float(scorer(stand_in, rows, y_true)))
    return thresholds, np.asarray(scores)


def _scoring_name(scoring):
    if isinstance(scoring, str):
        return scoring
    return getattr(scorer_score_func(scoring), "__name__", None) or "score"


@validate_params(
    {**_SCORES, "threshold": _MARKS, "scoring": [str, callable],
     "thresholds": [Interval(Integral, 2, None, closed="left"), "array-like"],
     "name": [str, None], "ax": _AX},
    prefer_skip_nested_validation=True,
)
def plot_threshold_curve(
    y_true: ArrayLike,
    proba: ArrayLike,
    threshold: Thresholds = None,
    *,
    scoring: str | Callable[..., float] = "f1",
    thresholds: int | ArrayLike = 101,
    pos_label: PosLabel = 1,
    name: str | None = None,
    ax: Axes | None = None,
) -> Figure | SubFigure:
    """A score (F1 by default) against the decision threshold, chosen threshold marked.

    After class weighting or resampling, the probabilities are shifted upwards
    and the best threshold is rarely 0.5: this is the curve that
    ``TunedThresholdClassifierCV`` maximizes on its validation data.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    threshold : float in [0, 1], dict of str to float, or None, default=None
        Threshold(s) to mark with a vertical line and their score; a dict labels
        each one (``{"tuned": tuned.best_threshold_, "default": 0.5}``).
    scoring : str or callable, default="f1"
        A scikit-learn scoring name or a scorer, see :func:`threshold_curve`.
    thresholds : int or array-like of float, default=101
        The thresholds to evaluate, see :func:`threshold_curve`.
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    name : str, default=None
        The curve's name in the legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_imbal.report import plot_threshold_curve
    >>> fig = plot_threshold_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], threshold=0.5)
    >>> fig.axes[0].get_ylabel()
    'f1'
    """
    grid, scores = threshold_curve(y_true, proba, scoring=scoring, thresholds=thresholds,
                                   pos_label=pos_label)
    ax = _axes(ax)
    label = _scoring_name(scoring)
    (line,) = ax.plot(grid, scores, label=name or label)
    marks = _thresholds_to_mark(threshold)
    if marks:
        _, marked = threshold_curve(y_true, proba, scoring=scoring, pos_label=pos_label,
                                    thresholds=[value for _, value in marks])
        # threshold_curve sorts; match the scores back to the marks by value.
        by_value = dict(zip(sorted(value for _, value in marks), marked))
        for index, (text, value) in enumerate(marks):
            ax.axvline(value, color=line.get_color(), linewidth=1,
                       linestyle=_LINESTYLES[index % len(_LINESTYLES)])
            _mark(ax, value, by_value[value], index, line.get_color(),
                  f"{text}: {label}={by_value[value]:.3f}")
    ax.set_xlim(0, 1)
    ax.set_xlabel("Decision threshold (predict positive if probability >= threshold)")
    ax.set_ylabel(label)
    ax.legend(loc="best")
    return _figure(ax)


@validate_params(
    {**_SCORES, "threshold": [Interval(Real, 0, 1, closed="both")],
     "normalize": [StrOptions({"true", "pred", "all"}), None],
     "display_labels": ["array-like", None], "ax": _AX},
    prefer_skip_nested_validation=True,
)
def plot_confusion_matrix(
    y_true: ArrayLike,
    proba: ArrayLike,
    threshold: float,
    *,
    pos_label: PosLabel = 1,
    normalize: str | None = "true",
    display_labels: Sequence[Any] | np.ndarray | None = None,
    ax: Axes | None = None,
) -> Figure | SubFigure:
    r"""Confusion matrix at ``threshold``: each cell's count and its rate.

    Cells are coloured by rate, so on imbalanced data the minority row is as
    readable as the majority row (coloured by counts, the true negatives would
    drown everything else).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    threshold : float in [0, 1]
        The decision threshold.
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    normalize : {"true", "pred", "all"} or None, default="true"
        The rate shown under each count: over the true class (row: recall and
        specificity on the diagonal), the predicted class (column: precision),
        or all samples. None shows counts only, coloured by count.
    display_labels : array-like of shape (2,), default=None
        Names of ``[negative, positive]``; None uses the labels.
    ax : matplotlib Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_imbal.report import plot_confusion_matrix
    >>> fig = plot_confusion_matrix([0, 0, 0, 1], [0.1, 0.2, 0.7, 0.9], 0.5)
    >>> [text.get_text() for text in fig.axes[0].texts]
    ['2\n66.7%', '1\n33.3%', '0\n0.0%', '1\n100.0%']
    """
    y_true, proba, labels = check_binary_scores(
        y_true, proba, pos_label=pos_label, owner="plot_confusion_matrix"
    )
    if display_labels is not None and len(display_labels) != 2:
        raise ValueError(
            f"display_labels must name the 2 classes [negative, positive]; got "
            f"{len(display_labels)} names."
        )
    negative, positive = labels
    y_pred = np.where(proba >= threshold, positive, negative).astype(y_true.dtype)
    counts = confusion_matrix(y_true, y_pred, labels=labels)
    if normalize is None:
        colours = counts
    else:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        total = counts.sum(axis=axis, keepdims=True)
        colours = np.divide(counts, total, out=np.zeros(counts.shape), where=total > 0)
    display = ConfusionMatrixDisplay(
        colours,
        display_labels=[str(v) for v in (labels if display_labels is None else display_labels)],
    )
    display.plot(ax=_axes(ax), values_format=".3g", colorbar=False,
                 im_kw={} if normalize is None else {"vmin": 0, "vmax": 1})
    for (i, j), text in np.ndenumerate(display.text_):
        count = counts[i, j]
        text.set_text(str(count) if normalize is None else f"{count}\n{colours[i, j]:.1%}")
    over = {None: "", "true": ", rates per true class", "pred": ", rates per predicted class",
            "all": ", rates of all samples"}[normalize]
    display.ax_.set_title(f"threshold {threshold:.2f}{over}")
    return display.figure_
