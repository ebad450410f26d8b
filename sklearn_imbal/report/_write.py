"""A classifier's evaluation written to a folder: report.json and PNG figures."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sklearn.metrics import get_scorer

from sklearn_imbal._compat import Interval, StrOptions, validate_params
from sklearn_imbal._version import __version__
from sklearn_imbal.report._plots import (
    plot_confusion_matrix,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_threshold_curve,
)
from sklearn_imbal.report._summary import PosLabel, classification_summary, to_jsonable
from sklearn_imbal.utils._files import atomic_path

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["FIGURES", "write_report"]

#: Figure names :func:`write_report` can write, each to ``<name>.png``.
FIGURES = ("precision_recall", "threshold", "roc", "confusion_matrix")


def _new_figure(figsize, dpi):
    """A figure with its own Agg canvas, outside pyplot's global state.

    Why not pyplot: writing files must work with any (or no) display backend,
    leave no figure open in a long-running process, and be thread-safe.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _draw(name, y_true, proba, threshold, pos_label, scoring, dpi):
    marks = {"chosen": threshold} if threshold == 0.5 else {"chosen": threshold, "default": 0.5}
    if name == "confusion_matrix":
        figure = _new_figure((5, 4.2), dpi)
        plot_confusion_matrix(y_true, proba, threshold, pos_label=pos_label,
                              ax=figure.add_subplot())
        return figure
    figure = _new_figure((6, 5), dpi)
    ax = figure.add_subplot()
    if name == "precision_recall":
        plot_precision_recall_curve(y_true, proba, marks, pos_label=pos_label, ax=ax)
    elif name == "roc":
        plot_roc_curve(y_true, proba, marks, pos_label=pos_label, ax=ax)
    else:
        plot_threshold_curve(y_true, proba, marks, scoring=scoring, pos_label=pos_label, ax=ax)
    return figure


@validate_params(
    {
        "output_dir": [str, os.PathLike],
        "y_true": ["array-like"],
        "proba": ["array-like"],
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "pos_label": [Real, str, "boolean"],
        "scoring": [str, callable],
        "metadata": [dict, None],
        "figures": [list, tuple, StrOptions({"all"}), None],
        "dpi": [Interval(Integral, 10, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def write_report(
    output_dir: str | os.PathLike[str],
    y_true: ArrayLike,
    proba: ArrayLike,
    threshold: float,
    *,
    pos_label: PosLabel = 1,
    scoring: str | Callable[..., float] = "f1",
    metadata: Mapping[str, Any] | None = None,
    figures: str | Sequence[str] | None = "all",
    dpi: int = 100,
) -> dict[str, Path]:
    """Write a classifier's evaluation to a folder: ``report.json`` and PNG figures.

    The figures are written first and ``report.json`` last, each atomically
    (to a temporary file in ``output_dir``, then renamed): an interrupted run
    leaves no partial file, and a ``report.json`` present means its figures
    are complete. Existing files of the same names are replaced.

    Parameters
    ----------
    output_dir : str or os.PathLike
        The folder to write to; created (with its parents) if missing.
    y_true : array-like of shape (n_samples,)
        True binary labels.
    proba : array-like of shape (n_samples,) or (n_samples, 2)
        Probabilities of ``pos_label``, or binary ``predict_proba`` output.
    threshold : float in [0, 1]
        The decision threshold in use, e.g. ``best_threshold_`` of a
        ``TunedThresholdClassifierCV``. The figures mark it and, if it differs,
        the default 0.5.
    pos_label : int, float, bool or str, default=1
        The label of the positive class.
    scoring : str or callable, default="f1"
        The objective plotted against the threshold in ``threshold.png``: a
        scikit-learn scoring name or a scorer.
    metadata : dict, default=None
        Anything else to record under ``"metadata"`` (model parameters, data
        file, command line); numpy values are converted, other objects must be
        JSON types.
    figures : "all", list of str or None, default="all"
        Which of :data:`FIGURES` to write; None or ``[]`` for none.
    dpi : int, default=100
        Resolution of the PNG files.

    Returns
    -------
    paths : dict of str to pathlib.Path
        ``"report"``: the ``report.json`` path, then one entry per figure name.

    See Also
    --------
    classification_summary : The metrics stored under ``"summary"``.

    Notes
    -----
    ``report.json`` holds ``sklearn_imbal_version``, ``summary`` (the
    :func:`classification_summary`, with NaN written as null), ``scoring``,
    ``metadata`` and ``figures`` (figure name to file name).

    Examples
    --------
    >>> import json, tempfile
    >>> from sklearn_imbal.report import write_report
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_report(folder, [0, 0, 0, 1], [0.1, 0.2, 0.7, 0.9], 0.5,
    ...                          figures=["roc"], metadata={"model": "demo"})
    ...     report = json.loads(paths["report"].read_text())
    ...     print(sorted(paths), report["summary"]["f1"], paths["roc"].stat().st_size > 0)
    ['report', 'roc'] 0.6666666666666666 True
    """
    if figures == "all":
        figures = FIGURES
    figures = list(figures or [])
    unknown = sorted(set(figures) - set(FIGURES))
    if unknown:
        raise ValueError(f"Unknown figure name(s) {unknown}; choose from {list(FIGURES)}.")
    get_scorer(scoring)  # an unknown scoring name fails here, before any file is written
    summary = classification_summary(y_true, proba, threshold, pos_label=pos_label)
    # Convert before writing anything, so a metadata value with no JSON form
    # fails the call without leaving figures behind.
    document = to_jsonable({
        "sklearn_imbal_version": __version__,
        "summary": summary,
        "scoring": scoring if isinstance(scoring, str) else repr(scoring),
        "metadata": metadata or {},
        "figures": {name: f"{name}.png" for name in figures},
    }, _path="report")
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in dict.fromkeys(figures):
        figure = _draw(name, y_true, proba, threshold, pos_label, scoring, dpi)
        paths[name] = output_dir / f"{name}.png"
        with atomic_path(paths[name]) as temporary, open(temporary, "wb") as file:
            figure.savefig(file, format="png")
    report = output_dir / "report.json"
    with atomic_path(report) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")
    return {"report": report, **paths}
