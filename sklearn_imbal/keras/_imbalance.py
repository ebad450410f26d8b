"""Class weights and mini-batch index streams for imbalanced training.

:class:`~sklearn_imbal.keras.BaseKerasClassifier` uses these for its
``class_weight`` and ``batch_sampling`` parameters; they know nothing about
Keras models, only about labels and indices.
"""

import math
from numbers import Real

import numpy as np
import tensorflow as tf

__all__ = [
    "balanced_index_batches",
    "class_shares",
    "class_weight_per_class",
    "class_weight_per_sample",
    "shuffled_index_batches",
]


def class_weight_per_class(class_weight, classes, y, *, beta=0.999):
    """The weight of each class for a ``class_weight`` setting.

    Parameters
    ----------
    class_weight : None, "balanced", "effective_number" or dict
        ``"balanced"``: ``n_samples / (n_classes * n_c)`` for a class with
        ``n_c`` samples (scikit-learn's definition). ``"effective_number"``:
        proportional to the inverse "effective number of samples"
        ``(1 - beta**n_c) / (1 - beta)`` of Cui et al., "Class-Balanced Loss
        Based on Effective Number of Samples" (CVPR 2019), scaled like
        ``"balanced"`` so the mean weight per sample is 1. A dict maps labels
        to weights; classes it omits weigh 1.
    classes : ndarray of shape (n_classes,)
        The class labels, in the order of the returned weights.
    y : ndarray of shape (n_samples,)
        The training labels.
    beta : float in [0, 1), default=0.999
        ``"effective_number"`` only. 0 gives equal weights; as beta tends to
        1 the weights tend to ``"balanced"``.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        Classes absent from ``y`` weigh 1 (they contribute no samples).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.keras._imbalance import class_weight_per_class
    >>> y = np.array([0] * 9 + [1])
    >>> class_weight_per_class("balanced", np.array([0, 1]), y).round(3)
    array([0.556, 5.   ])
    >>> class_weight_per_class("effective_number", np.array([0, 1]), y, beta=0.9).round(3)
    array([0.661, 4.05 ])
    """
    classes = np.asarray(classes)
    counts = np.array([np.sum(y == label) for label in classes], dtype=np.float64)
    present = counts > 0
    weights = np.ones(classes.shape[0])
    if class_weight is None:
        return weights
    if isinstance(class_weight, dict):
        return np.array([float(class_weight.get(label, 1.0)) for label in classes.tolist()])
    n_samples = counts.sum()
    if class_weight == "balanced":
        weights[present] = n_samples / (present.sum() * counts[present])
        return weights
    if class_weight == "effective_number":
        # 1 / E_n = (1 - beta) / (1 - beta**n); with beta = 0 every E_n is 1.
        inverse = (1.0 - beta) / (1.0 - np.power(beta, counts[present]))
        # Cui et al. scale so that the weights of the C classes sum to C; scaling
        # so that the weighted sample count stays n_samples instead keeps the
        # overall loss scale (and so its balance against the L2 penalty) equal
        # to "balanced" and to no weighting: only the ratio between classes changes.
        weights[present] = inverse * n_samples / np.sum(inverse * counts[present])
        return weights
    raise ValueError(
        f"class_weight must be None, 'balanced', 'effective_number' or a dict; "
        f"got {class_weight!r}."
    )



def class_weight_per_sample(class_weight, classes, y, *, beta=0.999):
    """Each sample's ``class_weight`` weight: :func:`class_weight_per_class` by label.

    A dict may only name labels in ``classes``: a mistyped label would otherwise
    weigh nothing, silently.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.keras._imbalance import class_weight_per_sample
    >>> class_weight_per_sample({"spam": 3}, np.array(["ham", "spam"]),
    ...                         np.array(["ham", "spam", "spam"]))
    array([1., 3., 3.])
    """
    if class_weight is None:
        return np.ones(y.shape[0])
    if isinstance(class_weight, dict):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has keys {sorted(map(repr, unknown))} that are not "
                f"classes of y {list(classes)}."
            )
    weights = class_weight_per_class(class_weight, classes, y, beta=beta)
    return weights[np.searchsorted(classes, y)]


def shuffled_index_batches(indices, *, batch_size, shuffle, seed):
    """The indices in batches, reshuffled at every pass (one pass per epoch)."""
    order = tf.data.Dataset.from_tensor_slices(tf.constant(indices, dtype=tf.int64))
    if shuffle:
        order = order.shuffle(len(indices), seed=seed, reshuffle_each_iteration=True)
    return order.batch(batch_size)


