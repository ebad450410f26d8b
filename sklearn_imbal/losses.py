"""Training losses for the Keras classifiers, and how a ``loss=`` value is resolved.

``get_loss`` turns the ``loss`` parameter of :class:`~sklearn_imbal.KerasTextClassifier`
into a Keras loss object: ``None`` picks cross-entropy for the target, a name from
:data:`LOSSES` picks one of ours, any other string goes to ``keras.losses.get``,
and a Keras ``Loss`` class, instance or plain callable is used as given.
"""

import inspect

import keras

__all__ = ["LOSSES", "get_loss"]


def _binary_crossentropy(n_classes, **params):
    _require_binary("binary_crossentropy", n_classes)
    return keras.losses.BinaryCrossentropy(**params)


def _sparse_categorical_crossentropy(n_classes, **params):
    return keras.losses.SparseCategoricalCrossentropy(**params)


def _require_binary(name, n_classes):
    if n_classes != 2:
        raise ValueError(
            f"loss={name!r} is defined for binary targets; y has {n_classes} classes. "
            "Use loss=None (cross-entropy) or 'sparse_categorical_crossentropy'."
        )


#: Loss names understood by ``get_loss``, each mapped to a factory
#: ``factory(n_classes, **loss_params) -> keras.losses.Loss``.
LOSSES = {
    "binary_crossentropy": _binary_crossentropy,
    "sparse_categorical_crossentropy": _sparse_categorical_crossentropy,
}


def get_loss(loss, *, n_classes, params=None):
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
        return _call_with(loss, loss.__name__, params)
    if params:
        raise ValueError(
            f"loss parameters {sorted(params)} were given, but loss is an instance "
            f"({type(loss).__name__}); configure the instance instead."
        )
    return loss


def _call_with(factory, name, params, **fixed):
    try:
        return factory(**fixed, **params)
    except TypeError as exc:
        raise ValueError(f"Invalid parameters {sorted(params)} for loss {name!r}: {exc}") from None
