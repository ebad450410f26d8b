"""search_backend: where a scikit-learn search runs its fits (loky or Dask)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import joblib

from sklearn_imbal.parallel._threads import check_n_threads, limit_tensorflow_threads

__all__ = ["BACKENDS", "search_backend"]

BACKENDS = ("loky", "dask")
# The name under which search_backend("dask") registers its joblib backend.
_DASK_BACKEND = "sklearn-imbal-dask"


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "backend='dask' needs dask.distributed, an optional dependency: "
            'pip install "sklearn-imbal[dask]".'
        ) from None
    return distributed


def _check_n_jobs(n_jobs):
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be None, -1 or an int >= 1; got {n_jobs!r}.")
    return n_jobs


@contextlib.contextmanager
def search_backend(
    backend: str = "loky",
    *,
    n_jobs: int | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
    tensorflow_threads: int = 1,
    timeout: float = 60,
) -> Iterator[Any]:
    """Run the joblib parallelism of a scikit-learn search on loky or on Dask.

    Inside the ``with`` block, ``GridSearchCV``, ``RandomizedSearchCV``,
    ``cross_validate``... dispatch their fits to the chosen backend, and every
    worker process limits TensorFlow to ``tensorflow_threads`` threads before
    its first Keras fit, so ``n`` workers on ``n`` cores do not oversubscribe
    them. Estimators need no change: they are pickled to the workers (a fitted
    Keras model travels as ``.keras`` bytes).

    The ``sklearn-imbal`` command's options map to the parameters:
    ``--backend loky|dask`` to ``backend``, ``--scheduler ADDRESS`` to
    ``scheduler``, ``--n-jobs`` to ``n_jobs``, ``--n-workers`` to ``n_workers``
    and ``--tensorflow-threads`` to ``tensorflow_threads``.

    Parameters
    ----------
    backend : {"loky", "dask"}, default="loky"
        ``"loky"``: worker processes on this machine (joblib's default).
        ``"dask"``: the workers of a ``dask.distributed`` cluster (the optional
        ``dask`` extra), through joblib's Dask backend.
    n_jobs : int, default=None
        Fits run at once. None: the search's own ``n_jobs`` for loky (set it,
        e.g. ``n_jobs=2``), every worker thread of the cluster for Dask.
    scheduler : str, default=None
        With ``backend="dask"``, the address of a running scheduler, e.g.
        ``"tcp://10.0.0.5:8786"``. None starts a local cluster on loopback
        (``n_workers`` processes of one thread each) and closes it on exit.
    n_workers : int, default=None
        Worker processes of the local Dask cluster; None uses
        ``os.cpu_count() // tensorflow_threads``. Only without ``scheduler``.
    tensorflow_threads : int, default=1
        TensorFlow threads (intra- and inter-op) per worker process. Size
        workers so that ``workers x tensorflow_threads`` is about the number of
        cores.
    timeout : float, default=60
        Seconds to wait for the scheduler and for workers to be available.

    Yields
    ------
    client : distributed.Client or None
        The Dask client (``backend="dask"``), None for loky.

    Raises
    ------
    ValueError
        For an unknown backend, a ``scheduler`` or ``n_workers`` without
        ``backend="dask"``, both ``scheduler`` and ``n_workers``, or thread and
        job counts that are not positive ints.
    ImportError
        For ``backend="dask"`` without ``dask.distributed`` installed.

    Notes
    -----
    Each Dask worker should have one thread (``dask worker --nthreads 1``):
    TensorFlow's seeding and determinism switches are process-wide, so two
    fits in one process could interleave. A fit whose worker dies is retried
    on another worker (up to ``distributed.scheduler.allowed-failures``
    times, 3 by default, then the search fails with ``KilledWorker``): each
    task carries its own arguments, where joblib's ``"dask"`` backend would
    scatter the data to one worker and lose it, and the whole search, with
    that worker.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_imbal import KerasTextClassifier
    >>> from sklearn_imbal.parallel import search_backend
    >>> search = GridSearchCV(KerasTextClassifier(), {"learning_rate": [0.01, 0.05]})
    >>> with search_backend("dask", scheduler="tcp://10.0.0.5:8786"):  # doctest: +SKIP
    ...     search.fit(texts, labels)
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}; got {backend!r}.")
    tensorflow_threads = check_n_threads(tensorflow_threads, "tensorflow_threads")
    n_jobs = _check_n_jobs(n_jobs)
    if n_workers is not None:
        n_workers = check_n_threads(n_workers, "n_workers")
    if backend == "loky":
        if scheduler is not None or n_workers is not None:
            given = "scheduler" if scheduler is not None else "n_workers"
            raise ValueError(
                f"{given} is for backend='dask'; backend='loky' runs on this machine "
                "with n_jobs workers."
            )
        # joblib runs the initializer first in each new loky worker process; a
        # different initializer argument makes joblib start fresh workers.
        with joblib.parallel_config(
            backend="loky", n_jobs=n_jobs, inner_max_num_threads=tensorflow_threads,
            initializer=limit_tensorflow_threads, initargs=(tensorflow_threads,),
        ):
            yield None
        return

    if scheduler is not None and n_workers is not None:
        raise ValueError(
            "n_workers sizes a local cluster; with scheduler= the cluster's own "
            "workers are used. Pass one of them."
        )
    distributed = _import_distributed()
    from sklearn_imbal._compat import dask_backend_that_survives_worker_death
    from sklearn_imbal.parallel._dask import TensorFlowThreads

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            n_workers = n_workers or max(1, (os.cpu_count() or 1) // tensorflow_threads)
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, timeout=timeout,
            ))
            scheduler = cluster.scheduler_address
        client = stack.enter_context(distributed.Client(scheduler, timeout=timeout))
        client.register_plugin(TensorFlowThreads(tensorflow_threads))
        # joblib's own "dask" backend, except that a task carries its arguments:
        # data scattered to one worker dies with it (see the shim's docstring).
        joblib.register_parallel_backend(_DASK_BACKEND,
                                         dask_backend_that_survives_worker_death())
        with joblib.parallel_config(
            backend=_DASK_BACKEND, n_jobs=-1 if n_jobs is None else n_jobs,
            client=client, wait_for_workers_timeout=timeout,
        ):
            yield client
