"""The Keras layers of the built-in models: n-gram splitting, sublinear TF-IDF, pooling.

The text stage that configures and adapts them is
:mod:`~sklearn_imbal.keras._text_stage`. Everything here is registered as
Keras-serializable under the ``sklearn_imbal`` package, so a fitted model saves to
``.keras`` and pickles with its vocabulary, its IDF weights and its tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import scipy.sparse as sp
import tensorflow as tf

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "CharNgramSplitter",
    "MaskedMean",
    "SparseConcatenate",
    "SparseInputDense",
    "SparseRowsDense",
    "SublinearTfIdf",
    "ZeroPadding",
]



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
            # One op for every size (each word's 1-grams, then its 2-grams...): the
            # same tokens in the same order as one ngrams op per size concatenated,
            # with half the graph to trace and no ragged concatenation.
            return tf.strings.ngrams(chars, self.ngrams, separator="").merge_dims(1, 2)
        chars = tf.strings.unicode_split(texts, "UTF-8")
        return tf.strings.ngrams(chars, self.ngrams, separator="")

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
    **kwargs : dict
        Arguments of ``keras.layers.Layer`` (``name``, ``dtype``...).
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
class SparseInputDense(keras.layers.Dense):
    """A ``Dense`` layer whose sparse input is multiplied with ``sparse_dense_matmul``.

    The same weights, options and output as ``keras.layers.Dense``. Only the
    product of a ``tf.SparseTensor`` batch with the kernel differs: Keras turns
    it into ``embedding_lookup_sparse`` (a lookup, a segment sum and an
    ``IndexedSlices`` gradient), which for the TF-IDF heads costs about twice as
    much per epoch as TensorFlow's sparse-dense product, whose kernel gradient
    is the transposed product (benchmarks/fit_speed.py). Dense input goes
    through ``Dense`` unchanged.

    Parameters
    ----------
    units, activation, use_bias, kernel_initializer, **kwargs
        As in ``keras.layers.Dense``.
    """

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not isinstance(inputs, tf.SparseTensor):
            return super().call(inputs)
        x = tf.sparse.sparse_dense_matmul(inputs, tf.cast(self.kernel, inputs.dtype))
        if self.bias is not None:
            x = x + self.bias
        return x if self.activation is None else self.activation(x)


def touch_rates(document_frequency: ArrayLike, n_rows: int, batch_size: int) -> np.ndarray:
    """The probability that a batch of ``batch_size`` training rows holds each column.

    ``1 - (1 - df / n) ** batch_size`` for a column stored in ``df`` of the ``n``
    training rows (rows drawn uniformly; a column no row holds gets 1): the
    weights of :class:`SparseRowsDense`'s L2 penalty.
    """
    df = np.asarray(document_frequency, dtype=np.float64)
    rate = 1.0 - (1.0 - df / max(int(n_rows), 1)) ** max(int(batch_size), 1)
    return np.where(df > 0, rate, 1.0)


def stored_columns(matrix: Any) -> np.ndarray:
    """How many rows of a scipy sparse matrix store each column (explicit zeros too:
    the layer gathers every stored entry's row)."""
    csr = sp.csr_matrix(matrix)
    csr.sum_duplicates()
    return np.bincount(csr.indices, minlength=csr.shape[1])


# The most entries (batch rows x distinct columns) of the dense matrix that
# _product_with_rows builds: 4M float32s, 16 MB; larger batches take the
# sparse product.
_DENSE_PRODUCT_ENTRIES = 1 << 22


def _product_with_rows(inputs: tf.SparseTensor, local: tf.Tensor, n_columns: tf.Tensor,
                       rows: tf.Tensor) -> tf.Tensor:
    """``inputs @ kernel`` from the kernel ``rows`` of the columns a batch holds.

    ``local`` maps each stored entry to its row in ``rows``. Where the batch is
    small enough, the entries are scattered into a dense (batch x distinct
    columns) matrix and multiplied with one matmul, forward and backward: on
    SMS TF-IDF batches of 64 (15,000 entries, 10,000 distinct columns, 64
    units) that took 3.1 ms a step against 4.9 ms for ``sparse_dense_matmul``,
    whose gradient also computes one for the input's values.
    """
    indices = tf.stack([inputs.indices[:, 0], tf.cast(local, tf.int64)], axis=1)
    shape = tf.stack([inputs.dense_shape[0], tf.cast(n_columns, tf.int64)])
    values = tf.cast(inputs.values, rows.dtype)

    def dense_product():
        # scatter_nd sums an entry stored twice, as the sparse product does.
        return tf.matmul(tf.scatter_nd(indices, values, shape), rows)

    def sparse_product():
        return tf.sparse.sparse_dense_matmul(tf.SparseTensor(indices, values, shape), rows)

    return tf.cond(shape[0] * shape[1] <= _DENSE_PRODUCT_ENTRIES, dense_product,
                   sparse_product)


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SparseRowsDense(keras.layers.Layer):
    """A dense layer on sparse input whose training step costs the rows a batch touches.

    Computes ``activation(x @ kernel + bias)``, as ``keras.layers.Dense``. For a
    ``tf.SparseTensor`` batch it gathers the kernel rows of the columns the
    batch holds and multiplies with those alone, so the kernel's gradient is
    ``tf.IndexedSlices`` over those rows and
    :class:`~sklearn_imbal.keras.LazyAdam` updates only them (a 64-unit layer
    on 89,087 TF-IDF columns: a batch of 64 SMS texts touches about a sixth of
    the rows).

    The L2 penalty keeps the gradient sparse too: it covers the rows the batch
    touches, each divided by the probability that a batch touches it
    (``touch_rate``, set from the training data), so that
    over the batches of an epoch it adds up to ``l2 * sum(kernel ** 2)`` on
    average, the penalty of ``Dense(kernel_regularizer=L2(l2))``, whose gradient
    is dense at every step. Dense input is multiplied with the whole kernel and
    penalized in full.

    Parameters
    ----------
    units : int
        Output width.
    activation : str or callable, default=None
        As in ``keras.layers.Dense``.
    l2 : float, default=0.0
        The penalty factor (added to the mean loss of a batch, as a Keras
        ``L2`` regularizer's).
    kernel_initializer, bias_initializer : str or keras.initializers.Initializer
        As in ``keras.layers.Dense``.
    **kwargs : dict
        Arguments of ``keras.layers.Layer`` (``name``, ``dtype``...).
    """

    def __init__(self, units: int, activation: Any = None, l2: float = 0.0,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.l2 = float(l2)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        width = input_shape[-1]
        self.kernel = self.add_weight(shape=(width, self.units), name="kernel",
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=self.bias_initializer)
        self.touch_rate = self.add_weight(shape=(width,), name="touch_rate",
                                          initializer="ones", trainable=False)

    def set_touch_rates(self, rates: ArrayLike) -> None:
        """Set ``touch_rate``: per input column, the chance that a training batch holds it."""
        # Floored so that a row of a column seen once in a huge matrix is not
        # divided by zero.
        rates = np.clip(np.asarray(rates, dtype=np.float64), 1e-6, 1.0)
        self.touch_rate.assign(rates.astype(self.touch_rate.dtype))

    def call(self, inputs: Any, training: Any = None) -> Any:
        if isinstance(inputs, tf.SparseTensor):
            columns, local = tf.unique(inputs.indices[:, 1])
            # The tf.Variable under Keras' wrapper, so that the gradient of the
            # gather stays IndexedSlices.
            kernel = getattr(self.kernel, "value", self.kernel)
            rows = tf.cast(tf.gather(kernel, columns), inputs.dtype)
            x = _product_with_rows(inputs, local, tf.shape(columns)[0], rows)
            if training and self.l2:
                squares = tf.reduce_sum(tf.square(rows), axis=1)
                rates = tf.cast(tf.gather(self.touch_rate, columns), squares.dtype)
                self.add_loss(self.l2 * tf.reduce_sum(squares / rates))
        else:
            kernel = tf.cast(self.kernel, self.compute_dtype)
            x = tf.matmul(tf.cast(inputs, self.compute_dtype), kernel)
            if training and self.l2:
                self.add_loss(self.l2 * tf.reduce_sum(tf.square(kernel)))
        return self.activation(x + tf.cast(self.bias, x.dtype))

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            units=self.units,
            activation=keras.activations.serialize(self.activation),
            l2=self.l2,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
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

    Parameters
    ----------
    **kwargs : dict
        Arguments of ``keras.layers.Layer`` (``name``, ``dtype``...).
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
