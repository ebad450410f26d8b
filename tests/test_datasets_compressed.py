"""load_text_csv on compressed files, and binary files named as such.

A compressed file loads exactly as its uncompressed original; a binary file under
a text name is refused naming what it looks like, with no encoding suggested
(latin-1 would "decode" it into garbage texts). No Keras: runs in seconds.
"""

import bz2
import gzip
import importlib.util
import io
import lzma
import zipfile

import pytest

from sklearn_imbal.datasets import _raw_text, _text_files, load_text_csv
from sklearn_imbal.datasets._raw_text import binary_kind

pd = pytest.importorskip("pandas")
CSV = "text,label\nhello there,spam\n\"a, b\",ham\ncafé ✓,ham\n911,spam\n".encode()
JSONL = b'{"text": "hello there", "label": 1}\n{"text": "bye", "label": 0}\n'
needs_zstandard = pytest.mark.skipif(importlib.util.find_spec("zstandard") is None,
                                     reason="needs zstandard: pip install zstandard")


def _zstd(raw):
    zstandard = pytest.importorskip("zstandard")

    # A streamed frame (no content size in its header), as the zstd tool writes.
    buffer = io.BytesIO()
    with zstandard.ZstdCompressor().stream_writer(buffer, closefd=False) as writer:
        writer.write(raw)
    return buffer.getvalue()


def _zip(raw, member="data.csv", *others):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in (member, *others):
            archive.writestr(name, raw)
    return buffer.getvalue()


COMPRESSORS = [
    pytest.param(".gz", gzip.compress, id="gz"),
    pytest.param(".bz2", bz2.compress, id="bz2"),
    pytest.param(".xz", lzma.compress, id="xz"),
    pytest.param(".zst", _zstd, id="zst", marks=needs_zstandard),
    pytest.param(".zip", _zip, id="zip"),
]


def _load(path, **kwargs):
    return load_text_csv(path, text_column="text", label_column="label", **kwargs)


@pytest.mark.smoke
@pytest.mark.parametrize("suffix, compress", COMPRESSORS)
def test_compressed_csv_loads_as_the_uncompressed_file(tmp_path, suffix, compress):
    (tmp_path / "plain.csv").write_bytes(CSV)
    (tmp_path / f"data.csv{suffix}").write_bytes(compress(CSV))
    plain, packed = _load(tmp_path / "plain.csv"), _load(tmp_path / f"data.csv{suffix}")
    pd.testing.assert_frame_equal(packed.frame, plain.frame)
    assert packed.target_names.tolist() == plain.target_names.tolist()
    assert f"format csv, {_raw_text.COMPRESSIONS[suffix]}-compressed" in packed.DESCR


def test_compressed_jsonl_tsv_and_format_override(tmp_path):
    (tmp_path / "d.jsonl.bz2").write_bytes(bz2.compress(JSONL))
    assert _load(tmp_path / "d.jsonl.bz2").target.tolist() == [1, 0]
    tsv = CSV.replace(b"\"a, b\"", b"a, b").replace(b",", b"\t").replace(b"a\t b", b"a, b")
    (tmp_path / "d.tab.xz").write_bytes(lzma.compress(tsv))
    assert _load(tmp_path / "d.tab.xz").data.tolist()[1] == "a, b"
    # No format before the compression suffix: format= tells it, and the file is
    # still decompressed.
    (tmp_path / "export.gz").write_bytes(gzip.compress(CSV))
    with pytest.raises(ValueError, match=r"export.gz from its extension before '\.gz' "
                                         r"'\(none\)'.*Pass format="):
        _load(tmp_path / "export.gz")
    assert _load(tmp_path / "export.gz", format="csv").data.shape == (4,)


def test_zip_archive_member_tells_the_format_and_must_be_alone(tmp_path):
    (tmp_path / "d.zip").write_bytes(_zip(JSONL, "records.jsonl"))
    assert _load(tmp_path / "d.zip").target.tolist() == [1, 0]
    (tmp_path / "two.csv.zip").write_bytes(_zip(CSV, "a.csv", "b.csv"))
    with pytest.raises(ValueError, match=r"two.csv.zip is a zip archive of 2 files "
                                         r"\('a.csv', 'b.csv'\); only an archive of one"):
        _load(tmp_path / "two.csv.zip")
    (tmp_path / "odd.zip").write_bytes(_zip(CSV, "notes.txt"))
    with pytest.raises(ValueError, match="nor from its member 'notes.txt'"):
        _load(tmp_path / "odd.zip")


