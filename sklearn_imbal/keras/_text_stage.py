"""The text stage of the built-in text models: vectorize each fit's texts once.

A built-in :class:`~sklearn_imbal.KerasTextClassifier` model is two Keras models
composed: a *text stage* with no trainable weights (the adapted
``TextVectorization`` layers and, for ``"tfidf"``, the TF-IDF weighting) and a
trainable *head*. ``fit`` runs the text stage once over the fit's texts and keeps
its output in a compact form, here; the head then trains on batches gathered from
it inside the ``tf.data`` graph, so no training step tokenizes a string. The fitted
``model_`` is ``head(text_stage(texts))``: strings in, probabilities out.

The compact forms (both gather rows by index in-graph, and slice them for
prediction):

:class:`SparseRows`
    Sparse rows (TF-IDF features, or any scipy sparse matrix of
    :class:`~sklearn_imbal.KerasVectorClassifier`) as two ragged tensors sharing
    their row splits, column indices and values; a batch becomes a
    ``tf.SparseTensor``.
:class:`TokenRows`
    Token ids without their padding (each text cut at ``sequence_length``, as the
    stage cuts it); a batch is padded again, to its longest text: the built-in
    embedding heads do not depend on padding, so the head computes what it
    computes on ``model_``'s ``sequence_length``-padded input at predict time.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import keras
import numpy as np
import scipy.sparse as sp
import tensorflow as tf

from sklearn_imbal._compat import text_vectorization_tokens
from sklearn_imbal.keras._layers import (
    CharNgramSplitter,
    SparseConcatenate,
    SublinearTfIdf,
    stored_columns,
)
from sklearn_imbal.keras._training import without_autotune

__all__ = [
    "ANALYZERS",
    "HEAD",
    "TEXT_STAGE",
    "SparseRows",
    "TokenRows",
    "FittedTextStage",
    "adapt_text_vectorization",
    "fit_text_stage",
    "make_text_vectorization",
    "raise_empty_vocabulary",
    "resolve_ngrams",
    "vectorize",
]

#: The analyzers of scikit-learn's text vectorizers that the text stage supports.
ANALYZERS = ("word", "char", "char_wb")

#: Layer names of the two parts inside a built-in text ``model_``.
TEXT_STAGE, HEAD = "text_stage", "head"

# Texts per call of the text stage while caching: large enough to amortize the
# call, small enough that one chunk's n-gram strings stay in cache-sized memory.
_CHUNK = 1024
# Texts per batch of a TextVectorization layer's own adapt pass.
_ADAPT_BATCH = 1024


class SparseRows:
    """The rows of a sparse matrix as ragged column indices and values.

    Parameters
    ----------
    columns, values : tf.RaggedTensor of shape (n_rows, None)
        Column indices and values of each row's non-zeros, with the same row splits.
    width : int
        The number of columns.
    """

    def __init__(self, columns: tf.RaggedTensor, values: tf.RaggedTensor, width: int) -> None:
        self.columns = columns
        self.values = values
        self.width = int(width)

    @classmethod
    def from_csr(cls, matrix: Any) -> SparseRows:
        """From a canonical scipy sparse matrix (sorted, no duplicate entries)."""
        matrix = sp.csr_matrix(matrix)
        splits = tf.constant(matrix.indptr, dtype=tf.int64)
        index_dtype = tf.int32 if matrix.shape[1] < np.iinfo(np.int32).max else tf.int64
        return cls(
            tf.RaggedTensor.from_row_splits(
                tf.constant(matrix.indices, dtype=index_dtype), splits, validate=False
            ),
            tf.RaggedTensor.from_row_splits(
                tf.constant(matrix.data, dtype=tf.float32), splits, validate=False
            ),
            matrix.shape[1],
        )

    def _batch(self, columns, values):
        splits = columns.row_splits
        # Each non-zero's row: the number of row ends at or before its position.
        # One op; RaggedTensor.value_rowids (tf.repeat) was a fifth of a
        # training step of the default TF-IDF head.
        rows = tf.searchsorted(splits[1:], tf.range(splits[-1]), side="right",
                               out_type=tf.int64)
        indices = tf.stack([rows, tf.cast(columns.flat_values, tf.int64)], axis=1)
        shape = tf.stack([columns.nrows(), tf.constant(self.width, tf.int64)])
        batch = tf.SparseTensor(indices, values.flat_values, shape)
        batch.set_shape([None, self.width])
        return batch

    def gather(self, index: tf.Tensor) -> tf.SparseTensor:
        """Rows ``index`` as one ``tf.SparseTensor`` (traced inside ``tf.data``)."""
        return self._batch(tf.gather(self.columns, index), tf.gather(self.values, index))

    def slice(self, start: int, stop: int) -> tf.SparseTensor:
        """Rows ``start:stop`` as one ``tf.SparseTensor``."""
        return self._batch(self.columns[start:stop], self.values[start:stop])


class TokenRows:
    """Token ids of each text without padding; batches are padded to ``length``.

    Parameters
    ----------
    ids : tf.RaggedTensor of shape (n_rows, None), dtype int64
        Each text's token ids (0 is padding, never a token), at most ``length``.
    length : int
        The padded length of a batch: the text stage's ``sequence_length``.
    pad_to_length : bool, default=True
        False pads each batch only to its longest text: for a head whose output
        does not depend on the padding (masked averages), a batch of short texts
        then costs less than ``length`` steps.
    """

    def __init__(self, ids: tf.RaggedTensor, length: int, pad_to_length: bool = True) -> None:
        self.ids = ids
        self.length = int(length)
        self.pad_to_length = bool(pad_to_length)

    def _pad(self, ids):
        if not self.pad_to_length:
            return ids.to_tensor(default_value=0)
        return ids.to_tensor(default_value=0, shape=[None, self.length])

    def gather(self, index: tf.Tensor) -> tf.Tensor:
        """Rows ``index`` as a dense ``(batch, length)`` id matrix."""
        return self._pad(tf.gather(self.ids, index))

    def slice(self, start: int, stop: int) -> tf.Tensor:
        """Rows ``start:stop`` as a dense ``(batch, length)`` id matrix."""
        return self._pad(self.ids[start:stop])


class _Features:
    """The cached inputs of a head with one input or several (one per analyzer)."""

    def __init__(self, rows: list[SparseRows | TokenRows]) -> None:
        self.rows = rows

    # A tuple, not a list: tf.data would stack a list into one tensor.
    def gather(self, index):
        batches = tuple(rows.gather(index) for rows in self.rows)
        return batches[0] if len(batches) == 1 else batches

    def slice(self, start, stop):
        batches = tuple(rows.slice(start, stop) for rows in self.rows)
        return batches[0] if len(batches) == 1 else batches


class FittedTextStage(NamedTuple):
    """What :func:`fit_text_stage` returns."""

    #: Strings in; one sparse TF-IDF matrix (``"tfidf"``) or one padded id
    #: matrix per analyzer out. No trainable weights.
    model: keras.Model
    #: The stage's output for every text of the fit, with ``gather(index)`` and
    #: ``slice(start, stop)`` giving batches of head input.
    features: _Features
    #: Per analyzer: its name and vocabulary size.
    analyzers: list[tuple[str, int]]
    #: ``"tfidf"``: how many training texts hold each feature column (the
    #: document frequencies of the IDF weights, analyzers side by side); None
    #: for token ids.
    document_frequency: np.ndarray | None = None
    #: The number of training texts.
    n_train: int = 0


def resolve_ngrams(ngrams, analyzer, architecture):
    """The n-gram sizes to use, as a tuple of ints.

    ``None`` picks the default for the analyzer and architecture: word (1, 2)
    for ``"tfidf"`` and ``"bag"``, word unigrams for ``"cnn"``, and character
    (2, 3, 4, 5) for the character analyzers (characters alone for ``"cnn"``).
    An int ``n`` means every size from 1 to ``n`` (Keras' convention); a
    tuple lists the sizes. A dict gives each analyzer its own value (one of
    the above); an analyzer it does not name takes the default.
    """
    if isinstance(ngrams, dict):
        ngrams = ngrams.get(analyzer)
        if isinstance(ngrams, dict):
            raise ValueError("ngrams: a dict maps each analyzer to an int, a tuple or None.")
    if ngrams is None:
        if analyzer == "word":
            return (1,) if architecture == "cnn" else (1, 2)
        return (1,) if architecture == "cnn" else (2, 3, 4, 5)
    if isinstance(ngrams, (int, np.integer)):
        return tuple(range(1, int(ngrams) + 1))
    sizes = tuple(int(n) for n in ngrams)
    if not sizes or min(sizes) < 1:
        raise ValueError(f"ngrams must hold sizes >= 1, got {ngrams!r}.")
    return tuple(sorted(set(sizes)))


def make_text_vectorization(
    *,
    analyzer,
    ngrams,
    max_tokens,
    lowercase=True,
    output_mode="int",
    sequence_length=None,
    name=None,
):
    """A ``keras.layers.TextVectorization`` configured like a scikit-learn analyzer.

    Parameters
    ----------
    analyzer : {"word", "char", "char_wb"}
        Word tokens (punctuation stripped), character n-grams across the
        text, or character n-grams inside word boundaries.
    ngrams : tuple of int
        The n-gram sizes (see :func:`resolve_ngrams`).
    max_tokens : int or None
        Vocabulary cap, the most frequent terms kept (includes the reserved
        padding and out-of-vocabulary entries).
    lowercase : bool, default=True
        Whether to lowercase before splitting.
    output_mode : {"int", "count"}, default="int"
        Token ids padded to ``sequence_length`` (for embeddings), or sparse
        per-document term counts (for TF-IDF).
    sequence_length : int, default=None
        Output length in ``"int"`` mode.
    name : str, default=None
        Layer name.

    Returns
    -------
    layer : keras.layers.TextVectorization
        Not yet adapted.
    """
    standardize: str | None
    split: str | CharNgramSplitter
    if analyzer == "word":
        standardize = "lower_and_strip_punctuation" if lowercase else "strip_punctuation"
        split, keras_ngrams = "whitespace", (None if ngrams == (1,) else ngrams)
    else:
        standardize = "lower" if lowercase else None
        split = CharNgramSplitter(ngrams, word_boundaries=analyzer == "char_wb")
        keras_ngrams = None
    return keras.layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize,
        split=split,
        ngrams=keras_ngrams,
        output_mode=output_mode,
        output_sequence_length=sequence_length if output_mode == "int" else None,
        sparse=output_mode == "count",
        name=name,
    )


def _text_dataset(texts):
    return without_autotune(tf.data.Dataset.from_tensor_slices(texts).batch(_ADAPT_BATCH))


def adapt_text_vectorization(layer, texts, *, analyzer=None):
    """Learn ``layer``'s vocabulary from ``texts`` (a 1-D string tensor), in batches.

    Raises the ValueError of :func:`raise_empty_vocabulary` when the texts hold
    no token at all: Keras would otherwise fail at the first lookup with a
    TensorFlow "table not initialized" error.
    """
    layer.adapt(_text_dataset(texts))
    if not layer.get_vocabulary(include_special_tokens=False):
        raise_empty_vocabulary(int(texts.shape[0]), analyzer)
    return layer


def raise_empty_vocabulary(n_texts, analyzer):
    """Raise the ValueError for ``n_texts`` training texts without a token of ``analyzer``."""
    what = (
        "word: every text is empty or holds only whitespace and punctuation"
        if analyzer == "word" else
        "token: every text is empty, holds only whitespace, or is shorter than "
        "the smallest n-gram"
    )
    raise ValueError(
        f"The {n_texts} training texts contain no {what}, so there is "
        f"no vocabulary to learn (analyzer={analyzer!r}). Check the texts, or use a "
        "character analyzer (analyzer='char_wb') for texts made of punctuation."
    )


def _run_in_chunks(function, texts):
    """``function`` over chunks of a 1-D string tensor, traced once; a generator."""
    # No autograph: nothing here has Python control flow on tensors, and
    # converting the layers' code costs more than running them once.
    concrete = tf.function(function, autograph=False).get_concrete_function(
        tf.TensorSpec([None], tf.string)
    )
    n_texts = int(texts.shape[0])
    return (concrete(texts[start:start + _CHUNK]) for start in range(0, n_texts, _CHUNK))


def _as_csr(chunks, width):
    """One CSR matrix from the ``tf.SparseTensor`` outputs of consecutive chunks."""
    blocks = []
    for chunk in chunks:
        chunk = tf.sparse.reorder(chunk)
        indices = chunk.indices.numpy()
        blocks.append(sp.csr_matrix(
            (chunk.values.numpy(), (indices[:, 0], indices[:, 1])),
            shape=(int(chunk.dense_shape[0]), width),
        ))
    if not blocks:
        return sp.csr_matrix((0, width), dtype=np.float32)
    return sp.vstack(blocks, format="csr")


def _token_rows(ids, splits, length, pad_to_length):
    """TokenRows from flat ids and row splits, each row cut to its first ``length``."""
    kept = np.minimum(np.diff(splits), length)
    new_splits = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
    positions = (np.arange(new_splits[-1]) - np.repeat(new_splits[:-1], kept)
                 + np.repeat(splits[:-1], kept))
    return TokenRows(
        tf.RaggedTensor.from_row_splits(
            tf.constant(ids[positions], dtype=tf.int64), tf.constant(new_splits),
            validate=False,
        ),
        length,
        pad_to_length,
    )


def _as_token_rows(chunks, length, pad_to_length):
    """TokenRows from padded id matrices (the stage's ``"int"`` output) of chunks."""
    ids = [tf.RaggedTensor.from_tensor(chunk, padding=0) for chunk in chunks]
    return TokenRows(tf.concat(ids, axis=0) if len(ids) > 1 else ids[0], length,
                     pad_to_length)


class _Tokenized(NamedTuple):
    """One chunk of texts, tokenized: its distinct tokens and each token's position."""

    distinct: tf.Tensor  # the chunk's distinct tokens, dtype string
    positions: np.ndarray  # per token, its position in ``distinct``
    splits: np.ndarray  # row splits of the chunk's texts over the tokens


def _tokenize(layer, texts):
    chunks = []
    for start in range(0, int(texts.shape[0]), _CHUNK):
        tokens = text_vectorization_tokens(layer, texts[start:start + _CHUNK])
        distinct, index = tf.unique(tokens.flat_values, out_idx=tf.int32)
        chunks.append(_Tokenized(distinct, index.numpy(), tokens.row_splits.numpy()))
    return chunks


def _learn_vocabulary(layer, chunks, is_train, max_tokens, analyzer):
    """Set ``layer``'s vocabulary from the training rows of tokenized ``chunks``.

    The vocabulary is what ``layer.adapt`` would learn from the training texts
    (terms by decreasing count, ties broken as Keras breaks them), counted from
    tokens computed once. Returns, per chunk, the id of each of its distinct
    tokens in the layer's vocabulary (out-of-vocabulary terms get the OOV id).
    """
    distinct, inverse = tf.unique(tf.concat([chunk.distinct for chunk in chunks], axis=0),
                                  out_idx=tf.int64)
    inverse = inverse.numpy()
    counts = np.zeros(int(distinct.shape[0]), dtype=np.int64)
    offset, train_start = 0, 0
    for chunk in chunks:
        n_distinct = int(chunk.distinct.shape[0])
        n_rows = chunk.splits.shape[0] - 1
        train_tokens = np.repeat(is_train[train_start:train_start + n_rows], np.diff(chunk.splits))
        counts += np.bincount(
            inverse[offset:offset + n_distinct][chunk.positions[train_tokens]],
            minlength=counts.shape[0],
        )
        offset += n_distinct
        train_start += n_rows
    special = layer.get_vocabulary()  # before any vocabulary: the reserved tokens
    tokens = distinct.numpy()
    candidate = counts > 0
    for token in special:
        candidate &= tokens != token.encode("utf-8")
    order = np.flatnonzero(candidate)
    # Keras' rule (IndexLookup.finalize_state): by count, ties by the token, descending.
    order = order[np.lexsort((tokens[order], counts[order]))[::-1]]
    if max_tokens:
        order = order[:max_tokens - len(special)]
    # The reserved tokens are the mask token (in "int" mode) and then the OOV one.
    ids = np.full(tokens.shape[0], len(special) - 1, dtype=np.int64)
    ids[order] = np.arange(order.shape[0]) + len(special)
    for position, token in enumerate(special):
        ids[tokens == token.encode("utf-8")] = position
    if not order.shape[0]:
        raise_empty_vocabulary(int(is_train.sum()), analyzer)
    # Decoded here: given a string tensor, Keras decodes it one token at a time
    # through tf.compat.as_text (0.5 s of a 0.9 s default fit's 93,000 terms).
    # An object array also keeps a token's trailing NUL characters, which a
    # fixed-width numpy str array would drop.
    layer.set_vocabulary(np.array([token.decode("utf-8") for token in tokens[order]],
                                  dtype=object))
    per_chunk, offset = [], 0
    for chunk in chunks:
        n_distinct = int(chunk.distinct.shape[0])
        per_chunk.append(ids[inverse[offset:offset + n_distinct]])
        offset += n_distinct
    return per_chunk


def _count_rows(chunks, chunk_ids, width):
    """The term-count matrix of tokenized chunks (what count mode outputs), as CSR."""
    blocks = []
    for chunk, ids in zip(chunks, chunk_ids):
        n_rows = chunk.splits.shape[0] - 1
        rows = np.repeat(np.arange(n_rows), np.diff(chunk.splits))
        block = sp.csr_matrix(
            (np.ones(rows.shape[0], dtype=np.float32), (rows, ids[chunk.positions])),
            shape=(n_rows, width),
        )
        block.sum_duplicates()
        blocks.append(block)
    return sp.vstack(blocks, format="csr")


def fit_text_stage(texts, train, *, architecture, analyzers, ngrams, max_tokens, lowercase,
                   sequence_length):
    """Adapt a text stage on ``texts[train]`` and vectorize every text once.

    Each text is tokenized once per analyzer, by the ``TextVectorization``
    layer's own preprocessing; the vocabulary is learned from the training
    rows' tokens (exactly what ``adapt`` would learn from the training texts),
    and the same tokens give the cached features: term counts weighted by the
    stage's ``SublinearTfIdf`` layer for ``"tfidf"`` (document frequencies
    counted from the cached counts of the training rows), token ids for
    ``"bag"`` and ``"cnn"``. Early-stopping validation rows (in ``texts`` but not
    in ``train``) are vectorized with the training vocabulary, as at predict
    time.

    Parameters
    ----------
    texts : tf.Tensor of shape (n_samples,), dtype string
        Every text of the fit (training and validation).
    train : ndarray of int
        The training rows.
    architecture : {"tfidf", "bag", "cnn"}
    analyzers : tuple of str
    ngrams, max_tokens, lowercase, sequence_length
        As the parameters of :class:`~sklearn_imbal.KerasTextClassifier`.

    Returns
    -------
    stage : FittedTextStage
        The stage model, the cached features and the analyzers' vocabulary sizes.
    """
    is_train = np.zeros(int(texts.shape[0]), dtype=bool)
    is_train[train] = True
    tfidf = architecture == "tfidf"
    inputs = keras.Input(shape=(), dtype="string", name="text")
    outputs, blocks, token_rows, sizes, frequencies = [], [], [], [], []
    for analyzer in analyzers:
        vectorizer = make_text_vectorization(
            analyzer=analyzer,
            ngrams=resolve_ngrams(ngrams, analyzer, architecture),
            max_tokens=max_tokens,
            lowercase=lowercase,
            output_mode="count" if tfidf else "int",
            sequence_length=sequence_length,
            name=f"vectorize_{analyzer}",
        )
        chunks = _tokenize(vectorizer, texts)
        chunk_ids = _learn_vocabulary(vectorizer, chunks, is_train, max_tokens, analyzer)
        size = vectorizer.vocabulary_size()
        sizes.append((analyzer, size))
        if not tfidf:
            token_rows.append(_token_rows(
                np.concatenate([ids[chunk.positions] for chunk, ids in zip(chunks, chunk_ids)]),
                np.concatenate([[0], np.cumsum(np.concatenate(
                    [np.diff(chunk.splits) for chunk in chunks]))]),
                sequence_length,
                # The heads ignore padding (MaskedMean, ZeroPadding).
                False,
            ))
            outputs.append(vectorizer(inputs))
            continue
        counts = _count_rows(chunks, chunk_ids, size)
        del chunks, chunk_ids
        weighting = SublinearTfIdf(size, name=f"tfidf_{analyzer}")
        frequencies.append(stored_columns(counts[is_train]))
        weighting.set_document_frequency(frequencies[-1], int(train.shape[0]))
        # The layer itself weighs the cached counts: the features trained on are
        # computed by the same operations as the saved model's at predict time.
        # A generator, so that one chunk's tensors at a time are alive.
        blocks.append(_as_csr(
            (weighting(_csr_to_sparse_tensor(counts[start:start + _CHUNK]))
             for start in range(0, counts.shape[0], _CHUNK)),
            size,
        ))
        del counts
        outputs.append(weighting(vectorizer(inputs)))
    if tfidf:
        output = outputs[0] if len(outputs) == 1 else SparseConcatenate(name="concatenate")(
            outputs
        )
        matrix = blocks.pop() if len(blocks) == 1 else sp.hstack(blocks, format="csr")
        del blocks
        features = _Features([SparseRows.from_csr(matrix)])
        del matrix
    else:
        features = _Features(token_rows)
        output = outputs[0] if len(outputs) == 1 else outputs
    return FittedTextStage(
        keras.Model(inputs, output, name=TEXT_STAGE), features, sizes,
        np.concatenate(frequencies) if tfidf else None, int(train.shape[0]),
    )


def _csr_to_sparse_tensor(matrix):
    matrix = matrix.tocoo()
    indices = np.stack([matrix.row, matrix.col], axis=1).astype(np.int64)
    return tf.SparseTensor(indices, matrix.data.astype(np.float32), matrix.shape)


def vectorize(stage, texts, *, pad_to_length=True):
    """The cached form of ``stage``'s output on ``texts``, with a frozen vocabulary.

    Used by ``partial_fit`` and ``warm_start`` refits: each call's texts are
    vectorized once with the vocabulary and TF-IDF weights of the first fit.
    ``pad_to_length`` is that of :class:`TokenRows`.
    """
    chunks = _run_in_chunks(lambda batch: stage(batch, training=False), texts)
    if any(isinstance(layer, SublinearTfIdf) for layer in stage.layers):
        width = int(stage.output.shape[-1])
        return _Features([SparseRows.from_csr(_as_csr(chunks, width))])
    chunks = list(chunks)
    per_output = [list(group) for group in zip(*chunks)] if isinstance(chunks[0], list) else [
        chunks
    ]
    length = int(stage.outputs[0].shape[-1])
    return _Features([_as_token_rows(group, length, pad_to_length) for group in per_output])
