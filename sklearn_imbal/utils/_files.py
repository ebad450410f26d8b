"""Files that are written whole or not at all: the one atomic-write helper.

Every file the package writes (model files, ``.keras`` exports, reports and
figures, predictions, search checkpoints, downloaded data) goes through
:func:`atomic_path`. :func:`atomic_write` is the same for a writer that takes
an open binary file; it is public as :func:`sklearn_imbal.report.atomic_write`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_path", "atomic_write"]


def _fsync(path: str) -> None:
    """Flush ``path``'s content to the disk, so a crash after the rename finds it whole."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary file beside ``path`` that replaces ``path`` when the block succeeds.

    The block writes the temporary file (any writer that takes a file name:
    ``joblib.dump``, ``keras.saving.save_model``...). On success its content is
    flushed to the disk and it replaces ``path`` in one ``os.replace``, atomic
    on POSIX and Windows within a file system, so readers see the old file or
    the whole new one; on an error or an interrupt it is removed and ``path``
    is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The destination file; its folder must exist.
    suffix : str, default=".tmp"
        The temporary file's suffix (Keras insists on ``".keras"``).

    Yields
    ------
    temporary : str
        The path to write.
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=suffix)
    os.close(descriptor)
    try:
        yield temporary
        _fsync(temporary)
        # mkstemp creates owner-only files; saved models and reports are meant to
        # be shared like any other file.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> Path:
    """Write a file so that it is either complete or absent, never partial.

    ``write(file)`` fills a temporary file in the destination's folder, which
    then replaces ``path`` in one ``os.replace`` (atomic on POSIX and Windows
    within a file system): :func:`atomic_path` for a writer that takes an open
    file. If ``write`` raises, the temporary file is removed and an existing
    ``path`` keeps its old content.

    Parameters
    ----------
    path : str or os.PathLike
        The destination file; its folder must exist.
    write : callable
        ``write(binary_file)``; called once.

    Returns
    -------
    path : pathlib.Path
        The destination.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_imbal.report import atomic_write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> atomic_write(path, lambda file: file.write(b"complete")).read_bytes()
    b'complete'
    """
    path = Path(path)
    with atomic_path(path) as temporary, open(temporary, "wb") as file:
        write(file)
    return path
