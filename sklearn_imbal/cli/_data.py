"""The command's inputs: labelled data (built-in or a file) and texts to predict."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sklearn_imbal.cli._errors import UsageError, user_errors

__all__ = [
    "BUILTIN_DATASETS",
    "INPUT_FORMATS",
    "LabelledTexts",
    "load_labelled",
    "load_texts",
]

#: Dataset names ``--data`` accepts besides file paths.
BUILTIN_DATASETS = {
    "sms_spam": "the SMS Spam Collection, offline copy; needs the demo extra",
    "sms_spam_full": "the full UCI release, downloaded once",
    "synthetic": "generated imbalanced text, 10% positive",
}
#: ``--input-format`` values; "lines" is one text per line (predict only).
INPUT_FORMATS = ["lines", "csv", "tsv", "jsonl", "parquet"]
_TABULAR_EXTENSIONS = {".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq"}
_SYNTHETIC_SAMPLES = 2000
_STDIN = "-"


@dataclass
class LabelledTexts:
    """Texts with a binary target: ``y`` is 1 for ``labels[1]`` (the positive label)."""

    texts: np.ndarray
    y: np.ndarray
    labels: list[Any]
    source: str
    n_read: int
    n_duplicates_dropped: int

    @property
    def names(self) -> np.ndarray:
        """The label of each text, as named in the data."""
        return np.asarray(self.labels)[self.y]

    def sha256(self) -> str:
        """SHA-256 of the texts and labels in order: one JSON ``[text, label]`` a line."""
        digest = hashlib.sha256()
        for text, label in zip(self.texts, self.names):
            digest.update(json.dumps([str(text), _scalar(label)], ensure_ascii=False)
                          .encode("utf-8") + b"\n")
        return digest.hexdigest()

    def describe(self) -> dict[str, Any]:
        """What was read, for report.json."""
        return {
            "source": self.source,
            "n_read": self.n_read,
            "n_duplicates_dropped": self.n_duplicates_dropped,
            "n_samples": int(self.y.shape[0]),
            "n_positive": int(self.y.sum()),
            "labels": self.labels,
            "positive_label": self.labels[1],
            "sha256": self.sha256(),
        }


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value


def _is_dataset_name(value):
    return "/" not in value and "\\" not in value and "." not in value


def _read_builtin(name, *, n_samples, random_state):
    """(texts, label names, source, positive label) of a built-in dataset."""
    if name == "synthetic":
        from sklearn_imbal.datasets import make_imbalanced_text

        n = n_samples or _SYNTHETIC_SAMPLES
        texts, y = make_imbalanced_text(n, random_state=random_state)
        return (texts, y, f"synthetic (make_imbalanced_text({n}, random_state={random_state}))",
                "1")
    if name == "sms_spam":
        from sklearn_imbal.datasets import load_sms_spam

        with user_errors(ImportError):
            bunch = load_sms_spam(drop_duplicates=False)
        source = "sms_spam (SMS Spam Collection, offline copy)"
    else:
        from sklearn_imbal.datasets import fetch_sms_spam

        with user_errors(OSError, ValueError, prefix="could not get sms_spam_full: "):
            bunch = fetch_sms_spam(drop_duplicates=False)
        source = "sms_spam_full (SMS Spam Collection, UCI release)"
    return bunch.data, bunch.target_names[bunch.target], source, "spam"


# load_text_csv's messages name its parameters; the user typed options.
_OPTION_NAMES = {"text_column": "--text-column", "label_column": "--label-column",
                 "positive_label": "--positive-label", "encoding": "--encoding",
                 "format": "--input-format", "sep": "--sep"}
_PARAMETER = re.compile(r"\b(" + "|".join(_OPTION_NAMES) + r")=('[^']*'|\S+)")


def as_options(message: str) -> str:
    """``"pass encoding='cp1252'"`` -> ``"pass --encoding 'cp1252'"``."""
    return _PARAMETER.sub(lambda m: f"{_OPTION_NAMES[m.group(1)]} {m.group(2)}", message)


def _read_file(path, *, text_column, label_column, input_format, encoding, sep=None):
    from sklearn_imbal.datasets import load_text_csv

    try:
        texts, labels = load_text_csv(
            path, text_column=text_column or "text", label_column=label_column,
            encoding=encoding, format=input_format, sep=sep, return_X_y=True,
        )
    except (ValueError, TypeError, OSError, ImportError) as exc:
        raise UsageError(as_options(str(exc))) from exc
    values = None if labels is None else labels.to_numpy(dtype=object)
    return texts.to_numpy(dtype=object), values


def _choose_positive(labels, positive_label, source, origin):
    """``(negative, positive)`` names and the 0/1 target from the labels as read."""
    counts = Counter(_scalar(label) for label in labels)
    seen = sorted(counts, key=lambda label: (str(type(label)), str(label)))
    shown = ", ".join(f"{label!r} ({counts[label]:,})" for label in seen[:20])
    if positive_label is not None:
        # The command line gives text; the file may hold numbers: match as text.
        matches = [label for label in seen if str(label) == positive_label]
        if not matches:
            hint = "" if origin == "--positive-label" else " Pass --positive-label."
            raise UsageError(f"{origin} {positive_label!r} does not occur in {source}. "
                             f"Labels seen: {shown}.{hint}")
        positive = matches[0]
    elif len(seen) < 2:
        raise UsageError(f"{source} holds one label only ({shown}); a classifier needs "
                         "two.")
    elif len(seen) > 2:
        raise UsageError(f"{source} holds {len(seen)} labels ({shown}); this command "
                         "trains binary classifiers. Pass --positive-label LABEL to "
                         "predict that label against all the others.")
    elif {str(label) for label in seen} in ({"0", "1"}, {"False", "True"}):
        positive = next(label for label in seen if str(label) in ("1", "True"))
    else:
        positive = min(seen, key=lambda label: (counts[label], str(label)))
        print(f"positive label: {positive!r}, the rarer of {seen[0]!r} and {seen[1]!r} "
              "(pass --positive-label to choose)", file=sys.stderr)
    others = [label for label in seen if label != positive]
    negative = others[0] if len(others) == 1 else f"not {positive}"
    if type(negative) is not type(positive):
        negative, positive = str(negative), str(positive)
    y = np.array([str(_scalar(label)) == str(positive) for label in labels], dtype=np.int64)
    if y.all():  # --positive-label named the only label there is
        raise UsageError(f"{source} holds texts labelled {positive!r} only ({shown}); "
                         "training and evaluating need texts of another label too.")
    return [negative, positive], y


def load_labelled(
    data: str,
    *,
    text_column: str | None = None,
    label_column: str = "label",
    positive_label: str | None = None,
    input_format: str | None = None,
    encoding: str = "utf-8",
    sep: str | None = None,
    n_samples: int | None = None,
    drop_duplicates: bool = True,
    random_state: int = 0,
    positive_origin: str = "--positive-label",
) -> LabelledTexts:
    """Labelled texts from ``--data``: a built-in dataset name or a file.

    Raises :class:`UsageError` for an unknown name, a file that cannot be read
    (missing, empty, a missing column, a bad encoding...) and labels that do not
    make a binary problem. ``positive_origin`` says where ``positive_label``
    came from, for the message when it does not occur.
    """
    if data in BUILTIN_DATASETS:
        texts, labels, source, known = _read_builtin(data, n_samples=n_samples,
                                                     random_state=random_state)
        positive_label = known if positive_label is None else positive_label
    elif not Path(data).exists() and _is_dataset_name(data):
        raise UsageError(
            f"unknown dataset {data!r} (and no file of that name). Built-in datasets: "
            f"{', '.join(BUILTIN_DATASETS)}; or give the path of a labelled CSV, TSV, "
            "JSONL or Parquet file."
        )
    else:
        _check_exists(Path(data))
        texts, labels = _read_file(Path(data), text_column=text_column,
                                   label_column=label_column, input_format=input_format,
                                   encoding=encoding, sep=sep)
        source = data
    texts = np.asarray(texts, dtype=object)
    names, y = _choose_positive(labels, positive_label, source, positive_origin)
    n_read = texts.shape[0]
    if drop_duplicates:
        # Each distinct text's first row, in file order.
        keep = np.sort(np.unique(texts, return_index=True)[1])
        texts, y = texts[keep], y[keep]
    n_dropped = n_read - texts.shape[0]
    if n_samples is not None and data != "synthetic" and n_samples < texts.shape[0]:
        from sklearn.model_selection import train_test_split

        with user_errors(ValueError, prefix="--n-samples: "):
            texts, _, y, _ = train_test_split(texts, y, train_size=n_samples, stratify=y,
                                              random_state=random_state)
    return LabelledTexts(texts=texts, y=y, labels=[_scalar(v) for v in names],
                         source=source, n_read=n_read, n_duplicates_dropped=n_dropped)


def _check_exists(path):
    """A missing, empty or directory path, said before the format is looked at."""
    from sklearn_imbal.datasets._text_files import _check_file

    with user_errors(ValueError, FileNotFoundError):
        _check_file(path)


def _read_lines(raw, encoding, name):
    from sklearn_imbal.datasets._raw_text import decode

    if not raw.strip():
        raise UsageError(f"{name} holds no texts (it is empty or blank; one text per line).")
    try:
        text = decode(raw, encoding, name)
    except ValueError as exc:
        raise UsageError(as_options(str(exc))) from exc
    lines = [line.removesuffix("\r") for line in text.split("\n") if line.strip()]
    if not lines:
        raise UsageError(f"{name} holds no texts: every line is blank (one text per line).")
    return lines


def _is_tabular(source, text_column, input_format):
    if input_format == "lines":
        if text_column is not None:
            raise UsageError("--text-column names a column of a table; with "
                             "--input-format lines each line is a text.")
        return False
    if text_column is not None or input_format is not None:
        return True
    from sklearn_imbal.datasets._raw_text import format_suffix

    return source != _STDIN and format_suffix(Path(source)) in _TABULAR_EXTENSIONS


def _read_bytes(path):
    """The bytes of a lines file, decompressed if its name ends in .gz, .bz2, .xz, .zst, .zip."""
    from sklearn_imbal.datasets._raw_text import compression_of, decompress

    compression = compression_of(path)
    with user_errors(OSError, ValueError, ImportError):
        return decompress(path, compression)[0] if compression else path.read_bytes()


def load_texts(
    source: str,
    *,
    text_column: str | None = None,
    input_format: str | None = None,
    encoding: str = "utf-8",
    sep: str | None = None,
) -> list[str]:
    """Texts to predict: one a line, a column of a table file, or standard input (``-``).

    A file with a table extension (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``...,
    also before a compression suffix: ``.csv.gz``), or any input with ``text_column`` or a table ``input_format``, is read with
    :func:`~sklearn_imbal.datasets.load_text_csv` (column ``text`` by default);
    anything else is one text per line, blank lines skipped. Raises
    :class:`UsageError` for a missing or unreadable file, a bad encoding, a
    missing column, or no texts at all.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown --encoding {encoding!r}; use a Python codec name such "
                         "as utf-8, cp1252 or latin-1.") from None
    tabular = _is_tabular(source, text_column, input_format)
    options = dict(text_column=text_column, label_column=None, encoding=encoding, sep=sep)
    if source != _STDIN:
        path = Path(source)
        _check_exists(path)
        if tabular:
            texts, _ = _read_file(path, input_format=input_format, **options)
            return [str(text) for text in texts]
        return _read_lines(_read_bytes(path), encoding, source)
    raw = sys.stdin.buffer.read()
    if not tabular:
        return _read_lines(raw, encoding, "standard input")
    # load_text_csv reads files: standard input becomes one for it.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "stdin." + (input_format or "csv"))
        path.write_bytes(raw)
        try:
            texts, _ = _read_file(path, input_format=input_format, **options)
        except UsageError as exc:
            raise UsageError(str(exc).replace(str(path), "standard input")) from exc
    return [str(text) for text in texts]
