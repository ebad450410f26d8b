"""The ``sklearn-imbal`` command: train, predict, evaluate, demo.

Run ``sklearn-imbal --help`` (or ``python -m sklearn_imbal --help``); the
commands and the files they write are described in ``docs/cli.rst``. Importing
this package loads neither TensorFlow nor matplotlib: a command loads what it
needs when it runs, so ``--help`` and input errors answer at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sklearn-imbal`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments after the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    exit_code : int
        0 on success; 2 for a bad command line or bad input (a missing file or
        column, an empty file, an undecodable byte, an unknown dataset, a
        corrupt model file...), reported as one message on standard error; 1
        for an unexpected internal error, whose traceback is written to a file
        (or shown with ``--debug``); 130 when interrupted (Ctrl-C), in which
        case no partially written file is left behind.

    Examples
    --------
    >>> from sklearn_imbal.cli import main
    >>> main(["train", "--data", "no_such_dataset"])  # doctest: +SKIP
    sklearn-imbal train: error: unknown dataset 'no_such_dataset' ...
    2
    """
    from sklearn_imbal.cli._errors import (
        EXIT_INTERNAL,
        EXIT_INTERRUPTED,
        EXIT_USAGE,
        UsageError,
        report_internal_error,
    )
    from sklearn_imbal.cli._parser import build_parser

    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version, or argparse's usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command = args.command
    if not args.debug:
        # Quiet TensorFlow's C++ logging before anything loads TensorFlow (a
        # command line may; the library never does). Level 3, not 2: with 2,
        # TensorFlow 2.21 still prints an "E0000 ... oneDNN supports DT_INT64
        # only on platforms with AVX-512" line on the first fit, which is not an
        # error the user can act on. Python-side errors still raise.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return _COMMANDS[command](args, arguments)
    except UsageError as exc:
        if args.debug:
            import traceback

            traceback.print_exc()
        print(f"sklearn-imbal {command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"\nsklearn-imbal {command}: interrupted; files are written whole or not "
              "at all, so no partial file was left.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`... | head`): not an error.
        _silence_stdout()
        return 0
    except Exception as exc:
        report_internal_error(command, exc, debug=args.debug)
        return EXIT_INTERNAL


def _silence_stdout():
    # Python would report the broken pipe again when it flushes stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run(name):
    def run(args, argv):
        from sklearn_imbal.cli import _apply, _train

        return {"train": _train.run_train, "demo": _train.run_demo,
                "predict": _apply.run_predict, "evaluate": _apply.run_evaluate}[name](args, argv)

    return run


_COMMANDS = {name: _run(name) for name in ("train", "demo", "predict", "evaluate")}
