"""``sklearn-imbal predict`` and ``evaluate``: a saved model applied to new texts."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sklearn_imbal.cli._common import (
    check_output_dir,
    import_tensorflow_quietly,
    library_versions,
    require_matplotlib,
)
from sklearn_imbal.cli._data import load_labelled, load_texts
from sklearn_imbal.cli._errors import EXIT_OK, UsageError
from sklearn_imbal.cli._model import LoadedModel, load_model_folder
from sklearn_imbal.utils._files import atomic_path

__all__ = ["run_evaluate", "run_predict"]


def _load(path, debug):
    """The model (TensorFlow loads here, its start-up lines hidden)."""
    import_tensorflow_quietly(debug)
    return load_model_folder(path)


def _positive_column(model: LoadedModel, positive: Any) -> int:
    """The ``predict_proba`` column of the positive label."""
    classes = [str(c) for c in model.estimator.classes_]
    # A model trained by the command has classes 0/1 (1 = positive); another
    # may have the label names themselves as classes.
    return classes.index(str(positive)) if str(positive) in classes else 1


def _label_names(model: LoadedModel, predicted: np.ndarray) -> list[Any]:
    classes = list(model.estimator.classes_)
    labels = model.labels
    return [labels[classes.index(value)] for value in predicted]


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value


def _render(texts, labels, proba, *, fmt, with_text):
    buffer = io.StringIO(newline="")
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow((["text"] if with_text else []) + ["label", "probability"])
        for text, label, p in zip(texts, labels, proba):
            writer.writerow(([text] if with_text else []) + [label, repr(float(p))])
    else:
        for text, label, p in zip(texts, labels, proba):
            record = ({"text": text} if with_text else {}) | {
                "label": _scalar(label), "probability": float(p)}
            buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def run_predict(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """The ``predict`` command; returns the exit code."""
    if args.output is not None:
        output = Path(args.output)
        if output.is_dir():
            raise UsageError(f"--output {output} is a folder; give a file name.")
        check_output_dir(output.parent, "--output")
    # The model first: a bad model file is reported before standard input is read.
    model = _load(args.model, args.debug)
    texts = load_texts(args.input, text_column=args.text_column,
                       input_format=args.input_format, encoding=args.encoding, sep=args.sep)
    column = _positive_column(model, model.labels[1])
    proba = model.estimator.predict_proba(texts)[:, column]
    labels = _label_names(model, model.estimator.predict(texts))
    text = _render(texts, labels, proba, fmt=args.format, with_text=not args.no_text)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with atomic_path(args.output) as temporary:
            Path(temporary).write_text(text, encoding="utf-8")
        print(f"wrote {len(texts):,} predictions to {args.output}", file=sys.stderr)
    return EXIT_OK


def run_evaluate(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """The ``evaluate`` command; returns the exit code."""
    from sklearn_imbal.report import format_summary, write_report

    output = Path(args.output)
    check_output_dir(output)
    if not args.no_figures:
        require_matplotlib()
    model = _load(args.model, args.debug)
    recorded = model.metadata.get("positive_label")
    positive = args.positive_label if args.positive_label is not None else (
        None if recorded is None else str(recorded))
    origin = "--positive-label"
    if args.positive_label is None and recorded is not None:
        origin = f"the model's positive label (in {model.path.parent / 'model.json'})"
    data = load_labelled(
        args.data, text_column=args.text_column, label_column=args.label_column,
        positive_label=positive, input_format=args.input_format, encoding=args.encoding,
        sep=args.sep, n_samples=args.n_samples, drop_duplicates=not args.keep_duplicates,
        random_state=args.random_state, positive_origin=origin,
    )
    column = _positive_column(model, data.labels[1])
    proba = model.estimator.predict_proba(data.texts)[:, column]
    threshold = model.threshold
    paths = write_report(
        output, data.names, proba, threshold, pos_label=data.labels[1],
        scoring=model.metadata.get("threshold_scoring", "f1"),
        metadata={
            "command": "evaluate", "argv": argv, "model_file": str(model.path),
            "model_sha256": model.metadata.get("model_sha256"),
            "data": data.describe(), "versions": library_versions(),
        },
        figures=None if args.no_figures else "all",
    )
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    print(f"{data.source}: {data.y.shape[0]:,} texts, {int(data.y.sum()):,} labelled "
          f"{data.labels[1]!r}; model {model.path}\n")
    print(format_summary(report["summary"]))
    print()
    print(report["summary"]["classification_report_imbalanced_text"].rstrip())
    print(f"\nwrote {output}/: " + ", ".join(path.name for path in paths.values()))
    return EXIT_OK
