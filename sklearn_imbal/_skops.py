"""The ``.skops`` model format: loading runs no code from the file.

The ``.skops`` backend of :mod:`sklearn_imbal._persistence`, reached through
:func:`sklearn_imbal.save_model` and :func:`sklearn_imbal.load_model`. It keeps
its own module because ``.skops`` files name :class:`KerasModelBytes` by its
module path, ``sklearn_imbal._skops.KerasModelBytes``, and the allow-list
accepts a name only where it is defined: moving the class would make every
saved ``.skops`` file unloadable.

A pickle is a program: loading one runs whatever its author wrote. A ``.skops``
file (:mod:`skops.io`) is data: loading it builds only the types it names, and
:func:`load_skops` builds nothing unless every type is on an allow-list
(scikit-learn, imbalanced-learn, scikeras, sklearn_imbal, and what skops
trusts by default: builtins, numpy, scipy). Each Keras model inside the
estimator is stored as its native ``.keras`` archive (bytes in the file) and
reloaded with ``keras.saving.load_model(..., safe_mode=True)``, which refuses
Python code in the archive (a ``Lambda`` layer's bytecode) unless the caller
opts in with ``allow_unsafe=True``.

The Keras models are found generically: any attribute, list, tuple or dict
entry holding a ``keras.Model``, anywhere inside the estimator (a classifier's
``model_``, a pipeline's steps, a threshold step's ``estimator_``), so the
classifiers' internals may change without this module knowing them.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import os
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator

from sklearn_imbal._persistence import keras_model_bytes, keras_model_from_bytes
from sklearn_imbal.exceptions import ModelFileError
from sklearn_imbal.utils._files import atomic_path

__all__ = ["ALLOWED_PACKAGES", "KerasModelBytes", "dump_skops", "load_skops",
           "refused_types"]

#: Packages whose classes and functions a ``.skops`` file may name, besides those
#: skops trusts by default (builtins, numpy, scipy and scikit-learn's estimators).
ALLOWED_PACKAGES = ("sklearn", "imblearn", "scikeras", "sklearn_imbal")
# Types outside those packages that fitted estimators hold and that build nothing
# but data: a dtype attribute (TfidfVectorizer's ``dtype=np.float64``, scikeras'
# encoders) is rebuilt from its name.
_ALLOWED_NAMES = frozenset({"numpy.dtype"})


class KerasModelBytes:
    """A Keras model inside a ``.skops`` file: its ``.keras`` archive, as bytes.

    Only :func:`dump_skops` creates these and only :func:`load_skops` turns them
    back into models; a loaded estimator never holds one.
    """

    def __init__(self, payload: bytes) -> None:
        self.payload = payload


def _walks_into(value):
    """Objects whose attributes may hold a Keras model: ours, estimators, their parts."""
    if isinstance(value, BaseEstimator):
        return True
    module = getattr(type(value), "__module__", "") or ""
    return module.split(".")[0] in ALLOWED_PACKAGES and hasattr(value, "__dict__")


def _detach(value, memo):
    """``value`` with every Keras model replaced by its bytes; shared parts left as is.

    Objects are copied only on the way to a Keras model (without their
    ``__init__``, ``__getstate__`` or ``__setstate__``), so the caller's
    estimator is never modified.
    """
    import keras

    key = id(value)
    if key in memo:
        return memo[key]
    memo[key] = value  # a cycle back to this object keeps the object
    result = value
    if isinstance(value, keras.Model):
        result = KerasModelBytes(keras_model_bytes(value))
    elif type(value) in (list, tuple):
        items = [_detach(item, memo) for item in value]
        if any(new is not old for new, old in zip(items, value)):
            result = type(value)(items)
    elif isinstance(value, dict):
        entries = {name: _detach(item, memo) for name, item in value.items()}
        if any(entries[name] is not value[name] for name in value):
            # copy.copy keeps the type: a VotingClassifier's named_estimators_
            # is a Bunch, which dict.copy would turn into a plain dict.
            result = copy.copy(value)
            result.update(entries)
    elif _walks_into(value):
        attrs = {name: _detach(item, memo) for name, item in vars(value).items()}
        if any(attrs[name] is not item for name, item in vars(value).items()):
            cls: Any = type(value)
            result = cls.__new__(cls)
            result.__dict__.update(attrs)
    memo[key] = result
    return result


def _load_keras(saved, allow_unsafe, path):
    import sklearn_imbal.keras  # noqa: F401  registers our layers and losses

    try:
        return keras_model_from_bytes(saved.payload, safe_mode=not allow_unsafe)
    except ValueError as exc:
        if "safe_mode" in str(exc) or "Lambda" in str(exc):
            raise ModelFileError(
                f"{path} holds a Keras model with Python code in it (a Lambda "
                "layer), which would run on loading: refused. Pass "
                "allow_unsafe=True only for a file you trust."
            ) from None
        raise ModelFileError(
            f"The Keras model inside {path} cannot be rebuilt ({exc}). The file "
            "is corrupt, or the model uses custom Keras objects that are not "
            "registered in this process."
        ) from exc


def _attach(value, allow_unsafe, path, memo):
    """Replace every :class:`KerasModelBytes` inside ``value`` by its model, in place."""
    key = id(value)
    if key in memo:
        return memo[key]
    memo[key] = value
    result = value
    if isinstance(value, KerasModelBytes):
        result = _load_keras(value, allow_unsafe, path)
    elif type(value) is list:
        value[:] = [_attach(item, allow_unsafe, path, memo) for item in value]
    elif type(value) is tuple:
        items = tuple(_attach(item, allow_unsafe, path, memo) for item in value)
        if any(new is not old for new, old in zip(items, value)):
            result = items
    elif isinstance(value, dict):
        for name in list(value):
            value[name] = _attach(value[name], allow_unsafe, path, memo)
    elif _walks_into(value):
        for name, item in list(vars(value).items()):
            new = _attach(item, allow_unsafe, path, memo)
            if new is not item:
                vars(value)[name] = new
    memo[key] = result
    return result


def dump_skops(estimator: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``estimator`` to ``path`` as a ``.skops`` file, atomically."""
    import skops.io

    path = Path(path)
    detached = _detach(estimator, {})
    with atomic_path(path, suffix=".skops") as temporary:
        skops.io.dump(detached, temporary)
    return path