def test_compressed_parquet(tmp_path):
    if not _text_files._pyarrow_available():
        pytest.skip('needs pyarrow: pip install "sklearn-imbal[parquet]"')
    frame = pd.DataFrame({"text": ["a b", "c d"], "label": [1, 0], "other": [3, 4]})
    frame.to_parquet(tmp_path / "d.parquet")
    (tmp_path / "d.parquet.gz").write_bytes(gzip.compress((tmp_path / "d.parquet")
                                                          .read_bytes()))
    assert _load(tmp_path / "d.parquet.gz").frame.equals(_load(tmp_path / "d.parquet").frame)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "cp1252"])
@pytest.mark.parametrize("content, kind", [
    (gzip.compress(CSV), r"gzip-compressed\), not text; a gzip file is decompressed when "
                         r"its name ends in \.gz \(e\.g\. reviews\.csv\.gz\)"),
    (bz2.compress(CSV), r"bz2-compressed\).*ends in \.bz2"),
    (lzma.compress(CSV), r"xz-compressed\).*ends in \.xz"),
    (b"\x28\xb5\x2f\xfd" + bytes(20), r"zstd-compressed\).*ends in \.zst"),
    (_zip(CSV), r"zip archive, such as an Excel \.xlsx\).*ends in \.zip"),
    (b"PAR1" + bytes(50), r"Parquet\), not text; pass format='parquet'"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), r"legacy Office document.*save it "
                                                      "as CSV"),
    (bytes(range(256)) * 4, r"it holds NUL bytes, which text files do not\)"),
], ids=["gzip", "bz2", "xz", "zstd", "zip", "parquet", "xls", "random"])
def test_binary_file_under_a_text_name_is_named_never_decoded(tmp_path, content, kind,
                                                              encoding):
    path = tmp_path / "reviews.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"reviews.csv looks like a binary file \\({kind}") \
            as caught:
        _load(path, encoding=encoding)
    assert "encoding" not in str(caught.value)  # no codec turns this into texts


@pytest.mark.parametrize("suffix, content, match", [
    (".gz", CSV, r"d.csv.gz is named \.gz but is not gzip-compressed \(it starts with "
                 r"b'text,lab'\)\. Rename it to d\.csv"),
    (".bz2", gzip.compress(CSV), r"is named \.bz2 but is not bz2-compressed \(it is "
                                 r"gzip-compressed\)"),
    (".gz", gzip.compress(CSV)[:-6], r"Could not decompress .*d.csv.gz as gzip "
                                     r"\(EOFError: .*truncated or corrupt"),
    (".xz", lzma.compress(CSV)[:30], r"Could not decompress .*as xz .*truncated"),
    (".zip", _zip(CSV)[:40], r"Could not decompress .*as zip \(BadZipFile"),
    (".zip", CSV, r"d.csv.zip is named \.zip but is not a zip archive \(it starts with"),
    (".zst", b"\xc4random", r"d.csv.zst is named \.zst but is not zstd-compressed"),
    (".xz", _zip(CSV), r"is not xz-compressed \(it is a zip archive"),
    pytest.param(".zst", b"\x28\xb5\x2f\xfd" + bytes(20),
                 r"Could not decompress .*as zstd \(EOFError: the last zstd frame ends",
                 marks=needs_zstandard),
    pytest.param(".zst", b"\x28\xb5\x2f\xfd\xff" + bytes(20),
                 r"Could not decompress .*as zstd \(ZstdError", marks=needs_zstandard),
])
def test_misnamed_or_truncated_compressed_files(tmp_path, suffix, content, match):
    path = tmp_path / f"d.csv{suffix}"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        _load(path)


def test_zst_without_zstandard_says_what_to_install(tmp_path, monkeypatch):
    real = _raw_text.importlib.import_module

    def without_zstandard(name, *args):
        if name == "zstandard":
            raise ImportError("No module named 'zstandard'")
        return real(name, *args)

    monkeypatch.setattr(_raw_text.importlib, "import_module", without_zstandard)
    (tmp_path / "d.csv.zst").write_bytes(b"\x28\xb5\x2f\xfd" + bytes(20))
    with pytest.raises(ImportError, match=r"d.csv.zst \(zstd-compressed\) needs the "
                                          "zstandard package.*pip install zstandard"):
        _load(tmp_path / "d.csv.zst")


def test_utf16_file_is_text_and_its_encoding_is_suggested(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(CSV.decode().encode("utf-16"))
    with pytest.raises(ValueError, match="starts with a UTF-16 byte-order mark: pass "
                                         "encoding='utf-16'"):
        _load(path)
    assert _load(path, encoding="utf-16").data.tolist()[2] == "café ✓"


def test_binary_kind_does_not_flag_text():
    for text in (CSV, JSONL, "ünïcode ✓ 中文 😀".encode(), b"PK is a name,1\n",
                 b"BZh is not bz2\n", "tab\there".encode("utf-16-le")):
        encoding = "utf-16-le" if b"\x00" in text else "utf-8"
        assert binary_kind(text, encoding) is None, text
