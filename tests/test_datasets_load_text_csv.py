"""sklearn_imbal.datasets.load_text_csv: every file format and every clear error.

Files are written to ``tmp_path`` by each test; no Keras, so this module runs in seconds.
"""

import json
import warnings

import pytest

from sklearn_imbal.datasets import _text_files, load_text_csv
from sklearn_imbal.datasets._common import describe_rows

pd = pytest.importorskip("pandas")
needs_pyarrow = pytest.mark.skipif(
    not _text_files._pyarrow_available(),
    reason='needs pyarrow: pip install "sklearn-imbal[parquet]"',
)


def _write(path, content, encoding="utf-8"):
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


@pytest.mark.smoke
def test_load_text_csv_reads_csv_and_maps_positive_label(tmp_path):
    path = _write(tmp_path / "sms.csv",
                  'id,message,label\n1,"Win, now",spam\n2,NA,ham\n3,911,ham\n4,null,spam\n')
    bunch = load_text_csv(path, text_column="message", label_column="label",
                          positive_label="spam")
    # Only empty cells are missing: 'NA', 'null' and '911' are texts, as str.
    assert bunch.data.tolist() == ["Win, now", "NA", "911", "null"]
    assert bunch.data.name == "message" and bunch.target.name == "label"
    assert bunch.target.tolist() == [1, 0, 0, 1]
    assert bunch.target_names.tolist() == ["ham", "spam"]
    assert bunch.target_names[bunch.target].tolist() == ["spam", "ham", "ham", "spam"]
    assert list(bunch.frame.columns) == ["message", "label"]
    assert "4 rows" in bunch.DESCR and "'ham': 2, 'spam': 2" in bunch.DESCR


def test_load_text_csv_keeps_labels_as_read_without_positive_label(tmp_path):
    path = _write(tmp_path / "topics.csv", "text,y\na,2\nb,0\nc,1\nd,2\n")
    X, y = load_text_csv(path, text_column="text", label_column="y", return_X_y=True)
    assert y.tolist() == [2, 0, 1, 2] and y.dtype.kind == "i"
    bunch = load_text_csv(path, text_column="text", label_column="y", positive_label=2)
    assert bunch.target.tolist() == [1, 0, 0, 1]
    assert bunch.target_names.tolist() == ["not 2", 2]


@pytest.mark.parametrize(
    "name, content, kwargs",
    [
        ("data.tsv", "text\tlabel\nhello, world\t1\nbye\t0\n", {}),
        ("data.tab", "text\tlabel\nhello, world\t1\nbye\t0\n", {}),
        ("data.csv", "text;label\nhello, world;1\nbye;0\n", {"sep": ";"}),
        ("data.txt", "text\tlabel\nhello, world\t1\nbye\t0\n", {"format": "tsv"}),
        ("data.jsonl", '{"text": "hello, world", "label": 1}\n\n{"label": 0, "text": "bye"}\n',
         {}),
        ("data.ndjson", '{"text": "hello, world", "label": 1}\n{"text": "bye", "label": 0}',
         {}),
        ("data.csv", "\ufefftext,label\n\"hello, world\",1\nbye,0\n", {}),  # Excel's BOM
    ],
)
def test_load_text_csv_formats(tmp_path, name, content, kwargs):
    path = _write(tmp_path / name, content)
    X, y = load_text_csv(path, text_column="text", label_column="label", return_X_y=True,
                         **kwargs)
    assert X.tolist() == ["hello, world", "bye"] and y.tolist() == [1, 0]


@pytest.mark.smoke
@needs_pyarrow
def test_load_text_csv_reads_parquet(tmp_path):
    path = tmp_path / "data.parquet"
    pd.DataFrame({"body": ["a", "b", "c"], "spam": [True, False, True], "x": [1, 2, 3]}
                 ).to_parquet(path)
    bunch = load_text_csv(path, text_column="body", label_column="spam", positive_label=True)
    assert bunch.data.tolist() == ["a", "b", "c"] and bunch.target.tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="'bdy' is not a column .* 'body', 'spam', 'x'"):
        load_text_csv(path, text_column="bdy", label_column="spam")
    pd.DataFrame({"body": [10, 20], "spam": [1, 0]}).to_parquet(tmp_path / "ints.parquet")
    with pytest.raises(TypeError, match=r"non-text values \(int\) at rows 0 and 1"):
        load_text_csv(tmp_path / "ints.parquet", text_column="body", label_column="spam")


