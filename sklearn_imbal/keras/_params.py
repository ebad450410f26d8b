"""Routed parameters (``model__``, ``fit__``, ``optimizer__``...) that cannot be mistyped.

scikeras accepts any ``prefix__name`` keyword and silently ignores the ones
nothing reads, so ``fit__epoch=5`` or ``model__hidden=8`` would train the
default model without a word. :class:`RoutedParamsMixin` checks every extra
parameter against what it is routed to and suggests the closest valid name.
"""

from __future__ import annotations

import difflib
import inspect
from typing import TYPE_CHECKING, Any

import keras

__all__ = ["RoutedParamsMixin", "call_model_builder"]


class RoutedParamsMixin:
    """Validation and lookup of scikeras-style routed parameters."""

    _routing_prefixes = {
        "model", "fit", "compile", "predict", "optimizer", "loss", "metrics", "callbacks",
    }
    # Routed fit__/predict__ names we honour; anything else is a typo or
    # something the estimator manages itself (data, weights, validation).
    _routed_fit_params = {"batch_size", "epochs", "verbose", "validation_freq"}
    _routed_predict_params = {"batch_size"}

    if TYPE_CHECKING:  # provided by the estimator class this is mixed into
        model: Any

        def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def _check_routed_params(self):
        """Reject unknown extra parameters, with a suggestion, instead of ignoring them."""
        params = self.get_params(deep=False)
        explicit = set(inspect.signature(type(self).__init__).parameters) - {"self", "kwargs"}
        for key in params:
            if key in explicit:
                continue
            prefix, _, name = key.partition("__")
            allowed = self._allowed_routed_names(prefix)
            if name and prefix in self._routing_prefixes and (allowed is None or name in allowed):
                continue
            candidates = sorted(explicit) + [
                f"{p}__{n}" for p in self._routing_prefixes
                for n in (*self._routed_names(p), name)
                if f"{p}__{n}" != key
            ]
            close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ValueError(
                f"Invalid parameter {key!r} for {type(self).__name__}. "
                f"{self._routed_param_detail(prefix, name, allowed)}{hint}"
            )

    def _allowed_routed_names(self, prefix):
        """The names a routed prefix accepts; None for any name."""
        if prefix == "fit":
            return self._routed_fit_params
        if prefix == "predict":
            return self._routed_predict_params
        if prefix == "compile":
            return set(inspect.signature(keras.Model.compile).parameters) - {
                "self", "optimizer", "loss", "metrics",
            }
        if prefix == "model":
            return self._builder_param_names()
        return None

    def _routed_param_detail(self, prefix, name, allowed):
        if prefix not in self._routing_prefixes or allowed is None:
            return (
                "Parameters are the constructor arguments, or routed parameters "
                f"with one of the prefixes {sorted(p + '__' for p in self._routing_prefixes)}."
            )
        if prefix == "model" and self.model is None:
            return (
                "model__ parameters go to a model= builder, and none is set: "
                "the built-in model is configured by the constructor parameters."
            )
        where = (
            "the model= builder's arguments" if prefix == "model"
            else f"the supported {prefix}__ parameters"
        )
        return f"{name!r} is not one of {where}: {sorted(allowed) or 'none'}."

    def _routed_names(self, prefix):
        if prefix == "fit":
            return sorted(self._routed_fit_params)
        if prefix == "predict":
            return sorted(self._routed_predict_params)
        if prefix == "model":
            return sorted(self._builder_param_names() or ())
        return []

    def _builder_param_names(self):
        """Keyword arguments a user's ``model=`` builder accepts (empty for none)."""
        if not callable(self.model) or isinstance(self.model, keras.Model):
            return set()
        parameters = inspect.signature(self.model).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in parameters):
            return None  # accepts anything
        return {
            p.name for p in parameters
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        } - {"meta", "compile_kwargs", "params"}

    def _routed(self, prefix):
        """The ``prefix__name`` parameters as ``{name: value}`` (one level deep)."""
        start = prefix + "__"
        return {
            key[len(start):]: value
            for key, value in self.get_params(deep=False).items()
            if key.startswith(start) and "__" not in key[len(start):]
        }


def call_model_builder(builder, routed, *, meta, compile_kwargs, params):
    """Call a user's ``model=`` builder with the arguments its signature names.

    As scikeras does: the ``model__`` parameters (``routed``), and where the
    builder takes them by name or through ``**kwargs``, ``meta``,
    ``compile_kwargs`` and ``params``; those three are given as functions,
    called only for a builder that takes them.
    """
    parameters = inspect.signature(builder).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    kwargs = dict(routed)
    for name, value in (("meta", meta), ("compile_kwargs", compile_kwargs), ("params", params)):
        if takes_any or name in parameters:
            kwargs[name] = value()
    return builder(**kwargs)
