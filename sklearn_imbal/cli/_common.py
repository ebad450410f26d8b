"""Helpers the commands share: checks done before any slow work, versions, output."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sklearn_imbal.cli._errors import UsageError

__all__ = [
    "check_output_dir",
    "import_tensorflow_quietly",
    "library_versions",
    "require_matplotlib",
    "say",
    "stderr_descriptor_hidden",
]

_VERSIONED_MODULES = ["sklearn_imbal", "sklearn", "imblearn", "scikeras", "keras",
                      "tensorflow", "numpy", "scipy", "joblib", "pandas", "matplotlib"]


def say(message: str) -> None:
    """A status line on standard error (standard output carries the results)."""
    print(message, file=sys.stderr, flush=True)


def check_output_dir(path: Path, option: str = "--output") -> None:
    """Fail now, not after a long search, if ``path`` cannot become a writable folder."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file; give a folder (it is created if "
                         "missing).")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot write in {existing} (permission denied).")


def require_matplotlib() -> None:
    """The figures need matplotlib: say how to get it (or skip the figures)."""
    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError('the figures need matplotlib, which is not installed: pip install '
                         '"sklearn-imbal[report]" (or "sklearn-imbal[demo]"), or pass '
                         "--no-figures.")


@contextlib.contextmanager
def stderr_descriptor_hidden() -> Iterator[None]:
    """Point file descriptor 2 to ``/dev/null`` inside the block (C libraries write there).

    Python's ``sys.stderr`` is flushed first so nothing already written is lost.
    If the descriptor cannot be duplicated, the block runs unchanged.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_tensorflow_quietly(debug: bool = False) -> None:
    """Import TensorFlow with its C++ start-up log lines hidden (unless ``debug``).

    ``TF_CPP_MIN_LOG_LEVEL`` (set by ``main``) hides most of TensorFlow's
    logging, but TensorFlow 2.21 writes oneDNN and absl notices to file
    descriptor 2 while it loads, before that setting is read. They say nothing
    a user of this command can act on, so the descriptor points to
    ``/dev/null`` during the import. An import error is still raised (and
    printed) as usual. Worker processes get the same treatment from
    :mod:`sklearn_imbal.cli._workers`.
    """
    if debug or "tensorflow" in sys.modules:
        return
    with stderr_descriptor_hidden():
        import keras  # noqa: F401
        import tensorflow  # noqa: F401


def library_versions() -> dict[str, Any]:
    """Python, the platform and the versions of the libraries that shaped the result."""
    versions: dict[str, Any] = {"python": platform.python_version(),
                                "platform": platform.platform()}
    for name in _VERSIONED_MODULES:
        try:
            module = sys.modules.get(name) or importlib.import_module(name)
        except ImportError:
            continue
        versions[name] = getattr(module, "__version__", None)
    return versions
