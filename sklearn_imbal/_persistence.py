"""Persistence: estimators and their Keras networks to and from files, with clear errors.

The one home of model files. :func:`save_model` and :func:`load_model` (public
as ``sklearn_imbal.save_model`` / ``sklearn_imbal.load_model``; the command
line's model folder is written and read through them) choose the format by the
file name: ``.skops`` (its backend is :mod:`sklearn_imbal._skops`: loading
runs no code from the file; the Keras models inside are ``.keras`` archives
loaded in Keras' safe mode) and anything else, a joblib pickle (load only
files you trust). :func:`find_keras_model` finds the network inside a fitted
pipeline or search, :func:`save_keras_model` exports it as ``.keras``
atomically, and :func:`keras_model_bytes` gives the archive as bytes (what
``.skops`` files and pickles of the Keras classifiers hold; the pickling
protocol itself is :mod:`sklearn_imbal.keras._pickling`).

``joblib`` and ``skops.io`` do the work. What these add is what goes wrong
with model files in practice: a file cut short by a full disk or an
interrupted copy, a ``.keras`` file or a CSV passed where a pickle belongs, a
model saved by other library versions. Every file is written through
:func:`~sklearn_imbal.utils._files.atomic_path`, so an interrupted save never
leaves a truncated model behind.

This module does not import TensorFlow (loading a Keras estimator, and the
Keras helpers, do).
"""

from __future__ import annotations

import lzma
import os
import pickle
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import joblib
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklearn_imbal.exceptions import ModelFileError
from sklearn_imbal.utils._files import atomic_path

__all__ = ["SKOPS_SUFFIX", "find_keras_model", "find_keras_models", "keras_model_bytes",
           "keras_model_from_bytes", "load_model", "save_keras_model", "save_model"]

#: The file suffix that makes :func:`save_model` write the safe ``.skops`` format.
SKOPS_SUFFIX = ".skops"

# What unpickling a damaged stream raises: pickle's own errors, joblib's
# array and compression readers, and values read from garbage.
_CORRUPT = (
    EOFError, pickle.UnpicklingError, struct.error, zlib.error, lzma.LZMAError,
    OSError, ValueError, IndexError, KeyError, OverflowError, UnicodeDecodeError,
)
_ZIP_MAGIC = b"PK\x03\x04"
# How pickles (protocol 2 and later) and joblib's compressed files start.
_PICKLE_STARTS = (b"\x80", b"\x78", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x5d\x00\x00",
                  b"\x04\x22\x4d\x18")


def save_model(estimator: Any, path: str | os.PathLike[str]) -> Path:
    """Save a fitted estimator, atomically: ``.skops`` (safe to load) or a joblib pickle.

    A ``path`` ending in ``.skops`` writes a :mod:`skops.io` file, whose loading
    builds only allow-listed types and runs no code from the file; every Keras
    model inside the estimator is stored as its ``.keras`` archive. Any other
    name writes a joblib pickle, which runs code when loaded: share and load
    pickles only between parties who trust each other.

    The estimator is written to a temporary file next to ``path``, which then
    replaces ``path`` in one step: an interrupted or failed save (Ctrl-C, a
    full disk) leaves any previous file at ``path`` intact and no partial file.

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator, pipeline or search (anything joblib can pickle).
    path : str or path-like
        The file to write: ``*.skops`` (recommended) or conventionally ``*.joblib``.

    Returns
    -------
    path : pathlib.Path
        The path written.

    See Also
    --------
    load_model : Load it back, with clear errors for damaged files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal import load_model, save_model
    >>> model = LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1])
    >>> path = save_model(model, pathlib.Path(tempfile.mkdtemp()) / "model.skops")
    >>> load_model(path).predict([[3]])
    array([1])
    """
    path = Path(path)
    if path.suffix.lower() == SKOPS_SUFFIX:
        from sklearn_imbal._skops import dump_skops

        return dump_skops(estimator, path)
    with atomic_path(path) as temporary:
        joblib.dump(estimator, temporary)
    return path


