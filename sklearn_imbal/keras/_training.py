"""Training helpers of the Keras classifiers: batches, the early-stopping split, divergence.

Nothing here knows about the estimators; :class:`BaseKerasClassifier` calls
these with index batches, labels, group ids and a Keras model.
"""

from __future__ import annotations

import math
from collections import defaultdict

import keras
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split

__all__ = [
    "NonFiniteLossGuard",
    "divergence",
    "epoch_orders",
    "extended_history",
    "fit_epochs",
    "groups_of_equal",
    "optimizer_state_is_finite",
    "seed_of",
    "validation_split",
    "weights_are_finite",
]


class NonFiniteLossGuard(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose loss is NaN or infinite."""

    def __init__(self):
        super().__init__()
        self.bad_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.bad_epoch = epoch
            self.model.stop_training = True


def _all_finite(variables):
    return all(bool(keras.ops.all(keras.ops.isfinite(variable))) for variable in variables)


def weights_are_finite(model):
    """Whether every trainable weight of a Keras model is finite."""
    return _all_finite(model.trainable_weights)


def optimizer_state_is_finite(model):
    """Whether every floating-point variable of a Keras model's optimizer is finite.

    Squared gradients that overflow float32 (features on a scale of 1e20 and
    more) make Adagrad's accumulators or Adam's second moments infinite: the
    updates then become 0 and the weights stay finite, so the weights alone do
    not show that training stopped.
    """
    variables = getattr(getattr(model, "optimizer", None), "variables", ())
    return _all_finite(v for v in variables if "float" in str(v.dtype))


def seed_of(random_state):
    """The int seed of a fit from ``random_state`` (None stays None).

    A RandomState is drawn from on a copy: the same RandomState gives the same
    fit, as in scikeras.
    """
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        copy = np.random.RandomState()
        copy.set_state(random_state.get_state())
        return int(copy.randint(np.iinfo(np.int32).max))
    return int(random_state)


_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")


def _has_batch_hooks(callback):
    """Whether a Keras callback does something per training batch (overrides a batch hook)."""
    return any(getattr(type(callback), name) is not getattr(keras.callbacks.Callback, name)
               for name in _BATCH_HOOKS)


def epoch_orders(batches, rows_per_epoch):
    """An endless iterator of each epoch's row indices, in training order.

    ``batches`` is a ``tf.data`` stream of index batches, one pass per epoch
    (reshuffled or redrawn at each pass); each item here is one pass's batches
    concatenated (``rows_per_epoch`` indices, int64), so consecutive
    ``batch_size`` slices of it are that epoch's batches.
    """
    return iter(without_autotune(batches.unbatch().batch(rows_per_epoch).repeat()))


def without_autotune(dataset):
    """``dataset`` with tf.data's autotuning off.

    Deleting an iterator waits for its autotuning thread, which can be asleep
    for seconds: at the end of a fit, that added about 1 s to 4 fits of 10 of
    the default text candidate and about 9.7 s to 2 fits of 8 of a
    ``KerasVectorClassifier`` (benchmarks.rst, "Fit speed"). Our pipelines
    (row indices, text batches) have nothing to tune.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def fit_epochs(model, orders, gather, y, sample_weight, *, batch_size, validation, epochs,
               initial_epoch, callbacks, patience, validation_freq, verbose):
    """Train a compiled Keras model; returns its history and the first non-finite epoch.

    Parameters
    ----------
    model : keras.Model
        Compiled; trained with its own ``train_step`` (and ``test_step`` for
        validation), so its loss, metrics and optimizer behave as in ``fit``.
    orders : iterator
        Each epoch's training rows in order (see :func:`epoch_orders`).
    gather : callable
        ``gather(index)``: the model inputs of the rows ``index`` (traced).
    y, sample_weight : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Targets and weights of every row; gathered beside the inputs.
    batch_size : int
    validation : ndarray of shape (n_validation,) or None
        Validation rows. With them, training stops once the validation loss has
        not improved for ``patience`` epochs, and the best epoch's weights are
        restored (Keras' ``EarlyStopping``).
    epochs, initial_epoch : int
    callbacks : list of keras.callbacks.Callback
        They get Keras' train, epoch and batch events, as in ``fit``.
    patience, validation_freq, verbose : int

    Returns
    -------
    history : dict of list
        Per-epoch logs (``loss``, ``val_loss``, metrics), as ``fit``'s History.
    bad_epoch : int or None
        The first epoch whose loss was not finite; None when every one was.

    Notes
    -----
    An epoch is one call of a traced function that runs every batch in a
    ``tf.while_loop``, each batch's rows gathered in the graph: no Python, no
    ``tf.data`` iterator and no Keras data adapter between steps (``Model.fit``
    costs about twice as much for a small head). With a callback that has batch
    hooks, or ``verbose``, each batch is one call, so that the hooks and the
    progress bar see every batch.
    """
    if epochs <= 0:
        return {}, None
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    y = tf.constant(y)
    sample_weight = tf.constant(sample_weight, dtype=tf.float32)

    def data(index):
        return gather(index), tf.gather(y, index), tf.gather(sample_weight, index)

    def run_all(step, order):
        # Not converted by autograph: Keras' steps are plain graph code.
        def body(start):
            step(data(order[start:start + batch_size]))
            return (start + batch_size,)

        n = tf.shape(order, out_type=tf.int64)[0]
        tf.while_loop(lambda start: start < n, body, (tf.constant(0, tf.int64),),
                      parallel_iterations=1)
        return n

    def train_epoch(order):
        return run_all(model.train_step, order)

    def evaluate(order):
        return run_all(model.test_step, order)

    def train_batch(index):
        return model.train_step(data(index))

    if not model.run_eagerly:
        train_epoch, evaluate, train_batch = map(
            _traced_on_first_call, (train_epoch, evaluate, train_batch)
        )
    per_batch = bool(verbose) or any(map(_has_batch_hooks, callbacks))
    guard, history = NonFiniteLossGuard(), keras.callbacks.History()
    extra = [guard, history]
    if validation is not None:
        validation = tf.constant(validation, dtype=tf.int64)
        extra.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True,
        ))
    first = next(orders)
    rows = int(first.shape[0])
    events = keras.callbacks.CallbackList(
        [*callbacks, *extra], add_progbar=bool(verbose), model=model, verbose=verbose,
        epochs=initial_epoch + epochs, steps=math.ceil(rows / batch_size),
    )
    model.stop_training = False
    events.on_train_begin()
    logs = {}
    for epoch in range(initial_epoch, initial_epoch + epochs):
        model.reset_metrics()
        events.on_epoch_begin(epoch)
        order = first if epoch == initial_epoch else next(orders)
        if per_batch:
            for step, start in enumerate(range(0, rows, batch_size)):
                events.on_train_batch_begin(step)
                events.on_train_batch_end(step, train_batch(order[start:start + batch_size]))
                if model.stop_training:
                    break
        else:
            train_epoch(order)
        logs = dict(model.get_metrics_result())
        if validation is not None and (epoch + 1) % validation_freq == 0:
            model.reset_metrics()
            evaluate(validation)
            logs.update({f"val_{name}": value
                         for name, value in model.get_metrics_result().items()})
        events.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    # As ``Model.fit`` does: an optimizer with ``use_ema=True`` now writes its
    # moving averages into the weights (before EarlyStopping may restore its best).
    model.optimizer.finalize_variable_values(model.trainable_variables)
    events.on_train_end(logs)
    return history.history, guard.bad_epoch


