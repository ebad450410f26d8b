"""The command's model folder: ``model.skops``, the network as ``model.keras``, ``model.json``.

The folder layout and its checks are the command's; every model file in it is
written and read by :mod:`sklearn_imbal._persistence`, the library's one
implementation (nothing here dumps or unpickles by itself).

``model.skops`` is the whole fitted estimator, written by
:func:`sklearn_imbal.save_model` in the format whose loading runs no code from
the file (:func:`sklearn_imbal.load_model` gives it back, tuned threshold
included). ``model.json`` beside it records what the estimator cannot: the
label names it was trained on, the positive label, and the SHA-256 of the model
file, so that a truncated or replaced model file is reported as such before it
is read. A ``model.joblib`` (what earlier versions wrote, or any pickle) still
loads: a folder's ``model.skops`` is preferred. Loading goes through
:func:`sklearn_imbal.load_model`, whose messages for damaged or foreign files
become the command's.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn_imbal._persistence import (
    find_keras_models,
    load_model,
    save_keras_model,
    save_model,
)
from sklearn_imbal.cli._errors import UsageError
from sklearn_imbal.report import to_jsonable
from sklearn_imbal.utils._files import atomic_path

__all__ = ["KERAS_FILE", "MEMBER_KERAS_FILE", "META_FILE", "MODEL_FILE", "PICKLE_FILE",
           "LoadedModel", "load_model_folder", "save_model_folder"]

MODEL_FILE = "model.skops"
#: The pickle earlier versions wrote; loaded from a folder without ``model.skops``.
PICKLE_FILE = "model.joblib"
KERAS_FILE = "model.keras"
#: An ensemble's member networks: ``model-1.keras``, ``model-2.keras``... (no ``model.keras``).
MEMBER_KERAS_FILE = "model-{}.keras"
META_FILE = "model.json"
_FORMAT = "sklearn-imbal model"


def save_model_folder(estimator: Any, folder: Path,
                      metadata: dict[str, Any]) -> dict[str, Path]:
    """Write ``model.skops``, ``model.keras`` (if a Keras network is inside) and ``model.json``.

    An ensemble of Keras members (:func:`~sklearn_imbal.make_text_ensemble`)
    has no one network: each member's goes to ``model-1.keras``,
    ``model-2.keras``... in member order (the ensemble's probability is their
    mean), listed in ``model.json`` as ``keras_member_files``.

    The model files are written by :mod:`sklearn_imbal._persistence`
    (:func:`~sklearn_imbal.save_model`, :func:`save_keras_model`), each
    atomically; ``model.json`` comes last, so its presence means the model
    files it describes are complete.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"model": save_model(estimator, folder / MODEL_FILE)}
    digest = hashlib.sha256(paths["model"].read_bytes()).hexdigest()
    networks = find_keras_models(estimator)
    if len(networks) == 1:
        paths["keras"] = save_keras_model(networks[0], folder / KERAS_FILE)
    members = [MEMBER_KERAS_FILE.format(i) for i in range(1, len(networks) + 1)]
    if len(networks) > 1:
        for i, (name, network) in enumerate(zip(members, networks), start=1):
            paths[f"keras-{i}"] = save_keras_model(network, folder / name)
    document = to_jsonable({
        "format": _FORMAT,
        "model_file": MODEL_FILE,
        "model_sha256": digest,
        "keras_file": KERAS_FILE if len(networks) == 1 else None,
        **({"keras_member_files": members} if len(networks) > 1 else {}),
        **metadata,
    })
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    paths["metadata"] = folder / META_FILE
    with atomic_path(paths["metadata"]) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")
    return paths


@dataclass
class LoadedModel:
    """A model read by :func:`load_model_folder`."""

    estimator: Any
    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[Any]:
        """``[negative, positive]`` names: recorded at training, else ``classes_``."""
        labels = self.metadata.get("labels")
        if isinstance(labels, list) and len(labels) == 2:
            return labels
        return [value.item() if hasattr(value, "item") else value
                for value in self.estimator.classes_]

    @property
    def threshold(self) -> float:
        """The tuned decision threshold (0.5 for a model without one)."""
        return float(getattr(self.estimator, "best_threshold_", 0.5))


