"""sklearn_imbal.report: the metrics summary, the figures and write_report.

No Keras here: the scores are fixed arrays or a LogisticRegression, so the
module runs in seconds.
"""

import doctest
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    f1_score,
    fbeta_score,
    make_scorer,
    roc_auc_score,
)
from sklearn.model_selection import TunedThresholdClassifierCV  # noqa: E402

from sklearn_imbal import report  # noqa: E402
from sklearn_imbal.report import (  # noqa: E402
    FIGURES,
    atomic_write,
    classification_summary,
    format_summary,
    plot_confusion_matrix,
    plot_precision_recall_curve,
    plot_roc_curve,
    plot_threshold_curve,
    threshold_curve,
    to_jsonable,
    write_report,
)

# Hand-computed case: at threshold 0.5 the predictions are [0, 0, 1, 1, 0], so
# tn=2, fp=1, fn=1, tp=1. Ranking by proba: .7(+) .6(-) .4(-) .3(+) .1(-), so
# ROC AUC = (3 + 1) / 6 pairs and average precision = (1/1 + 2/4) / 2 = 0.75.
Y = np.array([0, 0, 0, 1, 1])
P = np.array([0.1, 0.4, 0.6, 0.7, 0.3])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scored():
    """A LogisticRegression's held-out probabilities on imbalanced data."""
    X, y = make_classification(600, n_features=8, weights=[0.88], flip_y=0.05,
                               random_state=0)
    model = LogisticRegression(class_weight="balanced").fit(X[:400], y[:400])
    return y[400:], model.predict_proba(X[400:])[:, 1]


