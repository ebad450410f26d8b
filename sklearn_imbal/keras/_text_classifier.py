"""KerasTextClassifier: a Keras text classifier that is a scikit-learn classifier."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import keras
import tensorflow as tf

from sklearn_imbal._compat import Interval, StrOptions, classifier_tags
from sklearn_imbal.keras._base import BaseKerasClassifier
from sklearn_imbal.keras._docs import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from sklearn_imbal.keras._heads import ARCHITECTURES, build_text_model, l2_per_sample
from sklearn_imbal.keras._text_stage import (
    ANALYZERS,
    HEAD,
    TEXT_STAGE,
    adapt_text_vectorization,
    fit_text_stage,
    make_text_vectorization,
    resolve_ngrams,
    vectorize,
)
from sklearn_imbal.keras._training import groups_of_equal
from sklearn_imbal.utils._docstring import fill_doc
from sklearn_imbal.utils.validation import check_text_array

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState

__all__ = ["KerasTextClassifier"]


def to_string_tensor(texts, input_name="X"):
    """A 1-D ``tf.string`` tensor from validated texts, naming any unencodable item."""
    try:
        return tf.constant(texts, dtype=tf.string)
    except (UnicodeEncodeError, ValueError):
        for index, text in enumerate(texts):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(
                    f"{input_name}[{index}] cannot be encoded as UTF-8 ({exc.reason} at "
                    f"position {exc.start}); it holds a lone surrogate character. Clean it, "
                    "e.g. text.encode('utf-8', 'replace').decode('utf-8')."
                ) from None
        raise


@fill_doc(**SHARED_PARAMETERS, **SHARED_ATTRIBUTES)
class KerasTextClassifier(BaseKerasClassifier):
    """A Keras neural text classifier that takes raw text, as a scikit-learn classifier.

    The model's first layers are Keras ``TextVectorization`` layers, adapted on
    the training texts of each ``fit`` only: a fitted estimator is one
    self-contained Keras model, and cross-validation folds never see each
    other's vocabulary. It works in ``Pipeline``, ``GridSearchCV``,
    ``TunedThresholdClassifierCV`` and imbalanced-learn pipelines, and fixes the
    scikeras trap where ``is_classifier`` is False and ``scoring="roc_auc"``
    silently scores NaN.

    It subclasses :class:`scikeras.wrappers.KerasClassifier`: routed parameters
    (``optimizer__beta_1``, ``loss__gamma``, ``compile__loss_weights``,
    ``fit__verbose``...) work as in scikeras, but unknown or misspelled ones are
    an error instead of being ignored.

    Parameters
    ----------
    model : callable or keras.Model, default=None
        None uses the built-in model configured by the parameters below. A
        callable ``model(meta, compile_kwargs, **model__params)`` returning a Keras
        model (scikeras' convention) replaces it; the model receives a 1-D string
        tensor (in training too: its batches of texts are not cached), and
        ``meta["text_vectorization"]`` holds an ``"int"``-mode ``TextVectorization``
        already adapted on this fit's training texts (first analyzer,
        ``max_tokens``, ``ngrams``, ``sequence_length``).
    architecture : {"tfidf", "bag", "cnn"}, default="tfidf"
        ``"tfidf"``: sparse sublinear TF-IDF n-gram features (one block per
        analyzer, rows L2-normalized as scikit-learn's ``TfidfVectorizer``), an
        optional hidden layer, the output; with ``hidden_units=0`` it is an
        L2-regularized logistic regression. ``"bag"``: averaged token and n-gram
        embeddings (fastText-like), the fastest to predict. ``"cnn"``: embeddings,
        a 1-D convolution (``hidden_units`` filters, at least 16), max pooling.
    analyzer : {"word", "char", "char_wb"} or tuple of them, default="char_wb"
        What the tokens are: words (punctuation stripped), character n-grams
        across the text, or character n-grams inside word boundaries (as
        scikit-learn's ``analyzer="char_wb"``). Several analyzers give several
        feature blocks, concatenated.
    ngrams : int, tuple of int, dict or None, default=None
        N-gram sizes. An int ``n`` means sizes 1 to ``n``; a tuple lists them.
        None: word (1, 2) and character (2, 3, 4, 5); for ``"cnn"``, single words
        or characters. A dict sets them per analyzer, as in
        ``analyzer=("word", "char_wb"), ngrams={"word": 2, "char_wb": 6}``;
        an analyzer it leaves out takes the default.
    max_tokens : int or None, default=100_000
        Vocabulary size per analyzer (most frequent terms first, including the
        reserved out-of-vocabulary entry). None keeps every term.
    sequence_length : int, default=200
        Tokens kept per text by ``"bag"`` and ``"cnn"`` (padded or truncated).
    lowercase : bool, default=True
        Whether to lowercase texts before tokenizing.
    embedding_dim : int, default=64
        Embedding width for ``"bag"`` and ``"cnn"``.
    hidden_units : int, default=0
        Width of the hidden ReLU layer (0: none); the number of filters for
        ``"cnn"``. Over ``"tfidf"`` features the hidden layer is a
        :class:`~sklearn_imbal.keras.SparseRowsDense`: a step costs the kernel
        rows of the batch's n-grams, its L2 penalty included. Such a head
        ranked better with ``optimizer="sparse_adagrad", learning_rate=0.2``
        than with the default ``"lazy_adam"`` (SMS, 2 splits:
        ``docs/benchmarks.rst``, "The vector fit at 9x").
    kernel_size : int, default=5
        Convolution width for ``"cnn"``.
    dropout : float, default=0.0
        Dropout rate before the hidden and output layers (not applied to sparse
        TF-IDF input).
    l2 : float, default=1e-5
        L2 penalty on the Dense kernels, per weight; relative to each sample
        or to the whole training set, as ``l2_scale`` says.
    {l2_scale}
    {loss}
    {optimizer}
    learning_rate : float, default=0.02
        The optimizer's learning rate (ignored for an optimizer instance).
    {learning_rate_schedule}
    {epochs}
    {batch_size}
    {class_weight}
    {class_weight_beta}
    {batch_sampling}
    {batch_class_ratio}
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data, stop
        when its loss has not improved for ``n_iter_no_change`` epochs, and keep
        the weights of the best epoch. The vocabulary is adapted on the rest.
        Identical texts stay on one side of the split, so that after an
        over-sampler no copy of a training text is validated on.
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping`` (of the
        distinct texts, when some texts repeat).
    {n_iter_no_change}
    {metrics}
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training. For the built-in models they train
        the head (``callback.model`` is a model of the head's layers, fed the
        cached features). An epoch is one traced call over all its batches;
        with a callback that overrides a batch hook (``on_train_batch_end``...),
        each batch is one call, so the hook sees every batch.
    {shuffle}
    {run_eagerly}
    {warm_start}
    {random_state}
    {verbose}
    {kwargs}
    Attributes
    ----------
    model_ : keras.Model
        The fitted Keras model; it takes a 1-D string tensor. For the built-in
        architectures it is two models composed: ``model_.get_layer("text_stage")``
        (the adapted ``TextVectorization`` layers and TF-IDF weighting; no
        trainable weights) and ``model_.get_layer("head")`` (the trainable part).
    {class_attributes}
    {training_attributes}
    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : Tune the decision
        threshold, e.g. for F1.
    sklearn.feature_extraction.text.TfidfVectorizer : The classical features the
        ``"tfidf"`` architecture reproduces inside Keras.

    Notes
    -----
    ``fit`` tokenizes each text once: the vocabulary, the TF-IDF document
    frequencies and the features the head trains on all come from those tokens
    (sparse TF-IDF rows for ``"tfidf"``, unpadded token ids for ``"bag"`` and
    ``"cnn"``), and training batches are gathered from them inside the
    ``tf.data`` graph, so no training step tokenizes a string. ``partial_fit``
    and ``warm_start`` refits vectorize each call's texts once with the frozen
    vocabulary. A ``model=`` builder's model takes strings and trains on them
    as it is given them, with no cache.

    Prediction does not go through ``keras.Model.predict`` (about 40 ms per
    call): it calls a traced ``tf.function`` on batches of up to 4,096 texts, so
    one document takes well under a millisecond.

    Examples
    --------
    >>> from sklearn_imbal import KerasTextClassifier
    >>> texts = ["win a free prize now", "see you at lunch", "free cash, call now",
    ...          "running late, sorry", "claim your prize", "dinner at 8?"] * 5
    >>> labels = [1, 0, 1, 0, 1, 0] * 5
    >>> clf = KerasTextClassifier(epochs=5, random_state=0).fit(texts, labels)
    >>> clf.predict_proba(["free prize"]).shape
    (1, 2)
    >>> clf.predict(["free prize, call now", "see you at dinner"])
    array([1, 0])
    """

    _parameter_constraints = {
        **BaseKerasClassifier._parameter_constraints,
        "architecture": [StrOptions(set(ARCHITECTURES))],
        "analyzer": [StrOptions(set(ANALYZERS)), tuple, list],
        "ngrams": [None, Interval(Integral, 1, None, closed="left"), tuple, list, dict],
        "max_tokens": [None, Interval(Integral, 3, None, closed="left")],
        "sequence_length": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_units": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "l2_scale": [StrOptions({"sample", "dataset"})],
    }

    def __init__(
        self,
        model: Callable[..., Any] | None = None,
        *,
        architecture: str = "tfidf",
        analyzer: str | Sequence[str] = "char_wb",
        ngrams: int | Sequence[int] | None = None,
        max_tokens: int | None = 100_000,
        sequence_length: int = 200,
        lowercase: bool = True,
        embedding_dim: int = 64,
        hidden_units: int = 0,
        kernel_size: int = 5,
        dropout: float = 0.0,
        l2: float = 1e-5,
        l2_scale: str = "sample",
        loss: str | Callable[..., Any] | None = None,
        optimizer: str | type[keras.optimizers.Optimizer] | keras.optimizers.Optimizer = "lazy_adam",
        learning_rate: float = 0.02,
        learning_rate_schedule: str = "constant",
        epochs: int = 20,
        batch_size: int = 64,
        class_weight: str | Mapping[Any, float] | None = None,
        class_weight_beta: float = 0.999,
        batch_sampling: str = "shuffle",
        batch_class_ratio: float | Mapping[Any, float] | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 3,
        metrics: Sequence[Any] | None = None,
        callbacks: Sequence[keras.callbacks.Callback] | keras.callbacks.Callback | None = None,
        shuffle: bool = True,
        run_eagerly: bool = False,
        warm_start: bool = False,
        random_state: RandomState = None,
        verbose: int = 0,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self.architecture = architecture
        self.analyzer = analyzer
        self.ngrams = ngrams
        self.max_tokens = max_tokens
        self.sequence_length = sequence_length
        self.lowercase = lowercase
        self.embedding_dim = embedding_dim
        self.hidden_units = hidden_units
        self.kernel_size = kernel_size
        self.dropout = dropout
        self.l2 = l2
        self.l2_scale = l2_scale
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.class_weight = class_weight
        self.class_weight_beta = class_weight_beta
        self.batch_sampling = batch_sampling
        self.batch_class_ratio = batch_class_ratio
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.metrics = metrics
        self.callbacks = callbacks
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.__dict__.update(kwargs)

    def __sklearn_tags__(self):
        return classifier_tags(super().__sklearn_tags__(), string_input=True)

    def _analyzers(self):
        analyzers = (self.analyzer,) if isinstance(self.analyzer, str) else tuple(self.analyzer)
        unknown = [a for a in analyzers if a not in ANALYZERS]
        if not analyzers or unknown or len(set(analyzers)) != len(analyzers):
            raise ValueError(
                f"analyzer must be one of {list(ANALYZERS)} or a tuple of distinct ones; "
                f"got {self.analyzer!r}."
            )
        if isinstance(self.ngrams, dict) and not set(self.ngrams) <= set(analyzers):
            extra = sorted(set(self.ngrams) - set(analyzers), key=str)
            raise ValueError(
                f"ngrams names analyzers {extra} that are not in analyzer={self.analyzer!r}."
            )
        return analyzers

    def _validate_X(self, X, *, reset):
        return check_text_array(X)

    def _to_tensor(self, X):
        return to_string_tensor(X)

    def _sample_groups(self, X):
        # Identical texts: the early-stopping split keeps them on one side.
        return groups_of_equal(X)

    def _input_signature(self):
        return tf.TensorSpec([None], tf.string)

    def _build_default_model(self, X, train, class_prior):
        stage = fit_text_stage(
            self._to_tensor(X),
            train,
            architecture=self.architecture,
            analyzers=self._analyzers(),
            ngrams=self.ngrams,
            max_tokens=self.max_tokens,
            lowercase=self.lowercase,
            sequence_length=self.sequence_length,
        )
        model = build_text_model(
            stage,
            architecture=self.architecture,
            n_classes=self.n_classes_,
            embedding_dim=self.embedding_dim,
            hidden_units=self.hidden_units,
            kernel_size=self.kernel_size,
            dropout=self.dropout,
            l2=l2_per_sample(self.l2, self.l2_scale, len(train)),
            class_prior=class_prior,
            seed=self._sub_seed(4),  # 1-3: validation split, shuffling, batches
            batch_size=self._fit_batch_size(),
        )
        return model, stage.features

    def _parts(self):
        """The text stage and head of a built-in ``model_``; None for other models."""
        names = {layer.name for layer in self.model_.layers}
        if not {TEXT_STAGE, HEAD} <= names:
            return None  # a user's model, or one pickled before the two parts
        return self.model_.get_layer(TEXT_STAGE), self.model_.get_layer(HEAD)

    def _training_model(self):
        parts = self._parts()
        if parts is None:
            return self.model_
        # The head trains on the cached features, as a model of its own.
        head = parts[1]
        return self._trainer_over(head.inputs, head.outputs, f"{HEAD}_trainer")

    def _training_features(self, X):
        parts = self._parts()
        if parts is None:
            return self._to_tensor(X)
        stage, head = parts
        # A head with an unspecified input length takes batches padded to their longest.
        fixed = all(tensor.shape[-1] is not None for tensor in head.inputs)
        return vectorize(stage, self._to_tensor(X), pad_to_length=fixed)

    def _model_builder_extras(self, X_train):
        analyzer = self._analyzers()[0]
        vectorizer = make_text_vectorization(
            analyzer=analyzer,
            ngrams=resolve_ngrams(self.ngrams, analyzer, self.architecture),
            max_tokens=self.max_tokens,
            lowercase=self.lowercase,
            output_mode="int",
            sequence_length=self.sequence_length,
        )
        adapt_text_vectorization(vectorizer, self._to_tensor(X_train), analyzer=analyzer)
        return {"text_vectorization": vectorizer}
