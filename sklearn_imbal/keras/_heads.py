"""The trainable heads of the built-in models.

:func:`output_layer` and :class:`LayerSeeds` serve both classifiers (the
:class:`~sklearn_imbal.KerasVectorClassifier` network ends in the same output
layer); :func:`build_text_model` builds the heads of the
:class:`~sklearn_imbal.KerasTextClassifier` architectures below.

A text model takes a 1-D string tensor and returns class probabilities. It is a text
stage (``TextVectorization`` layers adapted on the training texts of the current
fit only, see :mod:`~sklearn_imbal.keras._text_stage`) followed by a trainable
head, so a fitted model is self-contained and cross-validation folds never share
vocabulary.

``"tfidf"``
    Sparse sublinear TF-IDF over word and/or character n-grams (one block per
    analyzer, each row L2-normalized, as scikit-learn's ``TfidfVectorizer``),
    then an optional hidden layer, then the output. With ``hidden_units=0`` it
    is a regularized linear model: logistic regression on TF-IDF features.
``"bag"``
    Bag of embeddings (fastText-like): token and n-gram embeddings averaged
    over the text, an optional hidden layer, the output.
``"cnn"``
    Token embeddings, a 1-D convolution with ``hidden_units`` filters (at least
    16) and ``kernel_size``, global max pooling over the text's tokens (padding
    is zeroed, see :class:`~sklearn_imbal.keras._layers.ZeroPadding`), the output.
"""

import math

import keras
import numpy as np

from sklearn_imbal.keras._layers import (
    MaskedMean,
    SparseInputDense,
    SparseRowsDense,
    ZeroPadding,
    touch_rates,
)
from sklearn_imbal.keras._text_stage import HEAD

__all__ = ["ARCHITECTURES", "LayerSeeds", "build_text_model", "output_layer", "prior_logits"]

ARCHITECTURES = ("tfidf", "bag", "cnn")


class LayerSeeds:
    """Explicit seeds for every random initializer and dropout layer of one model.

    Why: without a seed, Keras draws one per layer from Python's process-wide
    ``random`` module. Seeding that module is not enough where other threads
    draw from it too: a Dask worker's event loop does (timer jitter), so the
    same ``random_state`` built different weights depending on timing.
    """

    def __init__(self, seed):
        self._rng = None if seed is None else np.random.RandomState(seed)

    def __call__(self):
        if self._rng is None:
            return None
        return int(self._rng.randint(1, np.iinfo(np.int32).max))


def prior_logits(class_prior, n_classes):
    """The output bias that predicts ``class_prior``: the log-odds of ``classes_[1]``
    for one sigmoid unit (2 classes), the log-priors for a softmax."""
    prior = np.clip(np.asarray(class_prior, dtype=np.float64), 1e-6, 1.0)
    return [math.log(prior[1] / prior[0])] if n_classes == 2 else list(np.log(prior))


def l2_per_sample(l2, l2_scale, n_samples):
    """The Keras L2 factor (added to the mean loss) of ``l2`` for a fit on ``n_samples`` rows.

    ``l2_scale="sample"``: ``l2`` itself. ``"dataset"``: ``l2 / n_samples``, so the
    objective is ``sum of losses + l2 * sum of squared weights`` (scikit-learn's
    ``LinearSVC`` and ``LogisticRegression`` with ``l2 = 1 / (2 * C)``).
    """
    if l2_scale == "dataset":
        return l2 / max(int(n_samples), 1)
    return l2


def output_layer(n_classes, *, l2=0.0, class_prior=None, name="output", seed=None,
                 sparse_input=False):
    """The final Dense layer: one sigmoid unit for 2 classes, softmax otherwise.

    ``class_prior`` (the weighted share of each class in the training data)
    initializes the bias to the prior log-odds, so training starts from the
    base rate instead of 50/50: a small help with rare classes. ``seed`` seeds
    the kernel initializer. ``sparse_input``: the layer takes a
    ``tf.SparseTensor`` (a :class:`~sklearn_imbal.keras._layers.SparseInputDense`).
    """
    n_outputs = 1 if n_classes == 2 else n_classes
    bias = "zeros"
    if class_prior is not None:
        bias = keras.initializers.Constant(prior_logits(class_prior, n_classes))
    layer = SparseInputDense if sparse_input else keras.layers.Dense
    return layer(
        n_outputs,
        activation="sigmoid" if n_classes == 2 else "softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
        bias_initializer=bias,
        name=name,
    )


