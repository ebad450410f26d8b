"""Files that are written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary file beside ``path`` that replaces ``path`` when the block succeeds.

    The block writes the temporary file (any writer that takes a file name:
    ``joblib.dump``, ``keras.saving.save_model``...). On success it replaces
    ``path`` in one ``os.replace``, atomic on POSIX and Windows within a file
    system, so readers see the old file or the whole new one; on an error or an
    interrupt it is removed and ``path`` is left as it was.

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
        # mkstemp creates owner-only files; saved models and reports are meant to
        # be shared like any other file.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
