"""Metrics tables and figures of a binary classifier, and a report written to a folder.

The pieces the ``sklearn-imbal`` command line and the documentation share: a
metrics summary at a decision threshold (:func:`classification_summary`), the
curves that explain it with the operating point marked, and :func:`write_report`,
which writes ``report.json`` and PNG figures atomically. Importing this module
does not import matplotlib; the figure functions do, on first call.
"""

from sklearn_imbal.report._plots import (
    plot_confusion_matrix,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_threshold_curve,
    threshold_curve,
)
from sklearn_imbal.report._summary import (
    check_binary_scores,
    classification_summary,
    format_summary,
    to_jsonable,
)
from sklearn_imbal.report._write import FIGURES, write_report
from sklearn_imbal.utils._files import atomic_write

__all__ = [
    "FIGURES",
    "atomic_write",
    "check_binary_scores",
    "classification_summary",
    "format_summary",
    "plot_confusion_matrix",
    "plot_precision_recall_curve",
    "plot_roc_curve",
    "plot_threshold_curve",
    "threshold_curve",
    "to_jsonable",
    "write_report",
]
