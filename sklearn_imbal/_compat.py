"""The one place that knows about other libraries' versions and private APIs.

Every shim here says why it exists and which versions it is for. Nothing in this
module patches another library: each shim is a function our own classes call.
"""

# scikit-learn keeps its parameter-validation helpers and the ``_fit_context``
# decorator private, but every third-party estimator that follows its
# conventions imports them; importing them in one place means a rename in a
# future scikit-learn release is fixed here only. Present since scikit-learn 1.2/1.3.
from typing import TYPE_CHECKING, Any

import sklearn
from sklearn.base import _fit_context

# scikit-learn's scorer class is private, but subclassing it is the only way to
# build a scorer that both ``GridSearchCV`` (which calls ``scorer._score`` for
# multi-metric scoring) and ``TunedThresholdClassifierCV`` (which reads the
# scorer's metric, sign and kwargs) accept, with a readable repr and a warning
# on infeasible final scores. ``_Scorer._score(method_caller, estimator, X,
# y_true, **kwargs)`` has this signature since scikit-learn 1.4.
from sklearn.metrics._scorer import _Scorer
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)

# sklearn_imbal.pipeline.Pipeline rewrites imbalanced-learn's ``Pipeline._fit`` loop
# (to carry resampled weights) and reuses the helpers that loop is made of, so
# that its logging, caching and step-fitting stay identical to the Pipeline it
# extends. Same names and signatures in imbalanced-learn 0.13 and 0.14 and
# scikit-learn 1.6 to 1.9.
from imblearn.pipeline import _fit_transform_one  # noqa: E402
from sklearn.pipeline import _name_estimators  # noqa: E402
from sklearn.utils._user_interface import _print_elapsed_time  # noqa: E402
from sklearn.utils.metadata_routing import _routing_enabled  # noqa: E402

# HoldoutThresholdClassifier indexes rows (texts, labels, per-sample fit
# parameters) exactly as scikit-learn's own CV loops do: lists, Series, arrays
# and sparse matrices alike. ``_safe_indexing(X, indices, *, axis=0)`` is
# private, with that signature in scikit-learn 1.6 to 1.9 (a test checks it).
from sklearn.utils import _safe_indexing

# imbalanced-learn's shared ``sampling_strategy`` parameter text: our samplers
# substitute it into their docstrings (as imbalanced-learn's own samplers do),
# so their documentation says what imbalanced-learn accepts. Private class
# attributes, ``str`` in imbalanced-learn 0.13 and 0.14.
from imblearn.over_sampling.base import BaseOverSampler as _BaseOverSampler
from imblearn.under_sampling.base import BaseUnderSampler as _BaseUnderSampler

OVER_SAMPLING_STRATEGY_DOCSTRING: str = _BaseOverSampler._sampling_strategy_docstring
UNDER_SAMPLING_STRATEGY_DOCSTRING: str = _BaseUnderSampler._sampling_strategy_docstring


__all__ = [
    "OVER_SAMPLING_STRATEGY_DOCSTRING",
    "UNDER_SAMPLING_STRATEGY_DOCSTRING",
    "HasMethods",
    "Interval",
    "LegacyTagsFor16",
    "Options",
    "RealNotInt",
    "SklearnTagsRoot",
    "StrOptions",
    "_Scorer",
    "_fit_context",
    "_fit_transform_one",
    "_name_estimators",
    "_print_elapsed_time",
    "_routing_enabled",
    "_safe_indexing",
    "classifier_tags",
    "dask_backend_that_survives_worker_death",
    "import_keras_hub",
    "sampler_sampling_type",
    "scorer_response_method",
    "scorer_score_func",
    "set_threshold_curve_scorer",
    "text_vectorization_tokens",
    "validate_params",
]


