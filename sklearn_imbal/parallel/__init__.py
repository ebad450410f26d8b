"""Run searches over Keras text models in parallel: loky locally, Dask on a cluster.

:func:`search_backend` is the one entry point: a context manager under which
scikit-learn's searches dispatch their fits to loky worker processes or to a
``dask.distributed`` cluster, with TensorFlow's threads limited in every worker.
``dask.distributed`` is an optional dependency (``pip install "sklearn-imbal[dask]"``),
imported only when the Dask backend is used.
"""

from sklearn_imbal.parallel._backend import BACKENDS, search_backend
from sklearn_imbal.parallel._threads import limit_tensorflow_threads, tensorflow_thread_limits

__all__ = [
    "BACKENDS",
    "TensorFlowThreads",
    "limit_tensorflow_threads",
    "search_backend",
    "tensorflow_thread_limits",
]


def __getattr__(name):
    # The plugin subclasses a dask.distributed class: import it only when asked.
    if name == "TensorFlowThreads":
        from sklearn_imbal.parallel._dask import TensorFlowThreads

        return TensorFlowThreads
    raise AttributeError(f"module 'sklearn_imbal.parallel' has no attribute {name!r}")
