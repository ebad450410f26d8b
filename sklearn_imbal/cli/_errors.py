"""How the command fails: user errors as one message (exit 2), bugs with a saved traceback (exit 1).

The split matters to users and to tests: a wrong column name, an empty file or
a truncated model file is the user's to fix and gets a sentence that says how;
anything else is our bug, and its traceback is kept (in a file, or on screen
with ``--debug``) for the report.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "report_internal_error",
    "user_errors",
]

EXIT_OK = 0
#: An unexpected error inside sklearn-imbal or a library it calls.
EXIT_INTERNAL = 1
#: A bad command line or bad input (argparse uses the same code).
EXIT_USAGE = 2
#: Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with the command line or its inputs, told to the user without a traceback.

    The message must say what is wrong and what to do; the command prints it
    after ``sklearn-imbal <command>: error:`` and exits with code 2.
    """


@contextlib.contextmanager
def user_errors(*types: type[BaseException], prefix: str = "") -> Iterator[None]:
    """Turn errors of ``types`` raised inside the block into :class:`UsageError`.

    Only for blocks that read user input (a data file, a model file, a dataset
    name): there, the library's ``ValueError``/``FileNotFoundError`` messages are
    already written for the user. Elsewhere the same types are bugs, so they are
    not caught.
    """
    try:
        yield
    except types as exc:
        raise UsageError(f"{prefix}{exc}") from exc


def report_internal_error(command: str, exc: BaseException, *, debug: bool) -> None:
    """Tell the user an unexpected error happened and where its traceback is."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    summary = f"{type(exc).__name__}: {exc}".strip()
    if len(summary) > 500:
        summary = summary[:500] + " ..."
    if debug:
        sys.stderr.write(text)
        sys.stderr.write(f"sklearn-imbal {command}: internal error (traceback above).\n")
        return
    location = None
    with contextlib.suppress(OSError):
        descriptor, location = tempfile.mkstemp(prefix="sklearn-imbal-traceback-",
                                                suffix=".txt")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    where = (f"The traceback is in {location}" if location
             else "The traceback could not be saved")
    sys.stderr.write(
        f"sklearn-imbal {command}: internal error: {summary}\n"
        f"{where}; rerun with --debug to show it. This is a bug in sklearn-imbal or a "
        "library it uses, not in your input: please report it with that traceback.\n"
    )
