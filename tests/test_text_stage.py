"""The text stage: what fit trains the head on is what the saved model computes."""

import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf
from conftest import assert_float32_close

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal._compat import text_vectorization_tokens
from sklearn_imbal.keras._text_stage import make_text_vectorization
from sklearn_imbal.keras._text_stage import HEAD, TEXT_STAGE, fit_text_stage, vectorize

# Emoji, accents, combining marks, right-to-left script, empty and blank texts,
# punctuation only, repeated words, and one text of about a megabyte.
HARD_TEXTS = [
    "WINNER!! Claim your free prize now 🎉🎉",
    "café naïve résumé — déjà vu",
    "e\u0301 combining accent, ﬁ ligature",
    "مرحبا بالعالم",
    "",
    "   ",
    "?!... :) ;-)",
    "ok ok ok ok ok ok",
    "see you at lunch",
    ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000],
    "free cash call now",
    "running late, sorry mum",
]
HELD_OUT = ["never seen words ✨", "", "café"]  # early-stopping rows: not adapted on

CONFIGS = [
    dict(architecture="tfidf", analyzers=("word", "char_wb"), ngrams=None),
    dict(architecture="tfidf", analyzers=("char",), ngrams=(1, 3)),
    dict(architecture="bag", analyzers=("word", "char_wb"), ngrams=2),
    dict(architecture="cnn", analyzers=("word",), ngrams=None),
    dict(architecture="tfidf", analyzers=("char_wb", "word"), ngrams={"char_wb": 3}),
]


def _dense(batch):
    if isinstance(batch, tf.SparseTensor):
        return tf.sparse.to_dense(tf.sparse.reorder(batch)).numpy()
    return np.asarray(batch)


def _padded(mine, theirs):
    """Token ids of a bag head's batch (padded to its longest) beside the stage's."""
    mine, theirs = _dense(mine), _dense(theirs)
    if mine.dtype.kind == "i" and mine.shape[1] < theirs.shape[1]:
        assert not theirs[:, mine.shape[1]:].any()  # only padding is cut
        theirs = theirs[:, :mine.shape[1]]
    return mine, theirs


def _as_list(batch):
    return list(batch) if isinstance(batch, (list, tuple)) else [batch]


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: f"{c['architecture']}-"
                f"{'+'.join(c['analyzers'])}")
def fitted(request):
    texts = tf.constant(HARD_TEXTS + HELD_OUT)
    stage = fit_text_stage(
        texts, np.arange(len(HARD_TEXTS)), max_tokens=5_000, lowercase=True,
        sequence_length=50, **request.param,
    )
    return texts, stage


def test_cached_features_equal_what_the_stage_computes(fitted):
    texts, stage = fitted
    cached = _as_list(stage.features.slice(0, int(texts.shape[0])))
    computed = _as_list(stage.model(texts))
    assert len(cached) == len(computed) == len(stage.model.outputs)
    for mine, theirs in zip(cached, computed):
        np.testing.assert_array_equal(*_padded(mine, theirs))


def test_gathered_rows_equal_the_stage_on_those_texts(fitted):
    texts, stage = fitted
    index = tf.constant([13, 4, 0, 0, 14], dtype=tf.int64)  # no long text: less padding
    gathered = _as_list(stage.features.gather(index))
    computed = _as_list(stage.model(tf.gather(texts, index)))
    # Other batches than the cached chunk's: equal up to float32 rounding of the
    # row norms (token ids are exact).
    for mine, theirs in zip(gathered, computed):
        assert_float32_close(*_padded(mine, theirs))


