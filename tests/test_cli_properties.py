"""The command line under hostile input: generated files for train, predict and evaluate.

``hypothesis`` writes files of every kind that goes wrong in practice — random
bytes, text in another encoding, ragged rows, huge fields, missing or renamed
columns, labels of one class, of many, empty, NaN or of mixed types, compressed
or misnamed — and each command must either succeed or exit with code 2 and ONE
line on standard error that names the problem: never a traceback, never exit 1.

Bounded and derandomized (the same examples every run). The properties exercise
the command's data layer, so ``train``'s Keras search is replaced by the TF-IDF
baseline it also fits (a search of one candidate, seconds instead of minutes);
one slow test runs the real Keras search on a hostile but valid file.
"""

import contextlib
import gzip
import io
import json
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import make_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_imbal.cli import _train, main

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
TINY = ["--budget", "1", "--epochs", "2", "--cv", "2"]
REAL_MAKE_SEARCH = _train._make_search
TRIED = {"train": 0, "predict": 0, "evaluate": 0}
REFUSED = {"train": 0, "predict": 0, "evaluate": 0}
MESSAGES = []


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


def check_outcome(command, code, err):
    """Success, or exit 2 with one ``error:`` line, the last one; never a traceback."""
    TRIED[command] += 1
    assert "Traceback" not in err, err
    assert code in (0, 2), err
    if code == 2:
        REFUSED[command] += 1
        MESSAGES.append(err.rstrip("\n").split("\n")[-1][:160])
        lines = err.rstrip("\n").split("\n")
        errors = [line for line in lines if "error:" in line]
        assert errors == [lines[-1]], err
        assert lines[-1].startswith(f"sklearn-imbal {command}: error: "), err
        assert len(lines[-1]) > len(f"sklearn-imbal {command}: error: ") + 10, err


# ------------------------------------------------------------------ strategies
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["free prize now", "see you soon", "", " ", "NA", "null", "911",
                     'say "hi"', "a,b;c\td", "line\nbreak", "café ✓ 中文 😀", "\ufeffbom"]),
    st.integers(200, 300_000).map(lambda n: "x" * n),  # a huge field
)
LABEL_SETS = {
    "two": ["spam", "ham"],
    "one": ["ham"],
    "many": [str(i) for i in range(7)],
    "numbers": [0, 1],
    "bools": [True, False],
    "missing": ["spam", "ham", "", None, float("nan")],
    "mixed": [1, "1", 1.0, "spam", True, None, [1], {"a": 1}],
}
HEADERS = st.sampled_from([
    ["text", "label"], ["text", "label"], ["text", "label"], ["label", "text"],
    ["text", "label", "extra"], ["text"], ["label"], ["message", "category"],
    ["text", "label", "extra"], ["Text", "Label"], ["text", "text"], [],
])


