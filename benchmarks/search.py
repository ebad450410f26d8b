"""Wall time of one fixed search: n_jobs=1, n_jobs=2 (loky) and a 2-worker Dask cluster.

The search: ``GridSearchCV`` (4 candidates x 3 folds = 12 fits, ``scoring="roc_auc"``,
``refit=False`` so only the parallel part is timed) over an imblearn ``Pipeline``
of ``TextRandomOverSampler`` and a bag ``KerasTextClassifier``,
inside ``TunedThresholdClassifierCV(scoring="f1", cv=0.3, refit=False)`` (one fit
per candidate and fold), on ``make_imbalanced_text(4000)``. Start-up (loky
workers or the local cluster importing TensorFlow) is timed apart from the search;
each parallel worker runs TensorFlow with one thread
(:func:`sklearn_imbal.parallel.search_backend`). The three runs must give
identical ``cv_results_`` scores; the benchmark says whether they do.

Run: ``python -m benchmarks search [--quick]``.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def runs(quick):
    """(label, argv) of each process the suite runs for this benchmark."""
    if quick:
        return [("make_imbalanced_text(1000), 2 candidates x 2 folds, 1 epoch",
                 ["--n-documents", "1000", "--candidates", "2", "--folds", "2",
                  "--epochs", "1"])]
    return [("make_imbalanced_text(4000), 4 candidates x 3 folds, 3 epochs", [])]


def report(results):
    """Wall times and speed-ups against n_jobs=1."""
    r = results[0]
    serial = r["n_jobs=1"]["search_s"]
    lines = [f"{'mode':<18}{'start-up s':>11}{'search s':>10}{'speed-up':>10}"]
    for mode in ("n_jobs=1", "n_jobs=2 (loky)", "Dask, 2 workers"):
        m = r[mode]
        lines.append(f"{mode:<18}{m['startup_s']:>11.1f}{m['search_s']:>10.1f}"
                     f"{serial / m['search_s']:>10.2f}")
    lines.append(f"{r['n_fits']} fits; cv_results_ scores identical in all three runs: "
                 f"{r['identical']}")
    return "\n".join(lines)


def make_search(n_candidates, n_folds, epochs):
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import (
        GridSearchCV,
        StratifiedKFold,
        TunedThresholdClassifierCV,
    )

    from sklearn_imbal import KerasTextClassifier
    from sklearn_imbal.sampling import TextRandomOverSampler

    pipe = Pipeline([
        ("sampler", TextRandomOverSampler(random_state=0)),
        ("clf", KerasTextClassifier(architecture="bag", analyzer="word", ngrams=1,
                                    max_tokens=20_000, sequence_length=64, embedding_dim=32,
                                    epochs=epochs, random_state=0)),
    ])
    tuned = TunedThresholdClassifierCV(pipe, scoring="f1", cv=0.3, refit=False, random_state=0)
    rates = [0.003, 0.01, 0.03, 0.1][:n_candidates]
    return GridSearchCV(tuned, {"estimator__clf__learning_rate": rates},
                        cv=StratifiedKFold(n_folds), scoring="roc_auc", refit=False,
                        error_score="raise")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-documents", type=int, default=4000)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)

    import numpy as np
    from joblib import Parallel, delayed

    from sklearn_imbal.datasets import make_imbalanced_text
    from sklearn_imbal.parallel import search_backend, tensorflow_thread_limits

    X, y = make_imbalanced_text(args.n_documents, weights=(0.9, 0.1), random_state=0)

    def search():
        start = time.perf_counter()
        fitted = make_search(args.candidates, args.folds, args.epochs).fit(X, y)
        seconds = time.perf_counter() - start
        scores = np.array([fitted.cv_results_[f"split{i}_test_score"]
                           for i in range(args.folds)])
        return seconds, scores

    results, scores = {}, {}
    # n_jobs=1 first: it also pays this process's TensorFlow warm-up, which the
    # parallel runs pay in their workers' start-up.
    seconds, scores["n_jobs=1"] = search()
    results["n_jobs=1"] = {"startup_s": 0.0, "search_s": seconds}
    print(f"n_jobs=1: search {seconds:.1f} s", flush=True)

    start = time.perf_counter()
    with search_backend("loky", n_jobs=2, tensorflow_threads=1):
        Parallel()(delayed(tensorflow_thread_limits)() for _ in range(2))  # start workers
        startup = time.perf_counter() - start
        seconds, scores["n_jobs=2 (loky)"] = search()
    results["n_jobs=2 (loky)"] = {"startup_s": startup, "search_s": seconds}
    print(f"n_jobs=2 (loky): start-up {startup:.1f} s, search {seconds:.1f} s", flush=True)

    start = time.perf_counter()
    with search_backend("dask", n_workers=2, tensorflow_threads=1):
        startup = time.perf_counter() - start
        seconds, scores["Dask, 2 workers"] = search()
    results["Dask, 2 workers"] = {"startup_s": startup, "search_s": seconds}
    print(f"Dask, 2 workers: start-up {startup:.1f} s, search {seconds:.1f} s", flush=True)

    reference = scores["n_jobs=1"]
    results["identical"] = all(np.array_equal(s, reference) for s in scores.values())
    results["n_fits"] = args.candidates * args.folds
    print("RESULT " + json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