def test_frozen_stage_vectorizes_new_texts_as_it_predicts(fitted):
    """warm_start and partial_fit: later calls' texts, with the first fit's vocabulary."""
    texts, stage = fitted
    new = tf.constant(["déjà vu 🎉", "", "a brand new text about lunch"])
    for mine, theirs in zip(_as_list(vectorize(stage.model, new).slice(0, 3)),
                            _as_list(stage.model(new))):
        np.testing.assert_array_equal(*_padded(mine, theirs))


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
@pytest.mark.parametrize("max_tokens", [None, 40])
def test_vocabulary_is_what_keras_adapt_learns(analyzer, max_tokens):
    """Counted from tokens computed once, the vocabulary (and its cut) is adapt's."""
    texts = tf.constant(HARD_TEXTS[:9] + HARD_TEXTS[10:])
    stage = fit_text_stage(texts, np.arange(int(texts.shape[0])), architecture="tfidf",
                           analyzers=(analyzer,), ngrams=None, max_tokens=max_tokens,
                           lowercase=True, sequence_length=10)
    reference = make_text_vectorization(
        analyzer=analyzer, ngrams=(1, 2) if analyzer == "word" else (2, 3, 4, 5),
        max_tokens=max_tokens, output_mode="count",
    )
    reference.adapt(texts)
    learned = stage.model.get_layer(f"vectorize_{analyzer}").get_vocabulary()
    assert learned == reference.get_vocabulary()


def test_ngrams_per_analyzer():
    """A dict of n-gram sizes: each analyzer its own; one it leaves out, the default."""
    texts = tf.constant(HARD_TEXTS[:9])
    stage = fit_text_stage(texts, np.arange(9), architecture="tfidf",
                           analyzers=("word", "char_wb"), ngrams={"char_wb": 6},
                           max_tokens=None, lowercase=True, sequence_length=10)
    for analyzer, ngrams in [("word", (1, 2)), ("char_wb", (1, 2, 3, 4, 5, 6))]:
        reference = make_text_vectorization(analyzer=analyzer, ngrams=ngrams, max_tokens=None,
                                            output_mode="count")
        reference.adapt(texts)
        learned = stage.model.get_layer(f"vectorize_{analyzer}").get_vocabulary()
        assert learned == reference.get_vocabulary()


def test_ngrams_naming_an_unused_analyzer_is_refused():
    X, y = HARD_TEXTS[:8], [0, 1] * 4
    with pytest.raises(ValueError, match=r"ngrams names analyzers \['char'\] that are not"):
        KerasTextClassifier(analyzer="word", ngrams={"char": 3}, epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="a dict maps each analyzer"):
        KerasTextClassifier(ngrams={"char_wb": {"char_wb": 3}}, epochs=1).fit(X, y)


def test_document_frequencies_count_training_rows_only(fitted):
    texts, stage = fitted
    if stage.model.outputs[0].dtype != "float32":
        pytest.skip("token ids have no document frequencies")
    analyzer = stage.analyzers[0][0]
    layer = stage.model.get_layer(f"vectorize_{analyzer}")
    counts = sp.csr_matrix(_dense(layer(tf.constant(HARD_TEXTS))))
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = stage.model.get_layer(f"tfidf_{analyzer}").idf.numpy()
    expected = np.log((1 + len(HARD_TEXTS)) / (1 + df)) + 1
    np.testing.assert_allclose(idf, expected, rtol=1e-6)


def test_training_texts_without_tokens_are_refused():
    with pytest.raises(ValueError, match=r"The 3 training texts contain no word"):
        fit_text_stage(tf.constant(["", " ", "?!", "a b"]), np.arange(3), architecture="bag",
                       analyzers=("word",), ngrams=None, max_tokens=None, lowercase=True,
                       sequence_length=5)


