"""Test F1, ROC AUC and average precision on several datasets and splits, side by side.

One run, the same splits for every row: the default ``make_text_search()`` and the
classical anchors of :func:`sklearn_imbal.search.make_text_baseline` (each threshold
tuned on five folds of the training part, then refitted on all of it):

* ``search``: ``make_text_search()`` with its defaults (``budget="small"``: each
  candidate's threshold on a 20% holdout, the best one's refit with its threshold
  tuned on 5 folds of the training part: 18 + 6 fits), fitted on the training part;
* ``search-holdout`` (only with ``--rows``): ``make_text_search(refit_threshold_cv=None)``,
  the refit with the holdout threshold as searched (18 + 1 fits; the default
  before 0.9);
* ``search-cv5`` (only with ``--rows``): ``make_text_search(threshold_cv=5)``, every
  candidate's threshold on 5 folds;
* ``char_svc``: char_wb 2-5-gram TF-IDF + LinearSVC(balanced);
* ``word_char_svc``: word 1-2 and char_wb 2-5-gram TF-IDF + LinearSVC(C=0.3, balanced);
* ``word_logreg``: word 1-2-gram TF-IDF + LogisticRegression(balanced);
* ``ensemble-seeds`` (only with ``--rows``): the default search's default
  candidate (its sampler and Keras pipeline) with seeds 0, 1, 2, averaged by
  ``make_text_ensemble`` (threshold on 5 folds of the ensemble: 18 fits);
* ``search-top1`` (only with ``--rows``): ``make_text_search(ensemble=1)``, the
  default search's cross-validation, then its best candidate refitted on all of
  the training part with the threshold tuned on 5 folds of it (18 + 6 fits: the
  default search's model, as an ensemble of one);
* ``search-top3`` (only with ``--rows``): ``make_text_search(ensemble=3)``, the
  default search's cross-validation, then the ensemble of its 3 best candidates
  (18 + 18 fits).

Datasets: the SMS spam data shipped with the package (``--splits-sms``, default 8)
and Reuters-21578 ``crude`` against the rest (``--splits-reuters``, default 5),
read from ``--reuters`` (default ``../shared/data/reuters21578_crude.csv.gz``: a
development file that is never shipped; the dataset is skipped where it is absent).

Protocol: exact duplicate texts dropped (keep first); stratified 25% test splits
with ``random_state`` 0, 1, ...; models, hyperparameters and thresholds chosen on
the training part only; the test part scored once. Printed per split, then the mean
and standard deviation of each row, with the mean fit wall time and its ratio to
``char_svc``'s in the same run.

Run: ``python benchmarks/quality_datasets.py [--datasets sms reuters] [--rows ...]``;
``--n-jobs N`` fits the Keras rows inside ``search_backend("loky", n_jobs=N)`` (N
workers, one TensorFlow thread each); ``--first-split K`` starts at
``random_state`` K (to add splits to an earlier run); ``--search-epochs N`` sets the
epochs of every search fit; ``--quick`` is one split per dataset, 3 search epochs
(checks that it runs; not the numbers to record).
"""

import argparse
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import sklearn_imbal  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam  # noqa: E402
from sklearn_imbal.ensemble import make_text_ensemble  # noqa: E402
from sklearn_imbal.search import BASELINES, make_text_baseline, make_text_search  # noqa: E402

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuters21578_crude.csv.gz"
TOP_K = {"search-top1": 1, "search-top3": 3}  # make_text_search(ensemble=k) rows
ROWS = ("search", "search-holdout", "search-cv5", *BASELINES, "ensemble-seeds", *TOP_K)
ANCHOR = "char_svc"


def load(name, reuters_path):
    """Texts and 0/1 labels with exact duplicate texts dropped (first kept); None if absent."""
    if name == "sms":
        X, y = load_sms_spam(return_X_y=True)
        return np.asarray(X, dtype=object), np.asarray(y)
    if not reuters_path.exists():
        return None
    import pandas as pd

    frame = pd.read_csv(reuters_path).drop_duplicates("text", keep="first")
    return frame["text"].to_numpy(dtype=object), frame["label"].to_numpy()


