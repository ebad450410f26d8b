"""Searches on loky and on a Dask cluster: same results as locally, limited threads, faults."""

import functools
import os
import random
import signal
import sys
import threading
import time

import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_float32_close
from imblearn.pipeline import Pipeline
from joblib import Parallel, delayed
from sklearn.model_selection import GridSearchCV, StratifiedKFold, TunedThresholdClassifierCV

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.parallel import (
    limit_tensorflow_threads,
    search_backend,
    tensorflow_thread_limits,
)
from sklearn_imbal.sampling import TextRandomOverSampler

# Scores of the same seeded search on Dask workers (one TensorFlow thread each)
# and in this process (TensorFlow's default threads). Identical on our machines:
# the tiny model's ops are too small for TensorFlow to split their reductions
# across threads. The tolerance only absorbs a last-bit difference should a
# larger op be split differently (docs/parallel.rst explains it); a changed
# ranking of even one test document moves ROC AUC by far more (>= 1e-3 here).
SCORE_ATOL = 1e-9
# No test may wait longer than this on a cluster, so a hang fails instead of
# blocking CI.
DEADLINE = 600

TINY = dict(architecture="bag", analyzer="word", ngrams=1, embedding_dim=8, epochs=3,
            batch_size=32, random_state=0)


def make_search():
    """Sampler + KerasTextClassifier + threshold tuning, searched over 2 candidates."""
    pipe = Pipeline([
        ("sampler", TextRandomOverSampler(random_state=0)),
        ("clf", KerasTextClassifier(**TINY)),
    ])
    # A single 30% holdout for the threshold and refit=False: one Keras fit per
    # candidate and fold.
    tuned = TunedThresholdClassifierCV(pipe, scoring="f1", cv=0.3, refit=False,
                                       random_state=0)
    return GridSearchCV(
        tuned, {"estimator__clf__learning_rate": [0.02, 0.05]}, cv=StratifiedKFold(2),
        scoring="roc_auc", refit=False, error_score="raise",
    )


def split_scores(search):
    results = search.cv_results_
    return np.array([results[f"split{i}_test_score"] for i in range(2)])


@pytest.fixture(scope="module")
def local_search(text_data):
    return make_search().fit(*text_data)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, timeout=120,
    )
    yield cluster
    cluster.close(timeout=60)


# ---------------------------------------------------------------- arguments
@pytest.mark.smoke
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(backend="spark"), r"backend must be one of \['loky', 'dask'\]; got 'spark'"),
        (dict(backend="loky", scheduler="tcp://127.0.0.1:8786"), "scheduler is for backend='dask'"),
        (dict(backend="loky", n_workers=2), "n_workers is for backend='dask'"),
        (dict(backend="dask", scheduler="tcp://127.0.0.1:8786", n_workers=2),
         "n_workers sizes a local cluster"),
        (dict(tensorflow_threads=0), "tensorflow_threads must be an int >= 1; got 0"),
        (dict(n_jobs=0), "n_jobs must be None, -1 or an int >= 1; got 0"),
        (dict(backend="dask", n_workers=1.5), "n_workers must be an int >= 1; got 1.5"),
    ],
)
def test_search_backend_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        with search_backend(**kwargs):
            pass  # pragma: no cover


def test_dask_backend_without_distributed_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(ImportError, match=r'pip install "sklearn-imbal\[dask\]"'):
        with search_backend("dask"):
            pass  # pragma: no cover


def test_limit_threads_after_tensorflow_ran_warns_and_sets_the_environment(monkeypatch):
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    tf.constant(1.0) + 1.0  # TensorFlow's runtime is up: its pools are fixed now
    before = tensorflow_thread_limits()
    with pytest.warns(RuntimeWarning, match="already running in this process"):
        limits = limit_tensorflow_threads(3, inter_op_threads=2)
    assert limits == before
    # Child processes started from now on inherit the limit.
    assert os.environ["TF_NUM_INTRAOP_THREADS"] == "3"
    assert os.environ["TF_NUM_INTEROP_THREADS"] == "2"
    assert os.environ["OMP_NUM_THREADS"] == "3"
    with pytest.raises(ValueError, match="inter_op_threads must be an int >= 1"):
        limit_tensorflow_threads(1, inter_op_threads=0)


