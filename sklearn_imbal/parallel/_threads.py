"""Limit the threads TensorFlow uses in a process, before its runtime starts.

TensorFlow sizes its thread pools once, when its runtime initializes (the first
op), from ``tf.config.threading`` or, failing that, the ``TF_NUM_INTRAOP_THREADS``
and ``TF_NUM_INTEROP_THREADS`` environment variables; by default both follow the
number of cores. Two search workers on two cores would then run four busy pools
and slow each other down. The functions here are what a worker process runs
first: in a loky worker through joblib's ``initializer``, in a Dask worker
through :class:`~sklearn_imbal.parallel.TensorFlowThreads`.
"""

from __future__ import annotations

import os
import warnings
from numbers import Integral

__all__ = ["limit_tensorflow_threads", "tensorflow_thread_limits"]


def check_n_threads(value, name):
    """``value`` as a positive int, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
    return int(value)


def limit_tensorflow_threads(
    n_threads: int = 1, *, inter_op_threads: int | None = None
) -> dict[str, int]:
    """Limit TensorFlow (and OpenMP) threads in this process, before TensorFlow runs.

    Sets ``TF_NUM_INTRAOP_THREADS``, ``TF_NUM_INTEROP_THREADS`` and
    ``OMP_NUM_THREADS`` (inherited by child processes), imports TensorFlow and
    sets ``tf.config.threading``. Call it first thing in a worker process;
    :func:`search_backend` does so for loky and Dask workers.

    Parameters
    ----------
    n_threads : int, default=1
        Threads inside one op (``intra_op``): matrix products, reductions.
    inter_op_threads : int, default=None
        Ops run concurrently (``inter_op``); None uses ``n_threads``.

    Returns
    -------
    limits : dict
        ``{"intra_op": int, "inter_op": int}`` as TensorFlow now reports them.

    Warns
    -----
    RuntimeWarning
        If TensorFlow already ran an op in this process with other limits: its
        pools are fixed for the life of the process, so the limit applies only
        to processes started afterwards (which inherit the variables).

    Examples
    --------
    >>> from sklearn_imbal.parallel import limit_tensorflow_threads
    >>> limit_tensorflow_threads(1)  # doctest: +SKIP
    {'intra_op': 1, 'inter_op': 1}
    """
    n_threads = check_n_threads(n_threads, "n_threads")
    inter_op_threads = check_n_threads(
        n_threads if inter_op_threads is None else inter_op_threads, "inter_op_threads"
    )
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(n_threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = str(inter_op_threads)
    # OpenMP-threaded kernels (NumPy's BLAS, some oneDNN builds) read this one.
    os.environ["OMP_NUM_THREADS"] = str(n_threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import tensorflow as tf

    wanted = {"intra_op": n_threads, "inter_op": inter_op_threads}
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n_threads)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op_threads)
    except RuntimeError:
        # The runtime is initialized: its pools keep the sizes they were made with.
        current = tensorflow_thread_limits()
        if current != wanted:
            warnings.warn(
                f"TensorFlow was already running in this process (pid {os.getpid()}) "
                f"with thread limits {current}; the requested {wanted} apply only to "
                "processes started from now on. Limit threads before TensorFlow runs "
                "its first op, e.g. with the TF_NUM_INTRAOP_THREADS and "
                "TF_NUM_INTEROP_THREADS environment variables.",
                RuntimeWarning,
                stacklevel=2,
            )
    return tensorflow_thread_limits()


def tensorflow_thread_limits() -> dict[str, int]:
    """TensorFlow's thread limits in this process, as ``tf.config.threading`` reports them.

    Use it to check a cluster, e.g. ``client.run(tensorflow_thread_limits)``.

    Returns
    -------
    limits : dict
        ``{"intra_op": int, "inter_op": int}``; 0 means not set through
        ``tf.config`` (TensorFlow sizes the pool from the environment variables
        or the number of cores).

    Examples
    --------
    >>> from sklearn_imbal.parallel import tensorflow_thread_limits
    >>> sorted(tensorflow_thread_limits())
    ['inter_op', 'intra_op']
    """
    import tensorflow as tf

    return {
        "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
    }
