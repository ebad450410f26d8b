"""A Dask worker plugin that limits TensorFlow's threads on every worker."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from distributed.diagnostics.plugin import WorkerPlugin

if TYPE_CHECKING:
    from distributed import Worker

from sklearn_imbal.parallel._threads import check_n_threads, limit_tensorflow_threads

__all__ = ["TensorFlowThreads"]


class TensorFlowThreads(WorkerPlugin):
    """Limit TensorFlow's threads on every Dask worker, present and future.

    Registered with ``client.register_plugin(TensorFlowThreads(1))``, it runs
    :func:`~sklearn_imbal.parallel.limit_tensorflow_threads` on each worker as
    the worker joins: on the workers already there, and on any that join later,
    including a worker its nanny restarts after a crash. It must run before the
    worker's first TensorFlow op; a worker that already ran TensorFlow with
    other limits logs a ``RuntimeWarning`` and keeps them. For workers you
    start yourself, setting ``TF_NUM_INTRAOP_THREADS``,
    ``TF_NUM_INTEROP_THREADS`` and ``OMP_NUM_THREADS`` in their environment
    does the same without a plugin.

    Parameters
    ----------
    n_threads : int, default=1
        TensorFlow's ``intra_op`` and ``inter_op`` threads per worker process.

    Attributes
    ----------
    limits_ : dict
        On a worker's copy, after setup: the limits TensorFlow reports there.

    See Also
    --------
    search_backend : Runs a search on Dask with this plugin registered.

    Examples
    --------
    >>> from distributed import Client  # doctest: +SKIP
    >>> from sklearn_imbal.parallel import TensorFlowThreads, tensorflow_thread_limits
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> client.register_plugin(TensorFlowThreads(1))  # doctest: +SKIP
    >>> client.run(tensorflow_thread_limits)  # doctest: +SKIP
    {'tcp://10.0.0.5:40123': {'intra_op': 1, 'inter_op': 1}, ...}
    """

    name = "sklearn-imbal-tensorflow-threads"

    def __init__(self, n_threads: int = 1) -> None:
        self.n_threads = check_n_threads(n_threads, "n_threads")

    async def setup(self, worker: Worker) -> None:
        # Importing TensorFlow takes seconds; off the event loop, the worker keeps
        # answering the scheduler's heartbeats meanwhile.
        self.limits_ = await asyncio.to_thread(limit_tensorflow_threads, self.n_threads)

    def __repr__(self):
        return f"TensorFlowThreads(n_threads={self.n_threads})"
