"""
Duplicate texts inflate test scores
===================================

328 of the 4,862 messages in the offline SMS Spam Collection repeat an
earlier message word for word, spam (sent in bulk) twice as often as ham. A
random train/test split then puts copies of the same message on both sides,
and the model is partly tested on messages it has memorized.

This example repeats the measurement of :doc:`/datasets` on ten splits: the
same classical model (character n-gram TF-IDF + ``LinearSVC``) scored on the
data with and without exact duplicates. It uses scikit-learn only, so it runs
in seconds; the effect is the same for any model.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from sklearn_imbal.datasets import load_sms_spam

with_duplicates = load_sms_spam(drop_duplicates=False, return_X_y=True)
distinct = load_sms_spam(return_X_y=True)  # the default: keep each text's first copy
print(f"{len(with_duplicates[0])} messages, {len(distinct[0])} distinct")


def test_f1(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LinearSVC(class_weight="balanced"),
    )
    model.fit(X_train, y_train)
    seen = np.isin(X_test, X_train)  # test messages with a copy in training
    return f1_score(y_test, model.predict(X_test)), int(seen.sum())


seeds = range(10)
scores = {"with duplicates": [], "de-duplicated": []}
for seed in seeds:
    f1, seen = test_f1(*with_duplicates, seed)
    scores["with duplicates"].append(f1)
    f1_distinct, _ = test_f1(*distinct, seed)
    scores["de-duplicated"].append(f1_distinct)
    print(f"split {seed}: F1 {f1:.4f} with duplicates ({seen} test messages also in "
          f"training), {f1_distinct:.4f} without")
gap = np.subtract(scores["with duplicates"], scores["de-duplicated"])
print(f"mean gap {gap.mean():+.4f} F1, positive in {np.sum(gap > 0)} of {len(gap)} splits")

# %%
# Each line joins the two scores of one split. The gap varies from split to
# split, but its average is close to a point of F1: more than the difference
# between many of the models a search compares. Every score in this
# documentation is therefore measured on de-duplicated data.
fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
for a, b in zip(scores["with duplicates"], scores["de-duplicated"]):
    ax.plot([0, 1], [a, b], color="grey", alpha=0.6, marker="o")
ax.plot([0, 1], [np.mean(v) for v in scores.values()], color="C3", marker="s",
        linewidth=3, label="mean over splits")
ax.set_xticks([0, 1], list(scores))
ax.set_xlim(-0.3, 1.3)
ax.set_ylabel("test F1 (spam)")
ax.legend()
