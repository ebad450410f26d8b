"""LazyAdam: Adam whose sparse updates cost what a batch touches."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from sklearn_imbal._compat import adam_moments

__all__ = ["LazyAdam", "resolve_optimizer"]


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
        target = variable if isinstance(variable, tf.Variable) else variable.value
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
        # One update per row: repeated indices (a token twice in a batch) are
        # summed. SparseRowsDense's gradients hold each row once (tf.unique keeps
        # their order), so the sum is skipped for them.
        rows, position = tf.unique(gradient.indices)
        values = tf.cast(gradient.values, dtype)
        values = tf.cond(
            tf.size(rows) < tf.size(position),
            lambda: tf.math.unsorted_segment_sum(values, position, tf.shape(rows)[0]),
            lambda: values,
        )
        alpha = (learning_rate * tf.sqrt(1 - tf.pow(beta_2, step))
                 / (1 - tf.pow(beta_1, step)))
        first_rows = beta_1 * tf.gather(first, rows) + (1 - beta_1) * values
        second_rows = beta_2 * tf.gather(second, rows) + (1 - beta_2) * tf.square(values)
        first.scatter_update(tf.IndexedSlices(first_rows, rows))
        second.scatter_update(tf.IndexedSlices(second_rows, rows))
        step_rows = alpha * first_rows / (tf.sqrt(second_rows) + self.epsilon)
        target.scatter_sub(tf.IndexedSlices(step_rows, rows))
        return None


def resolve_optimizer(optimizer):
    """An optimizer class or instance from the classifiers' ``optimizer`` parameter.

    ``"lazy_adam"`` is :class:`LazyAdam`; other strings are Keras' names.
    """
    if isinstance(optimizer, str):
        if optimizer.lower() == "lazy_adam":
            return LazyAdam
        return type(keras.optimizers.get(optimizer))
    return optimizer
