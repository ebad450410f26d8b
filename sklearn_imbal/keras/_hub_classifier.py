"""KerasHubTextClassifier: a pretrained KerasHub transformer as a scikit-learn classifier.

KerasHub builds the model (``keras_hub.models.TextClassifier.from_preset``) and
tokenizes (its preprocessor); this module adds what the other Keras classifiers
have: the scikit-learn contract, the imbalance levers of
:class:`~sklearn_imbal.keras.BaseKerasClassifier`, and its training loop, which
here tokenizes each fit's texts once and trains on the cached token ids.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import tensorflow as tf

from sklearn_imbal._compat import Interval, classifier_tags, import_keras_hub
from sklearn_imbal.keras._base import BaseKerasClassifier
from sklearn_imbal.keras._docs import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from sklearn_imbal.keras._heads import prior_logits
from sklearn_imbal.keras._text_classifier import to_string_tensor
from sklearn_imbal.keras._training import groups_of_equal
from sklearn_imbal.utils._docstring import fill_doc
from sklearn_imbal.utils.validation import check_text_array

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState

keras_hub = import_keras_hub()

__all__ = ["KerasHubTextClassifier"]

# Texts tokenized per call while caching a fit's token ids.
_TOKENIZE_CHUNK = 4096
# Up to this many texts, the preprocessor runs eagerly: tracing it costs 1-2 s,
# and eagerly it takes about 1 ms a text, 3-4 times as long as traced.
_EAGER_TOKENIZE_LIMIT = 2048


def load_text_classifier(preset, *, n_classes, dropout=None):
    """``keras_hub.models.TextClassifier.from_preset``, uncompiled, with errors naming the preset.

    Binary targets get one sigmoid unit, more classes a softmax: the
    probabilities the imbalance losses of :mod:`sklearn_imbal.losses` take.
    The classification head is always new (``num_classes`` is passed, so
    KerasHub loads the backbone's weights only).
    """
    if preset is None:
        raise ValueError(
            "KerasHubTextClassifier needs preset=: a KerasHub preset name such as "
            "'bert_tiny_en_uncased' (downloaded on first use) or the path of a local "
            "preset folder (written by save_to_preset or downloaded once)."
        )
    preset = os.fspath(preset)
    looks_like_a_path = os.sep in preset or preset.startswith(".") or os.path.isabs(preset)
    if looks_like_a_path and not os.path.isdir(preset):
        what = "is a file, not a folder" if os.path.exists(preset) else "does not exist"
        raise ValueError(
            f"preset={preset!r} {what}. Point preset at a KerasHub preset folder (it "
            "holds config.json, tokenizer.json and the weights), or give a preset name."
        )
    kwargs: dict[str, Any] = {
        "num_classes": 1 if n_classes == 2 else n_classes,
        "activation": "sigmoid" if n_classes == 2 else "softmax",
        # Compiled by the estimator, with its optimizer, loss and learning rate.
        "compile": False,
    }
    if dropout is not None:
        kwargs["dropout"] = dropout
    try:
        return keras_hub.models.TextClassifier.from_preset(preset, **kwargs)
    except ImportError:
        raise
    except Exception as exc:
        raise ValueError(
            f"preset={preset!r} could not be loaded as a KerasHub text classifier "
            f"({type(exc).__name__}: {str(exc)[:500]}). A preset is a KerasHub preset "
            "name (downloaded on first use, which needs a network connection) or a "
            "folder written by save_to_preset, holding config.json, tokenizer.json and "
            "the weights of a text backbone (BERT, DistilBERT, RoBERTa, DeBERTa...)."
        ) from exc


def set_prior_bias(task, n_classes, class_prior):
    """Start the new head from the class prior (log-odds bias), as the built-in heads do."""
    output = getattr(task, "output_dense", None)
    if not isinstance(output, keras.layers.Dense) or output.bias is None:
        return
    logits = prior_logits(class_prior, n_classes)
    if tuple(output.bias.shape) == (len(logits),):
        output.bias.assign(np.asarray(logits, dtype=output.bias.dtype))


def tokenize(preprocessor, texts):
    """The preprocessor's features (token ids, masks...) of a 1-D string tensor, in chunks."""
    n_texts = int(texts.shape[0])
    if n_texts <= _EAGER_TOKENIZE_LIMIT:
        return dict(preprocessor(texts))
    traced = tf.function(preprocessor, autograph=False).get_concrete_function(
        tf.TensorSpec([None], tf.string)
    )
    chunks = [traced(texts[start:start + _TOKENIZE_CHUNK])
              for start in range(0, max(n_texts, 1), _TOKENIZE_CHUNK)]
    if len(chunks) == 1:
        return dict(chunks[0])
    return {key: tf.concat([chunk[key] for chunk in chunks], axis=0) for key in chunks[0]}


# Its optimizer, epochs and batch_size have other defaults (a fine-tuning run's),
# documented here; it has no l2 penalty, so no l2_scale.
@fill_doc(**{name: entry for name, entry in SHARED_PARAMETERS.items()
             if name not in ("optimizer", "epochs", "batch_size", "l2_scale")},
          **SHARED_ATTRIBUTES)
class KerasHubTextClassifier(BaseKerasClassifier):
    """A pretrained KerasHub transformer fine-tuned on raw text, as a scikit-learn classifier.

    ``fit`` loads ``keras_hub.models.TextClassifier.from_preset(preset)`` (BERT,
    DistilBERT, RoBERTa, DeBERTa... or a local preset folder) with a new
    classification head, tokenizes the training texts once with the preset's
    own preprocessor, and fine-tunes on the cached token ids. It has the
    guarantees of :class:`~sklearn_imbal.KerasTextClassifier`: correct
    classifier tags (finite ``roc_auc`` in searches), the imbalance losses,
    ``class_weight``, balanced batches, stratified early stopping,
    ``sample_weight``, a fast predict path, pickling and ``.keras`` export.
    Put it after a text sampler in an imbalanced-learn pipeline and inside
    :class:`~sklearn_imbal.threshold.HoldoutThresholdClassifier` or
    ``TunedThresholdClassifierCV`` for a tuned decision threshold.

    Needs the ``hub`` extra: ``pip install "sklearn-imbal[hub]"`` (Python >= 3.11).

    Parameters
    ----------
    preset : str or path-like, default=None
        A KerasHub preset name (e.g. ``"bert_tiny_en_uncased"``; downloaded on
        first use and cached by KerasHub) or the path of a local preset folder,
        as ``save_to_preset`` writes it. Required.
    sequence_length : int, default=128
        Tokens per text (padded or truncated by the preset's preprocessor); at
        most the backbone's ``max_sequence_length``. The cost of a step grows
        with it (quadratically in the attention).
    train_backbone : bool, default=True
        True fine-tunes the whole transformer; False freezes the pretrained
        backbone and trains only the classification head (cheaper steps,
        usually a higher ``learning_rate``, e.g. 1e-3).
    dropout : float or None, default=None
        Dropout before the classification head; None keeps the preset's
        default (0.1 for BERT).
    {loss}
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Keras' Adam: every weight of the backbone, embeddings included, takes
        the full update. Parameters may be routed as ``optimizer__name``.
    learning_rate : float, default=5e-5
        The optimizer's learning rate; 2e-5 to 5e-5 is the usual range for
        fine-tuning a whole BERT-style model.
    {learning_rate_schedule}
    epochs : int, default=3
        Training epochs (the most, with ``early_stopping``).
    batch_size : int, default=32
        Training batch size.
    {class_weight}
    {class_weight_beta}
    {batch_sampling}
    {batch_class_ratio}
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` (identical texts on one
        side) and keep the weights of the epoch with the best validation loss.
    validation_fraction : float, default=0.1
        Share held out with ``early_stopping``.
    {n_iter_no_change}
    {metrics}
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks; they train a model of ``model_``'s layers fed
        the cached token ids.
    {shuffle}
    {run_eagerly}
    {warm_start}
    {random_state}
    {verbose}
    {kwargs}
    Attributes
    ----------
    model_ : keras_hub.models.TextClassifier
        The fine-tuned KerasHub model with its preprocessor:
        ``model_.predict(texts)`` and ``model_.save("model.keras")`` work as in
        KerasHub, and ``model_.save_to_preset(folder)`` writes a preset.
    {class_attributes}
    {training_attributes}
    See Also
    --------
    sklearn_imbal.KerasTextClassifier : Models trained from scratch on n-grams:
        much cheaper, and a baseline a fine-tuned transformer must beat.
    sklearn_imbal.make_text_search : ``make_text_search(preset=...)`` searches
        this classifier's few hyperparameters with a tuned threshold.

    Notes
    -----
    The preprocessor runs once per fit over the training (and validation)
    texts; training batches are gathered from the cached token ids inside the
    ``tf.data`` graph. Prediction calls a traced function of the preprocessor
    and the model on batches of up to 4,096 texts, not ``Model.predict``.

    Examples
    --------
    >>> from sklearn_imbal import KerasHubTextClassifier
    >>> clf = KerasHubTextClassifier(preset="bert_tiny_en_uncased", epochs=2)
    >>> clf.fit(texts, labels).predict_proba(["free prize"])  # doctest: +SKIP
    """

    _divergence_hint = (
        "a learning_rate too high for fine-tuning a pretrained transformer (2e-5 to "
        "5e-5 is usual), "
    )

    _parameter_constraints = {
        **BaseKerasClassifier._parameter_constraints,
        "preset": [None, str, os.PathLike],
        "sequence_length": [Interval(Integral, 1, None, closed="left")],
        "train_backbone": ["boolean"],
        "dropout": [None, Interval(Real, 0, 1, closed="left")],
    }

    # KerasHub builds the model from the preset; there is no model= builder.
    model = None

    def __init__(
        self,
        *,
        preset: str | os.PathLike[str] | None = None,
        sequence_length: int = 128,
        train_backbone: bool = True,
        dropout: float | None = None,
        loss: str | Any | None = None,
        optimizer: str | type[keras.optimizers.Optimizer] | keras.optimizers.Optimizer = "adam",
        learning_rate: float = 5e-5,
        learning_rate_schedule: str = "constant",
        epochs: int = 3,
        batch_size: int = 32,
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
        self.preset = preset
        self.sequence_length = sequence_length
        self.train_backbone = train_backbone
        self.dropout = dropout
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

    # ------------------------------------------------------------------ hooks
    def _validate_X(self, X, *, reset):
        return check_text_array(X)

    def _to_tensor(self, X):
        return to_string_tensor(X)

    def _input_signature(self):
        return tf.TensorSpec([None], tf.string)

    def _sample_groups(self, X):
        # Identical texts (an over-sampler's copies) stay on one side of the split.
        return groups_of_equal(X)

    def _build_default_model(self, X, train, class_prior):
        task = load_text_classifier(self.preset, n_classes=self.n_classes_,
                                    dropout=self.dropout)
        limit = getattr(task.backbone, "max_sequence_length", None)
        if limit is not None and self.sequence_length > limit:
            raise ValueError(
                f"sequence_length={self.sequence_length} is longer than the "
                f"max_sequence_length={limit} of the backbone of preset={self.preset!r}; "
                f"use sequence_length <= {limit}."
            )
        task.preprocessor.sequence_length = self.sequence_length
        task.backbone.trainable = self.train_backbone
        set_prior_bias(task, self.n_classes_, class_prior)
        return task, tokenize(task.preprocessor, self._to_tensor(X))

    def _training_features(self, X):
        return tokenize(self.model_.preprocessor, self._to_tensor(X))

    def _training_model(self):
        task = self.model_
        if task.optimizer is None:
            # Reloaded from a pickle or a .keras file: Keras does not recompile a
            # model whose compile() is its own (KerasHub tasks), so the optimizer
            # starts afresh.
            task.compile(**self._get_compile_kwargs())
        # model_'s layers as a plain functional model that takes token ids: a
        # KerasHub task's own fit would run the preprocessor on every batch.
        return self._trainer_over(task.input, task.output, f"{task.name}_trainer")

    def _gather(self, x, index):
        return {key: tf.gather(value, index) for key, value in x.items()}

    def _slice(self, x, start, stop):
        # A single chunk (the usual call: a few texts) is the tensor itself;
        # slicing it would cost a third of a millisecond per call.
        if start == 0 and stop == x.shape[0]:
            return x
        return x[start:stop]

    def _as_model_input(self, batch):
        # Strings to the preset's features, inside the traced predict function.
        return self.model_.preprocessor(batch)