def _traced_on_first_call(function):
    """``function`` of a 1-D int64 index tensor, traced once, when first called.

    A concrete function is traced explicitly rather than through ``tf.function``
    calls: TensorFlow counts call-time tracing per Python function, and a search
    traces these once per fit (many fits in one worker process), which would log
    "triggered tf.function retracing" warnings for fits of few epochs.
    """
    concrete = None

    def call(index):
        nonlocal concrete
        if concrete is None:
            # No autograph (as in _predict_function): Keras' steps are plain graph code.
            concrete = tf.function(function, autograph=False).get_concrete_function(
                tf.TensorSpec([None], tf.int64)
            )
        return concrete(index)

    return call


def extended_history(history, new):
    """``history`` (a defaultdict of lists, or None to start one) with ``new``'s epochs."""
    history = defaultdict(list) if history is None else history
    for key, values in new.items():
        history[key] += [float(v) for v in values]
    return history


def divergence(history, bad_epoch, model, epochs):
    """What went wrong in training, as the start of a sentence; None if nothing did.

    ``bad_epoch``: the first epoch with a non-finite loss
    (:class:`NonFiniteLossGuard`), or None.
    """
    if bad_epoch is not None:
        return f"The training loss became {history['loss'][-1]} at epoch {bad_epoch + 1}"
    if epochs > 0 and not weights_are_finite(model):
        # The loss is logged before each step's update: the last step can make
        # the weights NaN while every logged loss is finite.
        return "The model's weights became NaN or infinite during training"
    if epochs > 0 and not optimizer_state_is_finite(model):
        return ("The optimizer's gradient statistics became NaN or infinite during "
                "training (so its updates stopped)")
    return None


def groups_of_equal(keys):
    """Group id of each key, equal keys sharing one, numbered by first occurrence.

    Hashable keys (texts, row bytes) in a dict: deterministic, unlike sorting
    by Python's randomized string hashes.
    """
    seen: dict = {}
    return np.fromiter(
        (seen.setdefault(key, len(seen)) for key in keys), dtype=np.int64, count=len(keys)
    )


def validation_split(y, groups, *, fraction, seed):
    """Training and validation indices of a stratified early-stopping split.

    Copies of one input (``groups``: equal ids for equal inputs, e.g. an
    over-sampler's duplicates, or None when unknown) all fall on the same
    side, so a validation sample is never a copy of a training sample. Without
    copies this is a plain stratified split.
    """
    indices = np.arange(y.shape[0])
    if groups is None or groups.max(initial=-1) + 1 == y.shape[0]:
        _check_validation_counts(y, fraction, copies=False)
        return train_test_split(indices, test_size=fraction, stratify=y, random_state=seed)
    # Split the distinct inputs (each stratified by its first label), then
    # send every copy where its original went.
    _, first = np.unique(groups, return_index=True)
    _check_validation_counts(y[first], fraction, copies=True)
    _, held_out = train_test_split(
        np.arange(first.shape[0]), test_size=fraction, stratify=y[first], random_state=seed,
    )
    in_validation = np.zeros(first.shape[0], dtype=bool)
    in_validation[held_out] = True
    mask = in_validation[groups]
    return indices[~mask], indices[mask]


def _check_validation_counts(labels, fraction, *, copies):
    _, counts = np.unique(labels, return_counts=True)
    n_validation = math.ceil(fraction * labels.shape[0])
    if counts.min() >= 2 and n_validation >= counts.shape[0]:
        return
    what = "distinct samples (copies stay on one side)" if copies else "samples"
    raise ValueError(
        "early_stopping=True holds out a stratified validation_fraction="
        f"{fraction} of the training data, which needs at least "
        f"2 {what} of every class and {counts.shape[0]} validation samples; got "
        f"class counts {counts.tolist()} and {n_validation} validation samples. "
        "Use more data, a larger validation_fraction or early_stopping=False."
    )