class SklearnTagsRoot:
    """Last base class of our scikeras subclasses: a tags provider at the MRO's end.

    Why: scikit-learn 1.6.x falls back to its legacy tag path for any estimator
    whose MRO holds a class defining ``_more_tags`` without ``__sklearn_tags__``
    (scikeras' ``BaseWrapper``). That path calls each class's ``__sklearn_tags__``
    unbound, and ``ClassifierMixin.__sklearn_tags__`` then calls ``super()``, which
    finds nothing after the mixin and raises AttributeError: every ``get_tags`` on a
    scikeras classifier fails. A provider placed after ``ClassifierMixin`` answers
    that ``super()`` call. From scikit-learn 1.7 the legacy path is gone and this
    class is never reached (``BaseEstimator.__sklearn_tags__`` does not call super).
    """

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False))


_SKLEARN_16 = tuple(int(part) for part in sklearn.__version__.split(".")[:2]) < (1, 7)


class LegacyTagsFor16:
    """Placed before scikeras' classes in our MRO: old-style tags that mirror ours.

    Why: on scikit-learn 1.6.x the legacy tag path (see :class:`SklearnTagsRoot`)
    merges each class's ``_more_tags`` in MRO order, so scikeras' ``BaseWrapper``
    tags (``multioutput=True``...) would override ours. This class's
    ``_more_tags``, merged after BaseWrapper's, states our ``__sklearn_tags__`` in
    the old format. It only defines ``_more_tags`` on scikit-learn < 1.7, which no
    longer reads it.
    """

    if TYPE_CHECKING:
        # Provided by the estimator class this mixin is part of.
        def __sklearn_tags__(self) -> Any: ...

    if _SKLEARN_16:

        def _more_tags(self):
            from sklearn.utils._tags import _to_old_tags

            return _to_old_tags(type(self).__sklearn_tags__(self))


def classifier_tags(tags, *, multi_class=True, string_input=False, sparse_input=False):
    """Turn the tags scikeras produces into correct classifier tags.

    Why: scikeras 0.13 declares its tags through the pre-1.6 ``_more_tags`` hook
    and lists ``BaseEstimator`` before ``ClassifierMixin`` in its bases, so with
    scikit-learn >= 1.6 ``ClassifierMixin.__sklearn_tags__`` is never reached:
    ``is_classifier`` is False, ``GridSearchCV(scoring="roc_auc")`` scores every
    candidate NaN, ``check_cv`` stops stratifying and ``TunedThresholdClassifierCV``
    refuses the estimator. Our subclasses call this from ``__sklearn_tags__``.
    Needed for scikeras <= 0.13 (unmaintained) with scikit-learn >= 1.6.

    Parameters
    ----------
    tags : sklearn.utils.Tags
        The tags from ``super().__sklearn_tags__()``; modified in place.
    multi_class : bool, default=True
        Whether the classifier handles more than two classes.
    string_input : bool, default=False
        True for estimators that take raw text (a 1-D array of str) as X.
    sparse_input : bool, default=False
        True for estimators that accept scipy sparse matrices.

    Returns
    -------
    tags : sklearn.utils.Tags
        The same object, edited.
    """
    from sklearn.utils import ClassifierTags

    tags.estimator_type = "classifier"
    tags.classifier_tags = ClassifierTags(multi_class=multi_class)
    tags.target_tags.required = True
    tags.target_tags.one_d_labels = True
    tags.target_tags.two_d_labels = False
    tags.target_tags.multi_output = False
    tags.requires_fit = True
    # A Keras fit is seeded but float reductions on several threads are not
    # bit-for-bit stable across processes; the "poor_score" tag stays False
    # because our models are expected to learn the check suite's easy problems.
    tags.non_deterministic = True
    if string_input:
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
    tags.input_tags.sparse = sparse_input
    return tags


