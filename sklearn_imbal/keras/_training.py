"""Training helpers of the Keras classifiers: the early-stopping split and divergence checks.

Nothing here knows about the estimators; :class:`BaseKerasClassifier` calls
these with labels, group ids and a Keras model.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from sklearn.model_selection import train_test_split

__all__ = [
    "NonFiniteLossGuard",
    "groups_of_equal",
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
