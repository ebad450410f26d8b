"""Training losses for the Keras classifiers, and how a ``loss=`` value is resolved.

``get_loss`` turns the ``loss`` parameter of :class:`~sklearn_imbal.KerasTextClassifier`
and :class:`~sklearn_imbal.KerasVectorClassifier` into a Keras loss object: ``None``
picks cross-entropy for the target, a name from :data:`LOSSES` picks one of ours,
any other string goes to ``keras.losses.get``, and a Keras ``Loss`` class, instance
or plain callable is used as given. ``loss__<name>`` parameters of the estimators
are passed to the loss, e.g. ``loss="focal", loss__gamma=3.0``.

``"binary_crossentropy"``
    ``keras.losses.BinaryCrossentropy`` (binary targets; the default for them).
``"sparse_categorical_crossentropy"``
    ``keras.losses.SparseCategoricalCrossentropy`` (the default for 3+ classes).
``"focal"``
    Keras' ``BinaryFocalCrossentropy`` for binary targets; for more classes
    :class:`SparseCategoricalFocalCrossentropy`, Keras' categorical focal loss
    on the integer labels the estimators produce.
``"soft_f1"``
    :class:`SoftFBetaLoss`, one minus a differentiable F-beta (binary only).
``"auc"``
    :class:`PairwiseAUCLoss`, a pairwise ROC AUC surrogate (binary only).

Every loss class here is registered with ``keras.saving.register_keras_serializable``,
so a model compiled with it saves to ``.keras``, loads back compiled, and the
estimators holding it pickle.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import keras
from keras import ops

__all__ = [
    "LOSSES",
    "PairwiseAUCLoss",
    "SoftFBetaLoss",
    "SparseCategoricalFocalCrossentropy",
    "SquaredHinge",
    "get_loss",
]


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SparseCategoricalFocalCrossentropy(keras.losses.CategoricalFocalCrossentropy):
    r"""Keras' categorical focal loss for integer class labels.

    ``keras.losses.CategoricalFocalCrossentropy`` expects one-hot labels, while
    the estimators hand Keras one integer code per sample (the column of
    ``classes_``). This subclass one-hot encodes the codes to the width of the
    prediction and then computes Keras' own loss, unchanged:

    .. math::

        \mathrm{FL}(p) = -\alpha\,(1 - p_{y})^{\gamma} \log p_{y}

    where :math:`p_y` is the predicted probability of the true class
    (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017,
    arXiv:1708.02002). ``gamma=0`` and ``alpha=1`` give cross-entropy.

    Parameters
    ----------
    alpha : float or list of float, default=1.0
        Weight of every class (a scalar) or of each class (a list in the order
        of ``classes_``). Keras' default of 0.25 is a uniform scale that only
        shrinks the loss against the L2 penalty, so the default here is 1;
        for per-class weights prefer the estimator's ``class_weight``.
    gamma : float, default=2.0
        Focusing parameter: how much easy (well-classified) samples are
        down-weighted.
    name : str, default="sparse_categorical_focal_crossentropy"
        The loss's name in Keras logs.
    **kwargs : dict
        Other arguments of ``keras.losses.CategoricalFocalCrossentropy``
        (``from_logits``, ``label_smoothing``, ``reduction``...).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.losses import SparseCategoricalFocalCrossentropy
    >>> loss = SparseCategoricalFocalCrossentropy(gamma=0.0)
    >>> y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype="float32")
    >>> round(float(loss(np.array([[0], [2]]), y_pred)), 4)   # mean of -log(0.7), -log(0.8)
    0.2899
    """

    def __init__(
        self,
        alpha: float = 1.0,
        gamma: float = 2.0,
        name: str = "sparse_categorical_focal_crossentropy",
        **kwargs: Any,
    ) -> None:
        super().__init__(alpha=alpha, gamma=gamma, name=name, **kwargs)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        codes = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        one_hot = ops.one_hot(codes, ops.shape(y_pred)[-1], dtype=y_pred.dtype)
        return super().call(one_hot, y_pred)


class _BatchLoss(keras.losses.Loss):
    """A loss defined on the whole batch rather than as a mean of per-sample terms.

    Keras reduces per-sample losses by ``mean(loss_i * w_i)``, which would only
    rescale a batch-level quantity by the mean weight. These losses take the
    sample weights (``sample_weight`` times ``class_weight``) into their own
    definition instead, so ``__call__`` returns the batch value directly.
    """

    #: The loss is defined for one sigmoid output (two classes) only.
    binary_only = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        with keras.name_scope(self.name):
            y_pred = ops.reshape(ops.convert_to_tensor(y_pred, dtype=self.dtype), (-1,))
            y_true = ops.reshape(ops.convert_to_tensor(y_true, dtype=self.dtype), (-1,))
            if sample_weight is None:
                sample_weight = ops.ones_like(y_pred)
            else:
                sample_weight = ops.reshape(
                    ops.convert_to_tensor(sample_weight, dtype=self.dtype), (-1,)
                )
            return self.batch_loss(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        return self(y_true, y_pred)

    def batch_loss(self, y_true, y_pred, sample_weight):
        raise NotImplementedError


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SoftFBetaLoss(_BatchLoss):
    r"""One minus a differentiable F-beta score of the batch (binary targets).

    The counts of the confusion matrix are replaced by their expectations
    under the predicted probabilities :math:`p_i` of the positive class, with
    sample weights :math:`w_i` and labels :math:`y_i \in \{0, 1\}`:

    .. math::

        \widetilde{TP} = \sum_i w_i y_i p_i, \quad
        \widetilde{FP} = \sum_i w_i (1 - y_i) p_i, \quad
        \widetilde{FN} = \sum_i w_i y_i (1 - p_i)

    .. math::

        L = 1 - \frac{(1 + \beta^2)\,\widetilde{TP}}
                     {(1 + \beta^2)\,\widetilde{TP} + \beta^2 \widetilde{FN}
                      + \widetilde{FP} + \epsilon}

    This is the expected-counts F-measure of Jansche, "Maximum Expected
    F-Measure Training of Logistic Regression Models" (HLT/EMNLP 2005),
    popularized for neural networks as "soft F1" (e.g. Bénédict et al.,
    "sigmoidF1: A Smooth F1 Score Surrogate Loss for Multilabel
    Classification", 2022). It is computed per mini-batch, so the batch must
    hold positives for it to teach anything: pair it with
    ``batch_sampling="balanced"`` or large batches on rare classes.

    A batch without positives has :math:`\widetilde{TP} = 0`: the loss is
    exactly 1 with zero gradient (finite, it just skips that batch). The
    :math:`\epsilon` keeps the value finite when a batch has no positives and
    no predicted positives either.

    Parameters
    ----------
    beta : float, default=1.0
        Weight of recall against precision: ``beta > 1`` favours recall.
    epsilon : float, default=1e-7
        Added to the denominator.
    name : str, default="soft_fbeta"
    **kwargs : dict
        ``reduction`` and ``dtype`` of ``keras.losses.Loss`` (the reduction is
        unused: the loss is one value per batch).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.losses import SoftFBetaLoss
    >>> y_true = np.array([1.0, 0.0, 1.0, 0.0])
    >>> perfect = SoftFBetaLoss()(y_true, np.array([1.0, 0.0, 1.0, 0.0]))
    >>> hedging = SoftFBetaLoss()(y_true, np.array([0.5, 0.5, 0.5, 0.5]))
    >>> round(float(perfect), 4), round(float(hedging), 4)
    (0.0, 0.5)
    """

    def __init__(
        self, beta: float = 1.0, epsilon: float = 1e-7, name: str = "soft_fbeta",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not beta > 0:
            raise ValueError(f"beta must be > 0; got {beta!r}.")
        self.beta = float(beta)
        self.epsilon = float(epsilon)

    def batch_loss(self, y_true: Any, y_pred: Any, sample_weight: Any) -> Any:
        beta2 = self.beta**2
        true_positive = ops.sum(sample_weight * y_true * y_pred)
        predicted = ops.sum(sample_weight * y_pred)  # TP + FP
        positives = ops.sum(sample_weight * y_true)  # TP + FN
        # (1 + b^2) TP + b^2 FN + FP == TP + FP + b^2 (TP + FN)
        fbeta = (1.0 + beta2) * true_positive / (predicted + beta2 * positives + self.epsilon)
        return 1.0 - fbeta

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta": self.beta, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class PairwiseAUCLoss(_BatchLoss):
    r"""A differentiable ROC AUC surrogate: pairwise hinge over positive/negative pairs.

    ROC AUC is the share of (positive, negative) pairs ranked correctly,
    :math:`\frac{1}{|P||N|}\sum_{i \in P, j \in N} \mathbb{1}[s_i > s_j]`. The
    step function is replaced by a power of a hinge on the predicted
    probabilities :math:`s`, over the pairs of the mini-batch, weighted by the
    product of their sample weights:

    .. math::

        L = \frac{\sum_{i \in P} \sum_{j \in N} w_i w_j\,
                  \max(0,\, m - (s_i - s_j))^{r}}
                 {\sum_{i \in P} \sum_{j \in N} w_i w_j}

    with margin :math:`m` and power :math:`r > 1`: the Wilcoxon-Mann-Whitney
    surrogate of Yan, Dodier, Mozer and Wolniewicz, "Optimizing Classifier
    Performance via an Approximation to the Wilcoxon-Mann-Whitney Statistic"
    (ICML 2003), who recommend :math:`r = 2` or 3 and :math:`0.1 \le m \le 0.7`
    on sigmoid outputs. (The AUC-margin min-max loss of Yuan et al., ICCV 2021,
    needs its own optimizer; this surrogate works with any Keras optimizer.)

    It only ranks: the predicted probabilities are not calibrated and 0.5 is
    not a meaningful threshold, so tune one (``TunedThresholdClassifierCV``)
    when hard predictions matter. A batch without a positive or without a
    negative has no pairs: the loss is 0 with zero gradient (finite). Cost is
    quadratic in the batch size, negligible for batches of a few hundred.

    Parameters
    ----------
    margin : float, default=0.5
        How far, in probability, a positive should score above a negative
        before the pair stops contributing.
    power : float, default=2.0
        Exponent of the hinge; > 1 keeps the loss smooth.
    name : str, default="pairwise_auc"
    **kwargs : dict
        ``reduction`` and ``dtype`` of ``keras.losses.Loss`` (the reduction is
        unused: the loss is one value per batch).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.losses import PairwiseAUCLoss
    >>> y_true = np.array([1.0, 0.0, 0.0])
    >>> ranked = PairwiseAUCLoss(margin=0.5)(y_true, np.array([0.9, 0.2, 0.3]))
    >>> reversed_ = PairwiseAUCLoss(margin=0.5)(y_true, np.array([0.2, 0.9, 0.3]))
    >>> round(float(ranked), 4), round(float(reversed_), 4)
    (0.0, 0.9)
    """

    def __init__(
        self, margin: float = 0.5, power: float = 2.0, name: str = "pairwise_auc",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not margin > 0:
            raise ValueError(f"margin must be > 0; got {margin!r}.")
        if not power >= 1:
            raise ValueError(f"power must be >= 1; got {power!r}.")
        self.margin = float(margin)
        self.power = float(power)

    def batch_loss(self, y_true: Any, y_pred: Any, sample_weight: Any) -> Any:
        positive = sample_weight * y_true
        negative = sample_weight * (1.0 - y_true)
        # Rows: positives i, columns: negatives j; the n^2 matrix of all pairs is
        # masked by the weights, which is simpler and as fast as gathering pairs.
        gaps = self.margin - (y_pred[:, None] - y_pred[None, :])
        penalty = ops.power(ops.relu(gaps), self.power)
        pair_weight = positive[:, None] * negative[None, :]
        total = ops.sum(pair_weight)
        return ops.divide_no_nan(ops.sum(pair_weight * penalty), total)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "margin": self.margin, "power": self.power}


def _binary_crossentropy(n_classes, **params):
    _require_binary("binary_crossentropy", n_classes)
    return keras.losses.BinaryCrossentropy(**params)


def _sparse_categorical_crossentropy(n_classes, **params):
    return keras.losses.SparseCategoricalCrossentropy(**params)


def _focal(n_classes, **params):
    if n_classes == 2:
        return keras.losses.BinaryFocalCrossentropy(**params)
    return SparseCategoricalFocalCrossentropy(**params)


def _soft_f1(n_classes, **params):
    _require_binary("soft_f1", n_classes)
    return SoftFBetaLoss(**params)


def _auc(n_classes, **params):
    _require_binary("auc", n_classes)
    return PairwiseAUCLoss(**params)


def _require_binary(name, n_classes):
    if n_classes != 2:
        raise ValueError(
            f"loss={name!r} is defined for binary targets; y has {n_classes} classes. "
            "Use loss=None (cross-entropy), 'focal' or 'sparse_categorical_crossentropy', "
            "or train one binary model per class (OneVsRestClassifier)."
        )


@keras.saving.register_keras_serializable(package="sklearn_imbal")
class SquaredHinge(keras.losses.Loss):
    """Squared hinge loss on the logit of a sigmoid output: LinearSVC's loss.

    For a label ``y`` in {0, 1} and a predicted probability ``p``, the margin
    is ``z = log(p / (1 - p))`` (the logit the output layer computed) and the
    loss ``max(0, 1 - s z) ** 2`` with ``s = 2 y - 1``. A linear model trained
    with it and an L2 penalty is scikit-learn's ``LinearSVC`` (whose default
    loss this is), with Keras' optimizer and sparse TF-IDF input. Unlike
    cross-entropy it ignores samples beyond the margin, which on short texts
    with many near-duplicates ranks better (see ``docs/workflow.rst``).

    Keras' own ``"squared_hinge"`` applies the hinge to ``p`` itself, which for
    a sigmoid output in (0, 1) never reaches the margin of a negative sample;
    this loss takes precedence over it in :func:`get_loss`.

    The probabilities of a model trained with it are ``sigmoid(margin)``: they
    rank well but are not calibrated; tune the decision threshold.

    Parameters
    ----------
    epsilon : float, default=1e-7
        Probabilities are clipped to ``[epsilon, 1 - epsilon]`` before the
        logit, which bounds ``|z|`` by about 16, far beyond the margin of 1.
    name : str, default="squared_hinge"
        The loss's name in Keras logs.
    reduction : str, default="sum_over_batch_size"
        Keras' reduction of the per-sample losses.
    dtype : str or None, default=None
        Keras' dtype policy of the computation (None: the global policy).
    """

    def __init__(self, epsilon: float = 1e-7, name: str = "squared_hinge",
                 reduction: str = "sum_over_batch_size", dtype: Any = None) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.epsilon = epsilon

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_pred = ops.reshape(y_pred, (-1,))
        y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))
        p = ops.clip(y_pred, self.epsilon, 1.0 - self.epsilon)
        margin = ops.log(p) - ops.log(1.0 - p)
        sign = 2.0 * y_true - 1.0
        return ops.square(ops.relu(1.0 - sign * margin))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "epsilon": self.epsilon}


def _squared_hinge(n_classes: int, **params: Any) -> keras.losses.Loss:
    _require_binary("squared_hinge", n_classes)
    return SquaredHinge(**params)


#: Loss names understood by ``get_loss``, each mapped to a factory
#: ``factory(n_classes, **loss_params) -> keras.losses.Loss``.
LOSSES = {
    "binary_crossentropy": _binary_crossentropy,
    "sparse_categorical_crossentropy": _sparse_categorical_crossentropy,
    "squared_hinge": _squared_hinge,
    "focal": _focal,
    "soft_f1": _soft_f1,
    "auc": _auc,
}


def get_loss(
    loss: str | Callable[..., Any] | None,
    *,
    n_classes: int,
    params: Mapping[str, Any] | None = None,
) -> Callable[..., Any]:
    """Resolve a ``loss=`` parameter value into a Keras loss.

    Parameters
    ----------
    loss : str, keras.losses.Loss class or instance, callable, or None
        None selects binary cross-entropy for two classes and sparse
        categorical cross-entropy for more.
    n_classes : int
        The number of classes of the target.
    params : dict, default=None
        Keyword arguments for the loss (the estimator's ``loss__*`` parameters).
        Only valid when the loss is a name or a class.

    Returns
    -------
    loss : keras.losses.Loss or callable

    Raises
    ------
    ValueError
        If the name is unknown, the loss does not fit the number of classes,
        or ``params`` are given for a loss that cannot take them.

    Examples
    --------
    >>> from sklearn_imbal.losses import get_loss
    >>> get_loss("soft_f1", n_classes=2, params={"beta": 2.0}).beta
    2.0
    >>> type(get_loss("focal", n_classes=3)).__name__
    'SparseCategoricalFocalCrossentropy'
    """
    params = dict(params or {})
    if loss is None:
        loss = "binary_crossentropy" if n_classes == 2 else "sparse_categorical_crossentropy"
    if isinstance(loss, str):
        if loss in LOSSES:
            return _call_with(LOSSES[loss], loss, params, n_classes=n_classes)
        named_class = getattr(keras.losses, loss, None)
        if inspect.isclass(named_class) and issubclass(named_class, keras.losses.Loss):
            return _call_with(named_class, loss, params)
        try:
            resolved = keras.losses.get(loss)
        except ValueError:
            raise ValueError(
                f"Unknown loss {loss!r}. Use one of {sorted(LOSSES)}, a Keras loss "
                "name, a keras.losses.Loss subclass or instance, or a callable "
                "loss(y_true, y_pred)."
            ) from None
        if params:
            if not isinstance(resolved, keras.losses.Loss):
                raise ValueError(
                    f"loss={loss!r} names a function, which takes no parameters; "
                    f"pass its class name (e.g. 'CategoricalCrossentropy') to set "
                    f"{sorted(params)}."
                )
            return _call_with(type(resolved), loss, params)
        return resolved
    if inspect.isclass(loss):
        _check_binary_only(loss, loss.__name__, n_classes)
        return _call_with(loss, loss.__name__, params)
    if params:
        raise ValueError(
            f"loss parameters {sorted(params)} were given, but loss is an instance "
            f"({type(loss).__name__}); configure the instance instead."
        )
    _check_binary_only(loss, type(loss).__name__, n_classes)
    return loss


def _check_binary_only(loss, name, n_classes):
    if getattr(loss, "binary_only", False):
        _require_binary(name, n_classes)


def _call_with(factory, name, params, **fixed):
    try:
        return factory(**fixed, **params)
    except TypeError as exc:
        raise ValueError(f"Invalid parameters {sorted(params)} for loss {name!r}: {exc}") from None
