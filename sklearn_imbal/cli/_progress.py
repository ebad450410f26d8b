"""Search progress: how many candidate x fold fits are done, from any worker process.

The channel back from the workers is the search's scorer. scikit-learn calls
it once after every candidate x fold fit, wherever the fit ran: in this
process (``n_jobs=1``), in a loky worker or on a local Dask worker.
:class:`FitCounter` wraps the scorer and appends one byte to a file after each
call; a thread in this process polls the file's size. Why this channel:

* the scorer travels with every fit and changes nothing else: parameter
  names, ``best_estimator_`` and the saved model are those of the plain
  search (a wrapper estimator would show up in all three);
* appending a byte is atomic on POSIX file systems, needs no server process,
  no authentication key (a ``multiprocessing.Manager`` proxy does not
  authenticate from loky workers) and nothing to parse (joblib's verbose output
  is free text and not per fit);
* if a worker cannot reach the file (a Dask worker on another machine) the
  write is skipped and the fit goes on: the bar is then coarser, never broken.

With ``n_jobs=1`` the count is exact: the scorer runs before the next fit
starts. A fit that raises (scored by ``error_score``) is not counted.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, TextIO

__all__ = ["FitCounter", "SearchProgress", "format_duration"]


class FitCounter:
    """A scorer that also records, in ``path``, that one more fit was scored."""

    def __init__(self, scorer: Any, path: str) -> None:
        self.scorer = scorer
        self.path = path

    def __call__(self, estimator: Any, X: Any, y: Any = None, **kwargs: Any) -> Any:
        try:
            return self.scorer(estimator, X, y, **kwargs)
        finally:
            try:
                with open(self.path, "ab") as file:
                    file.write(b".")
            except OSError:
                pass  # another machine's worker: progress is best effort

    def __repr__(self) -> str:
        return repr(self.scorer)


def format_duration(seconds: float) -> str:
    """``"0:07"``, ``"3:25"`` or ``"1:02:03"``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class SearchProgress:
    """Show search progress on ``stream`` while a search runs (a context manager).

    Parameters
    ----------
    total : int or None
        Candidate x fold fits expected; None when they cannot be counted
        (then only the elapsed time is shown).
    counter_path : str
        The file :class:`FitCounter` appends to.
    stream : text file
        Where to write (standard error).
    mode : {"bar", "lines", "off"}
        ``"bar"``: one line redrawn in place (a terminal). ``"lines"``: a line
        per finished fit (logs, pipes). ``"off"``: nothing.
    after : str
        What the search does once all fits are done (the refit), said then.
    """

    def __init__(self, total: int | None, counter_path: str, stream: TextIO, *,
                 mode: str = "bar", after: str = "", poll: float = 0.2) -> None:
        self.total = total
        self.counter_path = counter_path
        self.stream = stream
        self.mode = mode
        self.after = after
        self.poll = poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = 0
        self._start = 0.0
        self._width = 0

    def count(self) -> int:
        """Fits finished so far."""
        try:
            return os.path.getsize(self.counter_path)
        except OSError:
            return 0

    def _estimate(self, done, elapsed):
        if not done or self.total is None or done >= self.total:
            return None
        return elapsed / done * (self.total - done)

    def _status(self, done, elapsed):
        if self.total is None:
            return f"search running, {format_duration(elapsed)} elapsed"
        left = self._estimate(done, elapsed)
        tail = (f", about {format_duration(left)} left" if left is not None
                else f"; {self.after}" if done >= self.total and self.after
                else "")
        return f"{done}/{self.total} fits, {format_duration(elapsed)} elapsed{tail}"

    def _draw_bar(self, done, elapsed):
        width = 24
        filled = 0 if not self.total else min(width, width * done // self.total)
        line = f"search [{'#' * filled}{'.' * (width - filled)}] {self._status(done, elapsed)}"
        padding = " " * max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write("\r" + line + padding)
        self.stream.flush()

    def _update(self, final=False):
        done = self.count() if self.total is not None else 0
        elapsed = time.monotonic() - self._start
        if self.mode == "bar":
            self._draw_bar(done, elapsed)
        elif self.mode == "lines" and self.total is not None:
            for number in range(self._shown + 1, min(done, self.total) + 1):
                left = self._estimate(number, elapsed)
                estimate = f", about {format_duration(left)} left" if left is not None else ""
                self.stream.write(f"search: fit {number}/{self.total} done, "
                                  f"{format_duration(elapsed)} elapsed{estimate}\n")
                if number == self.total and self.after:
                    self.stream.write(f"search: {self.after}\n")
            self.stream.flush()
        self._shown = max(self._shown, done)

    def _run(self):
        while not self._stop.wait(self.poll):
            self._update()

    def __enter__(self) -> SearchProgress:
        self._start = time.monotonic()
        if self.mode != "off":
            self._update()
            self._thread = threading.Thread(target=self._run, name="sklearn-imbal-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._update(final=True)
            if self.mode == "bar":
                self.stream.write("\n")
                self.stream.flush()
