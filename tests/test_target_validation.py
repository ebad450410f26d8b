"""One bad target, one message: every entry point validates y the same way.

Each entry point names itself (its class or function name) and its target
(``y`` or ``y_true``); with those two replaced, the messages must be identical,
so that they cannot drift apart again.
"""

import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.metrics import recall_at_precision
from sklearn_imbal.report import classification_summary
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier
from sklearn_imbal.utils import check_classification_target

TEXTS = ["win a prize", "see you at 5", "free cash now", "lunch at one"]
PROBA = [0.9, 0.2, 0.8, 0.1]


class Echo(ClassifierMixin, BaseEstimator):
    """Predicts column 0 of X: the scorer sees exactly these predictions."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


def _score(y):
    X = np.array([[1], [0], [1], [0]])
    return recall_at_precision(0.5)(Echo().fit(X, [0, 1]), X, y)


# name: (owner named in the message, target name, call)
ENTRY_POINTS = {
    "KerasTextClassifier.fit": (
        "KerasTextClassifier", "y",
        lambda y: KerasTextClassifier(epochs=1, batch_size=16).fit(TEXTS, y)),
    "TextRandomOverSampler.fit_resample": (
        "TextRandomOverSampler", "y",
        lambda y: TextRandomOverSampler(random_state=0).fit_resample(TEXTS, y)),
    "HoldoutThresholdClassifier.fit": (
        "HoldoutThresholdClassifier", "y",
        lambda y: HoldoutThresholdClassifier(LogisticRegression()).fit(
            np.arange(8.0).reshape(4, 2), y)),
    "PriorCorrectedClassifier.fit": (
        "PriorCorrectedClassifier", "y",
        lambda y: PriorCorrectedClassifier(LogisticRegression()).fit(
            np.arange(8.0).reshape(4, 2), y)),
    "classification_summary": (
        "classification_summary", "y_true",
        lambda y: classification_summary(y, PROBA, 0.5)),
    "recall_at_precision scorer": ("recall_at_precision", "y_true", _score),
    "check_classification_target": (
        "Owner", "y", lambda y: check_classification_target(y, 4, owner="Owner")),
}

# case: (bad y, the message with <owner> and <y> for the names)
BAD_TARGETS = {
    "none": (None, "<owner> requires <y> to be passed, but the target <y> is None: "
                   "every sample needs a class label."),
    "nan-label": (np.array([1.0, np.nan, 0.0, 1.0]),
                  "<y> contains NaN or infinity; every sample needs a label."),
    "none-label": (np.array(["spam", None, "ham", "spam"], dtype=object),
                   "<y> contains None or NaN; every sample needs a label."),
    "one-class": ([1, 1, 1, 1],
                  "<y> contains a single class (1); <owner> needs samples of at least two "
                  "classes, not 1 class. With a resampling or cross-validation step, use "
                  "stratified splits so that every training fold keeps every class."),
    "two-d": (np.ones((4, 2), dtype=int),
              "<y> should be a 1d array, got an array of shape (4, 2) instead: <owner> "
              "takes one class label per sample."),
}
# Where an entry point accepts the target by design, or an upstream check
# (imbalanced-learn's, for multilabel targets) rightly speaks first.
ACCEPTED = {
    ("recall_at_precision scorer", "one-class"),  # a fold may hold no positive
    ("TextRandomOverSampler.fit_resample", "two-d"),  # imblearn: one-vs-all or multilabel
}


def _normalized(message, owner, target):
    message = re.sub(rf"\b{re.escape(target)}\b", "<y>", message)
    return re.sub(rf"\b{re.escape(owner)}\b", "<owner>", message)


@pytest.mark.parametrize("case", BAD_TARGETS)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_gives_the_same_message_for_the_same_bad_target(entry, case):
    owner, target, call = ENTRY_POINTS[entry]
    y, expected = BAD_TARGETS[case]
    if (entry, case) in ACCEPTED:
        pytest.skip("accepted by design, or checked upstream first")
    with pytest.raises(ValueError) as info:
        call(y)
    assert _normalized(str(info.value), owner, target) == expected


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("HoldoutThresholdClassifier.fit",
         "Only binary classification is supported: <owner> tunes the decision threshold "
         "of a binary classifier, but <y> has 3 classes [0, 1, 2]. A threshold does not"),
        ("classification_summary",
         "Only binary classification is supported: <owner> takes a binary target, but <y> "
         "has 3 classes [0, 1, 2]."),
        ("recall_at_precision scorer",
         "Only binary classification is supported: <owner> is a binary metric, but <y> "
         "has 3 classes [0, 1, 2]."),
    ],
)
def test_binary_only_entry_points_share_the_multiclass_message(entry, expected):
    owner, target, call = ENTRY_POINTS[entry]
    with pytest.raises(ValueError) as info:
        call([0, 1, 2, 1])
    assert _normalized(str(info.value), owner, target).startswith(expected)


def test_check_classification_target_names_a_classifier_by_default():
    with pytest.raises(ValueError, match="^A classifier requires y to be passed"):
        check_classification_target(None, 3)
    with pytest.raises(ValueError, match="; a classifier needs samples of at least two"):
        check_classification_target([0, 0, 0], 3)
