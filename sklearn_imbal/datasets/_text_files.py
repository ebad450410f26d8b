"""load_text_csv: labelled texts from a CSV, TSV, Parquet or JSON Lines file.

Every way such a file goes wrong in practice (wrong column name, Excel's legacy
encoding, blank labels, header-only exports, a compressed or binary file under a
text name) gets an error that says what to change, because the alternative is a pandas traceback or, worse, a model
silently trained on NaN labels.
"""

from __future__ import annotations

import codecs
import difflib
import importlib.util
import io
import json
import os
from collections import Counter
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from sklearn_imbal._compat import StrOptions, validate_params
from sklearn_imbal.datasets._common import describe_rows, require_pandas
from sklearn_imbal.datasets._raw_text import (
    COMPRESSIONS,
    compression_of,
    decode,
    decompress,
    format_suffix,
)

__all__ = ["load_text_csv"]

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_DEFAULT_SEPARATORS = {"csv": ",", "tsv": "\t"}


def _infer_format(path, member=None):
    """The format of ``path`` from its extension (before any compression suffix).

    ``member`` is the name of the one file inside a zip archive, whose own
    extension tells the format of ``data.zip``.
    """
    suffix = format_suffix(path)
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if member is not None and Path(member).suffix.lower() in _EXTENSIONS:
        return _EXTENSIONS[Path(member).suffix.lower()]
    known = ", ".join(sorted(_EXTENSIONS))
    compressed = path.suffix.lower() if compression_of(path) else ""
    where = f" before {compressed!r}" if compressed else ""
    inside = f" nor from its member {member!r}" if member is not None else ""
    raise ValueError(
        f"Cannot tell the format of {path} from its extension{where} "
        f"{suffix or '(none)'!r}{inside}; known extensions: {known}, each optionally "
        f"followed by a compression suffix ({', '.join(COMPRESSIONS)}). Pass "
        "format='csv', 'tsv', 'parquet' or 'jsonl'."
    )


def _check_file(path):
    if path.is_file():
        if path.stat().st_size == 0:
            raise ValueError(f"{path} is empty (0 bytes): there are no texts to read.")
        return
    if path.exists():
        raise ValueError(f"{path} is a directory, not a file.")
    message = f"No such file: {path}."
    folder = path.parent
    if folder.is_dir():
        names = [entry.name for entry in folder.iterdir()]
        close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
        if close:
            message += f" Did you mean {', '.join(map(repr, close))} in {folder}?"
    else:
        message += f" The folder {folder} does not exist either."
    raise FileNotFoundError(message)


def _missing_column_error(wanted, role, columns, path, sep=None):
    available = list(map(str, columns))
    close = difflib.get_close_matches(wanted, available, n=3, cutoff=0.6)
    close += [name for name in available if name.lower() == wanted.lower()
              and name not in close]
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    if sep is not None and len(available) == 1:
        # One column whose name holds another separator: the header was not split.
        others = [s for s in (";", "\t", ",", "|") if s != sep and s in available[0]]
        if others:
            hint += (f" The header was not split on sep={sep!r}; the file seems to use "
                     f"sep={others[0]!r}: pass it.")
    shown = ", ".join(map(repr, available[:30]))
    more = f", ... ({len(available)} columns)" if len(available) > 30 else ""
    return ValueError(
        f"{role}={wanted!r} is not a column of {path}. Available columns: "
        f"{shown}{more}.{hint}"
    )


def _check_columns(columns, text_column, label_column, path, sep=None):
    columns = list(columns)
    for wanted, role in ((text_column, "text_column"), (label_column, "label_column")):
        if wanted is not None and wanted not in columns:
            raise _missing_column_error(wanted, role, columns, path, sep)


def _read_delimited(text, sep, text_column, label_column, path):
    pd = require_pandas("load_text_csv")
    # Only an empty cell is missing: the words 'NA', 'null' or 'None' are text
    # (pandas' defaults would turn an SMS that says "NA" into NaN).
    options = dict(sep=sep, keep_default_na=False, na_values=[""])
    try:
        header = pd.read_csv(io.StringIO(text), nrows=0, **options).columns
        _check_columns(header, text_column, label_column, path, sep)
        # All columns are parsed (no usecols): with usecols pandas silently drops
        # the extra fields of a row whose text holds an unquoted separator, so
        # "hello, world,1" would load as text "hello", label " world".
        # Texts stay str even when they look like numbers ("911" must not become 911.0).
        frame = pd.read_csv(io.StringIO(text), dtype={text_column: object},
                            low_memory=False, **options)
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"Could not parse {path} with sep={sep!r}: {str(exc).strip()}. Texts that contain the "
            "separator must be quoted; check sep= and that quotes are balanced."
        ) from None
    return frame[[c for c in (text_column, label_column) if c is not None]]