def _cell(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _quote(field, sep):
    if any(char in field for char in (sep, '"', "\n", "\r")):
        return '"' + field.replace('"', '""') + '"'
    return field


@st.composite
def tables(draw, hostile=True):
    """(file name, bytes) of a table file: hostile in one or several ways, or valid
    with odd but legal content (huge fields, emoji, quotes, numeric or boolean labels)."""
    fmt = draw(st.sampled_from(["csv", "tsv", "jsonl"]))
    if hostile:
        header = draw(HEADERS)
        labels = LABEL_SETS[draw(st.sampled_from(["two"] * 3 + sorted(LABEL_SETS)))]
        n_rows = draw(st.sampled_from([0, 1, 3, 12, 40, 40, 40]))
    else:
        header = draw(st.sampled_from([["text", "label"], ["label", "text", "extra"]]))
        labels = LABEL_SETS[draw(st.sampled_from(["two", "two", "numbers", "bools"]))]
        n_rows = 40
    rows = []
    for index in range(n_rows):
        text = f"word{index % 5} {index}"
        if draw(st.integers(0, 3)) == 0:
            odd = draw(TEXTS)
            text = odd if hostile else f"{text} {odd}"
        rows.append({"text": text, "label": labels[index % len(labels)]})
    ragged = hostile and fmt != "jsonl" and draw(st.integers(0, 8)) == 0
    broken = hostile and draw(st.integers(0, 30)) == 0
    if fmt == "jsonl":
        lines = [json.dumps({name: row.get(name, "x") for name in header}) for row in rows]
        if broken and lines:
            lines[-1] = "{broken"
        content = "\n".join(lines) + ("\n" if lines else "")
    else:
        sep = "," if fmt == "csv" else "\t"
        if hostile and draw(st.integers(0, 10)) == 0:
            sep = ";"  # a separator the name does not promise
        lines = [sep.join(header)]
        for row in rows:
            fields = [_quote(_cell(row.get(name, "x")), sep) for name in header]
            if ragged:
                fields = fields + ["extra"] * draw(st.integers(0, 2)) \
                    if draw(st.booleans()) else fields[:-1]
            lines.append(sep.join(fields))
        if broken:
            lines.append('"unbalanced' + sep + "1")
        content = "\n".join(lines) + "\n"
    encoding = "utf-8"
    if hostile:
        encoding = draw(st.sampled_from(["utf-8"] * 8 + ["latin-1", "cp1252", "utf-16"]))
    raw = content.encode(encoding, errors="replace")
    suffix = "." + fmt
    if draw(st.integers(0, 6)) == 0:
        raw = gzip.compress(raw)
        # Sometimes misnamed: gzip bytes under a plain .csv name.
        suffix += draw(st.sampled_from([".gz", ".gz", ""])) if hostile else ".gz"
    return "data" + suffix, raw


RANDOM_FILES = st.tuples(
    st.sampled_from(["data.csv", "data.tsv", "data.jsonl", "data.parquet", "data.csv.gz",
                     "data.zip", "data.txt", "data.csv.zst", "data.bin"]),
    st.one_of(st.binary(max_size=600),
              st.sampled_from([b"PK\x03\x04" + bytes(30), b"PAR1garbage", b"\x1f\x8b\x08",
                               b"\xff\xfe" + "text,label\n".encode("utf-16-le"),
                               b"text,label\n\x00\x00,1\n"])),
)
FILES = st.one_of(tables(hostile=False), tables(), tables(), RANDOM_FILES)
ENCODINGS = st.sampled_from(["utf-8"] * 8 + ["latin-1", "utf-16", "ascii", "no-such-codec"])
POSITIVE = st.sampled_from([None, None, "spam", "1", "nan", "True", "zzz"])


def _write(scratch, name, raw):
    folder = Path(tempfile.mkdtemp(prefix="example-", dir=scratch))
    path = folder / name
    path.write_bytes(raw)
    return folder, path


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module", autouse=True)
def cheap_search():
    """``train`` fits the TF-IDF baseline in a one-candidate search, not Keras models,
    and tunes its baselines' thresholds on 2 folds, not 5 (each example still fits
    and reports both baselines: the same code path, a third of the fits)."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    def make_search(args):
        search = GridSearchCV(_train._baseline(args, "word_logreg"),
                              {"estimator__clf__C": [1.0]},
                              cv=StratifiedKFold(args.cv), scoring=args.scoring)
        return search, 1

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_train, "_make_search", make_search)
        patch.setattr(_train, "BASELINE_FOLDS", 2)
        yield


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One folder per example, under pytest's temporary folders (cleaned by pytest)."""
    return tmp_path_factory.mktemp("property_files")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A saved binary text classifier (the TF-IDF baseline), as ``train`` writes one."""
    from sklearn_imbal.cli._model import save_model_folder
    from sklearn_imbal.cli._train import _baseline

    texts, y = make_texts(n_samples=120, minority=0.3, seed=1)
    args = type("Args", (), {"threshold_scoring": "f1", "random_state": 0})()
    estimator = _baseline(args, "word_logreg").fit(texts, y)
    folder = tmp_path_factory.mktemp("property_model")
    save_model_folder(estimator, folder, {"labels": ["ham", "spam"], "positive_label": "spam",
                                          "threshold": float(estimator.best_threshold_)})
    return folder


# ------------------------------------------------------------------ properties
@settings(max_examples=40, **SETTINGS)
@given(file=FILES, encoding=ENCODINGS, positive=POSITIVE)
def test_train_on_any_file_succeeds_or_names_the_problem(scratch, file, encoding, positive):
    folder, path = _write(scratch, *file)
    argv = ["train", "--data", path, "--text-column", "text", "--label-column", "label",
            "--encoding", encoding, *TINY, "--no-figures", "--no-progress",
            "--output", folder / "model"]
    if positive is not None:
        argv += ["--positive-label", positive]
    code, _, err = run(argv)
    check_outcome("train", code, err)
    if code == 0:
        assert (folder / "model" / "report.json").is_file()


@settings(max_examples=40, **SETTINGS)
@given(file=FILES, encoding=ENCODINGS, column=st.sampled_from([None, "text", "label"]))
def test_predict_on_any_file_succeeds_or_names_the_problem(scratch, model_dir, file,
                                                           encoding, column):
    _, path = _write(scratch, *file)
    argv = ["predict", "--model", model_dir, path, "--encoding", encoding]
    if column is not None:
        argv += ["--text-column", column]
    code, out, err = run(argv)
    check_outcome("predict", code, err)
    if code == 0:
        assert out.startswith("text,label,probability\n")


@settings(max_examples=40, **SETTINGS)
@given(file=FILES, encoding=ENCODINGS, positive=POSITIVE)
def test_evaluate_on_any_file_succeeds_or_names_the_problem(scratch, model_dir, file,
                                                            encoding, positive):
    folder, path = _write(scratch, *file)
    argv = ["evaluate", "--model", model_dir, "--data", path, "--text-column", "text",
            "--label-column", "label", "--encoding", encoding, "--no-figures",
            "--output", folder / "evaluation"]
    if positive is not None:
        argv += ["--positive-label", positive]
    code, _, err = run(argv)
    check_outcome("evaluate", code, err)


def test_zz_property_counts():
    """Reports how many files each property tried and refused (run with -s to see)."""
    print(f"\nfiles tried: {TRIED}; refused with exit 2: {REFUSED}")
    print("\n".join(sorted(MESSAGES)))
    ran = [command for command, count in TRIED.items() if count]
    for command in ran:
        assert 0 < REFUSED[command] < TRIED[command], (TRIED, REFUSED)


@pytest.mark.slow
def test_keras_train_on_a_hostile_but_valid_file(tmp_path, monkeypatch):
    """The real Keras search on huge fields, odd texts, numeric-looking and mixed labels."""
    texts, y = make_texts(n_samples=120, minority=0.3, seed=2)
    rng = random.Random(0)
    odd = ["", " ", "NA", "911", "😀", "中文", "x" * 200_000, 'say "hi", ok', "a\nb"]
    records = [{"text": f"{text} {rng.choice(odd)} n{i}", "label": [0, "1"][label]}
               for i, (text, label) in enumerate(zip(texts, y))]
    path = tmp_path / "hostile.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(map(json.dumps, records)).encode()))
    monkeypatch.setattr(_train, "_make_search", REAL_MAKE_SEARCH)
    code, _, err = run(["train", "--data", path, "--positive-label", "1", *TINY,
                        "--no-figures", "--no-progress", "--output", tmp_path / "model"])
    assert code == 0, err
