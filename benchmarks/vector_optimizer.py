"""KerasVectorClassifier's optimizer: SparseAdagrad against LazyAdam, side by side.

``KerasVectorClassifier(epochs=20)`` with its defaults except the optimizer, fitted
on the same training parts:

``lazy_adam``
    ``optimizer="lazy_adam", learning_rate=0.001`` (Keras' Adam rate; the class's
    default before ``"sparse_adagrad"``).
``adagrad LR``
    ``optimizer="sparse_adagrad", learning_rate=LR`` for each ``--learning-rates``
    (the default is 0.2).

Datasets (duplicates dropped, stratified 25% test splits ``random_state`` 0, 1...):

* ``sms``: the SMS spam data shipped with the package, as TF-IDF
  (``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True)``
  fitted on the training part: the matrix of ``fit_speed.py``'s ``vector`` row);
* ``reuters``: Reuters-21578 ``crude`` against the rest (``--reuters``, default
  ``../shared/data/reuters21578_crude.csv.gz``, a development file that is never
  shipped; skipped where absent), char_wb 2-5-gram TF-IDF capped at 100,000
  columns;
* ``dense``: ``make_classification(4000, 40, n_informative=12, weights=[0.93],
  flip_y=0.02)``, standardized on the training part (dense input).

Prints each fit's test ROC AUC, average precision and fit time, then per dataset
the mean of each row and its time as a ratio to ``lazy_adam``'s in the same run.

Run from the repository root: ``python benchmarks/vector_optimizer.py [--datasets
sms reuters dense] [--splits N] [--quick]`` (``--quick``: one split per dataset,
2 epochs; checks that it runs, not the numbers to record).
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_datasets import REUTERS, load  # noqa: E402

from sklearn_imbal import KerasVectorClassifier  # noqa: E402

DEFAULT_SPLITS = {"sms": 4, "reuters": 2, "dense": 5}


def data(name, reuters_path):
    """Raw inputs, labels and the featurizer fitted on each training part; None if absent."""
    if name == "dense":
        X, y = make_classification(4000, 40, n_informative=12, weights=[0.93], flip_y=0.02,
                                   random_state=0)
        return X, y, StandardScaler
    loaded = load(name, reuters_path)
    if loaded is None:
        return None
    if name == "sms":
        def featurizer():
            return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True)
    else:
        def featurizer():
            return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                   max_features=100_000)
    return (*loaded, featurizer)


def rows(learning_rates):
    configs = {"lazy_adam": {"optimizer": "lazy_adam", "learning_rate": 0.001}}
    for rate in learning_rates:
        configs[f"adagrad {rate:g}"] = {"optimizer": "sparse_adagrad", "learning_rate": rate}
    return configs


def run_dataset(name, X, y, featurizer, seeds, configs, epochs):
    print(f"\n## {name}: {len(y):,} rows, {np.mean(y):.1%} positive; splits {seeds}")
    print(f"{'split':>5} {'row':<14} {'ROC AUC':>8} {'avg prec':>8} {'fit s':>7}", flush=True)
    results = {row: [] for row in configs}
    for seed in seeds:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed)
        features = featurizer().fit(X_train)
        F_train, F_test = features.transform(X_train), features.transform(X_test)
        for row, params in configs.items():
            model = KerasVectorClassifier(epochs=epochs, random_state=0, **params)
            started = time.perf_counter()
            model.fit(F_train, y_train)
            seconds = time.perf_counter() - started
            scores = model.predict_proba(F_test)[:, 1]
            values = (roc_auc_score(y_test, scores), average_precision_score(y_test, scores),
                      seconds)
            results[row].append(values)
            print(f"{seed:>5} {row:<14} {values[0]:8.4f} {values[1]:8.4f} {seconds:7.2f}",
                  flush=True)
    anchor = np.mean([r[2] for r in results["lazy_adam"]])
    print(f"\nmean over {len(seeds)} splits; time ratio to lazy_adam in this run")
    print(f"{'row':<14} {'ROC AUC':>8} {'avg prec':>8} {'fit s':>7} {'x lazy_adam':>12}")
    for row, values in results.items():
        auc, ap, seconds = np.asarray(values).mean(axis=0)
        print(f"{row:<14} {auc:8.4f} {ap:8.4f} {seconds:7.2f} {seconds / anchor:12.2f}",
              flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=tuple(DEFAULT_SPLITS),
                        default=list(DEFAULT_SPLITS))
    parser.add_argument("--splits", type=int, default=None,
                        help="splits per dataset (default: sms 4, reuters 2, dense 5)")
    parser.add_argument("--learning-rates", type=float, nargs="+", default=[0.1, 0.2, 0.4])
    parser.add_argument("--reuters", type=Path, default=REUTERS)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    epochs = 2 if args.quick else 20
    print(f"# KerasVectorClassifier(epochs={epochs}) | {platform.machine()}, "
          f"{os.cpu_count()} cores")
    configs = rows(args.learning_rates)
    for name in args.datasets:
        loaded = data(name, args.reuters)
        if loaded is None:
            print(f"\n## {name}: skipped, {args.reuters} is absent")
            continue
        splits = 1 if args.quick else (args.splits or DEFAULT_SPLITS[name])
        run_dataset(name, *loaded, list(range(splits)), configs, epochs)


if __name__ == "__main__":
    main()