def _read_metadata(path):
    meta_path = path.parent / META_FILE
    if not meta_path.is_file():
        return {}
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{meta_path} (the description of {path.name}) cannot be read: "
                         f"{exc}. Delete it to load the model without it.") from None
    if not isinstance(metadata, dict) or metadata.get("format") != _FORMAT:
        return {}  # another tool's model.json: not ours to check against
    return metadata


def _check_classifier(estimator, path):
    from sklearn.utils import get_tags

    from sklearn_imbal.utils._tags import copy_input_tags

    kind = type(estimator).__name__
    if not (hasattr(estimator, "predict_proba") and hasattr(estimator, "predict")):
        raise UsageError(f"{path} holds a {kind}, not a classifier; give a model.skops "
                         "written by 'sklearn-imbal train'.")
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise UsageError(f"{path} holds an unfitted {kind}; give a model.skops written by "
                         "'sklearn-imbal train'.")
    if len(classes) != 2:
        raise UsageError(f"{path} holds a {kind} with {len(classes)} classes; this command "
                         "handles binary classifiers.")
    try:
        # scikit-learn's Pipeline does not pass its first step's string tag on.
        takes_text = copy_input_tags(get_tags(estimator), estimator).input_tags.string
    except Exception:  # an object that is not a scikit-learn estimator has no tags
        takes_text = False
    if not takes_text:
        raise UsageError(f"{path} holds a {kind} that does not take raw text; give a "
                         "model.skops written by 'sklearn-imbal train'.")
    threshold = getattr(estimator, "best_threshold_", 0.5)
    if not 0 <= threshold <= 1:
        raise UsageError(f"{path} holds a {kind} whose decision threshold {threshold!r} "
                         "is not on the probability scale; this command thresholds "
                         "predict_proba.")


def _unpickle(path):
    """``sklearn_imbal.load_model(path)``, its errors and version warnings told as the command's."""
    from sklearn.exceptions import NotFittedError

    from sklearn_imbal.exceptions import ModelFileError, ModelVersionWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelVersionWarning)
        try:
            estimator = load_model(path)
        except (ModelFileError, NotFittedError, FileNotFoundError) as exc:
            raise UsageError(str(exc)) from exc
    for warning in caught:
        if issubclass(warning.category, ModelVersionWarning):
            print(f"sklearn-imbal: warning: {warning.message}", file=sys.stderr)
        else:  # not ours to reword: shown as Python would have
            warnings.showwarning(warning.message, warning.category, warning.filename,
                                 warning.lineno)
    return estimator


def load_model_folder(path: str | os.PathLike[str]) -> LoadedModel:
    """Load ``model.skops`` or ``model.joblib`` (or their folder), checking it is a text classifier.

    A folder's ``model.skops`` is preferred to its ``model.joblib``.

    A missing file, a file whose SHA-256 differs from the one recorded in
    ``model.json``, a file :func:`sklearn_imbal.load_model` refuses (empty,
    truncated, corrupt, a ``.keras`` archive, saved with other packages), and
    an object that is not a fitted binary text classifier are all
    :class:`UsageError`, naming the file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / (PICKLE_FILE if not (path / MODEL_FILE).is_file()
                       and (path / PICKLE_FILE).is_file() else MODEL_FILE)
    if not path.is_file():
        hint = (" 'sklearn-imbal train --output DIR' writes DIR/model.skops."
                if path.name == MODEL_FILE or not path.suffix else "")
        raise UsageError(f"no model file at {path}.{hint}")
    metadata = _read_metadata(path)
    recorded = metadata.get("model_sha256")
    # Only the file model.json describes is checked against it (not, say,
    # model.keras beside it, which load_model reports as a Keras archive).
    if recorded and path.name == metadata.get("model_file", MODEL_FILE):
        if hashlib.sha256(path.read_bytes()).hexdigest() != recorded:
            raise UsageError(
                f"{path} is not the file {path.parent / META_FILE} describes (its SHA-256 "
                "differs): it is truncated, corrupt or was replaced. Train again, or copy "
                "the model folder whole."
            )
    estimator = _unpickle(path)
    _check_classifier(estimator, path)
    return LoadedModel(estimator=estimator, path=path, metadata=metadata)
