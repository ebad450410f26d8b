"""How much exact duplicate texts inflate test scores on the SMS Spam Collection.

Protocol (docs/datasets.rst): the offline copy (``load_sms_spam``), a stratified
25% test split with random_state=0, TF-IDF character n-grams (char_wb 2-5) +
LinearSVC(class_weight="balanced"), threshold 0 (``predict``). Fitted once on the
data with duplicates and once without; then the split is repeated over seeds to
show the gap is not one split's luck.

Run: ``python benchmarks/sms_duplicates.py [--seeds 20]`` (about a minute on 2 cores).
"""

import argparse
import collections
import platform

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import sklearn_imbal
from sklearn_imbal.datasets import load_sms_spam


def make_model(sublinear_tf):
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=sublinear_tf),
        LinearSVC(class_weight="balanced"),
    )


def evaluate(X, y, *, seed, sublinear_tf=True):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    model = make_model(sublinear_tf).fit(X_train, y_train)
    predicted, scores = model.predict(X_test), model.decision_function(X_test)
    seen = np.isin(X_test, X_train)  # test texts with an exact copy in training
    result = {
        "n_test": len(y_test),
        "f1": f1_score(y_test, predicted),
        "auc": roc_auc_score(y_test, scores),
        "n_seen": int(seen.sum()),
        "n_seen_spam": int(y_test[seen].sum()),
    }
    if seen.any():
        result["f1_unseen"] = f1_score(y_test[~seen], predicted[~seen])
        result["accuracy_seen"] = float(np.mean(predicted[seen] == y_test[seen]))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="splits for the spread")
    args = parser.parse_args()

    print(f"{platform.machine()}, {platform.python_version()}, scikit-learn "
          f"{sklearn.__version__}, sklearn_imbal {sklearn_imbal.__version__}")
    full = load_sms_spam(drop_duplicates=False)
    dedup = load_sms_spam()
    counts = collections.Counter(full.data.tolist())
    repeated = {text: n for text, n in counts.items() if n > 1}
    extra = collections.Counter()
    seen = set()
    for text, label in zip(full.data, full.target):
        if text in seen:
            extra[int(label)] += 1
        seen.add(text)
    print(f"messages: {len(full.data):,} read, {int(full.target.sum())} spam; "
          f"{len(dedup.data):,} distinct texts, {int(dedup.target.sum())} spam")
    print(f"duplicates: {sum(extra.values())} extra copies of {len(repeated)} texts "
          f"(most repeated: {max(repeated.values())} times); extra copies: "
          f"{extra[1]} of {int(full.target.sum())} spam rows "
          f"({extra[1] / full.target.sum():.1%}), {extra[0]} of "
          f"{int((full.target == 0).sum())} ham rows "
          f"({extra[0] / (full.target == 0).sum():.1%})")

    print("\nrandom_state=0, stratified 25% test split, char_wb 2-5 + LinearSVC(balanced)")
    print(f"{'data':<18}{'tf':<10}{'n_test':>7}{'F1':>8}{'ROC AUC':>9}"
          f"{'test seen in train':>20}{'F1 on unseen':>14}")
    for name, bunch in (("with duplicates", full), ("de-duplicated", dedup)):
        for sublinear_tf in (True, False):
            r = evaluate(bunch.data, bunch.target, seed=0, sublinear_tf=sublinear_tf)
            unseen = f"{r['f1_unseen']:.4f}" if "f1_unseen" in r else "-"
            print(f"{name:<18}{'sublinear' if sublinear_tf else 'raw':<10}{r['n_test']:>7}"
                  f"{r['f1']:>8.4f}{r['auc']:>9.4f}"
                  f"{r['n_seen']:>10} ({r['n_seen_spam']} spam){unseen:>14}")
            if sublinear_tf and "accuracy_seen" in r:
                seen_line = (f"  accuracy on the {r['n_seen']} test texts seen in "
                             f"training: {r['accuracy_seen']:.4f}")

    print(seen_line)
    print(f"\nover {args.seeds} splits (random_state 0..{args.seeds - 1}), sublinear tf:")
    gaps, rows = [], {"with duplicates": [], "de-duplicated": []}
    for seed in range(args.seeds):
        f1_full = evaluate(full.data, full.target, seed=seed)["f1"]
        f1_dedup = evaluate(dedup.data, dedup.target, seed=seed)["f1"]
        rows["with duplicates"].append(f1_full)
        rows["de-duplicated"].append(f1_dedup)
        gaps.append(f1_full - f1_dedup)
    for name, values in rows.items():
        print(f"  {name:<16} F1 mean {np.mean(values):.4f}, sd {np.std(values):.4f}")
    print(f"  gap (with - without) mean {np.mean(gaps):+.4f}, sd {np.std(gaps):.4f}, "
          f"positive in {sum(g > 0 for g in gaps)} of {len(gaps)} splits")


if __name__ == "__main__":
    main()