def _is_allowed(name):
    """Whether ``name`` ("package.module.Name") is a class or function of an allowed
    package, defined where the name says (not an alias of, say, ``os.system``)."""
    if name in _ALLOWED_NAMES:
        return True
    module_name, _, attribute = name.rpartition(".")
    if module_name.split(".")[0] not in ALLOWED_PACKAGES or not attribute:
        return False
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return False  # reported as refused: it does not exist here either
    if not (inspect.isclass(found) or inspect.isfunction(found)):
        return False
    return found.__module__ == module_name and found.__name__ == attribute


def refused_types(untrusted: list[str]) -> list[str]:
    """The names among skops' untrusted ones that the allow-list does not cover."""
    return sorted(name for name in untrusted if not _is_allowed(name))


def load_skops(path: str | os.PathLike[str], *, allow_unsafe: bool = False) -> Any:
    """Load a ``.skops`` file written by :func:`dump_skops`, running no code from it.

    Raises :class:`~sklearn_imbal.exceptions.ModelFileError` naming the types
    outside the allow-list (nothing is built then), a Keras model with Python
    code in it (unless ``allow_unsafe``), or a file that is not a valid skops
    archive.
    """
    import skops.io

    path = Path(path)
    data = path.read_bytes()
    try:
        untrusted = skops.io.get_untrusted_types(data=data)
    except Exception as exc:  # skops reads a zip of JSON: any damage surfaces here
        raise ModelFileError(
            f"Could not read {path} as a .skops model file ({type(exc).__name__}: "
            f"{exc}). It is truncated or corrupt, or not a .skops file. Save the model "
            "again with sklearn_imbal.save_model."
        ) from exc
    refused = refused_types(untrusted)
    if refused:
        shown = ", ".join(refused[:10]) + (f", ... ({len(refused)} in all)"
                                           if len(refused) > 10 else "")
        raise ModelFileError(
            f"{path} names types outside the allow-list of .skops model files "
            f"(scikit-learn, imbalanced-learn, scikeras, sklearn_imbal, numpy, scipy, "
            f"builtins): {shown}. Nothing was loaded. A file written by "
            "sklearn_imbal.save_model holds none of these; if you wrote this file "
            "yourself, load it with skops.io.load(path, trusted=[...]) after "
            "reviewing those types."
        )
    try:
        loaded = skops.io.loads(data, trusted=list(untrusted))
    except ModelFileError:
        raise
    except Exception as exc:
        raise ModelFileError(
            f"Could not load a model from {path} ({type(exc).__name__}: {exc}). It is "
            "corrupt, or was saved with library versions whose classes differ from "
            "these: install them, or refit the model."
        ) from exc
    return _attach(loaded, allow_unsafe, path, {})
