"""Machinery shared by the sklearn_imbal Keras classifiers.

:class:`BaseKerasClassifier` subclasses scikeras' ``KerasClassifier`` and keeps
what it does well (routed ``model__``/``optimizer__``/``loss__`` parameters, the
label encoder, ``history_``, seeded fits) while fixing what no longer composes
with scikit-learn >= 1.6: tags, input validation, a training loop that streams
``tf.data`` batches, a stratified early-stopping split, a fast predict path that
skips ``Model.predict`` (:mod:`~sklearn_imbal.keras._predict`), typo-proof routed
parameters (:mod:`~sklearn_imbal.keras._params`) and pickling that does not depend
on scikeras patching Keras (:mod:`~sklearn_imbal.keras._pickling`); the
early-stopping split and divergence checks are in :mod:`~sklearn_imbal.keras._training`.

Subclasses implement the four abstract, input-specific hooks (``_validate_X``,
``_to_tensor``, ``_input_signature``, ``_build_default_model``), and may override
the others (``_model_builder_extras``, ``_training_model``, ``_training_features``,
``_sample_groups``, and ``_gather``, ``_slice`` and ``_as_model_input`` when their
inputs are not one tensor, e.g. sparse rows). Every hook is declared here, once.

``fit`` is a template: :meth:`BaseKerasClassifier._fit_unguarded` validates the
inputs, encodes the target, splits off the early-stopping data, builds and
compiles a new model (or keeps the fitted one), then trains; each step is a
method that takes and returns what it needs.

Imbalance-aware training lives here, shared by every subclass: ``loss``
(resolved by :func:`sklearn_imbal.losses.get_loss`), ``class_weight`` (with
``"effective_number"`` and its ``class_weight_beta``) and ``batch_sampling``
(balanced mini-batches in a ``batch_class_ratio``; see
:mod:`sklearn_imbal.keras._imbalance`).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from typing import TYPE_CHECKING

import keras
import numpy as np
import tensorflow as tf
from scikeras.utils.random_state import tensorflow_random_state
from scikeras.wrappers import KerasClassifier
from sklearn.base import BaseEstimator, ClassifierMixin

from sklearn_imbal._compat import (
    Interval,
    LegacyTagsFor16,
    SklearnTagsRoot,
    StrOptions,
    _fit_context,
    classifier_tags,
)
from sklearn_imbal.exceptions import TrainingDivergedError
from sklearn_imbal.keras._imbalance import (
    balanced_index_batches,
    class_shares,
    class_weight_per_sample,
    shuffled_index_batches,
)
from sklearn_imbal.keras._optimizers import resolve_optimizer
from sklearn_imbal.keras._params import RoutedParamsMixin, call_model_builder

# _SavedKerasModel: models pickled before pickling had its own module name the
# class sklearn_imbal.keras._base._SavedKerasModel.
from sklearn_imbal.keras._pickling import KerasPicklingMixin, _SavedKerasModel  # noqa: F401
from sklearn_imbal.keras._predict import FastPredictMixin
from sklearn_imbal.keras._training import (
    divergence,
    epoch_orders,
    extended_history,
    fit_epochs,
    seed_of,
    validation_split,
)
from sklearn_imbal.losses import get_loss
from sklearn_imbal.utils._state import restored_on_failure
from sklearn_imbal.utils.validation import (
    check_classification_target,
    check_sample_weight,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from sklearn_imbal._typing import ArrayLike, Labels, SampleWeight

__all__ = ["BaseKerasClassifier"]

class BaseKerasClassifier(
    LegacyTagsFor16,
    RoutedParamsMixin,
    FastPredictMixin,
    KerasPicklingMixin,
    KerasClassifier,
    SklearnTagsRoot,
    metaclass=ABCMeta,
):
    """Base class of the sklearn_imbal Keras classifiers. Not for direct use.

    See :class:`~sklearn_imbal.KerasTextClassifier` for the parameters.
    """

    # A likely cause of divergence specific to the inputs, for TrainingDivergedError.
    _divergence_hint = ""

    _parameter_constraints = {
        "model": [None, callable],
        "loss": [None, str, callable],
        "optimizer": [str, callable, keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "cosine"})],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [None, dict, StrOptions({"balanced", "effective_number"})],
        "class_weight_beta": [Interval(Real, 0, 1, closed="left")],
        "batch_sampling": [StrOptions({"shuffle", "balanced"})],
        "batch_class_ratio": [None, Interval(Real, 0, None, closed="neither"), dict],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "metrics": [None, list, tuple],
        "callbacks": [None, list, keras.callbacks.Callback],
        "shuffle": ["boolean"],
        "run_eagerly": ["boolean"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # scikeras prints parameters tab-separated; scikit-learn's repr is the one
    # notebooks, pipelines and the HTML display expect.
    __repr__ = BaseEstimator.__repr__
    score = ClassifierMixin.score

    def __sklearn_tags__(self):
        return classifier_tags(super().__sklearn_tags__())

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _validate_X(self, X, *, reset):
        """Validate X and return it in the form the other hooks take.

        With ``reset`` (a new fit), record what later calls must match (e.g.
        ``n_features_in_``); without, check X against it.
        """

    @abstractmethod
    def _to_tensor(self, X):
        """Turn validated X into what ``_gather``, ``_slice`` and the model accept."""

    @abstractmethod
    def _input_signature(self):
        """The ``tf.TensorSpec`` (or ``tf.SparseTensorSpec``) of one batch of model input."""

    @abstractmethod
    def _build_default_model(self, X, train, class_prior):
        """Build the built-in, uncompiled Keras model from the rows ``train`` of X.

        Called with the fit's seed set, after ``classes_`` and ``n_classes_``
        are known. ``class_prior`` holds each class's weighted share of the
        training rows (for the output bias).

        Returns
        -------
        model : keras.Model
            Uncompiled; the base class compiles it.
        features : object or None
            The training inputs of every row of X in the form ``_gather`` takes
            (e.g. a text model's cached features), or None to use
            ``_training_features(X)``.
        """

    def _training_model(self):
        """The Keras model ``fit`` trains: ``model_``, or a part of it (compiled)."""
        return self.model_

    def _trainer_over(self, inputs, outputs, name):
        """A compiled model over layers of ``model_`` (so its weights are ``model_``'s).

        For subclasses whose ``_training_model`` is a part of ``model_``. It is
        compiled with ``model_``'s optimizer, so the optimizer state is saved with
        ``model_``, and ``model_`` never holds a second, compiled model; built once
        per ``model_``.
        """
        cache = getattr(self, "_trainer_cache", None)
        if cache is not None and cache[0] is self.model_:
            return cache[1]
        trainer = keras.Model(inputs, outputs, name=name)
        trainer.compile(**self._get_compile_kwargs(optimizer=self.model_.optimizer))
        self._trainer_cache = (self.model_, trainer)
        return trainer

    def _training_features(self, X):
        """Every row of validated X as the training model's input, for ``_gather``."""
        return self._to_tensor(X)

    def _model_builder_extras(self, X_train):
        """Extra entries for the ``meta`` dict handed to a user's ``model=`` builder."""
        return {}

    def _as_model_input(self, batch):
        """Turn a gathered or sliced batch into what the model takes (traced)."""
        if self._model_input_rank() == 2 and not isinstance(batch, tf.SparseTensor):
            # A 1-D batch of texts for a model whose input is a column.
            return tf.reshape(batch, (-1, 1))
        return batch

    def _gather(self, x, index):
        """Rows ``index`` of ``_training_features``' output, as one batch (traced)."""
        if hasattr(x, "gather"):  # cached features batch themselves
            return x.gather(index)
        return self._as_model_input(tf.gather(x, index))

    def _slice(self, x, start, stop):
        """Rows ``start:stop`` of ``_to_tensor``'s output, for the predict function."""
        return x[start:stop]

    # ---------------------------------------------------------- parameters
    def _get_compile_kwargs(self, *, decay_steps=None, optimizer=None):
        """Keyword arguments for ``Model.compile``: optimizer, loss, metrics, routed extras.

        ``optimizer`` (an optimizer instance) is used as it is; otherwise one is
        built from ``optimizer``, ``optimizer__`` parameters and the learning
        rate, whose cosine schedule runs over ``decay_steps`` steps.
        """
        if optimizer is None:
            optimizer = self._make_optimizer(decay_steps)
        kwargs = {
            "optimizer": optimizer,
            "loss": get_loss(self.loss, n_classes=self.n_classes_, params=self._routed("loss")),
            "metrics": list(self.metrics) if self.metrics else None,
            "run_eagerly": self.run_eagerly,
            # String tensors cannot be XLA-compiled; "auto" would try on some setups.
            "jit_compile": False,
        }
        kwargs.update(self._routed("compile"))
        return kwargs

    def _make_optimizer(self, decay_steps):
        """A new optimizer of this fit (an optimizer's state belongs to one model)."""
        optimizer = self.optimizer
        if isinstance(optimizer, keras.optimizers.Optimizer):
            return optimizer.__class__.from_config(optimizer.get_config())
        optimizer = resolve_optimizer(optimizer)
        params = self._routed("optimizer")
        params.setdefault("learning_rate", self._learning_rate(decay_steps))
        try:
            return optimizer(**params)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Invalid optimizer parameters {sorted(params)} for "
                f"{optimizer.__name__}: {exc}"
            ) from None

    def _learning_rate(self, decay_steps):
        """``learning_rate``, or its cosine schedule over ``decay_steps`` training steps."""
        if self.learning_rate_schedule == "constant":
            return self.learning_rate
        return keras.optimizers.schedules.CosineDecay(
            self.learning_rate, decay_steps=max(decay_steps or 0, 1)
        )

    # ------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: Labels, sample_weight: SampleWeight = None) -> Self:
        """Fit the model on (X, y): adapt its inputs, build it and train it.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)
            Training inputs: texts for ``KerasTextClassifier``; a numeric array,
            DataFrame or scipy sparse matrix for ``KerasVectorClassifier``.
        y : array-like of shape (n_samples,)
            Class labels (binary or multiclass; int, str or bool).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, multiplied with the ``class_weight`` weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        epochs = self._routed("fit").get("epochs", self.epochs)
        self._fit(X, y, sample_weight, warm_start=self.warm_start, epochs=epochs,
                  initial_epoch=0)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self,
        X: ArrayLike,
        y: Labels,
        classes: ArrayLike | None = None,
        sample_weight: SampleWeight = None,
    ) -> Self:
        """Train for one epoch on (X, y), keeping the model, vocabulary and history.

        The first call builds the model (adapting any vocabulary on its X);
        later calls continue training it.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            All the classes, needed on the first call if its y lacks some.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        if classes is not None:
            classes = np.unique(np.asarray(classes))
        self._fit(X, y, sample_weight, warm_start=True, epochs=1,
                  initial_epoch=self.current_epoch, classes=classes, partial=True)
        return self

    def initialize(self, X: ArrayLike, y: Labels) -> Self:
        """Build and compile the model for (X, y) without training it.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : object
        """
        self._fit(X, y, None, warm_start=False, epochs=0, initial_epoch=0)
        return self

    def _fit(self, X, y, sample_weight, *, warm_start, epochs, initial_epoch, classes=None,
             partial=False):
        self._check_routed_params()
        reuse = warm_start and self.__sklearn_is_fitted__()
        # An error or an interrupt (Ctrl-C) anywhere below leaves the estimator as
        # it was: unfitted if it was, else with its previous model. A continued
        # fit trains the model's variables in place, so those are restored too.
        with restored_on_failure(self, variables=self._trained_variables() if reuse else ()):
            self._fit_unguarded(X, y, sample_weight, reuse=reuse, warm_start=warm_start,
                                epochs=epochs, initial_epoch=initial_epoch, classes=classes,
                                partial=partial)

    def _trained_variables(self):
        """Every variable training changes in place: the weights and the optimizer's."""
        optimizer = self._training_model().optimizer
        return [*self.model_.variables, *(optimizer.variables if optimizer else ())]

    def _fit_unguarded(self, X, y, sample_weight, *, reuse, warm_start, epochs,
                       initial_epoch, classes, partial):
        self._check_schedule_continues(partial or reuse)
        X = self._validate_X(X, reset=not reuse)
        n_samples = self._n_samples(X)
        y = check_classification_target(
            y, n_samples, min_classes=1 if reuse or classes is not None else 2,
            owner=type(self).__name__,
        )
        sample_weight = check_sample_weight(sample_weight, n_samples)
        if not reuse:
            self._start_new_fit(y, classes)
        y_encoded = self._encode_target(y)
        sample_weight = sample_weight * class_weight_per_sample(
            self.class_weight, self.classes_, y, beta=self.class_weight_beta
        )
        train, validation = self._validation_split(X, y, partial)
        features = None
        if reuse:
            self._refresh_callbacks()
        else:
            features = self._new_model(X, y_encoded, sample_weight, train, epochs=epochs)
        if features is None:
            features = self._training_features(X)
        self._train(features, y_encoded, sample_weight, train, validation,
                    epochs=epochs, initial_epoch=initial_epoch, warm_start=warm_start)
        # Created now so that predicting does not change the estimator's state.
        self._predict_function()

    def _check_schedule_continues(self, continued):
        if self.learning_rate_schedule == "cosine" and continued:
            # The schedule belongs to the optimizer of the first fit and ends at 0:
            # continuing with it would train at a learning rate of 0, silently.
            raise ValueError(
                "learning_rate_schedule='cosine' decays the learning rate to 0 over the "
                "epochs of one fit, so partial_fit and warm_start=True refits cannot "
                "continue training with it. Use learning_rate_schedule='constant'."
            )

    def _start_new_fit(self, y, classes):
        """The seed and the target encoder of a new fit (``classes``: all of them, or None)."""
        self._random_state = seed_of(self.random_state)
        # scikeras' target_encoder takes its categories from classes_.
        self.classes_ = classes
        self.target_encoder_ = self.target_encoder.fit(y if classes is None else classes)
        self.__dict__.update(self.target_encoder_.get_metadata())

    def _encode_target(self, y):
        """y as the model's float targets; labels outside ``classes_`` are refused."""
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {list(unseen)[:10]} that are not among the classes "
                f"{list(self.classes_)} the model was built for."
            )
        return np.asarray(self.target_encoder_.transform(y), dtype=np.float32)

    def _fit_batch_size(self):
        """The training batch size: ``fit__batch_size`` if routed, else ``batch_size``."""
        return self._routed("fit").get("batch_size", self.batch_size)

    def _new_model(self, X, y_encoded, sample_weight, train, *, epochs):
        """Build and compile ``model_`` for a new fit; returns its cached features or None."""
        prior = np.bincount(
            self._class_codes(y_encoded[train]), weights=sample_weight[train],
            minlength=self.n_classes_,
        )
        batch_size = self._fit_batch_size()
        # The cosine schedule runs over every training step of this fit.
        decay_steps = epochs * -(-len(train) // batch_size)
        with self._seeded():
            self.model_, features = self._build_model(
                X, train, prior / prior.sum(), decay_steps=decay_steps
            )
        self._initialize_callbacks()
        if not self.model_.compiled:
            self.model_.compile(**self._get_compile_kwargs(decay_steps=decay_steps))
        if not getattr(self.model_, "loss", None):
            raise ValueError("You must provide a loss or a compiled model")
        if not getattr(self.model_, "optimizer", None):
            raise ValueError("You must provide an optimizer or a compiled model")
        self._training_model()  # compiled now, beside model_
        return features

    def _refresh_callbacks(self):
        """Callbacks of a continued fit: new ones if ``set_params`` changed them."""
        if getattr(self, "_callbacks_used", None) is not self.callbacks or not hasattr(
            self, "_fit_callbacks"
        ):
            self._initialize_callbacks()

    def _initialize_callbacks(self):
        # Remembered so that set_params(callbacks=...) before a warm-start or
        # partial fit takes effect (scikeras keeps the first fit's callbacks).
        self._callbacks_used = self.callbacks
        super()._initialize_callbacks()

    def _n_samples(self, X):
        return X.shape[0]

    def _take(self, X, indices):
        return X[indices]

    def _seeded(self):
        if self._random_state is None:
            return contextlib.nullcontext()
        return tensorflow_random_state(self._random_state)

    def _sub_seed(self, offset):
        if self._random_state is None:
            return int(np.random.randint(np.iinfo(np.int32).max))
        return (self._random_state + offset) % np.iinfo(np.int32).max

    def _sample_groups(self, X):
        """Group id per sample, equal inputs sharing one; None if it cannot tell."""
        return None

    def _validation_split(self, X, y, partial):
        """Training and early-stopping validation indices (None: no validation)."""
        if not self.early_stopping or partial:
            return np.arange(y.shape[0]), None
        return validation_split(y, self._sample_groups(X), fraction=self.validation_fraction,
                                seed=self._sub_seed(1))

    def _build_model(self, X, train, class_prior, *, decay_steps):
        """The model of a new fit, and its training features (None: not cached)."""
        if self.model is None:
            return self._build_default_model(X, train, class_prior)
        if isinstance(self.model, keras.Model):
            return self.model, None
        X_train = self._take(X, train)
        model = call_model_builder(
            self.model, self._routed("model"),
            meta=lambda: {**self._get_metadata(), **self._model_builder_extras(X_train)},
            compile_kwargs=lambda: self._get_compile_kwargs(decay_steps=decay_steps),
            params=self.get_params,
        )
        return model, None

    def _epoch_orders(self, y, indices, *, batch_size):
        """Each epoch's training rows in order: an endless iterator (see ``fit_epochs``).

        What ``batch_sampling`` changes: every index once per epoch, reshuffled
        every epoch if ``shuffle``, or ``"balanced"`` batches that draw the
        classes in ``batch_class_ratio`` (``ceil(len(indices) / batch_size)``
        full batches per epoch, redrawn every epoch). Both are seeded from
        ``random_state``.
        """
        if self.batch_sampling == "balanced":
            batches = balanced_index_batches(
                np.asarray(indices), self._class_codes(y[indices]),
                class_shares(self.batch_class_ratio, self.classes_), batch_size=batch_size,
                seed=self._sub_seed(3),
            )
            return epoch_orders(batches, -(-len(indices) // batch_size) * batch_size)
        batches = shuffled_index_batches(
            indices, batch_size=batch_size, shuffle=self.shuffle, seed=self._sub_seed(2)
        )
        return epoch_orders(batches, len(indices))

    @staticmethod
    def _class_codes(y_encoded):
        """Positions in ``classes_`` of encoded labels (ordinal or one-hot)."""
        labels = np.asarray(y_encoded).reshape(y_encoded.shape[0], -1)
        codes = labels.argmax(axis=1) if labels.shape[1] > 1 else labels[:, 0]
        return codes.astype(np.int64)

    def _train(self, x, y, sample_weight, train, validation, *, epochs, initial_epoch,
               warm_start):
        """Train the training model on rows ``train``, early-stopping on ``validation``."""
        routed = self._routed("fit")
        batch_size = self._fit_batch_size()
        with self._seeded():  # random_state alone decides the batches and the steps
            history, bad_epoch = fit_epochs(
                self._training_model(), self._epoch_orders(y, train, batch_size=batch_size),
                lambda index: self._gather(x, index), y, sample_weight,
                batch_size=batch_size, validation=validation, epochs=epochs,
                initial_epoch=initial_epoch, callbacks=self._fit_callbacks,
                patience=self.n_iter_no_change,
                validation_freq=routed.get("validation_freq", 1),
                verbose=routed.get("verbose", self.verbose),
            )
        self._check_divergence(divergence(history, bad_epoch, self.model_, epochs))
        self._record_history(history, initial_epoch=initial_epoch, warm_start=warm_start,
                             validated=validation is not None)

    def _check_divergence(self, what):
        """Raise TrainingDivergedError for ``what`` went wrong (None: nothing did)."""
        if what is None:
            return
        raise TrainingDivergedError(
            f"{what}; the model was discarded. Likely causes: a learning_rate that "
            f"is too high (learning_rate={self.learning_rate}), a loss that is "
            f"unstable for these data (loss={self.loss!r}), {self._divergence_hint}"
            "or extreme sample or class weights. Lower the learning rate or change "
            "the loss."
        )

    def _record_history(self, history, *, initial_epoch, warm_start, validated):
        """``history_``, ``n_iter_`` and ``best_epoch_`` after this call's epochs."""
        restart = not warm_start or initial_epoch == 0 or not hasattr(self, "history_")
        previous = None if restart else getattr(self, "history_", None)
        self.history_: defaultdict[str, list[float]] = extended_history(previous, history)
        self.n_iter_ = len(self.history_.get("loss", []))
        if validated:
            losses = history.get("val_loss", [])
            self.best_epoch_ = initial_epoch + int(np.argmin(losses)) + 1 if losses else 0
