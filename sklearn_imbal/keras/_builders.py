"""The built-in Keras architectures of KerasTextClassifier.

A model takes a 1-D string tensor and returns class probabilities. Its first
layers are ``TextVectorization`` layers adapted on the training texts of the
current fit only, so a fitted model is self-contained and cross-validation folds
never share vocabulary.

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
    16) and ``kernel_size``, global max pooling, the output.
"""

import math

import keras
import numpy as np

from sklearn_imbal.keras._layers import (
    MaskedMean,
    SparseConcatenate,
    SublinearTfIdf,
    adapt_text_vectorization,
    document_frequency,
    make_text_vectorization,
    resolve_ngrams,
)

__all__ = [
    "ARCHITECTURES", "LayerSeeds", "adapt_vectorizers", "build_text_model", "output_layer",
]

ARCHITECTURES = ("tfidf", "bag", "cnn")


def adapt_vectorizers(texts, *, architecture, analyzers, ngrams, max_tokens, lowercase,
                      sequence_length):
    """Build and adapt one vectorizer per analyzer on the training ``texts``.

    Returns
    -------
    branches : list of (keras.layers.TextVectorization, SublinearTfIdf or None)
        The TF-IDF layer is set for the ``"tfidf"`` architecture, with the IDF
        weights of ``texts``.
    """
    n_documents = int(texts.shape[0])
    branches = []
    for analyzer in analyzers:
        sizes = resolve_ngrams(ngrams, analyzer, architecture)
        output_mode = "count" if architecture == "tfidf" else "int"
        vectorizer = make_text_vectorization(
            analyzer=analyzer,
            ngrams=sizes,
            max_tokens=max_tokens,
            lowercase=lowercase,
            output_mode=output_mode,
            sequence_length=sequence_length,
            name=f"vectorize_{analyzer}",
        )
        adapt_text_vectorization(vectorizer, texts, analyzer=analyzer)
        tfidf = None
        if architecture == "tfidf":
            tfidf = SublinearTfIdf(vectorizer.vocabulary_size(), name=f"tfidf_{analyzer}")
            tfidf.set_document_frequency(document_frequency(vectorizer, texts), n_documents)
        branches.append((vectorizer, tfidf))
    return branches


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


def output_layer(n_classes, *, l2=0.0, class_prior=None, name="output", seed=None):
    """The final Dense layer: one sigmoid unit for 2 classes, softmax otherwise.

    ``class_prior`` (the weighted share of each class in the training data)
    initializes the bias to the prior log-odds, so training starts from the
    base rate instead of 50/50: a small help with rare classes. ``seed`` seeds
    the kernel initializer.
    """
    n_outputs = 1 if n_classes == 2 else n_classes
    bias = "zeros"
    if class_prior is not None:
        prior = np.clip(np.asarray(class_prior, dtype=np.float64), 1e-6, 1.0)
        logits = [math.log(prior[1] / prior[0])] if n_classes == 2 else list(np.log(prior))
        bias = keras.initializers.Constant(logits)
    return keras.layers.Dense(
        n_outputs,
        activation="sigmoid" if n_classes == 2 else "softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
        bias_initializer=bias,
        name=name,
    )


def _branch(inputs, vectorizer, tfidf, *, architecture, embedding_dim, hidden_units,
            kernel_size, dropout, name, seeds):
    tokens = vectorizer(inputs)
    if architecture == "tfidf":
        return tfidf(tokens)
    x = keras.layers.Embedding(
        vectorizer.vocabulary_size(),
        embedding_dim,
        # Keras' default "uniform" initializer, with an explicit seed.
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
        mask_zero=architecture == "bag",
        name=f"embedding_{name}",
    )(tokens)
    if architecture == "bag":
        # Not GlobalAveragePooling1D: a text without tokens would give NaN.
        return MaskedMean(name=f"mean_{name}")(x)
    if dropout:
        x = keras.layers.SpatialDropout1D(dropout, seed=seeds(), name=f"dropout_{name}")(x)
    x = keras.layers.Conv1D(
        max(hidden_units, 16), kernel_size, padding="same", activation="relu",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
        name=f"conv_{name}",
    )(x)
    return keras.layers.GlobalMaxPooling1D(name=f"max_{name}")(x)


def build_text_model(branches, *, architecture, n_classes, embedding_dim=64, hidden_units=0,
                     kernel_size=5, dropout=0.0, l2=0.0, class_prior=None, seed=None):
    """Assemble the Keras model for adapted vectorizer ``branches``.

    Parameters
    ----------
    branches : list of (TextVectorization, SublinearTfIdf or None)
        From :func:`adapt_vectorizers`.
    architecture : {"tfidf", "bag", "cnn"}
    n_classes : int
    embedding_dim, hidden_units, kernel_size : int
    dropout, l2 : float
    class_prior : array-like of shape (n_classes,), default=None
        Initializes the output bias (see :func:`output_layer`).
    seed : int, default=None
        Seeds every initializer and dropout layer (None: Keras' own draws).

    Returns
    -------
    model : keras.Model
        Uncompiled; input is a 1-D string tensor.
    """
    seeds = LayerSeeds(seed)
    inputs = keras.Input(shape=(), dtype="string", name="text")
    blocks = [
        _branch(
            inputs, vectorizer, tfidf, architecture=architecture,
            embedding_dim=embedding_dim, hidden_units=hidden_units,
            kernel_size=kernel_size, dropout=dropout, name=vectorizer.name.split("_", 1)[-1],
            seeds=seeds,
        )
        for vectorizer, tfidf in branches
    ]
    x = blocks[0] if len(blocks) == 1 else SparseConcatenate(name="concatenate")(blocks)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    # Dropout is skipped on sparse TF-IDF input: Keras' Dropout densifies.
    sparse_input = architecture == "tfidf"
    if hidden_units and architecture != "cnn":
        if dropout and not sparse_input:
            x = keras.layers.Dropout(dropout, seed=seeds(), name="dropout_features")(x)
        x = keras.layers.Dense(
            hidden_units, activation="relu", kernel_regularizer=regularizer,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()), name="hidden",
        )(x)
        sparse_input = False
    if dropout and not sparse_input:
        x = keras.layers.Dropout(dropout, seed=seeds(), name="dropout")(x)
    outputs = output_layer(n_classes, l2=l2, class_prior=class_prior, seed=seeds())(x)
    return keras.Model(inputs, outputs, name=f"text_{architecture}")