@needs_pyarrow
def test_load_text_csv_parquet_that_is_not_parquet(tmp_path):
    path = _write(tmp_path / "data.parquet", "text,label\na,1\n")
    with pytest.raises(ValueError, match="Could not read .* as Parquet.*format='csv'"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    path = _write(tmp_path / "data.parquet", b"PAR1")
    monkeypatch.setattr(_text_files, "_pyarrow_available", lambda: False)
    with pytest.raises(ImportError, match=r'needs pyarrow.*pip install "sklearn-imbal\[parquet\]"'):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_texts_only_and_duplicates(tmp_path):
    path = _write(tmp_path / "new.csv", "text\nhi\nhi\nbye\n")
    bunch = load_text_csv(path, text_column="text", label_column=None)
    assert bunch.data.tolist() == ["hi", "hi", "bye"] and bunch.target is None
    assert "1 rows repeat an earlier text" in bunch.DESCR
    X, y = load_text_csv(path, text_column="text", label_column=None, drop_duplicates=True,
                         return_X_y=True)
    assert X.tolist() == ["hi", "bye"] and y is None


def test_load_text_csv_drop_duplicates_keeps_labels_aligned(tmp_path):
    path = _write(tmp_path / "d.csv", "text,label\nb,1\na,0\nb,1\nc,0\n")
    X, y = load_text_csv(path, text_column="text", label_column="label",
                         drop_duplicates=True, return_X_y=True)
    assert X.tolist() == ["b", "a", "c"] and y.tolist() == [1, 0, 0]
    assert X.index.tolist() == [0, 1, 2]


def test_load_text_csv_decoding_error_names_byte_line_and_encoding(tmp_path):
    content = "text,label\nhello,ham\nWin £100 now,spam\n".encode("cp1252")
    path = _write(tmp_path / "excel.csv", content)
    with pytest.raises(ValueError, match=(
        r"byte 0xa3 at line 3, column 5 .* Line 3 reads: 'Win .*100 now,spam'.*"
        r"encoding='cp1252'.*encoding='latin-1'"
    )):
        load_text_csv(path, text_column="text", label_column="label")
    X, _ = load_text_csv(path, text_column="text", label_column="label", encoding="cp1252",
                         return_X_y=True)
    assert X[1] == "Win £100 now"


def test_load_text_csv_missing_file_suggests_close_names(tmp_path):
    _write(tmp_path / "messages.csv", "text,label\na,1\n")
    with pytest.raises(FileNotFoundError,
                       match=r"No such file: .*mesages.csv. Did you mean 'messages.csv'"):
        load_text_csv(tmp_path / "mesages.csv", text_column="text", label_column="label")
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        load_text_csv(tmp_path / "nowhere" / "a.csv", text_column="text", label_column="label")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ValueError, match="is a directory"):
        load_text_csv(tmp_path / "folder.csv", text_column="text", label_column="label")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(text_column="txt", label_column="label"),
         r"text_column='txt' is not a column of .*Available columns: 'text', 'Label', "
         r"'id'. Did you mean 'text'"),
        (dict(text_column="text", label_column="label"),
         r"label_column='label' is not a column.*Did you mean 'Label'"),
        (dict(text_column="text", label_column="categoryy"),
         r"label_column='categoryy' .*Available columns: 'text', 'Label', 'id'\.$"),
    ],
)
def test_load_text_csv_missing_column_lists_available_ones(tmp_path, kwargs, match):
    path = _write(tmp_path / "d.csv", "text,Label,id\na,1,1\n")
    with pytest.raises(ValueError, match=match):
        load_text_csv(path, **kwargs)


