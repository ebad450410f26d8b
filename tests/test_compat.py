"""The private upstream names sklearn_imbal relies on still exist, as we call them.

Every private name of scikit-learn, imbalanced-learn, scikeras, Keras or joblib
that our code uses is reached through :mod:`sklearn_imbal._compat`, or is a
private hook our subclasses override or call. Each test here checks one such
name on the real upstream object: that it exists, and that its signature
accepts the arguments we pass (``inspect.Signature.bind`` with our call's
shape), plus a behaviour check where that is cheap. All are smoke tests, so
the oldest and newest supported versions both run them: an upstream release
that renames or reshapes one breaks a test here, not a user.
"""

import inspect

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.utils as sklearn_utils
from imblearn.over_sampling import RandomOverSampler
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.pipeline import Pipeline as ImblearnPipeline
from imblearn.under_sampling import RandomUnderSampler, TomekLinks
from imblearn.under_sampling.base import BaseUnderSampler
from imblearn.utils import check_sampling_strategy
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, get_scorer, make_scorer
from sklearn.model_selection import TunedThresholdClassifierCV

from sklearn_imbal import _compat


def _binds(func, *args, **kwargs):
    """Whether ``func`` accepts a call of this shape (``self`` included for methods)."""
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _parameters(func):
    return list(inspect.signature(func).parameters.values())


@pytest.fixture(scope="module")
def tuned():
    X, y = make_classification(n_samples=80, weights=[0.8], random_state=0)
    return TunedThresholdClassifierCV(LogisticRegression(), cv=2, random_state=0).fit(X, y), X


# scikit-learn -------------------------------------------------------------------------


@pytest.mark.smoke
def test_sklearn_safe_indexing_takes_rows_with_keyword_axis():
    assert _compat._safe_indexing is sklearn_utils._safe_indexing
    assert _binds(_compat._safe_indexing, ["a"], [0])
    assert _binds(_compat._safe_indexing, ["a"], [0], axis=0)
    assert inspect.signature(_compat._safe_indexing).parameters["axis"].default == 0
    assert _compat._safe_indexing(["a", "b", "c"], np.array([2, 0])) == ["c", "a"]
    rows = _compat._safe_indexing(sp.csr_matrix(np.eye(3)), np.array([1]))
    np.testing.assert_array_equal(rows.toarray(), [[0.0, 1.0, 0.0]])


@pytest.mark.smoke
def test_sklearn_threshold_classifier_fit_hook_is_called_with_x_y_params():
    # HoldoutThresholdClassifier overrides _fit(self, X, y, **params).
    params = _parameters(TunedThresholdClassifierCV._fit)
    assert [p.name for p in params[:3]] == ["self", "X", "y"]
    assert params[-1].kind is inspect.Parameter.VAR_KEYWORD
    assert _binds(TunedThresholdClassifierCV._fit, object(), [[0]], [0], sample_weight=None)

    calls = []

    class Probe(TunedThresholdClassifierCV):
        def _fit(self, X, y, **params):
            calls.append((len(X), len(y), params))
            return super()._fit(X, y, **params)

    X, y = make_classification(n_samples=60, weights=[0.8], random_state=0)
    Probe(LogisticRegression(), cv=2).fit(X, y)
    assert calls == [(60, 60, {})]


@pytest.mark.smoke
def test_sklearn_threshold_classifier_predict_reads_the_curve_scorer(tuned):
    tuned, X = tuned
    assert _binds(TunedThresholdClassifierCV._get_curve_scorer, object())
    assert hasattr(tuned._curve_scorer, "_get_pos_label")
    expected = tuned.predict(X)
    del tuned._curve_scorer
    with pytest.raises(AttributeError, match="_curve_scorer"):
        tuned.predict(X)
    _compat.set_threshold_curve_scorer(tuned)
    np.testing.assert_array_equal(tuned.predict(X), expected)


@pytest.mark.smoke
def test_sklearn_scorer_response_method():
    assert get_scorer("f1")._response_method == "predict"
    assert _compat.scorer_response_method(get_scorer("f1")) == "predict"
    assert _compat.scorer_response_method(get_scorer("roc_auc")) != "predict"
    assert _compat.scorer_response_method(get_scorer("neg_log_loss")) == "predict_proba"
    assert _compat.scorer_response_method(lambda estimator, X, y: 0.0) == "predict"


@pytest.mark.smoke
def test_sklearn_scorer_score_func():
    assert get_scorer("f1")._score_func is f1_score
    assert _compat.scorer_score_func(make_scorer(f1_score)) is f1_score
    assert _compat.scorer_score_func(lambda estimator, X, y: 0.0) is None


@pytest.mark.smoke
def test_sklearn_scorer_class_as_our_scorers_subclass_it():
    # sklearn_imbal.metrics: _Scorer(score_func, sign, kwargs, response_method=...),
    # super()._score(method_caller, estimator, X, y_true, **kwargs), self._kwargs.
    assert _binds(_compat._Scorer, f1_score, 1, {}, response_method="predict")
    assert _binds(_compat._Scorer._score, object(), None, None, None, None, sample_weight=None)
    scorer = _compat._Scorer(f1_score, 1, {"pos_label": 1}, response_method="predict")
    assert scorer._kwargs == {"pos_label": 1}
    X, y = make_classification(n_samples=60, random_state=0)
    model = LogisticRegression().fit(X, y)
    assert scorer(model, X, y) == pytest.approx(f1_score(y, model.predict(X)))


