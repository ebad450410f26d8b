"""A failed fit leaves the estimator as it was: one snapshot, restored on any exception."""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["keeps_state_on_failure", "restored_on_failure"]

F = TypeVar("F", bound=Callable[..., Any])


def _copy_containers(value: Any) -> Any:
    """``value`` with its dicts and lists copied, every other object shared.

    ``fit`` replaces fitted attributes rather than mutating them, except the
    containers it appends to (a warm start's ``history_`` lists); copying the
    containers, not the objects in them, keeps the snapshot cheap (models and
    arrays are not copied) and safe (Keras objects are not deep-copied).

    >>> history = {"loss": [0.5]}
    >>> snapshot = _copy_containers(history)
    >>> history["loss"] += [0.4]
    >>> snapshot
    {'loss': [0.5]}
    """
    if isinstance(value, dict):
        copied = copy.copy(value)  # keeps the type (defaultdict and its factory)
        for key, item in value.items():
            copied[key] = _copy_containers(item)
        return copied
    if type(value) is list:
        return [_copy_containers(item) for item in value]
    return value


@contextlib.contextmanager
def restored_on_failure(*objects: Any, variables: Iterable[Any] = ()) -> Iterator[None]:
    """Restore ``objects``' attributes and Keras ``variables`` if the block raises.

    Any exception counts, ``KeyboardInterrupt`` (Ctrl-C) included: the objects
    get back exactly the attributes they had (a never-fitted estimator stays
    unfitted, a fitted one keeps its fitted state), then the exception goes on.

    Parameters
    ----------
    *objects : object
        Objects whose ``__dict__`` is snapshotted (attributes replaced or added
        in the block are undone; dicts and lists are copied, so appends are too).
    variables : iterable of keras.Variable, default=()
        Variables the block may change in place (the weights and optimizer
        state a warm start or ``partial_fit`` trains); their values are copied
        and assigned back.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> try:
    ...     with restored_on_failure(clf):
    ...         clf.fit([[0.0], [1.0]], [0, 0])  # one class: ValueError
    ... except ValueError:
    ...     pass
    >>> clf.predict([[1.0]])
    array([1])
    """
    snapshots = [(obj, _copy_containers(dict(vars(obj)))) for obj in objects]
    variables = list(variables)
    values = [variable.numpy() for variable in variables]
    try:
        yield
    except BaseException:
        for variable, value in zip(variables, values):
            variable.assign(value)
        for obj, state in snapshots:
            vars(obj).clear()
            vars(obj).update(state)
        raise


def keeps_state_on_failure(method: F) -> F:
    """Decorate a ``fit``-like method: if it raises, its instance is as before the call.

    >>> class Counter:
    ...     @keeps_state_on_failure
    ...     def fit(self, fail):
    ...         self.n_ = getattr(self, "n_", 0) + 1
    ...         if fail:
    ...             raise KeyboardInterrupt
    ...         return self
    >>> counter = Counter().fit(False)
    >>> try:
    ...     counter.fit(True)
    ... except KeyboardInterrupt:
    ...     pass
    >>> counter.n_
    1
    """
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with restored_on_failure(self):
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