def _read_jsonl(text, text_column, label_column, path):
    pd = require_pandas("load_text_csv")
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"Line {number} of {path} is not valid JSON ({exc.msg} at column "
                f"{exc.colno}): {line.strip()[:60]!r}. JSON Lines files hold one "
                "JSON object per line."
            ) from None
        if not isinstance(record, dict):
            raise ValueError(
                f"Line {number} of {path} is a JSON {type(record).__name__}, not an "
                "object; JSON Lines files hold one object ({...}) per line."
            )
        records.append(record)
    columns = list(dict.fromkeys(key for record in records for key in record))
    _check_columns(columns, text_column, label_column, path)
    # Values keep their JSON types (no inference): a number where a text belongs
    # is reported below, not converted.
    return pd.DataFrame({
        name: pd.Series([record.get(name) for record in records], dtype=object)
        for name in (text_column, label_column) if name is not None
    })


def _pyarrow_available():
    return importlib.util.find_spec("pyarrow") is not None


def _read_parquet(path, text_column, label_column, raw=None):
    """Read the two columns; ``raw`` holds the decompressed bytes of a compressed file."""
    pd = require_pandas("load_text_csv")
    if not _pyarrow_available():
        raise ImportError(
            f"Reading Parquet ({path}) needs pyarrow, which is not installed. "
            'Install it with: pip install "sklearn-imbal[parquet]" (from a source '
            'checkout: pip install -e ".[parquet]").'
        )
    import pyarrow
    import pyarrow.parquet as pq

    source = path if raw is None else pyarrow.BufferReader(raw)
    try:
        columns = pq.read_schema(source).names
    except pyarrow.ArrowException as exc:
        raise ValueError(
            f"Could not read {path} as Parquet: {exc}. If it is another format, pass "
            "format='csv', 'tsv' or 'jsonl'."
        ) from None
    _check_columns(columns, text_column, label_column, path)
    wanted = [c for c in (text_column, label_column) if c is not None]
    source = path if raw is None else io.BytesIO(raw)
    return pd.read_parquet(source, columns=wanted, engine="pyarrow")


def _is_missing(value):
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, Real) and not isinstance(value, bool) and bool(np.isnan(float(value)))


def _check_texts(values, text_column, path):
    missing = [i for i, value in enumerate(values) if _is_missing(value)]
    if missing:
        raise ValueError(
            f"{len(missing)} text(s) in column {text_column!r} of {path} are missing "
            f"(empty cells or null): {describe_rows(missing)}, counting data rows "
            "from 0. Drop or fill those rows."
        )
    wrong = [i for i, value in enumerate(values) if not isinstance(value, str)]
    if wrong:
        kinds = sorted({type(values[i]).__name__ for i in wrong})
        raise TypeError(
            f"Column {text_column!r} of {path} holds non-text values "
            f"({', '.join(kinds)}) at {describe_rows(wrong)}, counting data rows "
            "from 0. Every text must be a string."
        )


def _check_labels(values, label_column, path):
    missing = [
        i for i, value in enumerate(values)
        if _is_missing(value) or (isinstance(value, str) and not value.strip())
    ]
    if missing:
        raise ValueError(
            f"{len(missing)} label(s) in column {label_column!r} of {path} are missing "
            f"or empty: {describe_rows(missing)}, counting data rows from 0. Every "
            "text needs a label: drop or label those rows."
        )


def _sorted_labels(values):
    distinct = list(dict.fromkeys(values))
    try:
        return sorted(distinct)
    except TypeError:  # mixed types, e.g. 1 and "1" in a JSON file
        return sorted(distinct, key=repr)


