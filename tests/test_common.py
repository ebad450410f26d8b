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

import pytest
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


# Two functions so that the quick one (most checks feed numbers and are expected to
# fail fast) can run in the version matrix's smoke subset (.ci/run).
@pytest.mark.smoke
@parametrize_with_checks(
    [_CheckableTextClassifier(epochs=2, random_state=0)],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# The checks that fit a dozen models or more each (every sparse container and index
# dtype; the weighted and repeated-row fits), and check_classifiers_train's
# read-only memmap variants (the plain variant stays): the slow set, so that the
# default suite keeps every other check of KerasVectorClassifier.
SLOW_VECTOR_CHECKS = {
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
}


def _with_slow_marks(checks, slow):
    """``parametrize_with_checks``'s parameters, those of the ``slow`` checks marked."""
    for param in checks.mark.args[1]:
        values, marks = (param.values, param.marks) if hasattr(param, "values") else (param, ())
        check = values[1]
        name = getattr(getattr(check, "func", check), "__name__", None)
        memmap = getattr(check, "keywords", {}).get("readonly_memmap")
        if name in slow or (name == "check_classifiers_train" and memmap):
            marks = (*marks, pytest.mark.slow)
        yield pytest.param(*values, marks=marks, id=getattr(param, "id", None))


_VECTOR_CHECKS = parametrize_with_checks(
    # Small and fast, yet enough to pass check_classifiers_train (accuracy > 0.83).
    [KerasVectorClassifier(hidden_units=16, epochs=5, random_state=0)],
    expected_failed_checks=_expected_failed_checks,
)


@pytest.mark.parametrize("estimator, check",
                         list(_with_slow_marks(_VECTOR_CHECKS, SLOW_VECTOR_CHECKS)),
                         ids=_VECTOR_CHECKS.mark.kwargs["ids"])
def test_sklearn_compatible_vector_estimator(estimator, check):
    check(estimator)


# ----------------------------------------------------------------- samplers
# The text samplers go through imbalanced-learn's sampler checks as they are, and
# through scikit-learn's API checks as probes with ``two_d_array=True`` (as above:
# scikit-learn generates no check for text-only estimators). Both suites feed
# numeric matrices to most checks; a text sampler rejects them, so each such check
# is listed with the test of tests/test_sampling*.py that runs it on text.
from imblearn.utils.estimator_checks import estimator_checks_generator  # noqa: E402

from sklearn_imbal.sampling import (  # noqa: E402
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)


def _on_text(test):
    return (
        "the check resamples a numeric matrix (make_classification), which a text "
        f"sampler rejects with an error naming the shape or dtype; {test} runs it on text"
    )


EXPECTED_FAILED_SAMPLER_CHECKS = {
    "check_samplers_fit": _on_text("test_fit_checks_and_resolves_the_strategy_only"),
    "check_samplers_fit_resample": _on_text("test_classes_are_balanced"),
    "check_samplers_sampling_strategy_fit_resample": _on_text(
        "test_dict_strategy_leaves_other_classes_alone"
    ),
    "check_samplers_pandas": _on_text("test_pandas_round_trip_keeps_names_and_alignment"),
    "check_samplers_pandas_sparse": (
        "the check passes a 20-column sparse numeric DataFrame; text samplers take one "
        "text column and no sparse input (sparse tag False)"
    ),
    "check_samplers_list": _on_text("test_output_container_is_the_input_container[list]"),
    "check_samplers_multiclass_ova": _on_text("test_label_containers_and_dtypes_are_kept"),
    "check_samplers_preserve_dtype": _on_text(
        "test_label_containers_and_dtypes_are_kept and "
        "test_output_container_is_the_input_container"
    ),
    "check_samplers_sample_indices": _on_text("test_sample_indices_map_rows_to_their_source"),
    "check_samplers_2d_target": _on_text("test_label_containers_and_dtypes_are_kept"),
}
AUGMENTATION_EXPECTED_FAILED_SAMPLER_CHECKS = {
    **EXPECTED_FAILED_SAMPLER_CHECKS,
    "check_samplers_string": (
        "the check expects the output to hold only the input's values; "
        "TextAugmentOverSampler generates new texts by design "
        "(tests/test_sampling_augment.py checks what it generates)"
    ),
}

SAMPLER_NUMERIC_INPUT = (
    "the check fits on a numeric array; a text sampler rejects it with a TypeError/"
    "ValueError naming the problem. tests/test_sampling.py covers the behaviour on text "
    "(fit returns self, determinism, clone/pickle, no leakage, errors)"
)
SAMPLER_EXPECTED_FAILED_CHECKS = {
    name: SAMPLER_NUMERIC_INPUT
    for name in (
        "check_dict_unchanged",
        "check_dont_overwrite_parameters",
        "check_dtype_object",
        "check_estimators_dtypes",
        "check_estimators_empty_data_messages",
        "check_estimators_fit_returns_self",
        "check_estimators_nan_inf",
        "check_estimators_overwrite_params",
        "check_estimators_pickle",
        "check_f_contiguous_array_estimator",
        "check_fit1d",
        "check_fit2d_1feature",
        "check_fit2d_predict1d",
        "check_fit_check_is_fitted",
        "check_fit_idempotent",
        "check_fit_score_takes_y",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_n_features_in",
        "check_n_features_in_after_fitting",
        "check_pipeline_consistency",
        "check_positive_only_tag_during_fit",
        "check_readonly_memmap_input",
    )
}


def _sampler_probe(cls):
    """``cls`` declaring numeric 2-D input, so that scikit-learn generates its checks."""

    def __sklearn_tags__(self):
        tags = cls.__sklearn_tags__(self)
        tags.input_tags.two_d_array = True
        tags.input_tags.one_d_array = False
        return tags

    return type(f"_Checkable{cls.__name__}", (cls,), {"__sklearn_tags__": __sklearn_tags__})


SAMPLER_CLASSES = [TextRandomOverSampler, TextRandomUnderSampler, TextAugmentOverSampler]


def _sampler_checks():
    # imblearn's parametrize_with_checks hands pytest a generator, which pytest 8
    # deprecates; the same (estimator, check) pairs, as a list.
    for cls in SAMPLER_CLASSES:
        expected = (
            AUGMENTATION_EXPECTED_FAILED_SAMPLER_CHECKS if cls is TextAugmentOverSampler
            else EXPECTED_FAILED_SAMPLER_CHECKS
        )
        yield from estimator_checks_generator(
            cls(random_state=0), expected_failed_checks=expected, mark="xfail"
        )


def _check_id(value):
    if hasattr(value, "get_params"):
        return type(value).__name__
    check = getattr(value, "func", value)
    return getattr(check, "__name__", None)


@pytest.mark.smoke
@pytest.mark.parametrize("estimator, check", list(_sampler_checks()), ids=_check_id)
def test_imblearn_compatible_sampler(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [_sampler_probe(cls)(random_state=0) for cls in SAMPLER_CLASSES],
    expected_failed_checks=lambda sampler: SAMPLER_EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_sampler(estimator, check):
    check(estimator)