def find_keras_model(estimator: Any) -> Any:
    """The fitted ``keras.Model`` inside a (meta-)estimator or pipeline, or None.

    Looks at ``model_``, then breadth first through ``estimator_``,
    ``best_estimator_``, ``ensemble_``, ``estimator``, a pipeline's steps and
    an ensemble's members (``estimators_``), so a search of a threshold tuner
    of a pipeline ending in a Keras classifier finds the classifier's network.
    An ensemble holds one network per member: :func:`find_keras_models` lists
    them all.

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator, pipeline, meta-estimator or search.

    Returns
    -------
    model : keras.Model or None
        The first fitted Keras model found.
    """
    models = find_keras_models(estimator)
    return models[0] if models else None


def find_keras_models(estimator: Any) -> list[Any]:
    """Every fitted ``keras.Model`` that predicts for a (meta-)estimator, in member order.

    The search of :func:`find_keras_model`, not stopping at the first: one
    network for a Keras classifier or a pipeline ending in one, one per member
    for an ensemble of them (``VotingClassifier.estimators_``, as
    :func:`~sklearn_imbal.make_text_ensemble` builds). A fitted meta-estimator's
    unfitted template (``estimator``) is looked into only where there is no
    fitted one, and a :class:`~sklearn_imbal.SearchEnsembleClassifier`'s search
    (``search_``, whose refitted best candidate does not predict) not at all.

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator, pipeline, meta-estimator or search.

    Returns
    -------
    models : list of keras.Model
        Empty when there is none.
    """
    import keras

    found: list[Any] = []
    pending, seen = [estimator], set()
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(getattr(current, "model_", None), keras.Model):
            found.append(current.model_)
            continue
        fitted = [getattr(current, name, None)
                  for name in ("estimator_", "best_estimator_", "ensemble_")]
        pending += [inner for inner in fitted if inner is not None] or [
            getattr(current, "estimator", None)]
        pending += [step for _, step in getattr(current, "steps", [])]
        members = getattr(current, "estimators_", None)
        if isinstance(members, list):
            pending += members
    return found


def save_keras_model(model: Any, path: str | os.PathLike[str]) -> Path:
    """``keras.saving.save_model(model, path)``, atomically (it needs a ``.keras`` name).

    Parameters
    ----------
    model : keras.Model
        The network, e.g. :func:`find_keras_model`'s.
    path : str or path-like
        The ``.keras`` file to write.

    Returns
    -------
    path : pathlib.Path
        The path written.
    """
    import keras

    path = Path(path)
    with atomic_path(path, suffix=".keras") as temporary:
        keras.saving.save_model(model, temporary)
    return path


def keras_model_bytes(model: Any) -> bytes:
    """A Keras model's native ``.keras`` archive, as bytes.

    Parameters
    ----------
    model : keras.Model
        The network to serialize.

    Returns
    -------
    payload : bytes
        What ``keras.saving.load_model`` reads back once written to a
        ``.keras`` file.
    """
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        keras.saving.save_model(model, path)
        return Path(path).read_bytes()


def keras_model_from_bytes(payload: bytes, *, safe_mode: bool = True,
                           uncompiled_on: tuple[type[Exception], ...] = (TypeError,)) -> Any:
    """The Keras model of a ``.keras`` archive held as bytes: :func:`keras_model_bytes` undone.

    Parameters
    ----------
    payload : bytes
        The archive.
    safe_mode : bool, default=True
        Keras' ``safe_mode``: refuse a model with Python code in it (a Lambda layer).
    uncompiled_on : tuple of exception types, default=(TypeError,)
        Errors of the compiled load after which the model is loaded without
        compiling: a loss or metric Keras cannot rebuild only matters for
        further training; predictions need no compilation.

    Returns
    -------
    model : keras.Model
    """
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        Path(path).write_bytes(payload)
        try:
            return keras.saving.load_model(path, safe_mode=safe_mode)
        except uncompiled_on:
            return keras.saving.load_model(path, compile=False, safe_mode=safe_mode)


def _corrupt(path, detail, size):
    return ModelFileError(
        f"Could not load a model from {path} ({size:,} bytes): {detail}. The file is "
        "truncated or corrupt (an interrupted save or copy?), or it is not a model "
        "saved with skops, joblib or pickle. Save the model again, e.g. with "
        "sklearn_imbal.save_model."
    )


