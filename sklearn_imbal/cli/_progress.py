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

:class:`SearchProgress` reads the count and says it: on a terminal as a bar
that :mod:`rich.progress` draws (rich redraws the line in place, fits it to the
terminal's width and hides the cursor meanwhile), elsewhere as one plain line
per finished fit. The words beside the bar are the same as those lines'.
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
        ``"bar"``: a :mod:`rich.progress` bar, redrawn in place on a terminal
        (on a stream rich does not take for one, its last state, once).
        ``"lines"``: a line per finished fit (logs, pipes). ``"off"``: nothing.
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
        self._bar: Any = None  # the rich Progress while mode == "bar"
        self._task: Any = None

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

    def _start_bar(self):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        # Our thread polls the count and refreshes; rich only draws. Standard
        # output and error are left alone, as without a bar.
        self._bar = Progress(
            TextColumn("search"), BarColumn(bar_width=24), TextColumn("{task.fields[status]}"),
            console=Console(file=self.stream), auto_refresh=False,
            redirect_stdout=False, redirect_stderr=False,
        )
        self._bar.start()
        self._task = self._bar.add_task("search", total=self.total, status="")

    def _draw_bar(self, done, elapsed):
        self._bar.update(self._task, completed=done, status=self._status(done, elapsed))
        self._bar.refresh()

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
        if self.mode == "bar":
            self._start_bar()
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
        if self._bar is not None:
            self._bar.stop()  # the last state stays on its line; the cursor is shown again
            self._bar = None
