"""Test F1 and ROC AUC over several train/test splits: is a gap real or one message?

``benchmarks/quality.py`` scores one split (``random_state=0``), where the test part
holds 140 spam messages and one message moves F1 by about 0.004. This script repeats
the comparison on ``--splits`` stratified 25% splits (``random_state`` 0, 1, ...) of
the de-duplicated SMS spam data and prints each split, then the mean and standard
deviation of every row:

* ``svc``: TF-IDF char_wb 2-5 (sublinear) + LinearSVC(class_weight="balanced") in
  ``TunedThresholdClassifierCV(scoring="f1", cv=5)`` (the baseline to beat);
* ``keras holdout``: the model ``make_text_search`` selects on this data
  (``KerasTextClassifier``: TF-IDF char_wb 1-6, squared hinge, ``l2=3e-4``) in
  ``HoldoutThresholdClassifier`` (one fit; the search's default threshold mode);
* ``keras holdout+refit``: the same with ``refit=True`` (two fits);
* ``keras cv5``: the same model in ``TunedThresholdClassifierCV(cv=5)`` (six fits);
* ``... cosine``: the holdout and cv5 rows with ``learning_rate_schedule="cosine"``.

It also prints "oracle F1": the best F1 any threshold reaches on the test part, an
upper bound that separates how well a model *ranks* from how well its threshold,
chosen on training data, *transfers*.

Run: ``python benchmarks/quality_splits.py [--splits 8] [--rows svc keras-holdout]``;
``--quick`` is 2 splits and 5 epochs (checks that it runs; not the numbers to record).
"""

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

import sklearn_imbal  # noqa: E402
from sklearn_imbal import KerasTextClassifier  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam  # noqa: E402
from sklearn_imbal.threshold import HoldoutThresholdClassifier  # noqa: E402

ROWS = ("svc", "keras-holdout", "keras-holdout-refit", "keras-cv5",
        "keras-holdout-cosine", "keras-cv5-cosine")


def make_row(name, seed, epochs):
    """The unfitted estimator of one row for split ``seed``."""
    if name == "svc":
        svc = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            LinearSVC(class_weight="balanced"),
        )
        return TunedThresholdClassifierCV(svc, scoring="f1", cv=5)
    keras_model = KerasTextClassifier(
        architecture="tfidf", analyzer="char_wb", ngrams=6, l2=3e-4, loss="squared_hinge",
        learning_rate=0.02, epochs=epochs, batch_size=64, random_state=seed,
        learning_rate_schedule="cosine" if name.endswith("-cosine") else "constant",
    )
    if name.startswith("keras-cv5"):
        return TunedThresholdClassifierCV(
            keras_model, scoring="f1", cv=StratifiedKFold(5, shuffle=True, random_state=seed)
        )
    return HoldoutThresholdClassifier(
        keras_model, cv=0.2, refit=name == "keras-holdout-refit", random_state=seed
    )


def oracle_f1(y_true, scores):
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return float(np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=8)
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    splits, epochs = (2, 5) if args.quick else (args.splits, 20)

    X, y = load_sms_spam(return_X_y=True)
    print(f"# sklearn_imbal {sklearn_imbal.__version__} | keras {keras.__version__} | "
          f"tensorflow {tf.__version__} | scikit-learn {sklearn.__version__} | "
          f"{platform.machine()}, {os.cpu_count()} cores")
    print(f"data: SMS spam, {len(X):,} messages, {y.mean():.1%} spam; {splits} stratified "
          f"25% test splits (random_state 0-{splits - 1}); Keras rows: {epochs} epochs")
    print()
    print(f"{'split':>5} {'row':<20} {'F1':>7} {'oracle F1':>9} {'ROC AUC':>8} {'fit s':>7}")
    results = {name: [] for name in args.rows}
    for seed in range(splits):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        for name in args.rows:
            model = make_row(name, seed, epochs)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            # Decision values of the final model: what the threshold is applied to.
            inner = model.estimator_
            scores = (inner.decision_function(X_test) if name == "svc"
                      else inner.predict_proba(X_test)[:, 1])
            row = (f1_score(y_test, model.predict(X_test)), oracle_f1(y_test, scores),
                   roc_auc_score(y_test, scores))
            results[name].append(row)
            print(f"{seed:>5} {name:<20} {row[0]:7.4f} {row[1]:9.4f} {row[2]:8.4f} "
                  f"{seconds:7.1f}", flush=True)
    print()
    print(f"mean (sd) over {splits} splits")
    print(f"{'row':<20} {'F1':>15} {'oracle F1':>15} {'ROC AUC':>15}")
    for name, rows in results.items():
        values = np.array(rows)
        cells = " ".join(f"{m:7.4f} ({s:.4f})"
                         for m, s in zip(values.mean(axis=0), values.std(axis=0)))
        print(f"{name:<20} {cells}")


if __name__ == "__main__":
    main()