def _branch(tokens, vocabulary_size, *, architecture, embedding_dim, hidden_units,
            kernel_size, dropout, name, seeds):
    x = keras.layers.Embedding(
        vocabulary_size,
        embedding_dim,
        # Keras' default "uniform" initializer, with an explicit seed.
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
        mask_zero=architecture == "bag",
        name=f"embedding_{name}",
    )(tokens)
    if architecture == "bag":
        # Not GlobalAveragePooling1D: a text without tokens would give NaN.
        return MaskedMean(name=f"mean_{name}")(x)
    x = ZeroPadding(name=f"unpad_{name}")([x, tokens])
    if dropout:
        x = keras.layers.SpatialDropout1D(dropout, seed=seeds(), name=f"dropout_{name}")(x)
    x = keras.layers.Conv1D(
        max(hidden_units, 16), kernel_size, padding="same", activation="relu",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
        name=f"conv_{name}",
    )(x)
    # Zeroed padding never beats a ReLU output at a real step (see ZeroPadding).
    x = ZeroPadding(name=f"unpad_conv_{name}")([x, tokens])
    return keras.layers.GlobalMaxPooling1D(name=f"max_{name}")(x)


def build_text_model(stage, *, architecture, n_classes, embedding_dim=64, hidden_units=0,
                     kernel_size=5, dropout=0.0, l2=0.0, class_prior=None, seed=None,
                     batch_size=32):
    """The head for a fitted text ``stage``, and ``model_``: the two composed.

    Parameters
    ----------
    stage : FittedTextStage
        From :func:`~sklearn_imbal.keras._text_stage.fit_text_stage`.
    architecture : {"tfidf", "bag", "cnn"}
    n_classes : int
    embedding_dim, hidden_units, kernel_size : int
    dropout, l2 : float
    class_prior : array-like of shape (n_classes,), default=None
        Initializes the output bias (see :func:`output_layer`).
    seed : int, default=None
        Seeds every initializer and dropout layer (None: Keras' own draws).
    batch_size : int, default=32
        The training batch size: with ``"tfidf"`` and ``hidden_units``, the
        hidden layer is a :class:`~sklearn_imbal.keras.SparseRowsDense`,
        whose penalty weights come from it and the stage's document frequencies.

    Returns
    -------
    model : keras.Model
        Uncompiled; input is a 1-D string tensor. Its layers are the text stage
        (named ``TEXT_STAGE``) and the head (``HEAD``), which takes the stage's
        output: a sparse TF-IDF matrix for ``"tfidf"``, else one padded token id
        matrix per analyzer.
    """
    seeds = LayerSeeds(seed)
    if architecture == "tfidf":
        width = sum(size for _, size in stage.analyzers)
        inputs = keras.Input(shape=(width,), sparse=True, name="tfidf")
        x = inputs
    else:
        # Both heads ignore padding (MaskedMean, ZeroPadding): batches of any length.
        inputs = [
            keras.Input(shape=(None,), dtype="int64", name=f"tokens_{analyzer}")
            for analyzer, _ in stage.analyzers
        ]
        blocks = [
            _branch(
                tokens, size, architecture=architecture, embedding_dim=embedding_dim,
                hidden_units=hidden_units, kernel_size=kernel_size, dropout=dropout,
                name=analyzer, seeds=seeds,
            )
            for tokens, (analyzer, size) in zip(inputs, stage.analyzers)
        ]
        x = blocks[0] if len(blocks) == 1 else keras.layers.Concatenate(name="concatenate")(
            blocks
        )
        inputs = inputs[0] if len(inputs) == 1 else inputs
    regularizer = keras.regularizers.L2(l2) if l2 else None
    # Dropout is skipped on sparse TF-IDF input: Keras' Dropout densifies.
    sparse_input = architecture == "tfidf"
    if hidden_units and architecture != "cnn":
        if dropout and not sparse_input:
            x = keras.layers.Dropout(dropout, seed=seeds(), name="dropout_features")(x)
        initializer = keras.initializers.GlorotUniform(seed=seeds())
        if sparse_input:
            # A step costs the kernel rows of the batch's n-grams (LazyAdam).
            hidden = SparseRowsDense(hidden_units, activation="relu", l2=l2,
                                     kernel_initializer=initializer, name="hidden")
            x = hidden(x)
            hidden.set_touch_rates(
                touch_rates(stage.document_frequency, stage.n_train, batch_size)
            )
        else:
            x = keras.layers.Dense(
                hidden_units, activation="relu", kernel_regularizer=regularizer,
                kernel_initializer=initializer, name="hidden",
            )(x)
        sparse_input = False
    if dropout and not sparse_input:
        x = keras.layers.Dropout(dropout, seed=seeds(), name="dropout")(x)
    outputs = output_layer(n_classes, l2=l2, class_prior=class_prior, seed=seeds(),
                           sparse_input=sparse_input)(x)
    head = keras.Model(inputs, outputs, name=HEAD)
    text = keras.Input(shape=(), dtype="string", name="text")
    return keras.Model(text, head(stage.model(text)), name=f"text_{architecture}")
