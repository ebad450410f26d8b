"""The bad-input matrix: every public entry point, every way its input goes wrong.

Each case ends in a clear error, whose type and message are asserted, or in a
correct result (finite probabilities, the documented output): never a TensorFlow
traceback, an unrelated numpy error or a silent NaN. ``docs/guarantees.rst`` lists
the matrix and where each cell is tested; the loaders' own cases (non-UTF-8 files,
missing columns...) are in ``tests/test_datasets_load_text_csv.py``, damaged model
files in ``tests/test_persistence.py``.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier, make_text_search
from sklearn_imbal.datasets import load_text_csv
from sklearn_imbal.exceptions import InfeasibleConstraintWarning
from sklearn_imbal.metrics import cost, fbeta, precision_at_recall, recall_at_precision
from sklearn_imbal.pipeline import Pipeline
from sklearn_imbal.sampling import (
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)
from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier

ONE_EPOCH = dict(epochs=1, random_state=0)
TINY = dict(epochs=2, batch_size=16, learning_rate=0.05, embedding_dim=8, random_state=0)
TEXTS = ["win a prize", "see you at 5", "free cash now", "lunch at one"]
LABELS = [1, 0, 1, 0]
# A 1 MB document of ordinary words: every architecture must take it in stride.
BIG = " ".join(np.random.RandomState(0).choice(
    ["free", "prize", "lunch", "home", "sorry", "cash", "the", "a", "meeting"], 200_000
))[:1_000_000]
# Valid texts that are easy to get wrong: no word token at all, whitespace only,
# emoji, CJK, Cyrillic, Arabic (right-to-left), combining accents.
ODD = ["", "   ", ":)", "!!!", "😀🎉🎉", "免费 奖品", "приз бесплатно", "مرحبا بك",
       "cafe\u0301 ok"]


# ------------------------------------------------------- raw-text entry points
def _fit_text_classifier(X, y, w):
    return KerasTextClassifier(**ONE_EPOCH).fit(X, y, sample_weight=w)


def _sampler(cls):
    def resample(X, y, w):
        return cls(random_state=0).fit_resample(X, y, sample_weight=w)
    return resample


def _fit_holdout(X, y, w):
    assert w is None  # weights reach it through metadata routing only
    return HoldoutThresholdClassifier(KerasTextClassifier(**ONE_EPOCH)).fit(X, y)


def _fit_prior_corrected(X, y, w):
    return PriorCorrectedClassifier(KerasTextClassifier(**ONE_EPOCH)).fit(X, y, sample_weight=w)


def _fit_pipeline(X, y, w):
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**ONE_EPOCH))])
    return pipe.fit(X, y, sampler__sample_weight=w, clf__sample_weight=w)


TEXT_ENTRY_POINTS = {
    "KerasTextClassifier": _fit_text_classifier,
    "TextRandomOverSampler": _sampler(TextRandomOverSampler),
    "TextRandomUnderSampler": _sampler(TextRandomUnderSampler),
    "TextAugmentOverSampler": _sampler(TextAugmentOverSampler),
    "Pipeline": _fit_pipeline,
    "HoldoutThresholdClassifier": _fit_holdout,
    "PriorCorrectedClassifier": _fit_prior_corrected,
}

# id: (X, y, sample_weight, error, message)
TEXT_ERRORS = {
    "empty": ([], [], None, ValueError, r"0 sample\(s\)"),
    "none-among-texts": (["win", None, "free", "lunch"], LABELS, None, ValueError,
                         r"X\[1\] is None: missing texts are not allowed"),
    "nan-among-texts": (["win", np.nan, "free", "lunch"], LABELS, None, ValueError,
                        r"X\[1\] is NaN: missing texts"),
    "pandas-na": (pd.Series(["win", pd.NA, "free", "lunch"], dtype="string"), LABELS, None,
                  ValueError, r"X\[1\] is NA: missing texts"),
    "bytes-among-texts": (["win", b"see", "free", "lunch"], LABELS, None, TypeError,
                          r"X\[1\] is bytes, not str. Decode the texts first"),
    "bytes-array": (np.array([b"win", b"see", b"free", b"lunch"]), LABELS, None, TypeError,
                    r"bytes dtype \(\|S5\); decode the texts"),
    "number-among-texts": (["win", 3, "free", "lunch"], LABELS, None, TypeError,
                           r"X\[1\] has type int \(3\); every text must be a str"),
    "numeric-array": (np.arange(4.0), LABELS, None, TypeError,
                      "numeric dtype float64; this estimator takes raw text"),
    "two-columns": (np.array([[t, t] for t in TEXTS], dtype=object), LABELS, None, ValueError,
                    r"X has shape \(4, 2\); expected a 1-D sequence of texts"),
    "two-column-frame": (pd.DataFrame({"a": TEXTS, "b": TEXTS}), LABELS, None, ValueError,
                         r"DataFrame with 2 columns \['a', 'b'\]; expected a single text"),
    "bare-string": ("win a prize", LABELS, None, TypeError,
                    r"X is a single str; expected a sequence of texts"),
    "set-of-texts": (set(TEXTS), LABELS, None, TypeError, "order is arbitrary"),
    "single-class": (TEXTS, [0, 0, 0, 0], None, ValueError, r"(single class|has 1 class)"),
    "len-mismatch": (TEXTS, LABELS[:3], None, ValueError, "inconsistent numbers of samples"),
    "y-none": (TEXTS, None, None, ValueError, "requires y to be passed"),
    "label-none": (TEXTS, ["spam", None, "spam", "ham"], None, ValueError,
                   "y contains None or NaN; every sample needs a label"),
    "continuous-y": (TEXTS, [0.1, 0.2, 0.3, 0.4], None, ValueError,
                     "Unknown label type: 'continuous'"),
    "weights-too-short": (TEXTS, LABELS, [1.0, 1.0, 1.0], ValueError,
                          r"sample_weight has shape \(3,\); expected \(4,\)"),
    "weights-negative": (TEXTS, LABELS, [1.0, -1.0, 1.0, 1.0], ValueError,
                         r"sample_weight contains negative values \(min -1\)"),
    "weights-nan": (TEXTS, LABELS, [1.0, np.nan, 1.0, 1.0], ValueError,
                    "sample_weight contains NaN or infinity"),
}


def _text_cells():
    for entry in TEXT_ENTRY_POINTS:
        for case, (_, _, weights, _, _) in TEXT_ERRORS.items():
            if weights is not None and entry == "HoldoutThresholdClassifier":
                continue
            yield pytest.param(entry, case, id=f"{entry}-{case}")


@pytest.mark.parametrize("entry, case", list(_text_cells()))
def test_bad_text_input_is_a_clear_error(entry, case):
    X, y, weights, error, match = TEXT_ERRORS[case]
    with pytest.raises(error, match=match):
        TEXT_ENTRY_POINTS[entry](X, y, weights)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (["ok", "bad \ud800 surrogate", "x", "y"], ValueError,
         r"X\[1\] cannot be encoded as UTF-8 .* lone surrogate"),
        (np.array(TEXTS * 2, dtype=object).reshape(2, 2, 2), ValueError,
         r"shape \(2, 2, 2\)"),
        ({"text": "win"}, TypeError, "not a mapping"),
        (None, TypeError, "X is None; expected a sequence of texts"),
        (sp.csr_matrix(np.eye(4)), TypeError, "sparse matrix; this estimator takes raw text"),
    ],
    ids=["lone-surrogate", "three-dimensional", "mapping", "none", "sparse"],
)
def test_text_classifier_specific_input_errors(X, error, match):
    with pytest.raises(error, match=match):
        KerasTextClassifier(**ONE_EPOCH).fit(X, LABELS)


@pytest.mark.parametrize("cls", [TextRandomOverSampler, TextRandomUnderSampler,
                                 TextAugmentOverSampler])
def test_sampler_specific_target_errors(cls):
    with pytest.raises(ValueError, match=r"0 sample\(s\).* X is empty"):
        cls().fit_resample([], [0, 1])
    with pytest.raises(ValueError, match="Multilabel and multioutput targets are not supported"):
        cls().fit_resample(TEXTS, [[1, 1], [0, 1], [1, 0], [1, 1]])


def test_three_classes_given_to_a_binary_only_step():
    y3 = ["spam", "ham", "work", "ham"]
    with pytest.raises(ValueError, match=r"Only binary classification is supported: "
                                         r"HoldoutThresholdClassifier .* 3 classes"):
        HoldoutThresholdClassifier(KerasTextClassifier(**ONE_EPOCH)).fit(TEXTS, y3)
    with pytest.raises(ValueError, match="binary"):
        KerasTextClassifier(loss="soft_f1", **ONE_EPOCH).fit(TEXTS * 3, y3 * 3)


@pytest.fixture(scope="module")
def fitted_text(small_text_data):
    X, y = small_text_data
    return KerasTextClassifier(**TINY, analyzer="word").fit(X, y)


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([], ValueError, r"0 sample\(s\)"),
        (["ok", None], ValueError, r"X\[1\] is None"),
        ([b"ok"], TypeError, r"X\[0\] is bytes"),
        (["ok", 7], TypeError, r"X\[1\] has type int"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, "2 columns"),
        ("one text", TypeError, "single str"),
        ({"a", "b"}, TypeError, "order is arbitrary"),
    ],
    ids=["empty", "none", "bytes", "number", "two-columns", "bare-string", "set"],
)
def test_bad_input_to_predict_is_a_clear_error(fitted_text, X, error, match):
    for method in (fitted_text.predict, fitted_text.predict_proba):
        with pytest.raises(error, match=match):
            method(X)


# ------------------------------------------------ valid but unusual texts
@pytest.fixture(scope="module")
def odd_fits(small_text_data):
    """One tiny model per architecture, trained with the odd texts and a 1 MB document."""
    X, y = small_text_data
    X = np.concatenate([X, ODD, [BIG]]).astype(object)
    y = np.concatenate([y, [0, 1] * 5])
    analyzers = {"tfidf": "char_wb", "bag": "word", "cnn": "char"}
    return {
        architecture: KerasTextClassifier(architecture=architecture, analyzer=analyzer,
                                          **TINY).fit(X, y)
        for architecture, analyzer in analyzers.items()
    }


@pytest.mark.parametrize("architecture", ["tfidf", "bag", "cnn"])
def test_odd_texts_and_a_1mb_document_give_finite_probabilities(odd_fits, architecture):
    clf = odd_fits[architecture]
    proba = clf.predict_proba(ODD + [BIG, BIG[:500_000]])
    assert proba.shape == (len(ODD) + 2, 2)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(ODD)) <= {0, 1}


def test_bag_of_embeddings_on_texts_without_a_word():
    """Regression: the masked mean divided by zero tokens and the loss became NaN."""
    X = ["win free cash", "see you at lunch", ":)", "!!!", "free prize now", "home later"] * 5
    y = [1, 0, 0, 1, 1, 0] * 5
    clf = KerasTextClassifier(architecture="bag", analyzer="word", **TINY).fit(X, y)
    proba = clf.predict_proba([":)", "", "   ", "free"])
    assert np.all(np.isfinite(proba))
    # No token: the features are zeros, so every such text gets the same answer.
    np.testing.assert_allclose(proba[0], proba[1])
    np.testing.assert_allclose(proba[0], proba[2])


@pytest.mark.parametrize(
    "analyzer, texts, match",
    [
        ("word", [":)", "!!!", "", " ... "] * 3, "contain no word: every text is empty or "
                                                "holds only whitespace and punctuation"),
        ("char_wb", ["", "  "] * 6, "contain no token"),
    ],
)
def test_training_texts_without_any_token_are_a_clear_error(analyzer, texts, match):
    with pytest.raises(ValueError, match=match):
        KerasTextClassifier(analyzer=analyzer, **ONE_EPOCH).fit(texts, [0, 1] * 6)


def test_identical_texts_learn_the_class_prior():
    y = np.array([1, 0, 0] * 10)
    clf = KerasTextClassifier(**{**TINY, "epochs": 10}).fit(["same text"] * 30, y)
    proba = clf.predict_proba(["same text", "another text"])
    assert np.all(np.isfinite(proba))
    assert proba[0, 1] == pytest.approx(1 / 3, abs=0.1)
    with pytest.raises(ValueError, match=r"2 distinct samples \(copies stay on one side\)"):
        KerasTextClassifier(early_stopping=True, **ONE_EPOCH).fit(["same text"] * 30, y)


@pytest.mark.parametrize("cls", [TextRandomOverSampler, TextRandomUnderSampler,
                                 TextAugmentOverSampler])
def test_samplers_on_unusual_valid_texts(cls):
    X = ODD + [BIG, "same", "same", "same"]
    y = [0] * 9 + [1, 1, 1, 1]
    X_res, y_res = cls(random_state=0).fit_resample(X, y)
    counts = np.bincount(y_res)
    assert counts[0] == counts[1]
    assert all(isinstance(text, str) for text in X_res)
    if cls is not TextAugmentOverSampler:  # random samplers copy texts verbatim
        assert set(X_res) <= set(X)
        assert all(len(text) == len(BIG) for text in X_res if text.startswith(BIG[:100]))


# ------------------------------------------------------ KerasVectorClassifier
@pytest.fixture(scope="module")
def vectors():
    rng = np.random.RandomState(0)
    y = (rng.rand(60) < 0.3).astype(int)
    return rng.rand(60, 5) + y[:, None], y


def _with(value):
    def make(X):
        X = X.copy()
        X[3, 2] = value
        return X
    return make


@pytest.mark.parametrize(
    "make_X, make_y, weights, match",
    [
        (lambda X: X[:0], lambda y: y[:0], None, r"Found array with 0 sample\(s\)"),
        (_with(np.nan), None, None, "Input X contains NaN"),
        (_with(np.inf), None, None, "Input X contains infinity"),
        (lambda X: sp.csr_matrix(_with(np.nan)(X)), None, None, "Input X contains NaN"),
        (_with(1e300), None, None, r"values up to 1e\+300 in magnitude, beyond the float32"),
        (lambda X: np.array([["a", "b"]] * len(X), dtype=object), None, None,
         "takes numeric features"),
        (lambda X: [f"text {i}" for i in range(len(X))], None, None, "takes numeric features"),
        (lambda X: np.array([[b"a"]] * len(X)), None, None, "takes numeric features"),
        (lambda X: X[:, 0], None, None, "Expected 2D array"),
        (lambda X: X[:, :0], None, None, "0 feature"),
        (lambda X: X + 1j, None, None, "Complex data not supported"),
        (None, lambda y: np.zeros_like(y), None, "single class"),
        (None, lambda y: y[:-1], None, "inconsistent numbers of samples"),
        (None, None, np.ones(3), r"sample_weight has shape \(3,\)"),
        (None, None, -np.ones(60), "negative values"),
    ],
    ids=["empty", "nan", "inf", "sparse-nan", "beyond-float32", "strings", "text-list",
         "bytes", "1d", "no-features", "complex", "single-class", "len-mismatch",
         "weights-too-short", "weights-negative"],
)
def test_bad_vector_input_is_a_clear_error(vectors, make_X, make_y, weights, match):
    X, y = vectors
    X = make_X(X) if make_X else X
    y = make_y(y) if make_y else y
    with pytest.raises(ValueError, match=match):
        KerasVectorClassifier(**ONE_EPOCH).fit(X, y, sample_weight=weights)


def test_vector_features_on_a_huge_scale_never_give_silent_nan(vectors):
    X, y = vectors
    with pytest.raises(Exception) as info:
        KerasVectorClassifier(epochs=2, random_state=0).fit(X * 1e30, y)
    assert "scale" in str(info.value) and "StandardScaler" in str(info.value)


# ------------------------------------------------------------------ scorers
class Echo(ClassifierMixin, BaseEstimator):
    """Predicts column 0 of X: a scorer sees exactly the predictions given."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


