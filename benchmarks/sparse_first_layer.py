"""Why ``KerasVectorClassifier``'s first layer on sparse TF-IDF costs what it costs.

On the SMS spam training part's TF-IDF matrix (char_wb 1-6, 3,400 x 89,087, about
240 non-zeros a row), one epoch (batches of 64, cached rows gathered in
``tf.data``, as the classifier trains) of a 64-unit first layer, four ways:

``dense + adam``
    ``keras.layers.Dense`` on a ``tf.SparseTensor`` batch with Adam: the
    classifier as it is. The gradient of the 89,087 x 64 kernel is dense.
``bag + adam``
    The same layer as an embedding bag (``tf.nn.embedding_lookup_sparse``): the
    gradient holds only the rows the batch touches (about 15,000), but Keras'
    Adam updates both moment estimates of every row at every step.
``dense + lazy_adam`` / ``bag + lazy_adam``
    With :class:`sklearn_imbal.keras.LazyAdam` (the classifiers' default): Adam's
    update for the dense gradient, a row-wise update (the touched rows and their
    moments) for the embedding bag's.
``dense + sgd`` / ``bag + sgd``
    The same with plain SGD, whose update of an embedding-bag gradient touches
    only those rows.

``rows + lazy_adam`` / ``rows + sparse_adagrad``
    :class:`sklearn_imbal.keras.SparseRowsDense` (``KerasVectorClassifier``'s first
    layer on sparse input since 0.9): the kernel rows of the batch's columns
    gathered and multiplied, so the gradient covers those rows alone; with
    LazyAdam or with :class:`sklearn_imbal.keras.SparseAdagrad` (learning rate 0.2,
    ``KerasVectorClassifier``'s default), whose update of those rows is one fused
    kernel.
``... + L2``
    The same with ``KerasVectorClassifier``'s default penalty (``l2=1e-5``): a
    ``kernel_regularizer`` for ``dense`` (a dense gradient at every step), the
    touched rows' penalty weighted by their touch rates for ``rows``.

The ratio of ``bag + adam`` to ``dense + adam`` is what a sparse first layer
alone would buy; ``bag + lazy_adam`` and ``bag + sgd`` are what it buys with an
optimizer that does not update every row; the ``L2`` rows are what a penalized
layer costs, before (``dense``) and after (``rows``).

Run: ``python benchmarks/sparse_first_layer.py [--epochs 3]``.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from sklearn_imbal.datasets import load_sms_spam  # noqa: E402
from sklearn_imbal.keras import LazyAdam, SparseAdagrad, SparseRowsDense  # noqa: E402
from sklearn_imbal.keras._layers import stored_columns, touch_rates  # noqa: E402
from sklearn_imbal.keras._text_stage import SparseRows  # noqa: E402


class EmbeddingBag(keras.layers.Layer):
    """``x @ kernel`` for sparse ``x`` through an embedding lookup (sparse gradient)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        ids = tf.SparseTensor(x.indices, x.indices[:, 1], x.dense_shape)
        # The tf.Variable under Keras' wrapper: its gradient stays IndexedSlices.
        summed = tf.nn.embedding_lookup_sparse(self.kernel.value, ids, x, combiner="sum")
        return tf.nn.relu(summed + self.bias)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


def model(first, n_features, l2=0.0, rates=None):
    inputs = keras.Input(shape=(n_features,), sparse=True)
    if first == "dense":
        regularizer = keras.regularizers.L2(l2) if l2 else None
        hidden = keras.layers.Dense(64, activation="relu", kernel_regularizer=regularizer)(inputs)
    elif first == "rows":
        layer = SparseRowsDense(64, activation="relu", l2=l2)
        hidden = layer(inputs)
        layer.set_touch_rates(rates)
    else:
        hidden = EmbeddingBag(64)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    X, y = load_sms_spam(return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    keep = np.sort(np.unique(X, return_index=True)[1])
    X_train, _, y_train, _ = train_test_split(X[keep], y[keep], test_size=0.25,
                                              stratify=y[keep], random_state=0)
    features = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6),
                               sublinear_tf=True).fit_transform(X_train)
    features.sort_indices()
    rows = SparseRows.from_csr(features)
    labels = tf.constant(np.asarray(y_train, dtype="float32"))
    batches = tf.data.Dataset.from_tensor_slices(np.arange(features.shape[0])).shuffle(
        features.shape[0], seed=0).batch(64)
    dataset = batches.map(lambda index: (rows.gather(index), tf.gather(labels, index)))
    print(f"{features.shape[0]:,} x {features.shape[1]:,} TF-IDF, "
          f"{features.nnz / features.shape[0]:.0f} non-zeros a row; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    seconds = {}
    rates = touch_rates(stored_columns(features), features.shape[0], 64)
    runs = [(first, optimizer, 0.0) for first in ("dense", "bag")
            for optimizer in ("adam", "lazy_adam", "sgd")]
    runs += [("rows", "lazy_adam", 0.0), ("rows", "sparse_adagrad", 0.0),
             ("dense", "adam", 1e-5), ("dense", "lazy_adam", 1e-5),
             ("rows", "lazy_adam", 1e-5), ("rows", "sparse_adagrad", 1e-5)]
    own = {"lazy_adam": LazyAdam, "sparse_adagrad": lambda: SparseAdagrad(0.2)}
    for first, optimizer, l2 in runs:
        net = model(first, features.shape[1], l2, rates)
        net.compile(optimizer=own[optimizer]() if optimizer in own else optimizer,
                    loss="binary_crossentropy", steps_per_execution=32, jit_compile=False)
        net.fit(dataset, epochs=1, verbose=0)  # tracing
        start = time.perf_counter()
        net.fit(dataset, epochs=args.epochs, verbose=0)
        name = f"{first} + {optimizer}" + (" + L2" if l2 else "")
        seconds[name] = (time.perf_counter() - start) / args.epochs
    reference = seconds["dense + adam"]
    print(f"{'first layer':<28}{'s / epoch':>10}{'vs dense + adam':>17}")
    for name, value in seconds.items():
        print(f"{name:<28}{value:10.3f}{value / reference:17.2f}")


if __name__ == "__main__":
    main()
