"""LazyAdam and SparseAdagrad: optimizers whose sparse updates cost what a batch touches."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from sklearn_imbal._compat import adagrad_accumulator, adam_moments

__all__ = ["LazyAdam", "SparseAdagrad", "resolve_optimizer"]


def _summed_rows(gradient: tf.IndexedSlices, dtype: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """The distinct rows of a sparse gradient and their summed values.

    Repeated indices (a token twice in a batch) are summed, as the dense
    gradient would hold them. SparseRowsDense's gradients hold each row once
    (``tf.unique`` keeps their order), so the sum is skipped for them.
    """
    rows, position = tf.unique(gradient.indices)
    values = tf.cast(gradient.values, dtype)
    values = tf.cond(
        tf.size(rows) < tf.size(position),
        lambda: tf.math.unsorted_segment_sum(values, position, tf.shape(rows)[0]),
        lambda: values,
    )
    return rows, values


def _backing_variable(variable: Any) -> tf.Variable:
    """The ``tf.Variable`` behind a Keras variable: the raw ops update its handle."""
    return variable if isinstance(variable, tf.Variable) else variable.value


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class LazyAdam(keras.optimizers.Adam):
    """Adam that updates only the rows a sparse gradient touches.

    The same optimizer as ``keras.optimizers.Adam`` (same parameters, same
    update for dense gradients), except for a gradient that arrives as
    ``tf.IndexedSlices``, the gradient of an embedding table or of a ``Dense``
    layer on sparse input: Keras' Adam decays both moments of every row of the
    table at every step, so a step costs the whole table (100,000 x 64 for a
    bag-of-n-grams model) whatever the batch holds. Here the moments and the
    weights of the rows in the batch are updated and the other rows are left
    as they are, so a step costs what the batch touches: the "lazy" Adam of
    TensorFlow's ``LazyAdamOptimizer`` and PyTorch's ``SparseAdam``. A row's
    moments then decay only at the steps that touch it; on the SMS benchmark
    that changed the bag model's test ROC AUC by less than 0.001 (0.9868 to
    0.9863) for an epoch 2.2 times shorter (0.50 s to 0.22 s,
    ``benchmarks/fit_speed.py``).

    ``amsgrad=True`` and dense gradients take Adam's own update. A loss with an
    L2 penalty on the whole table has a dense gradient, so it trains with Adam's
    update: the built-in heads penalize only their ``Dense`` kernels, and
    :class:`~sklearn_imbal.keras.SparseRowsDense` penalizes only the rows a
    batch touches.

    Parameters
    ----------
    learning_rate, beta_1, beta_2, epsilon, amsgrad, **kwargs
        As in ``keras.optimizers.Adam``.

    Examples
    --------
    >>> from sklearn_imbal.keras import LazyAdam
    >>> LazyAdam(learning_rate=0.01).get_config()["learning_rate"]
    0.01
    """

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        if self.amsgrad:
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        learning_rate = tf.cast(learning_rate, dtype)
        first, second = adam_moments(self, variable)
        target = _backing_variable(variable)
        if not isinstance(gradient, tf.IndexedSlices):
            # TensorFlow's fused Adam kernel: Keras' formula (m += (g - m)(1 - b1),
            # v += (g^2 - v)(1 - b2), w -= alpha m / (sqrt(v) + eps)) in one pass
            # over the weights instead of about ten operations, each its own pass
            # (a third of the optimizer's time in a step of the default TF-IDF
            # head). It computes 1 - b1 in float32 where Keras computes it in
            # Python, so the two agree to float32 rounding, not bit for bit.
            tf.raw_ops.ResourceApplyAdam(
                var=target.handle, m=first.handle, v=second.handle,
                beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step),
                lr=learning_rate, beta1=beta_1, beta2=beta_2,
                epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
            )
            return None
        rows, values = _summed_rows(gradient, dtype)
        alpha = (learning_rate * tf.sqrt(1 - tf.pow(beta_2, step))
                 / (1 - tf.pow(beta_1, step)))
        first_rows = beta_1 * tf.gather(first, rows) + (1 - beta_1) * values
        second_rows = beta_2 * tf.gather(second, rows) + (1 - beta_2) * tf.square(values)
        first.scatter_update(tf.IndexedSlices(first_rows, rows))
        second.scatter_update(tf.IndexedSlices(second_rows, rows))
        step_rows = alpha * first_rows / (tf.sqrt(second_rows) + self.epsilon)
        target.scatter_sub(tf.IndexedSlices(step_rows, rows))
        return None


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SparseAdagrad(keras.optimizers.Adagrad):
    """Adagrad whose sparse updates touch only the rows of the gradient.

    The update of ``keras.optimizers.Adagrad`` (Duchi et al., JMLR 2011):
    ``a += g ** 2`` and ``w -= learning_rate * g / (sqrt(a) + epsilon)`` per
    weight, the accumulator ``a`` starting at ``initial_accumulator_value``.
    Adagrad has no decay, so an untouched row's accumulator and weights do not
    change: a sparse update is the dense one exactly, not an approximation as
    :class:`LazyAdam`'s is. Keras computes it on the whole table, whatever the
    batch touched; here a ``tf.IndexedSlices`` gradient (an embedding table, or
    :class:`~sklearn_imbal.keras.SparseRowsDense` on sparse input) goes to
    TensorFlow's fused sparse Adagrad kernel, and a dense one to its fused
    dense kernel: one pass over the touched rows, where LazyAdam makes two
    gathers, three scatters and about ten element-wise passes. It is the
    default optimizer of :class:`~sklearn_imbal.KerasVectorClassifier` (with
    ``learning_rate=0.2``; ``docs/benchmarks.rst`` compares it with LazyAdam).

    The kernels add ``epsilon`` after the square root, where Keras adds it
    under it (``sqrt(a + epsilon)``); with the accumulator starting at 0.1 the
    two differ by about float32 rounding (2e-7 relative).

    Parameters
    ----------
    learning_rate, initial_accumulator_value, epsilon, **kwargs
        As in ``keras.optimizers.Adagrad``.

    Examples
    --------
    >>> from sklearn_imbal.keras import SparseAdagrad
    >>> SparseAdagrad(learning_rate=0.1).get_config()["learning_rate"]
    0.1
    """

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        accumulator = adagrad_accumulator(self, variable)
        target = _backing_variable(variable)
        learning_rate = tf.cast(learning_rate, dtype)
        epsilon = tf.cast(self.epsilon, dtype)
        if isinstance(gradient, tf.IndexedSlices):
            rows, values = _summed_rows(gradient, dtype)
            tf.raw_ops.ResourceSparseApplyAdagradV2(
                var=target.handle, accum=accumulator.handle, lr=learning_rate,
                epsilon=epsilon, grad=values, indices=rows,
            )
        else:
            tf.raw_ops.ResourceApplyAdagradV2(
                var=target.handle, accum=accumulator.handle, lr=learning_rate,
                epsilon=epsilon, grad=tf.cast(gradient, dtype),
            )


def resolve_optimizer(optimizer):
    """An optimizer class or instance from the classifiers' ``optimizer`` parameter.

    ``"lazy_adam"`` is :class:`LazyAdam`, ``"sparse_adagrad"`` is
    :class:`SparseAdagrad`; other strings are Keras' names.
    """
    if isinstance(optimizer, str):
        own = {"lazy_adam": LazyAdam, "sparse_adagrad": SparseAdagrad}
        if optimizer.lower() in own:
            return own[optimizer.lower()]
        return type(keras.optimizers.get(optimizer))
    return optimizer