SCORERS = {
    "recall_at_precision": recall_at_precision(0.5),
    "precision_at_recall": precision_at_recall(0.5),
    "fbeta": fbeta(2),
    "cost": cost(fp=1, fn=5),
}
Y_TRUE = np.array([1, 1, 0, 0, 0, 1])
Y_PRED = np.array([1, 0, 0, 1, 0, 1])


def _score(scorer, y_true=Y_TRUE, y_pred=Y_PRED, **kwargs):
    X = np.asarray(y_pred).reshape(-1, 1)
    return scorer(Echo().fit(X, [0, 1] * (len(X) // 2) or [0, 1]), X, y_true, **kwargs)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("name", SCORERS)
@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, match",
    [
        ([0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2], {}, "(binary metric|Target is multiclass)"),
        (Y_TRUE[:5], Y_PRED, {}, "(different shapes|inconsistent numbers of samples)"),
        ([], [], {}, "(y_true is empty|empty)"),
        (Y_TRUE, Y_PRED, {"sample_weight": np.ones(4)}, r"sample_weight has shape \(4,\)"),
        (Y_TRUE, Y_PRED, {"sample_weight": -np.ones(6)}, "negative values"),
        ([1, np.nan, 0, 0, 0, 1], Y_PRED, {}, "NaN"),
    ],
    ids=["three-classes", "len-mismatch", "empty", "weights-too-short", "weights-negative",
         "nan-label"],
)
def test_bad_scorer_input_is_a_clear_error(name, y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _score(SCORERS[name], np.asarray(y_true), np.asarray(y_pred), **kwargs)


@pytest.mark.parametrize("name", SCORERS)
def test_scorers_on_a_single_class_and_with_weights(name):
    scorer = SCORERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InfeasibleConstraintWarning)
        single = _score(scorer, np.zeros(6, dtype=int), Y_PRED)
    assert not np.isnan(single)  # a number, or -inf for an infeasible constraint
    # Integer weights score as repeated rows.
    weights = np.array([2, 1, 3, 1, 1, 2])
    repeated = _score(scorer, np.repeat(Y_TRUE, weights), np.repeat(Y_PRED, weights))
    assert _score(scorer, sample_weight=weights) == pytest.approx(repeated)


@pytest.mark.parametrize("name", SCORERS)
def test_scorer_on_an_unfitted_estimator(name):
    with pytest.raises(NotFittedError, match="not fitted"):
        SCORERS[name](KerasTextClassifier(), TEXTS, LABELS)


# -------------------------------------------------------- prior correction
def test_prior_correction_with_three_classes_is_a_correct_result():
    X = TEXTS * 6 + ["meeting at 3", "project update"] * 3
    y = LABELS * 6 + [2, 2] * 3
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())])
    model = PriorCorrectedClassifier(pipe).fit(X, y)
    np.testing.assert_allclose(model.trained_prior_, [1 / 3] * 3)
    np.testing.assert_allclose(model.target_prior_, [12 / 30, 12 / 30, 6 / 30])
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "prior, match",
    [([0.5], "one positive number per class"), ([0.5, -1.0], "one positive number"),
     ([0.5, np.nan], "one positive number")],
)
def test_prior_correction_rejects_a_bad_prior(prior, match):
    model = PriorCorrectedClassifier(Pipeline([("tfidf", TfidfVectorizer()),
                                               ("clf", LogisticRegression())]),
                                     trained_prior=prior)
    with pytest.raises(ValueError, match=match):
        model.fit(TEXTS, LABELS)


