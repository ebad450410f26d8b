"""Which parallel setting should the default search use? Measured on the SMS training part.

``make_text_search()`` (its defaults: 4 candidates x 3 folds, then the five-fold refit) is
fitted on the SMS spam training part (exact duplicates dropped, stratified 25%
test split, ``random_state=0``: 3,400 texts), each way in a fresh process, one
after the other:

``n_jobs=1``
    One fit at a time in the process; TensorFlow's ops use every core.
``n_jobs=-1, plain``
    The search's own ``n_jobs=-1``: joblib's loky workers, one per core, each
    TensorFlow sizing its thread pools for every core (oversubscribed).
``search_backend``
    ``search_backend("loky", n_jobs=-1)``: the same workers with one TensorFlow
    thread each (what ``sklearn-imbal train`` uses by default for a search this size).

Each row prints the wall time of ``fit`` (worker start-up included), its ratio to
``n_jobs=1``, the test F1 and ROC AUC, which must agree across rows up to
TensorFlow's thread-dependent summation order, and the peak RSS of the process's
largest member (``os.wait4``: the search's process or one of the workers it waited
for, not their sum).

Run from the repository root: ``python -m benchmarks parallel_default [--quick]``
(``--quick``: 2 epochs per fit, to check that it runs).
"""

import argparse
import json
import os
import time

from benchmarks.__main__ import RESULT_PREFIX, run_child

MODES = ("n_jobs=1", "n_jobs=-1, plain", "search_backend")


def worker(mode, quick):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import contextlib

    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    from sklearn_imbal.datasets import load_sms_spam
    from sklearn_imbal.parallel import search_backend
    from sklearn_imbal.search import make_text_search

    X, y = load_sms_spam(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0)
    search = make_text_search(n_jobs=1 if mode == "n_jobs=1" else -1)
    if quick:
        search.set_params(estimator__estimator__clf__epochs=2)
    context = (search_backend("loky", n_jobs=-1, tensorflow_threads=1)
               if mode == "search_backend" else contextlib.nullcontext())
    start = time.perf_counter()
    with context:
        search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    proba = search.predict_proba(X_test)[:, 1]
    print(RESULT_PREFIX + json.dumps({
        "seconds": seconds, "f1": f1_score(y_test, search.predict(X_test)),
        "auc": roc_auc_score(y_test, proba)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 epochs: checks that it runs")
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.quick)
        return
    results = {}
    for mode in MODES:
        results[mode] = run_child("parallel_default",
                                  ["--worker", mode] + (["--quick"] if args.quick else []))
        print(f"{mode}: {results[mode]['seconds']:.1f} s", flush=True)
    print(f"make_text_search() on the SMS training part; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f}")
    serial = results["n_jobs=1"]["seconds"]
    print(f"{'mode':<18}{'fit s':>8}{'speed-up':>10}{'test F1':>9}{'ROC AUC':>9}"
          f"{'peak MB':>9}")
    for mode, result in results.items():
        print(f"{mode:<18}{result['seconds']:>8.1f}{serial / result['seconds']:>10.2f}"
              f"{result['f1']:>9.4f}{result['auc']:>9.4f}{result['peak_rss_mb']:>9,.0f}")


if __name__ == "__main__":
    main()
