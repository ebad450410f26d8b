"""Pickling of the Keras classifiers: the network travels as ``.keras`` bytes.

The pickle protocol (``__getstate__``/``__setstate__``) that ``pickle``,
``joblib`` and :func:`sklearn_imbal.save_model` (for joblib files) go through;
model files themselves are :mod:`sklearn_imbal._persistence`'s.

scikeras pickles a model by patching Keras' own pickling, which depends on the
Keras version; the native ``.keras`` format is the one Keras promises to load.
A version stamp travels with the state so that loading a model saved by another
sklearn_imbal version warns (:class:`~sklearn_imbal.exceptions.ModelVersionWarning`),
also when the classifier is unpickled inside a pipeline or a search.
"""

from __future__ import annotations

import warnings

import keras

from sklearn_imbal._persistence import keras_model_bytes, keras_model_from_bytes
from sklearn_imbal._version import __version__
from sklearn_imbal.exceptions import ModelFileError, ModelVersionWarning

__all__ = ["KerasPicklingMixin", "TRANSIENT_STATE"]

# Private state that is rebuilt on demand and must not be pickled.
TRANSIENT_STATE = (
    "_predict_fn_cache", "_trainer_cache", "_fit_callbacks", "_predict_callbacks",
    "_callbacks_used",
)


class _SavedKerasModel:
    """A Keras model in its native ``.keras`` format, as bytes, for pickling."""

    def __init__(self, payload):
        self.payload = payload

    @classmethod
    def from_model(cls, model):
        return cls(keras_model_bytes(model))

    def load(self, owner="estimator"):
        try:
            # A loss or metric Keras cannot rebuild (e.g. a lambda) fails with a
            # TypeError or ValueError; the model then loads uncompiled.
            return keras_model_from_bytes(self.payload, uncompiled_on=(TypeError, ValueError))
        except Exception as exc:
            raise ModelFileError(
                f"The Keras model saved inside this {owner} cannot be rebuilt "
                f"({type(exc).__name__}: {str(exc)[:300]}). Its saved bytes are "
                "corrupt (a damaged or truncated file), or it uses custom Keras "
                "objects (layers, losses) that are not imported in this process."
            ) from exc


class KerasPicklingMixin:
    """``__getstate__``/``__setstate__`` for an estimator holding a Keras ``model_``."""

    def __getstate__(self):
        # The estimator class this is mixed into (scikeras' BaseWrapper) defines it.
        state = dict(super().__getstate__())  # type: ignore[misc]
        for key in TRANSIENT_STATE:
            state.pop(key, None)
        if isinstance(state.get("model_"), keras.Model):
            state["model_"] = _SavedKerasModel.from_model(state["model_"])
        state["_sklearn_imbal_version"] = __version__
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved_version = state.pop("_sklearn_imbal_version", None)
        if saved_version != __version__:
            warnings.warn(
                ModelVersionWarning(type(self).__name__, saved_version, __version__),
                stacklevel=2,
            )
        if isinstance(state.get("model_"), _SavedKerasModel):
            state["model_"] = state["model_"].load(type(self).__name__)
        super().__setstate__(state)  # type: ignore[misc]