def load_model(path: str | os.PathLike[str], *, allow_unsafe: bool = False) -> Any:
    """Load a fitted estimator saved as ``.skops``, or with joblib or pickle, with clear errors.

    A ``.skops`` file (see :func:`save_model`) is safe to load from anyone: only
    types of scikit-learn, imbalanced-learn, scikeras, sklearn_imbal, numpy,
    scipy and builtins are built, anything else is refused by name before
    anything is built, and its Keras models load in Keras' safe mode. A pickle
    runs code when loaded: only load pickles you trust.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`, ``joblib.dump`` or ``pickle.dump``.
    allow_unsafe : bool, default=False
        ``.skops`` files only: load Keras models that hold Python code (a
        ``Lambda`` layer), which runs when the model is built. Only for files
        you trust.

    Returns
    -------
    estimator : estimator instance
        The fitted estimator. A :class:`~sklearn_imbal.exceptions.ModelVersionWarning`
        is issued for every sklearn_imbal estimator in it that was saved with
        another version of sklearn_imbal.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        If the file is empty, truncated or corrupt, is a Keras ``.keras`` file
        or anything else than a model file, names types outside the allow-list
        of ``.skops`` files (they are listed; nothing is built), holds a Keras
        model with a ``Lambda`` layer without ``allow_unsafe``, holds an object without
        ``predict``, or needs modules this environment cannot import. A
        subclass of ValueError.
    sklearn.exceptions.NotFittedError
        If the saved estimator was never fitted.

    See Also
    --------
    save_model : Save atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_imbal import load_model
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.joblib"
    >>> _ = path.write_bytes(b"id,text\\n1,hello\\n")
    >>> load_model(path)
    Traceback (most recent call last):
        ...
    sklearn_imbal.exceptions.ModelFileError: Could not load a model from ...
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No such model file: {path}.")
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a model file.")
    size = path.stat().st_size
    if size == 0:
        raise _corrupt(path, "it is empty", size)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC) and _is_skops(path):
        from sklearn_imbal._skops import load_skops

        return _check_model(load_skops(path, allow_unsafe=allow_unsafe), path)
    if head.startswith(_ZIP_MAGIC):
        raise ModelFileError(
            f"{path} is a zip archive, such as a Keras model saved as .keras, not a "
            "saved estimator. Load a Keras model with keras.saving.load_model(path) "
            "after `import sklearn_imbal.keras` (which registers our layers); "
            "load_model reads estimators saved with save_model (.skops), joblib or "
            "pickle."
        )
    if path.suffix.lower() == SKOPS_SUFFIX:
        raise _corrupt(path, "it is not a zip archive, as .skops files are", size)
    try:
        estimator = joblib.load(path)
    except ModelFileError as exc:  # an embedded Keras model that cannot be rebuilt
        raise ModelFileError(f"Could not load a model from {path}: {exc}") from exc
    except PermissionError:
        raise
    except ImportError as exc:  # ModuleNotFoundError too
        if not head.startswith(_PICKLE_STARTS):
            # Text read as old-protocol pickle opcodes names "modules" like 'd,text'.
            raise _corrupt(path, f"it does not start as a pickle does ({head!r})",
                           size) from exc
        raise ModelFileError(
            f"{path} needs a module this environment cannot import ({exc}). It was "
            "saved with other packages or versions: install them, or refit the model."
        ) from exc
    except AttributeError as exc:
        raise ModelFileError(
            f"{path} refers to a class or function that does not exist here ({exc}). "
            "It was saved with other library versions: install them, or refit the model."
        ) from exc
    except _CORRUPT as exc:
        kind = type(exc).__name__
        module = type(exc).__module__.lstrip("_")
        if module != "builtins":
            kind = f"{module}.{kind}"  # struct.error, pickle.UnpicklingError...
        raise _corrupt(path, f"{kind}: {exc}".rstrip(": "), size) from exc
    return _check_model(estimator, path)


def _is_skops(path):
    """A zip archive holding skops' ``schema.json`` (a ``.keras`` archive does not)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "schema.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return path.suffix.lower() == SKOPS_SUFFIX  # load_skops says what is wrong


def _check_model(estimator, path):
    if not hasattr(estimator, "predict"):
        raise ModelFileError(
            f"{path} holds a {type(estimator).__name__}, not a model: it has no predict "
            "method."
        )
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise NotFittedError(
            f"{path} holds an unfitted {type(estimator).__name__}; fit it before saving."
        ) from None
    return estimator
