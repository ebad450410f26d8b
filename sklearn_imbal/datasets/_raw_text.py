"""A data file's bytes to its text: decompression, binary files, encodings.

``reviews.csv.gz`` is read as ``reviews.csv``: the compression comes from the
last suffix, the format from the one before it. A file that is binary without
saying so (gzip bytes in ``reviews.csv``, a Parquet or Excel file, random
bytes) is named as such before any decoding: every byte decodes in latin-1,
so suggesting another encoding for it would load garbage as texts.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import importlib
import io
import lzma
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

__all__ = ["COMPRESSIONS", "binary_kind", "compression_of", "decode", "decompress", "format_suffix"]

#: The compression of each suffix that is decompressed transparently.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zip": "zip"}

# How each compressed or binary format starts: (pattern, what to call it).
# Checked in order, on the first bytes of a file.
_SIGNATURES = [
    (rb"\x1f\x8b", "gzip"),
    (rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", "bz2"),
    (rb"\xfd7zXZ\x00", "xz"),
    (rb"\x28\xb5\x2f\xfd|[\x50-\x5f]\x2a\x4d\x18", "zstd"),
    (rb"PK(\x03\x04|\x05\x06|\x07\x08)", "zip"),
    (rb"7z\xbc\xaf\x27\x1c", "7z archive"),
    (rb"PAR1", "Parquet"),
    (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document, such as an Excel .xls"),
    (rb"SQLite format 3\x00", "SQLite database"),
    (rb"%PDF-", "PDF"),
    (rb"\x89PNG\r\n\x1a\n", "PNG image"),
    (rb"\xff\xd8\xff", "JPEG image"),
    (rb"\x80[\x02-\x05]", "Python pickle"),
]
_DESCRIPTIONS = {"gzip": "gzip-compressed", "bz2": "bz2-compressed", "xz": "xz-compressed",
                 "zstd": "zstd-compressed", "zip": "zip archive, such as an Excel .xlsx"}
# Text encodings in which NUL bytes are ordinary (every ASCII character has one).
_WIDE = re.compile(r"utf[-_]?(16|32)", re.IGNORECASE)
_SNIFF = 8192


def compression_of(path: Path) -> str | None:
    """``"gzip"`` for ``reviews.csv.gz``; None for a name without a compression suffix."""
    return COMPRESSIONS.get(path.suffix.lower())


def format_suffix(path: Path) -> str:
    """The suffix that tells the format: ``.csv`` for ``reviews.csv.gz``, ``""`` for none."""
    if compression_of(path) is not None:
        path = path.with_suffix("")
    return path.suffix.lower()


def binary_kind(raw: bytes, encoding: str = "utf-8") -> str | None:
    """What binary file ``raw`` is the start of, or None if it may be text.

    >>> binary_kind(b"\\x1f\\x8b\\x08\\x00")
    'gzip-compressed'
    >>> binary_kind(b"text,label\\nhello,1\\n") is None
    True
    >>> binary_kind(b"t\\x00e\\x00x\\x00t\\x00", "utf-16-le") is None
    True
    """
    head = raw[:_SNIFF]
    for pattern, kind in _SIGNATURES:
        if re.match(pattern, head):
            return _DESCRIPTIONS.get(kind, kind)
    if b"\x00" in head and not _WIDE.match(encoding):
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None  # UTF-16 text with its byte-order mark: the decoder says so
        return "it holds NUL bytes, which text files do not"
    return None


def _zstd_decompress(raw, path):
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        raise ImportError(
            f"Reading {path} (zstd-compressed) needs the zstandard package, which is not "
            'installed. Install it with: pip install zstandard (or pip install '
            '"sklearn-imbal[zstd]"), or decompress the file first: zstd -d.'
        ) from None
    # One decompressor per frame (``zstd`` concatenates frames on append); a frame
    # cut short is not an error to zstandard, so its end is checked here.
    parts = []
    while raw:
        decompressor = zstandard.ZstdDecompressor().decompressobj()
        parts.append(decompressor.decompress(raw))
        if not decompressor.eof:
            raise EOFError("the last zstd frame ends before its end mark")
        raw = decompressor.unused_data
    return b"".join(parts)


def _zip_member(raw, path):
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = [info for info in archive.infolist()
                   if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
        if len(members) != 1:
            names = ", ".join(repr(info.filename) for info in members[:10]) or "none"
            raise ValueError(
                f"{path} is a zip archive of {len(members)} files ({names}); only an "
                "archive of one data file is read. Extract the file to read and pass it."
            )
        return archive.read(members[0]), members[0].filename


def decompress(path: Path, compression: str) -> tuple[bytes, str | None]:
    """The decompressed bytes of ``path`` and, for a zip archive, its one member's name.

    Raises ValueError naming the file for data that is not in the compression its
    name says, or that is truncated or corrupt; ImportError for ``.zst`` without
    the zstandard package.
    """
    raw = path.read_bytes()
    kind = binary_kind(raw)
    if kind != _DESCRIPTIONS[compression]:
        found = f"it is {'a ' if kind.startswith('zip') else ''}{kind}" if kind \
            else f"it starts with {raw[:8]!r}"
        expected = "a zip archive" if compression == "zip" else f"{compression}-compressed"
        raise ValueError(
            f"{path} is named {path.suffix} but is not {expected} ({found}). Rename it "
            f"to {path.with_suffix('').name}, or compress it again."
        )
    try:
        if compression == "zip":
            return _zip_member(raw, path)
        if compression == "zstd":
            return _zstd_decompress(raw, path), None
        module = {"gzip": gzip, "bz2": bz2, "xz": lzma}[compression]
        return module.decompress(raw), None
    except (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile,
            NotImplementedError, RuntimeError) as exc:
        # zstandard raises ZstdError, a subclass of Exception only: matched by name.
        raise _corrupt(path, compression, exc) from None
    except Exception as exc:
        if type(exc).__name__ != "ZstdError":
            raise
        raise _corrupt(path, compression, exc) from None


def _corrupt(path, compression, exc):
    detail = str(exc).strip() or "unexpected end of data"
    return ValueError(
        f"Could not decompress {path} as {compression} ({type(exc).__name__}: {detail}): "
        "the file is truncated or corrupt (an interrupted download or copy?). Get a "
        "complete copy."
    )


def _binary_error(path, kind):
    compressions = {name: suffix for suffix, name in COMPRESSIONS.items()}
    compression = next((name for name in compressions if kind.startswith(name)), None)
    if compression is not None:
        suffix = compressions[compression]
        hint = (f"a {compression} file is decompressed when its name ends in {suffix} "
                f"(e.g. reviews.csv{suffix}); rename it so, or decompress it first.")
    elif kind == "Parquet":
        hint = "pass format='parquet', or give it a .parquet name."
    else:
        hint = ("texts are read from CSV, TSV, JSON Lines, Parquet or plain-text files: "
                "export the data to one of those (a spreadsheet: save it as CSV).")
    return ValueError(f"{path} looks like a binary file ({kind}), not text; {hint}")


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def decode(raw: bytes, encoding: str, path: Any) -> str:
    """Decode the whole file, naming the first undecodable byte and its line.

    A binary file is refused before decoding, naming what it looks like: no
    encoding would turn it into texts (latin-1 decodes any byte, to garbage).
    """
    kind = binary_kind(raw, encoding)
    if kind is not None:
        raise _binary_error(path, kind)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        start = exc.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        line_end = raw.find(b"\n", start)
        context = raw[line_start: line_end if line_end >= 0 else len(raw)]
        snippet = context.decode(encoding, errors="replace").strip()
        wide = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
        advice = (
            f"The file starts with a {wide.upper()} byte-order mark: pass encoding={wide!r}."
            if wide is not None else
            "The file is probably in a legacy 8-bit encoding: pass encoding='cp1252' "
            "(Windows and Excel exports) or encoding='latin-1' (decodes any byte)."
        )
        raise ValueError(
            f"Could not decode {path} with encoding={encoding!r}: byte "
            f"0x{raw[start]:02x} at line {line}, column {start - line_start + 1} "
            f"(byte offset {start}) is not valid {exc.encoding}. Line {line} reads: "
            f"{snippet[:80]!r}. {advice}"
        ) from None
    # Excel writes a byte-order mark before the header; left in, it would make the
    # first column '\ufefftext' and a correct text_column= look missing.
    return text.removeprefix("\ufeff")
