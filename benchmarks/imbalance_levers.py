"""Which imbalance lever helps? One model, one lever changed at a time, SMS spam.

Protocol (docs/imbalance.rst): the SMS Spam Collection with exact duplicate
texts dropped (first kept), a stratified 25% test split, ``random_state=0``.
Every Keras row is the default ``KerasTextClassifier`` (sublinear TF-IDF over
char_wb 2-5-grams, a logistic-regression head, 20 epochs) with ONE lever
changed: a loss, a class weighting, balanced mini-batches or a text sampler
in an imbalanced-learn Pipeline. Each is wrapped in
``TunedThresholdClassifierCV(scoring="f1")``, which picks the decision threshold
by cross-validation on the training data and refits on all of it. The test
set gives F1 at that threshold and at 0.5, ROC AUC and average precision. The
TF-IDF + LogisticRegression(class_weight="balanced") baseline runs in the same
process under the same protocol.

    python benchmarks/imbalance_levers.py            # 3-fold threshold tuning
    python benchmarks/imbalance_levers.py --quick    # holdout tuning, 8 epochs
"""

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

import sklearn_imbal  # noqa: E402
from sklearn_imbal import KerasTextClassifier  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam  # noqa: E402


def samplers():
    """The text samplers, if ``sklearn_imbal.sampling`` is available (else none)."""
    try:
        from sklearn_imbal import sampling
    except ImportError:
        return {}
    found = {}
    for label, name in [("random over-sampling", "TextRandomOverSampler"),
                        ("random under-sampling", "TextRandomUnderSampler"),
                        ("augment over-sampling", "TextAugmentOverSampler")]:
        if hasattr(sampling, name):
            found[label] = getattr(sampling, name)
    return found


def levers(epochs):
    """(row label, estimator) pairs: the default Keras model with one lever changed."""
    def keras_model(**lever):
        return KerasTextClassifier(epochs=epochs, random_state=0, **lever)

    rows = [
        ("baseline: binary cross-entropy", keras_model()),
        ('class_weight="balanced"', keras_model(class_weight="balanced")),
        ('class_weight="effective_number" (beta 0.999)',
         keras_model(class_weight="effective_number")),
    ]
    for label, sampler in samplers().items():
        rows.append((label, make_imblearn_pipeline(sampler(random_state=0), keras_model())))
    rows += [
        ('loss="focal" (gamma 2)', keras_model(loss="focal")),
        ('loss="soft_f1" (beta 1)', keras_model(loss="soft_f1")),
        ('loss="auc" (margin 0.5)', keras_model(loss="auc")),
        ('batch_sampling="balanced" (1:1)', keras_model(batch_sampling="balanced")),
        ("TF-IDF + LogisticRegression(balanced)", make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            LogisticRegression(class_weight="balanced", max_iter=1000),
        )),
    ]
    return rows


def evaluate(estimator, X_train, y_train, X_test, y_test, cv):
    tuned = TunedThresholdClassifierCV(estimator, scoring="f1", cv=cv, random_state=0)
    start = time.perf_counter()
    tuned.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    proba = tuned.estimator_.predict_proba(X_test)[:, 1]
    return {
        "f1_tuned": f1_score(y_test, tuned.predict(X_test)),
        "threshold": tuned.best_threshold_,
        "f1_05": f1_score(y_test, (proba >= 0.5).astype(int)),
        "roc_auc": roc_auc_score(y_test, proba),
        "average_precision": average_precision_score(y_test, proba),
        "seconds": seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="8 epochs and a 25%% holdout for threshold tuning")
    parser.add_argument("--cv", type=int, default=3,
                        help="folds of TunedThresholdClassifierCV (default 3)")
    args = parser.parse_args()
    epochs, cv = (8, 0.25) if args.quick else (20, args.cv)

    X, y = load_sms_spam(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"# sklearn_imbal {sklearn_imbal.__version__} | keras {keras.__version__} | "
          f"tensorflow {tf.__version__} | scikit-learn {sklearn.__version__} | "
          f"{platform.machine()}, {os.cpu_count()} cores")
    print(f"data: SMS spam, {len(X):,} messages after dropping exact duplicates, "
          f"{y.mean():.1%} spam; train {len(X_train):,} / test {len(X_test):,} "
          f"(stratified, random_state=0)")
    tuning = f"{cv}-fold CV" if isinstance(cv, int) else f"a {cv:.0%} holdout"
    print(f"model: default KerasTextClassifier (tfidf, char_wb 2-5, linear head), "
          f"{epochs} epochs; threshold tuned for F1 by {tuning} on the training data, "
          "then refit on all of it")
    missing = {"random over-sampling", "random under-sampling",
               "augment over-sampling"} - set(samplers())
    if missing:
        print(f"note: not available in this checkout (sklearn_imbal.sampling): "
              f"{', '.join(sorted(missing))}")
    print()
    header = (f"{'lever':<46} {'F1 tuned':>8} {'(thr)':>6} {'F1@0.5':>7} "
              f"{'ROC AUC':>8} {'AP':>6} {'fit s':>7}")
    print(header)
    print("-" * len(header))
    for label, estimator in levers(epochs):
        result = evaluate(estimator, X_train, y_train, X_test, y_test, cv)
        print(f"{label:<46} {result['f1_tuned']:8.3f} {result['threshold']:6.2f} "
              f"{result['f1_05']:7.3f} {result['roc_auc']:8.4f} "
              f"{result['average_precision']:6.3f} {result['seconds']:7.1f}", flush=True)
    print()
    n_fits = cv + 1 if isinstance(cv, int) else 2
    print(f"fit s: wall time of TunedThresholdClassifierCV.fit, i.e. {n_fits} fits "
          "(threshold search + refit), on a shared machine.")


if __name__ == "__main__":
    main()