def dask_backend_that_survives_worker_death() -> type:
    """joblib's Dask backend, sending each task's arguments inside the task.

    Why: joblib's ``DaskDistributedBackend`` scatters every argument larger than
    1 kB (the training texts, the labels, the estimator, the CV splits) to one
    worker (``client.scatter(arg, hash=False)``, no broadcast). A scattered value
    has no lineage: when the worker holding it is killed, the scheduler forgets
    it, and every fit that needs it fails with ``FutureCancelledError: ...
    already forgotten`` instead of being retried on another worker, as the
    scheduler retries tasks (``distributed.scheduler.allowed-failures``). With
    the arguments inside each task, a dead worker costs only its running fit.
    The price is one copy of the data per task instead of one per worker, which
    is small next to a Keras fit. ``start_call`` creating ``call_data_futures``
    (the switch of that auto-scattering) and ``stop_call`` clearing it are the
    same in joblib 1.5 and 1.6; ``joblib._dask`` is private.
    """
    from joblib._dask import DaskDistributedBackend

    class SurvivingDaskBackend(DaskDistributedBackend):
        def start_call(self):
            super().start_call()
            self.call_data_futures = None  # no auto-scattering during this call

        def stop_call(self):
            self.call_data_futures = {}
            super().stop_call()

    return SurvivingDaskBackend


def text_vectorization_tokens(layer, texts):
    """The tokens a ``keras.layers.TextVectorization`` looks up: standardized, split, n-grams.

    Why: ``fit`` tokenizes its texts once and builds the vocabulary and the
    cached features from those tokens (:mod:`sklearn_imbal.keras._text_stage`);
    calling the layer's own preprocessing is what makes them exactly the tokens
    the saved layer produces at predict time. Keras has no public API for the
    tokens alone; ``TextVectorization._preprocess(inputs)`` is the step of
    ``call`` before the lookup in Keras 3.3 to 3.15 (a test checks it exists).

    Returns
    -------
    tokens : tf.RaggedTensor of shape (n_texts, None), dtype string
    """
    return layer._preprocess(texts)


def scorer_response_method(scorer, default="predict"):
    """The prediction method (or methods) a scikit-learn scorer calls.

    Why: ``check_threshold_scoring`` refuses threshold objectives that score
    continuous output (``roc_auc``...), and a scorer has no public way to say
    what it calls. scikit-learn's ``_Scorer`` stores it as ``_response_method``
    (a str or a tuple of str) in scikit-learn 1.6 to 1.9.

    Parameters
    ----------
    scorer : callable
        A scorer, such as ``sklearn.metrics.get_scorer("f1")``.
    default : str, default="predict"
        Returned for scorers without that attribute (plain callables).

    Returns
    -------
    response_method : str or tuple of str
    """
    return getattr(scorer, "_response_method", default)


def scorer_score_func(scorer):
    """The metric function a scikit-learn scorer wraps, or None.

    Why: plots label their axis with the metric's name, and a scorer has no
    public accessor for its metric. ``_Scorer._score_func`` in scikit-learn 1.6
    to 1.9.

    Parameters
    ----------
    scorer : callable
        A scorer, or any callable (then None is returned).

    Returns
    -------
    score_func : callable or None
    """
    return getattr(scorer, "_score_func", None)


def sampler_sampling_type(sampler):
    """Which kind of sampler an imbalanced-learn sampler is, or None.

    Why: imbalanced-learn marks its samplers with the private class attribute
    ``_sampling_type`` (``"over-sampling"``, ``"under-sampling"``,
    ``"clean-sampling"``, ``"ensemble"``, ``"bypass"``) and resolves
    ``sampling_strategy`` from it (``check_sampling_strategy``); it has no public
    equivalent. Same values in imbalanced-learn 0.13 and 0.14.

    Parameters
    ----------
    sampler : object
        An imbalanced-learn sampler (or any object: then None is returned).

    Returns
    -------
    sampling_type : str or None
    """
    return getattr(sampler, "_sampling_type", None)