def make_row(name, seed, epochs, n_jobs):
    if name in BASELINES:
        return make_text_baseline(name, random_state=seed)
    if name == "ensemble-seeds":
        # The pipeline inside the default search's threshold step: its default candidate.
        pipeline = make_text_search(random_state=seed).estimator.estimator
        if epochs is not None:
            pipeline.set_params(clf__epochs=epochs)
        return make_text_ensemble([pipeline], seeds=(0, 1, 2), random_state=seed,
                                  n_jobs=n_jobs)
    if name in TOP_K:
        model = make_text_search(random_state=seed, n_jobs=n_jobs, ensemble=TOP_K[name])
        if epochs is not None:
            model.set_params(search__estimator__estimator__clf__epochs=epochs)
        return model
    search = make_text_search(random_state=seed, n_jobs=n_jobs,
                              threshold_cv=5 if name == "search-cv5" else 0.2,
                              refit_threshold_cv=None if name == "search-holdout" else 5)
    if epochs is not None:
        search.set_params(estimator__estimator__clf__epochs=epochs)
    return search


def positive_scores(model, X):
    """What the model's threshold is applied to: probabilities, or an SVM's margins."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, 1]
    return model.decision_function(X)


def fit(row, model, X, y, n_jobs):
    """Classical rows as they are; Keras rows on loky workers with one TensorFlow thread."""
    if n_jobs is None or row in BASELINES:
        return model.fit(X, y)
    from sklearn_imbal.parallel import search_backend

    with search_backend("loky", n_jobs=n_jobs):
        return model.fit(X, y)


def run_dataset(name, X, y, seeds, rows, epochs, n_jobs):
    splits = len(seeds)
    print(f"\n## {name}: {len(X):,} texts, {y.mean():.1%} positive; {splits} stratified "
          f"25% test splits (random_state {seeds[0]}-{seeds[-1]})")
    print(f"{'split':>5} {'row':<14} {'F1':>7} {'ROC AUC':>8} {'avg prec':>8} {'fit s':>8}",
          flush=True)
    results = {row: [] for row in rows}
    for seed in seeds:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        for row in rows:
            model = make_row(row, seed, epochs, n_jobs)
            started = time.perf_counter()
            fit(row, model, X_train, y_train, n_jobs)
            seconds = time.perf_counter() - started
            scores = positive_scores(model, X_test)
            values = (f1_score(y_test, model.predict(X_test)), roc_auc_score(y_test, scores),
                      average_precision_score(y_test, scores), seconds)
            results[row].append(values)
            print(f"{seed:>5} {row:<14} {values[0]:7.4f} {values[1]:8.4f} {values[2]:8.4f} "
                  f"{seconds:8.1f}", flush=True)
    print(f"\nmean (sd) over {splits} splits; time ratio to {ANCHOR} in this run")
    print(f"{'row':<14} {'test F1':>16} {'ROC AUC':>16} {'avg prec':>16} {'fit s':>8} "
          f"{'x ' + ANCHOR:>12}")
    anchor_seconds = np.mean([r[3] for r in results[ANCHOR]]) if ANCHOR in results else None
    for row, values in results.items():
        values = np.asarray(values)
        mean, sd = values.mean(axis=0), values.std(axis=0)
        cells = " ".join(f"{m:7.4f} ({s:.4f})" for m, s in zip(mean[:3], sd[:3]))
        ratio = f"{mean[3] / anchor_seconds:12.1f}" if anchor_seconds else f"{'-':>12}"
        print(f"{row:<14} {cells} {mean[3]:8.1f} {ratio}", flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=("sms", "reuters"),
                        default=["sms", "reuters"])
    parser.add_argument("--rows", nargs="+", choices=ROWS,
                        default=["search", *BASELINES])
    parser.add_argument("--splits-sms", type=int, default=8)
    parser.add_argument("--splits-reuters", type=int, default=5)
    parser.add_argument("--reuters", type=Path, default=REUTERS,
                        help="the Reuters crude CSV (text,label); skipped where absent")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="loky workers for the Keras rows (search_backend)")
    parser.add_argument("--first-split", type=int, default=0)
    parser.add_argument("--search-epochs", type=int, default=None,
                        help="epochs of every search fit (default: the budget's, 20)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    epochs = 3 if args.quick else args.search_epochs

    print(f"# sklearn_imbal {sklearn_imbal.__version__} | keras {keras.__version__} | "
          f"tensorflow {tf.__version__} | scikit-learn {sklearn.__version__} | "
          f"{platform.machine()}, {os.cpu_count()} cores, search n_jobs {args.n_jobs}")
    for name in args.datasets:
        data = load(name, args.reuters)
        if data is None:
            print(f"\n## {name}: skipped, {args.reuters} is absent")
            continue
        splits = 1 if args.quick else (args.splits_sms if name == "sms" else args.splits_reuters)
        seeds = list(range(args.first_split, args.first_split + splits))
        run_dataset(name, *data, seeds, args.rows, epochs, args.n_jobs)


if __name__ == "__main__":
    main()
