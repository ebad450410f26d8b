"""scikit-learn's estimator check suite on our estimators.

scikit-learn generates no checks at all for an estimator whose tags say it does
not take 2-D arrays (``_yield_all_checks`` returns early), which is the case of
every text estimator, ``TfidfVectorizer`` included. To run the suite anyway we
check a probe subclass that differs from ``KerasTextClassifier`` in one tag
only (``two_d_array=True``), so every check is generated and run against our
real fit/predict/validation code. The checks that cannot pass are listed below,
each with its reason; all others must pass.

``KerasVectorClassifier`` takes 2-D numeric (dense or sparse) input, so the
suite runs on it directly; only the checks listed in
``VECTOR_EXPECTED_FAILED_CHECKS`` are expected to fail.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier

NUMERIC_INPUT = (
    "the check feeds numeric arrays; a text classifier rejects them with a "
    "TypeError/ValueError naming the problem (tests/test_text_classifier.py covers "
    "the same behaviour on text)"
)

SCIKERAS_BASE = {
    "check_estimator_tags_renamed": (
        "scikeras.wrappers.BaseWrapper (a base class we cannot change) defines the "
        "pre-1.6 _more_tags hook; our classes define __sklearn_tags__, which is what "
        "scikit-learn uses (see sklearn_imbal/_compat.py)"
    ),
    "check_mixin_order": (
        "scikeras' KerasClassifier lists BaseEstimator before ClassifierMixin; the "
        "tags this order loses are restored by sklearn_imbal._compat.classifier_tags"
    ),
}

MINI_BATCH_WEIGHTS = (
    "mini-batch gradient descent: a sample weight of 2 doubles a row's gradient in "
    "the one batch it is in, which is not the same training run as repeating the "
    "row (other batches, another number of steps); predictions differ slightly, "
    "as for scikit-learn's own SGD and MLP estimators"
)

VECTOR_EXPECTED_FAILED_CHECKS = {
    **SCIKERAS_BASE,
    "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_WEIGHTS,
    "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_WEIGHTS,
}

EXPECTED_FAILED_CHECKS = {
    **SCIKERAS_BASE,
    "check_estimators_empty_data_messages": NUMERIC_INPUT,
    "check_estimators_nan_inf": NUMERIC_INPUT,
    "check_all_zero_sample_weights_error": NUMERIC_INPUT,
    "check_class_weight_classifiers": NUMERIC_INPUT,
    "check_classifier_data_not_an_array": NUMERIC_INPUT,
    "check_classifiers_classes": NUMERIC_INPUT,
    "check_classifiers_one_label": NUMERIC_INPUT,
    "check_classifiers_one_label_sample_weights": NUMERIC_INPUT,
    "check_classifiers_regression_target": NUMERIC_INPUT,
    "check_classifiers_train": NUMERIC_INPUT,
    "check_complex_data": NUMERIC_INPUT,
    "check_dict_unchanged": NUMERIC_INPUT,
    "check_dont_overwrite_parameters": NUMERIC_INPUT,
    "check_dtype_object": NUMERIC_INPUT,
    "check_estimators_dtypes": NUMERIC_INPUT,
    "check_estimators_fit_returns_self": NUMERIC_INPUT,
    "check_estimators_overwrite_params": NUMERIC_INPUT,
    "check_estimators_partial_fit_n_features": NUMERIC_INPUT,
    "check_estimators_pickle": NUMERIC_INPUT,
    "check_f_contiguous_array_estimator": NUMERIC_INPUT,
    "check_fit1d": NUMERIC_INPUT,
    "check_fit2d_1feature": NUMERIC_INPUT,
    "check_fit2d_1sample": NUMERIC_INPUT,
    "check_fit2d_predict1d": NUMERIC_INPUT,
    "check_fit_check_is_fitted": NUMERIC_INPUT,
    "check_fit_idempotent": NUMERIC_INPUT,
    "check_fit_score_takes_y": NUMERIC_INPUT,
    "check_n_features_in": NUMERIC_INPUT,
    "check_n_features_in_after_fitting": NUMERIC_INPUT,
    "check_positive_only_tag_during_fit": NUMERIC_INPUT,
    "check_readonly_memmap_input": NUMERIC_INPUT,
    "check_requires_y_none": NUMERIC_INPUT,
    "check_sample_weight_equivalence_on_dense_data": NUMERIC_INPUT,
    "check_sample_weights_list": NUMERIC_INPUT,
    "check_sample_weights_not_an_array": NUMERIC_INPUT,
    "check_sample_weights_not_overwritten": NUMERIC_INPUT,
    "check_sample_weights_pandas_series": NUMERIC_INPUT,
    "check_sample_weights_shape": NUMERIC_INPUT,
    "check_supervised_y_2d": NUMERIC_INPUT,
}


class _CheckableTextClassifier(KerasTextClassifier):
    """KerasTextClassifier with ``two_d_array=True`` so that checks are generated."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


def _expected_failed_checks(estimator):
    if isinstance(estimator, _CheckableTextClassifier):
        return EXPECTED_FAILED_CHECKS
    if isinstance(estimator, KerasVectorClassifier):
        return VECTOR_EXPECTED_FAILED_CHECKS
    return {}


@parametrize_with_checks(
    [
        _CheckableTextClassifier(epochs=2, random_state=0),
        # Small and fast, yet enough to pass check_classifiers_train (accuracy > 0.83).
        KerasVectorClassifier(hidden_units=16, learning_rate=0.02, epochs=5, random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
