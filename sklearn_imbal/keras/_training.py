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
    "extended_history",
    "fit_epochs",
    "gathered_batches",
    "groups_of_equal",
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


def weights_are_finite(model):
    """Whether every trainable weight of a Keras model is finite."""
    return all(
        bool(keras.ops.all(keras.ops.isfinite(weight)))
        for weight in model.trainable_weights
    )


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


def fit_epochs(model, dataset, *, validation_data, epochs, initial_epoch, callbacks, patience,
               validation_freq, verbose):
    """Train a compiled Keras model; returns its history and the first non-finite epoch.

    With ``validation_data``, training stops early once the validation loss has
    not improved for ``patience`` epochs, and the best epoch's weights are
    restored. The non-finite epoch is None when every epoch's loss was finite.
    """
    if epochs <= 0:
        return {}, None
    guard = NonFiniteLossGuard()
    callbacks = [*callbacks, guard]
    if validation_data is not None:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True,
        ))
    history = model.fit(
        dataset,
        epochs=initial_epoch + epochs,
        initial_epoch=initial_epoch,
        validation_data=validation_data,
        validation_freq=validation_freq,
        callbacks=callbacks,
        shuffle=False,  # the dataset is already reshuffled every epoch
        verbose=verbose,
    ).history
    return history, guard.bad_epoch


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
    return None


def gathered_batches(batches, gather, y, sample_weight):
    """A ``tf.data`` pipeline of ``(inputs, y, weight)`` batches from batches of row indices.

    ``gather(index)`` returns the inputs of the rows ``index`` (traced in the
    ``tf.data`` graph); ``y`` and ``sample_weight`` are gathered beside them.
    """
    y = tf.constant(y)
    sample_weight = tf.constant(sample_weight, dtype=tf.float32)

    def batch(index):
        return gather(index), tf.gather(y, index), tf.gather(sample_weight, index)

    # Not converted by autograph (no Python control flow on tensors): tracing
    # would cost more than a fit's worth of batches.
    return batches.map(
        tf.autograph.experimental.do_not_convert(batch), num_parallel_calls=tf.data.AUTOTUNE,
    ).prefetch(tf.data.AUTOTUNE)


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