@pytest.mark.smoke
def test_sklearn_pipeline_helpers_our_pipeline_reuses():
    assert _binds(_compat._print_elapsed_time, "Pipeline", None)
    assert _compat._routing_enabled() in (True, False)
    named = _compat._name_estimators([LogisticRegression(), LogisticRegression()])
    assert [name for name, _ in named] == ["logisticregression-1", "logisticregression-2"]
    assert _binds(_compat._fit_context, prefer_skip_nested_validation=True)


# imbalanced-learn ---------------------------------------------------------------------


@pytest.mark.smoke
def test_imblearn_samplers_still_mark_their_sampling_type():
    assert RandomOverSampler()._sampling_type == "over-sampling"
    assert _compat.sampler_sampling_type(RandomOverSampler()) == "over-sampling"
    assert _compat.sampler_sampling_type(RandomUnderSampler()) == "under-sampling"
    assert _compat.sampler_sampling_type(TomekLinks()) == "clean-sampling"
    assert _compat.sampler_sampling_type(LogisticRegression()) is None
    # The value still drives imbalanced-learn's resolution of sampling_strategy.
    y = np.array([0] * 6 + [1] * 2)
    kind = _compat.sampler_sampling_type(RandomOverSampler())
    assert dict(check_sampling_strategy("auto", y, kind)) == {1: 4}


@pytest.mark.smoke
def test_imblearn_sampling_strategy_docstrings_are_str():
    for base, ours in [
        (BaseOverSampler, _compat.OVER_SAMPLING_STRATEGY_DOCSTRING),
        (BaseUnderSampler, _compat.UNDER_SAMPLING_STRATEGY_DOCSTRING),
    ]:
        assert isinstance(base._sampling_strategy_docstring, str)
        assert ours == base._sampling_strategy_docstring
        assert ours.lstrip().startswith("sampling_strategy :")


@pytest.mark.smoke
def test_imblearn_pipeline_hooks_our_pipeline_overrides_or_calls():
    # sklearn_imbal.pipeline.Pipeline rewrites _fit from these pieces.
    pipe = ImblearnPipeline([("sampler", RandomOverSampler()), ("clf", LogisticRegression())])
    assert _binds(ImblearnPipeline._fit, pipe, None, None, routed_params={}, raw_params={})
    assert _binds(ImblearnPipeline._check_method_params, pipe, "fit", {}, sample_weight=None)
    assert _binds(
        ImblearnPipeline._get_metadata_for_step, pipe, step_idx=0, step_params={},
        all_params={},
    )
    steps = list(pipe._iter(with_final=False, filter_passthrough=False, filter_resample=False))
    assert [(index, name) for index, name, _ in steps] == [(0, "sampler")]
    assert pipe._log_message(0) is None  # verbose=False
    pipe._validate_steps()
    assert _binds(
        _compat._fit_transform_one, LogisticRegression(), None, None, None,
        message_clsname="Pipeline", message=None, params={},
    )


# scikeras -------------------------------------------------------------------------------


@pytest.mark.smoke
def test_scikeras_hooks_our_base_classifier_overrides_or_calls():
    from scikeras.wrappers import BaseWrapper, KerasClassifier

    # BaseKerasClassifier._fit is called by scikeras' fit and partial_fit.
    assert _binds(
        BaseWrapper._fit, object(), None, None, None, warm_start=False, epochs=1,
        initial_epoch=0,
    )
    # BaseKerasClassifier calls _get_metadata (a model= builder's meta) and extends
    # _initialize_callbacks.
    for name in ["_get_metadata", "_initialize_callbacks"]:
        assert _binds(getattr(BaseWrapper, name), object()), name
    clf = KerasClassifier(model=None)
    clf._initialize_callbacks()
    assert clf._fit_callbacks == []


# Keras ----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_keras_text_vectorization_preprocess_takes_the_inputs():
    import keras

    assert _binds(keras.layers.TextVectorization._preprocess, object(), ["text"])


# joblib ---------------------------------------------------------------------------------


@pytest.mark.smoke
def test_joblib_dask_backend_auto_scatter_switch():
    pytest.importorskip("distributed")
    from joblib._dask import DaskDistributedBackend

    assert _binds(DaskDistributedBackend.start_call, object())
    assert _binds(DaskDistributedBackend.stop_call, object())
    # The attribute our subclass clears is the one start_call creates.
    assert "call_data_futures" in inspect.getsource(DaskDistributedBackend.start_call)
    backend = _compat.dask_backend_that_survives_worker_death()
    assert issubclass(backend, DaskDistributedBackend)


# The rule itself --------------------------------------------------------------------------


@pytest.mark.smoke
def test_no_module_but_compat_imports_a_private_upstream_name():
    import ast
    import pathlib

    import sklearn_imbal

    upstream = {"sklearn", "imblearn", "scikeras", "keras", "tensorflow", "joblib",
                "distributed", "dask"}
    package = pathlib.Path(sklearn_imbal.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules, names = [node.module], [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                modules, names = [alias.name for alias in node.names], []
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] in upstream and (
                    any(part.startswith("_") for part in parts)
                    or any(name.startswith("_") for name in names)
                ):
                    found.append(f"{path.relative_to(package)}:{node.lineno} {module}")
    assert not found, found