def test_classification_summary_hand_computed():
    summary = classification_summary(Y, P, 0.5)
    assert summary["confusion_matrix"] == [[2, 1], [1, 1]]
    assert summary["support"] == {"negative": 3, "positive": 2}
    assert summary["n_samples"] == 5 and summary["labels"] == [0, 1]
    assert summary["prevalence"] == pytest.approx(0.4)
    assert summary["precision"] == pytest.approx(0.5)
    assert summary["recall"] == pytest.approx(0.5)
    assert summary["specificity"] == pytest.approx(2 / 3)
    assert summary["f1"] == pytest.approx(0.5)
    assert summary["accuracy"] == pytest.approx(0.6)
    assert summary["balanced_accuracy"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert summary["roc_auc"] == pytest.approx(4 / 6)
    assert summary["average_precision"] == pytest.approx(0.75)
    assert summary["threshold"] == 0.5
    imbalanced = summary["classification_report_imbalanced"]
    assert imbalanced["1"]["rec"] == pytest.approx(0.5)
    assert imbalanced["1"]["spe"] == pytest.approx(2 / 3)
    assert imbalanced["total_support"] == 5
    assert "avg / total" in summary["classification_report_imbalanced_text"]
    json.dumps(summary, allow_nan=False)  # already plain Python values


def test_classification_summary_threshold_is_inclusive_and_at_the_ends():
    at_0_4 = classification_summary(Y, P, 0.4)  # 0.4 itself counts as positive
    assert at_0_4["confusion_matrix"] == [[1, 2], [1, 1]]
    assert classification_summary(Y, P, 0.0)["confusion_matrix"] == [[0, 3], [0, 2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no UndefinedMetricWarning from the report
        nothing = classification_summary(Y, P, 1.0)
    assert nothing["confusion_matrix"] == [[3, 0], [2, 0]]
    assert nothing["precision"] == 0.0 and nothing["f1"] == 0.0


def test_classification_summary_two_columns_and_string_labels():
    labels = np.array(["ham", "ham", "ham", "spam", "spam"])
    two_columns = np.column_stack([1 - P, P])  # columns in sorted label order
    summary = classification_summary(labels, two_columns, 0.5, pos_label="spam")
    assert summary["labels"] == ["ham", "spam"]
    assert summary["f1"] == pytest.approx(0.5)
    # The negative class as positive: the other column is used.
    flipped = classification_summary(labels, two_columns, 0.5, pos_label="ham")
    assert flipped["labels"] == ["spam", "ham"]
    assert flipped["confusion_matrix"] == [[1, 1], [1, 2]]
    assert flipped["roc_auc"] == pytest.approx(4 / 6)


def test_format_summary_lists_metrics_and_matrix():
    text = format_summary(classification_summary(Y, P, 0.5), digits=2)
    assert "F1                      0.50" in text
    assert "ROC AUC                 0.67" in text
    assert "3 negative (0), 2 positive (1)" in text
    assert text.splitlines()[-1].split() == ["true", "1", "1", "1"]
    with pytest.raises(ValueError, match="digits must be a non-negative int"):
        format_summary(classification_summary(Y, P, 0.5), digits=-1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(proba=np.ones((5, 3)) / 3), ValueError, r"shape \(5, 3\): 3 columns"),
        (dict(proba=np.ones((5, 1, 1))), ValueError, r"shape \(5, 1, 1\)"),
        (dict(proba=P[:4]), ValueError, "inconsistent numbers of samples"),
        (dict(y_true=[0, 1, 2, 1, 0]), ValueError, "3 classes"),
        (dict(y_true=[0, 0, 0, 0, 0]), ValueError, "single class"),
        (dict(threshold=1.5), ValueError, r"'threshold' parameter .* range \[0.0, 1.0\]"),
        (dict(threshold=-0.1), ValueError, r"'threshold' parameter"),
        (dict(threshold=float("nan")), ValueError, r"'threshold' parameter"),
        (dict(proba=P + 1), ValueError, r"probabilities in \[0, 1\].*CalibratedClassifierCV"),
        (dict(proba=[0.1, np.nan, 0.6, 0.7, 0.3]), ValueError, "NaN or infinity"),
        (dict(proba=["a", "b", "c", "d", "e"]), ValueError, "must hold numbers"),
        (dict(pos_label="spam"), ValueError, r"pos_label='spam' is not a label .* \[0, 1\]"),
    ],
)
def test_classification_summary_bad_input(kwargs, error, match):
    arguments = dict(y_true=Y, proba=P, threshold=0.5) | kwargs
    with pytest.raises(error, match=match):
        classification_summary(arguments.pop("y_true"), arguments.pop("proba"),
                               arguments.pop("threshold"), **arguments)


def test_figure_functions_reject_bad_input():
    with pytest.raises(ValueError, match="3 classes"):
        plot_roc_curve([0, 1, 2, 1, 0], P)
    with pytest.raises(ValueError, match="3 columns"):
        plot_precision_recall_curve(Y, np.ones((5, 3)) / 3)
    with pytest.raises(ValueError, match=r"threshold\['tuned'\] is 2"):
        plot_threshold_curve(Y, P, {"tuned": 2})
    with pytest.raises(ValueError, match="'threshold' parameter"):
        plot_confusion_matrix(Y, P, 1.5)
    with pytest.raises(ValueError, match="display_labels must name the 2 classes"):
        plot_confusion_matrix(Y, P, 0.5, display_labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="thresholds must be a non-empty list"):
        threshold_curve(Y, P, thresholds=[0.5, 1.5])


def test_threshold_curve_hand_computed_and_any_scorer():
    grid, f1 = threshold_curve(Y, P, thresholds=[0.7, 0.35, 0.5])
    assert grid.tolist() == [0.35, 0.5, 0.7]
    # 0.35: pred [0,1,1,1,0] -> tp1 fp2 fn1; 0.5: tp1 fp1 fn1; 0.7: tp1 fp0 fn1
    assert f1 == pytest.approx([2 / 5, 1 / 2, 2 / 3])
    _, f2 = threshold_curve(Y, P, scoring=make_scorer(fbeta_score, beta=2),
                            thresholds=[0.35])
    assert f2 == pytest.approx([fbeta_score(Y, P >= 0.35, beta=2)])
    _, auc = threshold_curve(Y, P, scoring="roc_auc", thresholds=5)
    assert np.allclose(auc, roc_auc_score(Y, P))  # threshold-free: flat
    _, custom = threshold_curve(Y, P, thresholds=[0.5, 0.65],
                                scoring=lambda est, X, y: est.predict(X).sum())
    assert custom.tolist() == [2, 1]
    labels = np.where(Y == 1, "spam", "ham")
    _, by_name = threshold_curve(labels, P, pos_label="spam", thresholds=[0.35],
                                 scoring=make_scorer(f1_score, pos_label="spam"))
    assert by_name == pytest.approx([2 / 5])
    # A scorer name scores pos_label, whatever the labels are.
    _, named = threshold_curve(labels, P, pos_label="spam", thresholds=[0.35], scoring="f1")
    assert named == pytest.approx(by_name)
    _, class_zero = threshold_curve(Y, 1 - P, pos_label=0, thresholds=[0.5], scoring="f1")
    assert class_zero == pytest.approx([f1_score(Y, np.where(P <= 0.5, 0, 1), pos_label=0)])


def test_threshold_curve_default_grid_covers_unit_interval_and_score_range(scored):
    y, proba = scored
    grid, scores = threshold_curve(y, proba, thresholds=11)
    assert grid[0] == 0 and grid[-1] == 1 and np.all(np.diff(grid) > 0)
    assert proba.min() in grid and proba.max() in grid
    assert scores == pytest.approx([f1_score(y, proba >= t) for t in grid])


def test_threshold_curve_is_what_tuned_threshold_classifier_maximizes(scored):
    X, y = make_classification(600, n_features=8, weights=[0.88], flip_y=0.05,
                               random_state=0)
    train, valid = np.arange(400), np.arange(400, 600)
    grid = np.linspace(0.05, 0.95, 19)
    tuned = TunedThresholdClassifierCV(
        LogisticRegression(class_weight="balanced"), scoring="f1", thresholds=grid,
        cv=[(train, valid)], refit=False, store_cv_results=True,
    ).fit(X, y)
    ours_grid, ours = threshold_curve(*scored, thresholds=grid)
    assert tuned.cv_results_["scores"] == pytest.approx(ours)
    assert tuned.best_threshold_ == pytest.approx(ours_grid[np.argmax(ours)])


@pytest.mark.smoke
@pytest.mark.parametrize(
    "plot, args",
    [
        (plot_precision_recall_curve, dict(threshold={"tuned": 0.3, "default": 0.5})),
        (plot_roc_curve, dict(threshold=0.3, name="logistic")),
        (plot_threshold_curve, dict(threshold={"tuned": 0.3, "default": 0.5})),
        (plot_confusion_matrix, dict(threshold=0.3)),
        (plot_confusion_matrix, dict(threshold=0.3, normalize=None)),
    ],
)
def test_figures_render_to_png(plot, args, scored, tmp_path):
    y, proba = scored
    figure = plot(y, proba, **args)
    assert isinstance(figure, Figure)
    path = tmp_path / "figure.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_figures_draw_on_given_axes_and_mark_the_operating_point(scored):
    y, proba = scored
    figure, axes = plt.subplots(1, 3)
    assert plot_precision_recall_curve(y, proba, 0.3, ax=axes[0]) is figure
    summary = classification_summary(y, proba, 0.3)
    legend = [text.get_text() for text in axes[0].get_legend().get_texts()]
    assert (f"threshold 0.30: P={summary['precision']:.2f}, R={summary['recall']:.2f}"
            in legend)
    marker = axes[0].lines[-1]
    assert marker.get_xdata()[0] == pytest.approx(summary["recall"])
    assert marker.get_ydata()[0] == pytest.approx(summary["precision"])

    assert plot_roc_curve(y, proba, 0.3, ax=axes[1]) is figure
    fpr = 1 - summary["specificity"]
    assert axes[1].lines[-1].get_xdata()[0] == pytest.approx(fpr)

    assert plot_threshold_curve(y, proba, {"tuned": 0.3}, ax=axes[2]) is figure
    assert axes[2].lines[-1].get_ydata()[0] == pytest.approx(summary["f1"])
    assert len(figure.axes) == 3


def test_confusion_matrix_cells_show_counts_and_rates():
    figure = plot_confusion_matrix(["a", "a", "a", "b"], [0.1, 0.2, 0.7, 0.9], 0.5,
                                   pos_label="b", normalize="pred",
                                   display_labels=["ham", "spam"])
    ax = figure.axes[0]
    # predicted columns: [a: 2 true a, 0 true b], [b: 1 true a, 1 true b]
    assert [t.get_text() for t in ax.texts] == ["2\n100.0%", "1\n50.0%",
                                                "0\n0.0%", "1\n50.0%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ham", "spam"]


@pytest.mark.smoke
def test_write_report_round_trips_json_and_writes_pngs(scored, tmp_path):
    y, proba = scored
    open_before = plt.get_fignums()
    metadata = {"model": "logistic", "C": np.float32(0.5), "classes": np.array([0, 1]),
                "path": tmp_path}
    paths = write_report(tmp_path / "new" / "run", y, proba, 0.3, metadata=metadata)
    assert list(paths) == ["report", *FIGURES]
    assert plt.get_fignums() == open_before  # no pyplot figure left open
    for name in FIGURES:
        assert paths[name].read_bytes()[:4] == b"\x89PNG"
    document = json.loads(paths["report"].read_text())
    summary = classification_summary(y, proba, 0.3)
    assert document["summary"] == to_jsonable(summary)
    assert document["metadata"] == {"model": "logistic", "C": 0.5, "classes": [0, 1],
                                    "path": str(tmp_path)}
    assert document["figures"] == {name: f"{name}.png" for name in FIGURES}
    assert document["scoring"] == "f1"
    assert sorted(os.listdir(paths["report"].parent)) == sorted(
        ["report.json"] + [f"{name}.png" for name in FIGURES]
    )


def test_write_report_figure_selection(scored, tmp_path):
    y, proba = scored
    assert list(write_report(tmp_path, y, proba, 0.5, figures=None)) == ["report"]
    assert os.listdir(tmp_path) == ["report.json"]
    paths = write_report(tmp_path, y, proba, 0.5, figures=["roc", "roc"])
    assert list(paths) == ["report", "roc"]
    with pytest.raises(ValueError, match=r"Unknown figure name\(s\) \['pr'\]"):
        write_report(tmp_path, y, proba, 0.5, figures=["pr"])


def test_write_report_leaves_no_partial_file_when_a_write_fails(scored, tmp_path,
                                                                monkeypatch):
    y, proba = scored
    write_report(tmp_path, y, proba, 0.5, figures=["roc"])
    old_png = (tmp_path / "roc.png").read_bytes()
    old_json = (tmp_path / "report.json").read_text()

    def half_written(self, file, **kwargs):
        file.write(b"\x89PNG partial")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", half_written)
    with pytest.raises(OSError, match="disk full"):
        write_report(tmp_path, y, proba, 0.2, figures=["roc"])
    assert sorted(os.listdir(tmp_path)) == ["report.json", "roc.png"]  # no temp file
    assert (tmp_path / "roc.png").read_bytes() == old_png
    assert (tmp_path / "report.json").read_text() == old_json


def test_write_report_rejects_metadata_without_json_form_before_writing(scored, tmp_path):
    y, proba = scored
    with pytest.raises(TypeError, match=r"report\['metadata'\]\['model'\] has type object"):
        write_report(tmp_path / "out", y, proba, 0.5, metadata={"model": object()})
    assert not (tmp_path / "out").exists()


def test_write_report_rejects_unknown_scoring_before_writing(scored, tmp_path):
    y, proba = scored
    with pytest.raises(ValueError, match="'f2' is not a valid scoring value"):
        write_report(tmp_path / "out", y, proba, 0.5, scoring="f2")
    assert not (tmp_path / "out").exists()


def test_summary_labels_are_the_labels_of_y_true():
    summary = classification_summary(np.array([False, False, True]), [0.2, 0.6, 0.9], 0.5)
    assert summary["labels"] == [False, True] and summary["pos_label"] is True
    numpy_labels = classification_summary(np.array([3, 3, 7]), [0.2, 0.6, 0.9], 0.5,
                                          pos_label=np.int64(7))
    assert type(numpy_labels["pos_label"]) is int and numpy_labels["labels"] == [3, 7]


def test_atomic_write_keeps_old_content_on_failure(tmp_path):
    path = tmp_path / "file.txt"
    atomic_write(path, lambda file: file.write(b"old"))

    def fail(file):
        file.write(b"new but incomplete")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, fail)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["file.txt"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_to_jsonable_converts_numpy_and_rejects_unknown_types():
    value = to_jsonable({1: np.float64("nan"), "a": (np.int32(2), {np.str_("b")}),
                         "c": np.array([[True, False]])})
    assert value == {"1": None, "a": [2, ["b"]], "c": [[True, False]]}
    assert json.loads(json.dumps(value)) == value
    with pytest.raises(TypeError, match=r"value\['x'\]\[1\] has type complex"):
        to_jsonable({"x": [1, 2j]})


def test_importing_report_does_not_import_matplotlib():
    code = "import sys, sklearn_imbal.report; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["_summary", "_plots", "_write"])
def test_docstring_examples(module):
    mod = sys.modules[f"sklearn_imbal.report.{module}"]
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_atomic_write_docstring_example():
    import sklearn_imbal.utils._files as files  # where atomic_write is defined

    result = doctest.testmod(files, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_public_names_are_exported():
    assert all(hasattr(report, name) for name in report.__all__)
    assert "write_report" in report.__all__ and "atomic_write" in report.__all__