@pytest.mark.parametrize("architecture", ["tfidf", "bag", "cnn"])
def test_the_saved_model_predicts_from_the_features_the_head_trained_on(tmp_path,
                                                                        architecture):
    """End to end: the head on cached features gives model_'s and the reloaded model's output.

    The embedding heads train on batches padded to their longest text, and
    model_ pads to ``sequence_length``: their output must not depend on it.
    """
    import keras

    y = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    clf = KerasTextClassifier(architecture=architecture, analyzer=("word", "char_wb"),
                              max_tokens=3_000, sequence_length=300, hidden_units=8, epochs=2,
                              random_state=0).fit(HARD_TEXTS, y)
    stage, head = clf.model_.get_layer(TEXT_STAGE), clf.model_.get_layer(HEAD)
    short = [text for text in HARD_TEXTS if len(text) < 100]  # batches padded to < 300
    features = vectorize(stage, tf.constant(short),
                         pad_to_length=architecture == "tfidf").slice(0, len(short))
    if architecture != "tfidf":
        assert max(batch.shape[1] for batch in features) < 300
    path = tmp_path / "model.keras"
    clf.model_.save(path)
    reloaded = keras.saving.load_model(path)
    from_head = head(features).numpy()[:, 0]
    assert_float32_close(clf.predict_proba(short)[:, 1], from_head)
    assert_float32_close(reloaded(tf.constant(short)).numpy()[:, 0], from_head)


def test_keras_text_vectorization_still_has_the_private_step_we_call():
    """_compat.text_vectorization_tokens relies on TextVectorization._preprocess."""
    layer = make_text_vectorization(analyzer="word", ngrams=(1, 2), max_tokens=None)
    tokens = text_vectorization_tokens(layer, tf.constant(["Hello, World!", ""]))
    assert tokens.to_list() == [[b"hello", b"world", b"hello world"], []]


@pytest.mark.parametrize("activation", [None, "sigmoid"])
def test_sparse_input_dense_computes_what_keras_dense_computes(activation):
    # The TF-IDF heads' first layer: the same product on sparse and dense batches as
    # keras.layers.Dense with the same weights, and the same kernel gradient.
    import keras

    from sklearn_imbal.keras._layers import SparseInputDense

    rng = np.random.RandomState(0)
    matrix = sp.random(7, 30, density=0.2, format="csr", random_state=rng, dtype=np.float32)
    matrix[3] = 0  # a row without non-zeros
    coo = matrix.tocoo()
    batch = tf.sparse.reorder(tf.SparseTensor(
        np.stack([coo.row, coo.col], axis=1).astype(np.int64), coo.data, matrix.shape))
    ours, theirs = SparseInputDense(4, activation=activation), keras.layers.Dense(
        4, activation=activation)
    ours.build((None, 30))
    theirs.build((None, 30))
    theirs.set_weights([rng.normal(size=(30, 4)).astype(np.float32),
                        rng.normal(size=4).astype(np.float32)])
    ours.set_weights(theirs.get_weights())
    for x in (batch, matrix.toarray()):
        assert_float32_close(ours(x).numpy(), theirs(x).numpy())
    gradients = []
    for layer in (ours, theirs):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(batch)))
        gradients.append(tf.convert_to_tensor(tape.gradient(loss, layer.kernel)).numpy())
    assert_float32_close(*gradients)
    restored = SparseInputDense.from_config(ours.get_config())
    assert type(restored) is SparseInputDense and restored.units == 4


def test_sparse_rows_batches_equal_the_matrix_rows():
    # Empty rows first, last and in between; batches in any order, with repeats.
    from sklearn_imbal.keras._text_stage import SparseRows

    matrix = sp.random(9, 7, density=0.3, format="csr", random_state=0, dtype=np.float32)
    matrix[[0, 4, 8]] = 0
    matrix.eliminate_zeros()
    dense = matrix.toarray()
    rows = SparseRows.from_csr(matrix)
    for index in ([0], [3, 0, 8, 3, 4], list(range(9))[::-1], [8], []):
        batch = rows.gather(tf.constant(index, dtype=tf.int64))
        assert batch.dense_shape.numpy().tolist() == [len(index), 7]
        np.testing.assert_array_equal(tf.sparse.to_dense(batch).numpy(),
                                      dense[index].reshape(len(index), 7))
    for start, stop in ((0, 9), (2, 5), (8, 9), (4, 4)):
        np.testing.assert_array_equal(tf.sparse.to_dense(rows.slice(start, stop)).numpy(),
                                      dense[start:stop])