# HoldoutThresholdClassifier overrides the private template hook
# ``_fit(self, X, y, **params)`` that ``BaseThresholdClassifier.fit`` calls after
# its checks (``TunedThresholdClassifierCV._fit``), falling back to
# ``super()._fit`` for CV; scikit-learn 1.6 to 1.9. Its override must also leave
# what the hook leaves: see :func:`set_threshold_curve_scorer`. A test checks
# the hook's signature.
def set_threshold_curve_scorer(tuned):
    """Leave on ``tuned`` the curve scorer its ``predict`` reads.

    Why: ``TunedThresholdClassifierCV._fit`` stores ``self._curve_scorer =
    self._get_curve_scorer()`` and ``predict`` reads that private attribute (for
    the positive label). An override of ``_fit`` that does not call
    ``super()._fit`` must store it as well. Both private names are the same in
    scikit-learn 1.6 to 1.9.

    Parameters
    ----------
    tuned : sklearn.model_selection.TunedThresholdClassifierCV
        The estimator being fitted; modified in place.
    """
    tuned._curve_scorer = tuned._get_curve_scorer()


def import_keras_hub():
    """The ``keras_hub`` module, or an ImportError that says which extra to install.

    Why: KerasHub is optional (the ``hub`` extra) and cannot be installed
    everywhere our core dependencies can: keras-hub 0.32 needs Python >= 3.11,
    Keras >= 3.15 and a tensorflow-text matching TensorFlow, so the oldest
    supported versions (Python 3.10, Keras 3.3) run without it.
    ``KerasHubTextClassifier`` is tested with keras-hub 0.32 (the extra's lower
    bound), whose ``TextClassifier.from_preset(preset, num_classes=...,
    activation=..., compile=False)`` and settable ``preprocessor.sequence_length``
    it uses.
    """
    try:
        import keras_hub
    except ImportError as exc:
        raise ImportError(
            "KerasHubTextClassifier needs KerasHub: pip install \"sklearn-imbal[hub]\" "
            f"(keras-hub needs Python >= 3.11 and Keras >= 3.15). The import failed with: {exc}"
        ) from exc
    return keras_hub


def adam_moments(optimizer, variable):
    """The first- and second-moment ``tf.Variable``\\ s a Keras ``Adam`` keeps for ``variable``.

    Why: :class:`~sklearn_imbal.keras.LazyAdam` updates only some rows of them,
    and Keras has no public accessor for an optimizer's slots. ``Adam.build``
    keeps them in ``_momentums`` and ``_velocities``, in the order of
    ``_get_variable_index``, in Keras 3.3 through 3.15; ``.value`` is the
    backing ``tf.Variable`` of a Keras variable on the TensorFlow backend.
    """
    index = optimizer._get_variable_index(variable)
    return optimizer._momentums[index].value, optimizer._velocities[index].value


def adagrad_accumulator(optimizer, variable):
    """The accumulator ``tf.Variable`` a Keras ``Adagrad`` keeps for ``variable``.

    Why: :class:`~sklearn_imbal.keras.SparseAdagrad` hands it to TensorFlow's
    fused Adagrad kernels, and Keras has no public accessor for an optimizer's
    slots. ``Adagrad.build`` keeps them in ``_accumulators``, in the order of
    ``_get_variable_index``, in Keras 3.3 through 3.15; ``.value`` is the backing
    ``tf.Variable``, as in :func:`adam_moments`.
    """
    return optimizer._accumulators[optimizer._get_variable_index(variable)].value


def search_fit_params(search, params):
    """The fit parameters a search's refit passes to its estimator's ``fit``.

    Why: :class:`~sklearn_imbal.search.RefitGridSearchCV` refits the best
    candidate itself and must hand it what ``GridSearchCV``'s own refit would:
    ``params`` without ``groups`` (for the splitter), or, with metadata routing
    enabled, what is routed to the estimator's ``fit``. scikit-learn computes
    both in the private ``BaseSearchCV._get_routed_params_for_fit(params)``, with
    that signature in scikit-learn 1.6 to 1.9.
    """
    return search._get_routed_params_for_fit(params).estimator.fit