def class_shares(ratio, classes):
    """The share of each class in a balanced batch, from ``batch_class_ratio``.

    ``None``: equal shares. A float ``r`` (binary only): ``classes[1]`` and
    ``classes[0]`` in the ratio ``r : 1``. A dict: relative shares by label.
    """
    n_classes = classes.shape[0]
    if ratio is None:
        shares = np.ones(n_classes)
    elif isinstance(ratio, dict):
        labels = classes.tolist()
        unknown = [key for key in ratio if key not in labels]
        missing = [label for label in labels if label not in ratio]
        if unknown or missing:
            raise ValueError(
                f"batch_class_ratio must give a share to every class {labels}; "
                f"unknown keys {unknown}, missing classes {missing}."
            )
        shares = np.array([float(ratio[label]) for label in labels])
        if np.any(~np.isfinite(shares)) or np.any(shares <= 0):
            raise ValueError(f"batch_class_ratio shares must be > 0; got {ratio!r}.")
    elif isinstance(ratio, Real) and not isinstance(ratio, bool):
        if n_classes != 2:
            raise ValueError(
                f"A float batch_class_ratio ({ratio!r}) sets classes_[1] : classes_[0] "
                f"for binary targets; y has {n_classes} classes. Use a dict "
                "{label: share} or None (equal shares)."
            )
        shares = np.array([1.0, float(ratio)])
    else:
        raise ValueError(
            f"batch_class_ratio must be None, a float or a dict; got {ratio!r}."
        )
    return shares / shares.sum()


def _per_batch_counts(shares, batch_size):
    """Whole sample counts per class in one batch (largest remainder), summing to batch_size."""
    exact = shares * batch_size
    counts = np.floor(exact).astype(np.int64)
    short = batch_size - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def balanced_index_batches(indices, codes, shares, *, batch_size, seed):
    """Batches that hold each class in a fixed ratio, redrawn at every pass.

    One pass (epoch) is ``ceil(len(indices) / batch_size)`` batches of exactly
    ``batch_size`` indices, so the model sees as many samples per epoch as
    with shuffled batches. Each batch holds ``round(batch_size * share)``
    indices of each class (largest remainder). A class's indices are drawn
    without replacement from a fresh permutation, and a class that runs out
    (a rare class) starts another permutation: within an epoch a rare class
    is repeated evenly and a frequent one is subsampled, with a different
    subset every epoch.

    Parameters
    ----------
    indices : ndarray of shape (n,)
        The training row indices.
    codes : ndarray of shape (n,)
        The class code (position in ``classes_``) of each of ``indices``.
    shares : ndarray of shape (n_classes,)
        Target share of each class per batch; classes without samples in
        ``indices`` are dropped and the others renormalized.
    batch_size : int
    seed : int
        Seeds the permutations: the same seed gives the same batches.

    Returns
    -------
    batches : tf.data.Dataset
        int64 index batches of shape (batch_size,).
    """
    present = [code for code in range(shares.shape[0]) if np.any(codes == code)]
    shares = shares[present] / shares[present].sum()
    counts = _per_batch_counts(shares, batch_size)
    if np.any(counts == 0):
        raise ValueError(
            f"batch_size={batch_size} is too small to hold every class in the ratio "
            f"{np.round(shares, 3).tolist()} of batch_class_ratio: some classes would "
            "get no sample per batch. Use a larger batch_size or a less skewed ratio."
        )
    streams = []
    for position, code in enumerate(present):
        members = indices[codes == code]
        streams.append(
            tf.data.Dataset.from_tensor_slices(tf.constant(members, dtype=tf.int64))
            .shuffle(len(members), seed=seed + position, reshuffle_each_iteration=True)
            .repeat()
        )
    n_batches = math.ceil(len(indices) / batch_size)
    one_batch = np.repeat(np.arange(len(present), dtype=np.int64), counts)
    choice = tf.data.Dataset.from_tensor_slices(np.tile(one_batch, n_batches))
    batches = tf.data.Dataset.choose_from_datasets(streams, choice).batch(batch_size)
    # The per-class streams repeat forever, so tf.data cannot infer the length;
    # Keras needs it to size an epoch without warning that data ran out.
    return batches.apply(tf.data.experimental.assert_cardinality(n_batches))
