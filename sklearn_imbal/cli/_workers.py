"""Worker processes of the command's searches: TensorFlow loaded without its start-up lines.

A worker process (loky, or a worker of the local Dask cluster) inherits this
process's standard error. Each one imports TensorFlow, which writes its oneDNN
and absl notices to file descriptor 2 before ``TF_CPP_MIN_LOG_LEVEL`` is read:
four lines a worker, printed between the progress lines. The command hides
them in its own process (:func:`~sklearn_imbal.cli._common.import_tensorflow_quietly`);
this module does the same in the workers:

* loky: :func:`quiet_limit_tensorflow_threads` replaces
  :func:`~sklearn_imbal.parallel.limit_tensorflow_threads` as joblib's worker
  initializer, with the same effect on TensorFlow's threads;
* local Dask cluster: the module is the workers' ``distributed.worker.preload``;
  :func:`dask_setup` imports TensorFlow quietly before the
  ``TensorFlowThreads`` plugin limits its threads (importing runs no op, so
  the limits still apply).

With ``--debug`` none of this is used, and the lines show.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sklearn_imbal.cli._common import (
    import_tensorflow_quietly,
    stderr_descriptor_hidden,
)

__all__ = ["dask_setup", "quiet_limit_tensorflow_threads"]


def quiet_limit_tensorflow_threads(n_threads: int) -> dict[str, int]:
    """``limit_tensorflow_threads(n_threads)`` with file descriptor 2 hidden meanwhile."""
    from sklearn_imbal.parallel import limit_tensorflow_threads

    with stderr_descriptor_hidden():
        return limit_tensorflow_threads(n_threads)


async def dask_setup(worker: Any) -> None:
    """Dask preload hook: import TensorFlow quietly as the worker starts."""
    # Off the event loop: the import takes seconds.
    await asyncio.to_thread(import_tensorflow_quietly)