# ------------------------------------------------------------------ loaders
def test_load_text_csv_keeps_emoji_non_latin_and_a_1mb_text(tmp_path):
    texts = ["😀🎉 free prize", "免费 奖品", "приз бесплатно", "مرحبا بك", "cafe\u0301", BIG]
    path = tmp_path / "texts.csv"
    pd.DataFrame({"text": texts, "label": [1, 1, 1, 0, 0, 0]}).to_csv(path, index=False)
    X, y = load_text_csv(path, text_column="text", label_column="label", return_X_y=True)
    assert X.tolist() == texts and y.tolist() == [1, 1, 1, 0, 0, 0]


def test_load_text_csv_identical_texts_and_a_single_class(tmp_path):
    path = tmp_path / "same.csv"
    path.write_text("text,label\nsame,ham\nsame,ham\nsame,ham\n", encoding="utf-8")
    data = load_text_csv(path, text_column="text", label_column="label")
    assert "2 rows repeat an earlier text" in data.DESCR
    assert data.target.tolist() == ["ham"] * 3  # a loader returns what the file holds
    X, _ = load_text_csv(path, text_column="text", label_column="label",
                         drop_duplicates=True, return_X_y=True)
    assert X.tolist() == ["same"]


def test_load_text_csv_empty_text_cell_is_named(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text('text,label\nhello,ham\n"",spam\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"1 text\(s\) in column 'text' .* row 1"):
        load_text_csv(path, text_column="text", label_column="label")


# ---------------------------------------------------------- predict before fit
PREDICTORS = {
    "KerasTextClassifier": (lambda: KerasTextClassifier(), TEXTS),
    "KerasVectorClassifier": (lambda: KerasVectorClassifier(), np.ones((2, 3))),
    "Pipeline": (lambda: Pipeline([("sampler", TextRandomOverSampler()),
                                   ("clf", KerasTextClassifier())]), TEXTS),
    "HoldoutThresholdClassifier": (
        lambda: HoldoutThresholdClassifier(KerasTextClassifier()), TEXTS),
    "PriorCorrectedClassifier": (lambda: PriorCorrectedClassifier(KerasTextClassifier()),
                                 TEXTS),
    "make_text_search": (make_text_search, TEXTS),
}


@pytest.mark.parametrize("name", PREDICTORS)
def test_predict_before_fit(name):
    make, X = PREDICTORS[name]
    estimator = make()
    for method in ("predict", "predict_proba"):
        with pytest.raises(NotFittedError, match="not fitted"):
            getattr(estimator, method)(X)