def test_seeded_weights_do_not_depend_on_other_threads_drawing_random(small_text_data):
    """A Dask worker's event loop draws from Python's ``random`` while tasks run."""
    X, y = small_text_data
    params = dict(TINY, epochs=0, hidden_units=4, dropout=0.1)
    reference = KerasTextClassifier(**params).fit(X, y).model_.get_weights()

    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        models = [KerasTextClassifier(**params).fit(X, y).model_ for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    for model in models:
        for got, expected in zip(model.get_weights(), reference):
            np.testing.assert_array_equal(got, expected)


# ------------------------------------------------------------------- loky
@pytest.mark.slow
def test_loky_workers_limit_threads_and_match_the_local_search(text_data, local_search):
    from joblib.externals.loky import get_reusable_executor

    try:
        with search_backend("loky", n_jobs=2, tensorflow_threads=1):
            limits = Parallel()(delayed(tensorflow_thread_limits)() for _ in range(4))
            pids = Parallel()(delayed(os.getpid)() for _ in range(4))
            search = make_search().fit(*text_data)
    finally:
        # Idle loky workers live on for minutes, each holding TensorFlow.
        get_reusable_executor().shutdown(wait=True)
    assert os.getpid() not in pids
    assert limits == [{"intra_op": 1, "inter_op": 1}] * 4
    np.testing.assert_allclose(split_scores(search), split_scores(local_search),
                               rtol=0, atol=SCORE_ATOL)


# ------------------------------------------------------------------- Dask
@pytest.mark.slow
def test_dask_workers_report_limited_tensorflow_threads(cluster):
    with search_backend("dask", scheduler=cluster.scheduler_address,
                        tensorflow_threads=1) as client:
        limits = client.run(tensorflow_thread_limits)
        environment = client.run(functools.partial(os.getenv, "TF_NUM_INTRAOP_THREADS"))
    assert len(limits) == 2
    assert all(value == {"intra_op": 1, "inter_op": 1} for value in limits.values())
    assert set(environment.values()) == {"1"}


@pytest.mark.slow
def test_dask_search_matches_the_local_search(cluster, text_data, local_search):
    from distributed import get_task_stream

    with search_backend("dask", scheduler=cluster.scheduler_address) as client:
        with get_task_stream(client) as stream:
            search = make_search().fit(*text_data)
    # The fits ran on the workers: 2 candidates x 2 folds.
    assert len({task["worker"] for task in stream.data}) >= 1 and len(stream.data) >= 4
    assert search.cv_results_["params"] == local_search.cv_results_["params"]
    assert np.all(np.isfinite(split_scores(search)))
    np.testing.assert_allclose(split_scores(search), split_scores(local_search),
                               rtol=0, atol=SCORE_ATOL)


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
def test_killing_a_dask_worker_mid_search_loses_only_its_fit(cluster, text_data, local_search):
    from distributed import Client

    outcome = {}

    def run_search():
        # joblib's backend choice is per thread: the search's thread sets it.
        try:
            with search_backend("dask", scheduler=cluster.scheduler_address):
                outcome["search"] = make_search().fit(*text_data)
        except BaseException as exc:  # reported by the assertions below
            outcome["error"] = exc

    with Client(cluster.scheduler_address, timeout=60) as client:
        pids = client.run(os.getpid)
        runner = threading.Thread(target=run_search, daemon=True)
        runner.start()
        busy = _wait_for(
            lambda: [worker for worker, keys in client.processing().items() if keys],
            180, "a worker to start a fit",
        )
        time.sleep(1.0)  # well inside a fit, which takes seconds
        assert runner.is_alive(), "the search ended before a worker could be killed"
        os.kill(pids[busy[0]], signal.SIGKILL)
        runner.join(DEADLINE)
        assert not runner.is_alive(), f"the search hung for {DEADLINE} s after a worker died"
        # The nanny restarted the killed worker.
        _wait_for(lambda: len(client.run(os.getpid)) == 2, 120, "the worker to restart")
        assert pids[busy[0]] not in client.run(os.getpid).values()

    # The dead worker cost only its running fit: no FutureCancelledError for the
    # data joblib's own Dask backend would have scattered to that worker alone.
    assert "error" not in outcome, repr(outcome.get("error"))
    search = outcome["search"]
    assert search.cv_results_["params"] == local_search.cv_results_["params"]
    assert np.all(np.isfinite(split_scores(search)))
    np.testing.assert_allclose(split_scores(search), split_scores(local_search),
                               rtol=0, atol=SCORE_ATOL)


# ------------------------------------------------------ threaded prediction
@pytest.mark.smoke
def test_predictions_do_not_depend_on_threads_or_batch_mates(text_data, monkeypatch):
    import sklearn_imbal.keras._predict as base

    X, y = text_data
    clf = KerasTextClassifier(**TINY, predict__batch_size=25).fit(X, y)  # 10 chunks
    monkeypatch.setattr(base, "_prediction_threads", lambda: 1)
    sequential = clf.predict_proba(X)
    monkeypatch.setattr(base, "_prediction_threads", lambda: 3)
    threaded = clf.predict_proba(X)
    # The same call on the same chunks, repeated: bit-identical.
    np.testing.assert_array_equal(clf.predict_proba(X), threaded)
    # Another thread count, other batch-mates, another chunk shape: the same
    # probabilities up to float32 rounding.
    assert_float32_close(threaded, sequential)
    order = np.random.RandomState(0).permutation(len(X))
    assert_float32_close(clf.predict_proba(X[order]), sequential[order])
    assert_float32_close(clf.predict_proba(X[:7]), sequential[:7])  # one chunk of 7


def test_prediction_threads_follow_the_tensorflow_thread_limit(monkeypatch):
    from joblib import cpu_count

    import sklearn_imbal.keras._predict as base

    monkeypatch.setattr(tf.config.threading, "get_intra_op_parallelism_threads", lambda: 0)
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    assert base._prediction_threads() == 1  # a worker started with the variable
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS")
    assert base._prediction_threads() == cpu_count()
    monkeypatch.setattr(tf.config.threading, "get_intra_op_parallelism_threads", lambda: 2)
    assert base._prediction_threads() == 2
