"""The prediction path of the Keras classifiers, without ``Model.predict``.

``Model.predict`` costs about 40 ms per call even for one document (it builds a
data adapter and a distribution-aware loop); calling a traced function of the
model costs well under a millisecond. Large inputs are predicted in chunks, in
threads when TensorFlow may use several cores. ``benchmarks/core.py`` measures
the latency and throughput.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import tensorflow as tf
from sklearn.exceptions import NotFittedError

if TYPE_CHECKING:
    from sklearn_imbal._typing import ArrayLike

__all__ = ["FastPredictMixin"]

_PREDICT_CHUNK = 4096


def _prediction_threads():
    """Chunks to predict at once: TensorFlow's intra-op limit, else every core.

    Text vectorization ops (regex, split, n-grams, lookup) run on one core each,
    so chunks predicted in threads use the other cores; a search worker limited
    to one TensorFlow thread predicts one chunk at a time.
    """
    limit = tf.config.threading.get_intra_op_parallelism_threads()
    variable = os.environ.get("TF_NUM_INTRAOP_THREADS", "")
    if not limit and variable.isdigit():
        limit = int(variable)
    return limit or joblib.cpu_count()


class FastPredictMixin:
    """``predict_proba`` and ``predict`` through a concrete function traced once per model."""

    if TYPE_CHECKING:  # provided by BaseKerasClassifier and its subclasses
        model: Any
        model_: Any

        def __sklearn_is_fitted__(self) -> bool: ...
        def _validate_X(self, X: Any, *, reset: bool) -> Any: ...
        def _to_tensor(self, X: Any) -> Any: ...
        def _input_signature(self) -> Any: ...
        def _as_model_input(self, batch: Any) -> Any: ...
        def _slice(self, x: Any, start: int, stop: int) -> Any: ...
        def _n_samples(self, X: Any) -> int: ...
        def _routed(self, prefix: str) -> dict[str, Any]: ...

        classes_: np.ndarray

    def _model_input_rank(self):
        inputs = getattr(self.model_, "inputs", None)
        if not inputs:
            return 1
        return len(inputs[0].shape)

    def _predict_function(self):
        """The model traced once for this fitted model: no ``Model.predict`` overhead.

        A concrete function is traced explicitly, not through ``tf.function``
        calls: TensorFlow counts call-time retracing per Python function, and
        one trace per fitted model (a search fits many) would otherwise log
        "triggered tf.function retracing" warnings.
        """
        cache = getattr(self, "_predict_fn_cache", None)
        if cache is not None and cache[0] is self.model_:
            return cache[1]
        model = self.model_

        def predict(batch):
            return model(self._as_model_input(batch), training=False)

        # No autograph: the models have no Python control flow on tensors, and
        # converting their layers' code costs more than a second per model.
        concrete = tf.function(predict, autograph=False).get_concrete_function(
            self._input_signature()
        )
        self._predict_fn_cache = (model, concrete)
        return concrete

    def _predict_raw(self, X, **kwargs):
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )
        if kwargs:
            raise TypeError(
                f"Unexpected arguments {sorted(kwargs)}; set prediction options with "
                "routed parameters such as predict__batch_size."
            )
        X = self._validate_X(X, reset=False)
        x = self._to_tensor(X)
        predict = self._predict_function()
        chunk = self._routed("predict").get("batch_size", _PREDICT_CHUNK)
        n_samples = self._n_samples(X)
        starts = range(0, n_samples, chunk)

        def run(start):
            return predict(self._slice(x, start, min(start + chunk, n_samples))).numpy()

        # One chunk (the usual few texts) needs no thread count: asking
        # TensorFlow for it costs about a quarter of a millisecond.
        n_threads = min(len(starts), _prediction_threads()) if len(starts) > 1 else 1
        outputs = [run(start) for start in starts[:1 if n_threads > 1 else None]]
        if n_threads > 1:  # the first call above traced the function
            with ThreadPoolExecutor(n_threads) as pool:
                outputs += pool.map(run, starts[1:])
        result = np.concatenate(outputs).astype(np.float64, copy=False)
        finite = np.isfinite(result.reshape(n_samples, -1)).all(axis=1)
        if not finite.all():
            # Never hand NaN probabilities on: every metric and threshold after
            # this would silently be NaN too.
            rows = np.flatnonzero(~finite)
            shown = ", ".join(map(str, rows[:10])) + (", ..." if rows.size > 10 else "")
            raise ValueError(
                f"The model's output is NaN or infinite for {rows.size} of {n_samples} "
                f"samples ({'row' if rows.size == 1 else 'rows'} {shown}). "
                f"{self._non_finite_output_hint()}"
            )
        return result

    def _non_finite_output_hint(self):
        if self.model is not None:
            return ("The model built by model= is numerically unstable on these inputs; "
                    "check its layers (e.g. a division or a log without a floor).")
        return "Check these inputs; refit the model if its weights may be corrupt."

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities for X.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; rows sum to 1.
        """
        outputs = self._predict_raw(X)
        outputs = outputs.reshape(outputs.shape[0], -1)
        if outputs.shape[1] == 1:  # one sigmoid unit: P(classes_[1])
            return np.hstack([1.0 - outputs, outputs])
        return outputs

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted class labels: the most probable class (0.5 rule for binary).

        For a tuned decision threshold, wrap the estimator in
        :class:`sklearn.model_selection.TunedThresholdClassifierCV`.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