def _binarize(labels, positive_label, label_column, path):
    seen = _sorted_labels(labels)
    if positive_label not in seen:
        shown = ", ".join(map(repr, seen[:20]))
        more = f", ... ({len(seen)} labels)" if len(seen) > 20 else ""
        same_text = [label for label in seen if str(label) == str(positive_label)]
        hint = (
            f" The label {same_text[0]!r} is a {type(same_text[0]).__name__}, not a "
            f"{type(positive_label).__name__}: pass positive_label={same_text[0]!r}."
            if same_text else ""
        )
        raise ValueError(
            f"positive_label={positive_label!r} does not occur in column "
            f"{label_column!r} of {path}. Labels seen: {shown}{more}.{hint}"
        )
    target = np.array([label == positive_label for label in labels], dtype=np.int64)
    others = [label for label in seen if label != positive_label]
    negative = others[0] if len(others) == 1 else f"not {positive_label}"
    return target, np.array([negative, positive_label], dtype=object)


@validate_params(
    {
        "path": [str, os.PathLike],
        "text_column": [str],
        "label_column": [str, None],
        "positive_label": "no_validation",
        "encoding": [str],
        "format": [StrOptions({"csv", "tsv", "parquet", "jsonl"}), None],
        "sep": [str, None],
        "drop_duplicates": ["boolean"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_text_csv(
    path: str | os.PathLike[str],
    *,
    text_column: str,
    label_column: str | None,
    positive_label: Any = None,
    encoding: str = "utf-8",
    format: str | None = None,
    sep: str | None = None,
    drop_duplicates: bool = False,
    return_X_y: bool = False,
) -> Bunch | tuple[Any, Any]:
    """Load labelled texts from a CSV, TSV, Parquet or JSON Lines file.

    The format follows the extension (``.csv``; ``.tsv``/``.tab``;
    ``.parquet``/``.pq``; ``.jsonl``/``.ndjson``) unless ``format`` is given.
    Compressed files are read transparently, the compression following the last
    suffix and the format the one before it: ``reviews.csv.gz``, ``.bz2``,
    ``.xz``, ``.zst`` (needs the ``zstandard`` package) and ``.zip`` (an archive
    of one file, whose own name may tell the format). A binary file under a text
    name (gzip bytes in ``reviews.csv``, a spreadsheet) is an error that says
    what it looks like. Only the two named columns are returned. In CSV and TSV files only an empty cell
    counts as missing: texts such as ``"NA"`` or ``"null"`` stay text, and texts
    that look like numbers stay str.

    Parameters
    ----------
    path : str or path-like
        The file to read, optionally compressed (``.gz``, ``.bz2``, ``.xz``,
        ``.zst``, ``.zip``).
    text_column : str
        The column holding the texts.
    label_column : str or None
        The column holding the labels; None reads texts only (``target`` is
        then None), e.g. to predict on new data.
    positive_label : object, default=None
        If given, ``target`` is 1 where the label equals it and 0 elsewhere (for
        metrics such as F1 that need a positive class). It must occur in the
        file. By default ``target`` holds the labels as read.
    encoding : str, default="utf-8"
        Text encoding of CSV, TSV and JSON Lines files; a leading byte-order mark
        is ignored. Files exported by Excel on Windows often need ``"cp1252"``.
    format : {"csv", "tsv", "parquet", "jsonl"}, default=None
        Overrides the format inferred from the extension.
    sep : str, default=None
        Field separator of CSV/TSV files: ``","`` for CSV and a tab for TSV by
        default (pass ``";"`` for semicolon-separated exports).
    drop_duplicates : bool, default=False
        Drop rows whose text repeats an earlier row's text exactly (first kept).
        ``DESCR`` reports the number of duplicates either way.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : pandas Series of str, named ``text_column``
            The texts, index 0 to n_samples - 1.
        target : pandas Series or None
            The labels (named ``label_column``), 0/1 ints with ``positive_label``.
        target_names : ndarray or None
            The distinct labels, sorted; with ``positive_label``, the negative
            and positive names (``target_names[target]`` names each row).
        frame : pandas DataFrame
            ``data`` and ``target`` as columns.
        DESCR : str
            What was read: file, format, rows, label counts, duplicates.
        filename : str
            The file read.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (close file names are suggested).
    ValueError
        If the file is empty or has no data rows, does not parse (a row with
        more fields than the header, unbalanced quotes), a column is missing (the
        available ones are listed, close matches suggested), a byte cannot be
        decoded (the message gives its line and the ``encoding=`` to pass), texts
        or labels are missing (the rows are listed), ``positive_label`` does
        not occur (the labels seen are listed), the file is binary, not text
        (compressed under a name without its compression suffix, a spreadsheet,
        random bytes: what it looks like is named), or a compressed file is
        truncated, corrupt or not in the compression its name says.
    TypeError
        If the text column holds non-text values (Parquet, JSON Lines).
    ImportError
        If pandas, pyarrow for Parquet, or zstandard for ``.zst`` is not installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_imbal.datasets import load_text_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "messages.csv"
    >>> _ = path.write_text("message,label\\nWin a prize now,spam\\nSee you at 5,ham\\n")
    >>> X, y = load_text_csv(path, text_column="message", label_column="label",
    ...                      positive_label="spam", return_X_y=True)
    >>> X.tolist(), y.tolist()
    (['Win a prize now', 'See you at 5'], [1, 0])
    >>> load_text_csv(path, text_column="text", label_column="label")
    Traceback (most recent call last):
        ...
    ValueError: text_column='text' is not a column of ... Available columns: 'message', 'label'.
    """
    pd = require_pandas("load_text_csv")
    path = Path(path)
    if label_column is not None and label_column == text_column:
        raise ValueError(
            f"text_column and label_column are both {text_column!r}; they must name "
            "two different columns."
        )
    if label_column is None and positive_label is not None:
        raise ValueError("positive_label needs label_column: there are no labels to map.")
    compression = compression_of(path)
    file_format = format
    if file_format is None and compression != "zip":  # a zip's member may tell
        file_format = _infer_format(path)
    _check_file(path)
    raw, member = decompress(path, compression) if compression else (None, None)
    file_format = file_format or _infer_format(path, member)
    if file_format == "parquet":
        frame = _read_parquet(path, text_column, label_column, raw)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(
                f"Unknown encoding={encoding!r}; use a Python codec name such as "
                "'utf-8', 'cp1252' or 'latin-1'."
            ) from None
        text = decode(path.read_bytes() if raw is None else raw, encoding, path)
        if not text.strip():
            raise ValueError(f"{path} holds only whitespace: there are no texts to read.")
        if file_format == "jsonl":
            frame = _read_jsonl(text, text_column, label_column, path)
        else:
            separator = _DEFAULT_SEPARATORS[file_format] if sep is None else sep
            frame = _read_delimited(text, separator, text_column, label_column, path)
    if frame.shape[0] == 0:
        raise ValueError(f"{path} has a header but no data rows: there are no texts.")

    texts = frame[text_column].to_numpy(dtype=object)
    _check_texts(texts, text_column, path)
    labels = None
    if label_column is not None:
        labels = frame[label_column].to_numpy(dtype=object)
        _check_labels(labels, label_column, path)

    n_read = texts.shape[0]
    _, first = np.unique(texts, return_index=True)
    n_duplicates = n_read - first.shape[0]
    if drop_duplicates:
        keep = np.sort(first)
        texts = texts[keep]
        labels = labels[keep] if labels is not None else None

    data = pd.Series(texts, name=text_column, dtype=object)
    target = target_names = None
    if labels is not None:
        if positive_label is not None:
            values, target_names = _binarize(labels, positive_label, label_column, path)
        else:
            values, target_names = labels, np.array(_sorted_labels(labels), dtype=object)
        target = pd.Series(values, name=label_column)
        if positive_label is None:
            target = target.infer_objects()  # ints stay ints, strings str
    frame = pd.concat([data, target], axis=1) if target is not None else data.to_frame()

    counts = "" if labels is None else "; labels: " + ", ".join(
        f"{label!r}: {count:,}"
        for label, count in sorted(Counter(labels).items(), key=lambda item: repr(item[0]))
    )
    dedup = (f"{n_duplicates:,} exact duplicate texts dropped (first kept)"
             if drop_duplicates else f"{n_duplicates:,} rows repeat an earlier text")
    descr = (
        f"Labelled texts read from {path} (format {file_format}"
        f"{f', {compression}-compressed' if compression else ''}"
        f"{'' if file_format == 'parquet' else f', encoding {encoding}'}): "
        f"{n_read:,} rows, text column {text_column!r}, label column "
        f"{label_column!r}; {dedup}; {data.shape[0]:,} rows returned{counts}."
    )
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, target_names=target_names, frame=frame,
                 DESCR=descr, filename=str(path))
