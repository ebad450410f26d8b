"""What threshold tuning costs inside a search, measured side by side in one run.

The same ``make_text_search`` search (same candidates, folds and seeds) is fitted
on the SMS spam training part three ways:

1. without a threshold step (``threshold_scoring=None``): the baseline;
2. with the one-fit holdout threshold step (the default, ``threshold_cv=0.2``):
   target wall-time ratio <= 1.25 against 1;
3. with ``TunedThresholdClassifierCV``'s default 5-fold tuning
   (``threshold_cv=5``), for reference.

Keras fits are counted by a callback that appends a line to a file at the start
of every training run, so fits in worker processes (``--n-jobs 2``) count too.

Run: ``python benchmarks/search_cost.py [--budget small] [--n-jobs 1] [--skip-cv5]``.
"""

import argparse
import os
import platform
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import sklearn_imbal  # noqa: E402
from sklearn_imbal import make_text_search  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam  # noqa: E402


class FitCounter(keras.callbacks.Callback):
    """Appends one line to ``path`` each time a Keras model starts training."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def on_train_begin(self, logs=None):
        with open(self.path, "a") as handle:
            handle.write("fit\n")


def run(search, X, y, counter_path, clf_param):
    open(counter_path, "w").close()
    search.set_params(**{f"{clf_param}callbacks": [FitCounter(counter_path)]})
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    with open(counter_path) as handle:
        fits = sum(1 for _ in handle)
    return seconds, fits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="small")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--skip-cv5", action="store_true", help="skip the 5-fold reference")
    args = parser.parse_args()
    budget = int(args.budget) if args.budget.isdigit() else args.budget

    print(f"# sklearn_imbal {sklearn_imbal.__version__} | keras {keras.__version__} | "
          f"tensorflow {tf.__version__} | scikit-learn {sklearn.__version__} | "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    X, y = load_sms_spam(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    print(f"data: SMS spam training part, {len(y_train)} texts, {y_train.mean():.1%} spam; "
          f"make_text_search(budget={budget!r}, random_state=0), n_jobs={args.n_jobs}")

    variants = [
        ("no threshold step", dict(threshold_scoring=None), "estimator__clf__"),
        ("holdout threshold (default)", dict(), "estimator__estimator__clf__"),
    ]
    if not args.skip_cv5:
        variants.append(("TunedThresholdClassifierCV cv=5", dict(threshold_cv=5),
                         "estimator__estimator__clf__"))
    results = []
    with tempfile.TemporaryDirectory() as folder:
        counter = os.path.join(folder, "fits.txt")
        for name, kwargs, clf_param in variants:
            search = make_text_search(budget=budget, n_jobs=args.n_jobs, random_state=0,
                                      **kwargs)
            seconds, fits = run(search, X_train, y_train, counter, clf_param)
            n_candidates = len(search.cv_results_["params"])
            results.append((name, seconds, fits, n_candidates, search.best_score_))
            print(f"  done: {name}: {seconds:.1f} s, {fits} fits", flush=True)

    base_seconds = results[0][1]
    print(f"\n{'search':32s} {'wall time':>10s} {'ratio':>7s} {'Keras fits':>11s} "
          f"{'candidates':>11s} {'best CV F1':>11s}")
    for name, seconds, fits, n_candidates, best in results:
        print(f"{name:32s} {seconds:9.1f}s {seconds / base_seconds:7.2f} {fits:11d} "
              f"{n_candidates:11d} {best:11.4f}")
    print("target: ratio of the holdout threshold step <= 1.25, at most one extra fit "
          "per candidate and fold")


if __name__ == "__main__":
    main()
