"""Keras building blocks for text: n-gram splitting, sublinear TF-IDF, adaptation.

Everything here is registered as Keras-serializable under the ``sklearn_imbal``
package, so a fitted model saves to ``.keras`` and pickles with its vocabulary,
its IDF weights and its tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import tensorflow as tf

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "ANALYZERS",
    "CharNgramSplitter",
    "MaskedMean",
    "SparseConcatenate",
    "SublinearTfIdf",
    "ZeroPadding",
    "adapt_text_vectorization",
    "raise_empty_vocabulary",
    "make_text_vectorization",
    "resolve_ngrams",
]

ANALYZERS = ("word", "char", "char_wb")

_ADAPT_BATCH = 1024


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class CharNgramSplitter:
    """Split a batch of strings into character n-grams, as a Keras ``split`` callable.

    Used as the ``split`` of a ``keras.layers.TextVectorization``. With
    ``word_boundaries=True`` it mirrors scikit-learn's ``analyzer="char_wb"``:
    n-grams are taken inside each whitespace-separated word padded with one
    space on each side, so ``"hi"`` gives ``" h"``, ``"hi"``, ``"i "`` and
    ``" hi "``... Otherwise n-grams run across the whole text (``"char"``).

    Parameters
    ----------
    ngrams : tuple of int
        The n-gram sizes to produce, e.g. ``(2, 3, 4, 5)``.
    word_boundaries : bool, default=True
        Whether n-grams stay inside padded words (``char_wb``).
    """

    def __init__(self, ngrams: Iterable[int], word_boundaries: bool = True) -> None:
        self.ngrams = tuple(int(n) for n in ngrams)
        self.word_boundaries = bool(word_boundaries)

    def __call__(self, texts: tf.Tensor) -> tf.RaggedTensor:
        if self.word_boundaries:
            words = tf.strings.split(texts)
            chars = tf.strings.unicode_split(" " + words + " ", "UTF-8")
            grams = [tf.strings.ngrams(chars, n, separator="") for n in self.ngrams]
            return tf.concat(grams, axis=-1).merge_dims(1, 2)
        chars = tf.strings.unicode_split(texts, "UTF-8")
        grams = [tf.strings.ngrams(chars, n, separator="") for n in self.ngrams]
        return tf.concat(grams, axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {"ngrams": list(self.ngrams), "word_boundaries": self.word_boundaries}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CharNgramSplitter:
        return cls(**config)

    def __eq__(self, other):
        return type(other) is type(self) and other.get_config() == self.get_config()

    def __repr__(self):
        return (
            f"CharNgramSplitter(ngrams={self.ngrams}, "
            f"word_boundaries={self.word_boundaries})"
        )


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SublinearTfIdf(keras.layers.Layer):
    """Turn term counts into TF-IDF features, as scikit-learn's TfidfVectorizer does.

    For a document with term counts :math:`c_t`, the output is

    .. math::

        x_t = \\frac{w_t}{\\lVert w \\rVert_2}, \\qquad
        w_t = \\mathrm{tf}(c_t)\\,\\mathrm{idf}_t, \\qquad
        \\mathrm{tf}(c) = 1 + \\log c \\text{ if } c > 0 \\text{ else } 0

    (``sublinear=False`` uses :math:`\\mathrm{tf}(c) = c`), with the smoothed
    :math:`\\mathrm{idf}_t = \\log\\frac{1 + n}{1 + \\mathrm{df}_t} + 1` computed
    on the training texts (from the cached counts of
    :func:`~sklearn_imbal.keras._text_stage.fit_text_stage`). The IDF weights are a
    non-trainable weight of the layer, so they are saved with the model.
    Sparse counts stay sparse.

    Parameters
    ----------
    vocabulary_size : int
        The number of count columns (the vectorizer's vocabulary size).
    sublinear : bool, default=True
        Whether to replace a count ``c`` by ``1 + log(c)``.
    normalize : bool, default=True
        Whether to scale each row to unit L2 norm.
    """

    def __init__(
        self, vocabulary_size: int, sublinear: bool = True, normalize: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.vocabulary_size = int(vocabulary_size)
        self.sublinear = bool(sublinear)
        self.normalize = bool(normalize)
        self.supports_masking = False
        self.idf = self.add_weight(
            shape=(self.vocabulary_size,), initializer="ones", trainable=False, name="idf"
        )

    def set_document_frequency(self, df: ArrayLike, n_documents: int) -> None:
        """Set the IDF weights from document frequencies.

        Parameters
        ----------
        df : array-like of shape (vocabulary_size,)
            How many training documents contain each term.
        n_documents : int
            The number of training documents.
        """
        counts = np.asarray(df, dtype=np.float64)
        idf = np.log((1.0 + n_documents) / (1.0 + counts)) + 1.0
        self.idf.assign(idf.astype(self.idf.dtype))

    def _tf(self, counts):
        if not self.sublinear:
            return counts
        return tf.where(counts > 0, 1.0 + tf.math.log(tf.maximum(counts, 1.0)), 0.0)

    def call(self, counts: tf.Tensor | tf.SparseTensor) -> tf.Tensor | tf.SparseTensor:
        if isinstance(counts, tf.SparseTensor):
            values = self._tf(tf.cast(counts.values, self.compute_dtype))
            values = values * tf.gather(self.idf, counts.indices[:, 1])
            if self.normalize:
                rows = counts.indices[:, 0]
                n_rows = tf.cast(counts.dense_shape[0], tf.int32)
                squares = tf.math.unsorted_segment_sum(values * values, rows, n_rows)
                values = values * tf.gather(tf.math.rsqrt(tf.maximum(squares, 1e-24)), rows)
            return tf.SparseTensor(counts.indices, values, counts.dense_shape)
        weights = self._tf(tf.cast(counts, self.compute_dtype)) * self.idf
        if self.normalize:
            weights = tf.math.l2_normalize(weights, axis=-1, epsilon=1e-24)
        return weights

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            vocabulary_size=self.vocabulary_size,
            sublinear=self.sublinear,
            normalize=self.normalize,
        )
        return config


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SparseConcatenate(keras.layers.Layer):
    """Concatenate dense or sparse feature blocks along the last axis."""

    def call(
        self, inputs: Sequence[tf.Tensor | tf.SparseTensor]
    ) -> tf.Tensor | tf.SparseTensor:
        if any(isinstance(block, tf.SparseTensor) for block in inputs):
            blocks = [
                block if isinstance(block, tf.SparseTensor) else tf.sparse.from_dense(block)
                for block in inputs
            ]
            return tf.sparse.concat(axis=-1, sp_inputs=blocks)
        return tf.concat(inputs, axis=-1)

    def compute_output_shape(
        self, input_shapes: Sequence[tuple[int | None, ...]]
    ) -> tuple[int | None, ...]:
        widths = [shape[-1] for shape in input_shapes]
        # A block of unknown width makes the concatenation's width unknown too.
        width = None if any(w is None for w in widths) else sum(w for w in widths if w)
        return (*input_shapes[0][:-1], width)


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class MaskedMean(keras.layers.Layer):
    """Average the unmasked steps of a sequence; a sequence with none gives zeros.

    Why not ``GlobalAveragePooling1D``: with a mask it divides the masked sum by
    the number of unmasked steps, which is 0 for a text without any token (an
    emoji or ``":)"`` with the word analyzer, an empty string), so the features,
    the probabilities and then the training loss become NaN. Here the count is
    at least 1: such a text gets an all-zero feature vector, and the model
    predicts from its biases alone.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs: tf.Tensor, mask: tf.Tensor | None = None) -> tf.Tensor:
        if mask is None:
            return tf.reduce_mean(inputs, axis=1)
        weights = tf.cast(mask, inputs.dtype)[..., tf.newaxis]
        total = tf.reduce_sum(inputs * weights, axis=1)
        count = tf.maximum(tf.reduce_sum(weights, axis=1), 1.0)
        return total / count

    def compute_mask(self, inputs: tf.Tensor, mask: tf.Tensor | None = None) -> None:
        return None  # the time axis is gone

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], input_shape[-1])


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class ZeroPadding(keras.layers.Layer):
    """Zero the steps of a sequence whose token id is 0 (padding): ``[x, ids] -> x``.

    Why: the ``"cnn"`` head applies it to its embeddings and to its convolution's
    (ReLU, so non-negative) outputs before the global max pooling. Padding then
    acts like the convolution's own zero padding and never wins the max, so the
    head's output does not depend on how far a batch is padded, and training
    batches need only be padded to their longest text.
    """

    def call(self, inputs: Sequence[tf.Tensor]) -> tf.Tensor:
        x, ids = inputs
        return x * tf.cast(tf.not_equal(ids, 0), x.dtype)[..., tf.newaxis]

    def compute_output_shape(
        self, input_shapes: Sequence[tuple[int | None, ...]]
    ) -> tuple[int | None, ...]:
        return input_shapes[0]


def resolve_ngrams(ngrams, analyzer, architecture):
    """The n-gram sizes to use, as a tuple of ints.

    ``None`` picks the default for the analyzer and architecture: word (1, 2)
    for ``"tfidf"`` and ``"bag"``, word unigrams for ``"cnn"``, and character
    (2, 3, 4, 5) for the character analyzers (characters alone for ``"cnn"``).
    An int ``n`` means every size from 1 to ``n`` (Keras' convention); a
    tuple lists the sizes.
    """
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
    return tf.data.Dataset.from_tensor_slices(texts).batch(_ADAPT_BATCH)


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
