"""Properties of text validation, checked on generated inputs (hypothesis).

What raw text is, is defined in one place (``check_text_array``); these properties
say what it promises for *any* input, not only the examples of
``tests/test_bad_inputs.py``: valid texts come back unchanged, in order, whatever
the container; the first non-text item is named by its index and kind; every
text that can be encoded reaches TensorFlow intact; and a fitted model answers
any text with finite probabilities that do not depend on the rest of the batch.

The runs are bounded and derandomized (the same examples every run), with no
example database written to disk.
"""

import numpy as np
import pandas as pd
import pytest
from conftest import assert_float32_close
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.keras._text_classifier import to_string_tensor
from sklearn_imbal.sampling import TextRandomOverSampler, TextRandomUnderSampler
from sklearn_imbal.utils.validation import check_classification_target, check_text_array

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
# Any Unicode text without lone surrogates (which no encoder accepts), from short
# strings to a few hundred characters, emoji and every script included.
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
text_lists = st.lists(texts, min_size=1, max_size=30)
# Things that are not texts, with the error they get and how it names them.
NON_TEXTS = st.sampled_from([
    (None, ValueError, "is None: missing texts"),
    (float("nan"), ValueError, "is NaN: missing texts"),
    (pd.NA, ValueError, "is NA: missing texts"),
    (b"bytes", TypeError, "is bytes, not str"),
    (bytearray(b"x"), TypeError, "is bytes, not str"),
    (np.bytes_(b"x"), TypeError, "is bytes, not str"),
    (7, TypeError, "has type int"),
    (2.5, TypeError, "has type float"),
    (True, TypeError, "has type bool"),
    (np.int64(3), TypeError, "has type int64"),
    (["nested"], TypeError, "has type list"),
    ({"a": 1}, TypeError, "has type dict"),
])


def _containers(values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return {
        "list": list(values),
        "tuple": tuple(values),
        "object-array": array,
        "column": array.reshape(-1, 1),
        "series": pd.Series(values, index=np.arange(len(values))[::-1] * 3, dtype=object),
        "frame": pd.DataFrame({"text": pd.Series(values, dtype=object)}),
        "generator": (value for value in values),
    }


@settings(max_examples=60, **SETTINGS)
@given(text_lists)
def test_valid_texts_come_back_unchanged_from_every_container(values):
    for name, container in _containers(values).items():
        result = check_text_array(container)
        assert result.dtype == object and result.ndim == 1, name
        assert result.tolist() == values, name
        assert all(type(text) is str for text in result), name
    # Validating validated texts changes nothing.
    assert check_text_array(check_text_array(values)).tolist() == values


@settings(max_examples=60, **SETTINGS)
@given(text_lists, st.data())
def test_the_first_non_text_is_named_by_index_and_kind(values, data):
    bad, error, message = data.draw(NON_TEXTS)
    position = data.draw(st.integers(0, len(values)))
    items = values[:position] + [bad] + values[position:]
    if data.draw(st.booleans()):  # a second bad item after it is not the one named
        items.append(None)
    for name in ("list", "object-array", "series"):
        with pytest.raises(error, match=rf"X\[{position}\] {message}"):
            check_text_array(_containers(items)[name])


@settings(max_examples=40, **SETTINGS)
@given(text_lists)
def test_every_encodable_text_reaches_tensorflow_intact(values):
    tensor = to_string_tensor(check_text_array(values))
    assert [text.decode("utf-8") for text in tensor.numpy().tolist()] == values


@settings(max_examples=40, **SETTINGS)
@given(text_lists, st.data())
def test_a_lone_surrogate_is_named_by_index(values, data):
    position = data.draw(st.integers(0, len(values) - 1))
    items = list(values)
    items[position] = items[position] + "\ud83d"  # half of an emoji's UTF-16 pair
    with pytest.raises(ValueError, match=rf"X\[{position}\] cannot be encoded as UTF-8"):
        to_string_tensor(check_text_array(items))


labels = st.one_of(
    st.lists(st.integers(-3, 3), min_size=2, max_size=30),
    st.lists(st.sampled_from(["ham", "spam", "work"]), min_size=2, max_size=30),
    st.lists(st.booleans(), min_size=2, max_size=30),
)


@settings(max_examples=60, **SETTINGS)
@given(labels)
def test_labels_of_two_classes_or_more_pass_and_missing_ones_are_named(values):
    if len(set(values)) < 2:
        with pytest.raises(ValueError, match="single class"):
            check_classification_target(values, len(values))
        return
    np.testing.assert_array_equal(check_classification_target(values, len(values)),
                                  np.asarray(values))
    with_none = np.array(list(values) + [None], dtype=object)
    with pytest.raises(ValueError, match="contains None or NaN"):
        check_classification_target(with_none, len(with_none))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        check_classification_target(values, len(values) + 1)


@settings(max_examples=40, **SETTINGS)
@given(st.lists(st.tuples(texts, st.booleans()), min_size=2, max_size=40).filter(
    lambda rows: len({label for _, label in rows}) == 2))
def test_random_samplers_keep_every_text_with_its_label(rows):
    X = [text for text, _ in rows]
    y = [int(label) for _, label in rows]
    for cls in (TextRandomOverSampler, TextRandomUnderSampler):
        sampler = cls(random_state=0)
        X_res, y_res = sampler.fit_resample(X, y)
        counts = np.bincount(y_res)
        assert counts[0] == counts[1]
        # Each output row is a verbatim copy of its source row, with its label.
        assert X_res == [X[i] for i in sampler.sample_indices_]
        assert y_res == [y[i] for i in sampler.sample_indices_]


@pytest.fixture(scope="module")
def fitted_models(small_text_data):
    X, y = small_text_data
    tiny = dict(epochs=2, batch_size=16, embedding_dim=8, max_tokens=2000, random_state=0)
    return [
        KerasTextClassifier(architecture="tfidf", analyzer="char_wb", **tiny).fit(X, y),
        KerasTextClassifier(architecture="bag", analyzer="word", **tiny).fit(X, y),
        KerasTextClassifier(architecture="cnn", analyzer="char", **tiny).fit(X, y),
    ]


@settings(max_examples=25, **SETTINGS)
@given(st.lists(texts, min_size=1, max_size=12))
def test_any_text_gets_finite_probabilities_independent_of_its_batch(fitted_models, values):
    for clf in fitted_models:
        proba = clf.predict_proba(values)
        assert proba.shape == (len(values), 2)
        assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1.0)
        # Padding, masking and batching never let one text change another's answer.
        alone = clf.predict_proba(values[:1])
        assert_float32_close(alone[0], proba[0])
