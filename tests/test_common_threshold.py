"""scikit-learn's estimator checks for the threshold and prior-correction meta-estimators."""

from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier

THRESHOLD_XFAIL = {
    # As for scikit-learn's TunedThresholdClassifierCV (its own expected failure).
    "check_classifiers_train": "Threshold at probability 0.5 does not hold",
    "check_classifiers_train(readonly_memmap=True)": "Threshold at probability 0.5 does not hold",
    "check_classifiers_train(readonly_memmap=True,X_dtype=float32)": (
        "Threshold at probability 0.5 does not hold"
    ),
    # The default objective is "f1", which, as scikit-learn's "f1" scorer, needs
    # pos_label for string labels: make_scorer(f1_score, pos_label="spam").
    "check_classifiers_classes": "scoring='f1' needs pos_label with string labels",
}


def _expected_failed_checks(estimator):
    return THRESHOLD_XFAIL if isinstance(estimator, HoldoutThresholdClassifier) else {}


@parametrize_with_checks(
    [
        HoldoutThresholdClassifier(LogisticRegression(), random_state=0),
        PriorCorrectedClassifier(LogisticRegression()),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