def test_load_text_csv_wrong_separator_is_diagnosed(tmp_path):
    path = _write(tmp_path / "d.csv", "text;label\na;1\n")
    with pytest.raises(ValueError, match=r"Available columns: 'text;label'\..*the file seems "
                                         r"to use sep=';': pass it"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_unparseable_csv_names_the_file(tmp_path):
    # An unquoted comma in a text must not silently shift the label.
    path = _write(tmp_path / "d.csv", "text,label\na,1\nhello, world,1\n")
    with pytest.raises(ValueError, match=r"Could not parse .*d.csv with sep=',': "
                                         r".*Expected 2 fields in line 3, saw 3.*must be quoted"):
        load_text_csv(path, text_column="text", label_column="label")
    path = _write(tmp_path / "q.csv", 'text,label\na,1\n"b,1\n')
    with pytest.raises(ValueError, match="EOF inside string"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_missing_column_in_jsonl(tmp_path):
    path = _write(tmp_path / "d.jsonl", '{"body": "a", "label": 1}\n')
    with pytest.raises(ValueError,
                       match="text_column='text' .* Available columns: 'body', 'label'"):
        load_text_csv(path, text_column="text", label_column="label")


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("empty.csv", b"", r"is empty \(0 bytes\)"),
        ("blank.csv", b"\n \n", "holds only whitespace"),
        ("header.csv", b"text,label\n", "has a header but no data rows"),
        ("blank.jsonl", b"\n\n ", "holds only whitespace"),
        ("empty.parquet", b"", r"is empty \(0 bytes\)"),
    ],
)
def test_load_text_csv_empty_files(tmp_path, name, content, match):
    path = _write(tmp_path / name, content)
    with pytest.raises(ValueError, match=match):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_missing_labels_name_the_rows(tmp_path):
    path = _write(tmp_path / "d.csv", "text,label\na,spam\nb,\nc,ham\nd,  \n")
    with pytest.raises(ValueError, match=r"2 label\(s\) in column 'label' .* rows 1 and 3, "
                                         "counting data rows from 0"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_many_missing_labels_are_summarized(tmp_path):
    path = _write(tmp_path / "d.csv", "text,label\n" + "".join(f"t{i},\n" for i in range(25)))
    with pytest.raises(ValueError, match=r"rows 0, 1, 2, .*, 9, \.\.\. \(25 rows in all\)"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_missing_texts_name_the_rows(tmp_path):
    path = _write(tmp_path / "d.csv", 'text,label\n"",1\nok,0\n,1\n')
    with pytest.raises(ValueError,
                       match=r"2 text\(s\) in column 'text' .* missing .* rows 0 and 2"):
        load_text_csv(path, text_column="text", label_column="label")
    path = _write(tmp_path / "d.jsonl", '{"text": "a", "label": 1}\n{"text": null, "label": 0}\n'
                                        '{"label": 0}\n')
    with pytest.raises(ValueError, match=r"missing .* rows 1 and 2"):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_non_text_values(tmp_path):
    path = _write(tmp_path / "d.jsonl", '{"text": "a", "label": 1}\n{"text": 42, "label": 0}\n')
    with pytest.raises(TypeError, match=r"non-text values \(int\) at row 1"):
        load_text_csv(path, text_column="text", label_column="label")


@pytest.mark.parametrize(
    "content, match",
    [
        ('{"text": "a", "label": 1}\n{"text": "b", label: 0}\n',
         r"Line 2 of .* is not valid JSON \(Expecting property name"),
        ('["a", 1]\n', "Line 1 of .* is a JSON list, not an object"),
    ],
)
def test_load_text_csv_bad_json_lines(tmp_path, content, match):
    path = _write(tmp_path / "d.jsonl", content)
    with pytest.raises(ValueError, match=match):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_positive_label_not_present_lists_labels(tmp_path):
    path = _write(tmp_path / "d.csv", "text,label\na,ham\nb,spam\nc,ham\n")
    with pytest.raises(ValueError, match=r"positive_label='Spam' does not occur in column "
                                         r"'label' .* Labels seen: 'ham', 'spam'\.$"):
        load_text_csv(path, text_column="text", label_column="label", positive_label="Spam")
    path = _write(tmp_path / "n.csv", "text,label\na,0\nb,1\n")
    with pytest.raises(ValueError, match=r"Labels seen: 0, 1\. The label 1 is a int, not a "
                                         r"str: pass positive_label=1\."):
        load_text_csv(path, text_column="text", label_column="label", positive_label="1")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(text_column="text", label_column="text"), ValueError, "two different columns"),
        (dict(text_column="text", label_column=None, positive_label=1), ValueError,
         "positive_label needs label_column"),
        (dict(text_column="text", label_column="label", encoding="utf-9"), ValueError,
         "Unknown encoding='utf-9'"),
        (dict(text_column="text", label_column="label", format="xlsx"), ValueError,
         "'format' parameter"),
    ],
)
def test_load_text_csv_rejects_bad_arguments(tmp_path, kwargs, error, match):
    path = _write(tmp_path / "d.csv", "text,label\na,1\n")
    with pytest.raises(error, match=match):
        load_text_csv(path, **kwargs)


def test_load_text_csv_unknown_extension_asks_for_format(tmp_path):
    path = _write(tmp_path / "d.xlsx", "text,label\na,1\n")
    with pytest.raises(ValueError, match=r"extension '\.xlsx'.*Pass format="):
        load_text_csv(path, text_column="text", label_column="label")


def test_load_text_csv_round_trip_with_pandas_writers(tmp_path):
    frame = pd.DataFrame({"text": ['say "hi"\nthen go', "tab\there", "ünïcode ✓", ""],
                          "label": ["a", "b", "a", "b"]})
    frame.loc[3, "text"] = " "  # an empty CSV cell is missing; a space is text
    frame.to_csv(tmp_path / "f.csv", index=False)
    frame.to_csv(tmp_path / "f.tsv", sep="\t", index=False)
    with open(tmp_path / "f.jsonl", "w", encoding="utf-8") as handle:
        for record in frame.to_dict("records"):
            handle.write(json.dumps(record) + "\n")
    for name in ("f.csv", "f.tsv", "f.jsonl"):
        X, y = load_text_csv(tmp_path / name, text_column="text", label_column="label",
                             return_X_y=True)
        assert X.tolist() == frame["text"].tolist() and y.tolist() == frame["label"].tolist()


def test_describe_rows():
    assert describe_rows([4]) == "row 4"
    assert describe_rows([1, 5, 9]) == "rows 1, 5 and 9"
    assert describe_rows(range(12), limit=3) == "rows 0, 1, 2, ... (12 rows in all)"


def test_datasets_emit_no_warnings_on_clean_input(tmp_path):
    path = _write(tmp_path / "d.csv", "text,label\na,1\nb,0\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_text_csv(path, text_column="text", label_column="label", positive_label=1)
