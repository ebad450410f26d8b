"""A sampler-aware pipeline that keeps ``sample_weight`` aligned with resampled rows.

imbalanced-learn's :class:`imblearn.pipeline.Pipeline` runs samplers in ``fit``
only, which is what a text pipeline needs, but it cannot hand resampled weights to
the steps after a sampler (imbalanced-learn 0.13/0.14): with metadata routing on,
a sampler that returns ``(X, y, sample_weight)`` makes it fail with "too many
values to unpack"; without routing, ``sampler__sample_weight`` is filed under
``fit`` and never reaches ``fit_resample``; and weights routed to the final step
keep their original length while the rows changed. This subclass differs in
exactly those places: every other behaviour is imbalanced-learn's.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from imblearn.pipeline import Pipeline as _ImblearnPipeline
from sklearn.base import clone
from sklearn.utils import Bunch
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_memory

from sklearn_imbal._compat import (
    _fit_transform_one,
    _name_estimators,
    _print_elapsed_time,
    _routing_enabled,
)

from sklearn_imbal.utils._state import restored_on_failure

__all__ = ["Pipeline", "make_pipeline"]

_WEIGHT = "sample_weight"


def _parent_has(method: str) -> Callable[[Any], bool]:
    """``available_if`` check: imbalanced-learn's Pipeline offers ``method`` here."""
    return lambda self: hasattr(super(Pipeline, self), method)


def _is_step(estimator: Any) -> bool:
    return estimator is not None and not (
        isinstance(estimator, str) and estimator == "passthrough"
    )


def _can_resample_weights(sampler: Any) -> bool:
    """Whether ``sampler.fit_resample`` names ``sample_weight`` in its signature.

    Our text samplers do (and return ``(X, y, sample_weight)`` when given it);
    imbalanced-learn's take ``**params`` and reject the weights.
    """
    try:
        parameters = inspect.signature(sampler.fit_resample).parameters
    except (TypeError, ValueError):  # builtins or C callables without a signature
        return False
    return _WEIGHT in parameters


def _fit_resample_with_weights(sampler, X, y, message_clsname="", message=None, params=None):
    """Fit ``sampler`` and resample; return ``(X, y, sample_weight or None, sampler)``.

    Module-level so that ``memory`` can cache it: the resampled weights are part of
    the cached result, so a cache hit restores them along with the rows.
    """
    resample_params = dict((params or {}).get("fit_resample", {}))
    with _print_elapsed_time(message_clsname, message):
        result = sampler.fit_resample(X, y, **resample_params)
    if _WEIGHT not in resample_params:
        X_res, y_res = result
        return X_res, y_res, None, sampler
    if len(result) != 3:
        raise ValueError(
            f"{type(sampler).__name__}.fit_resample received sample_weight but returned "
            f"{len(result)} values: a sampler that resamples weights returns "
            "(X_resampled, y_resampled, sample_weight_resampled), as the samplers of "
            "sklearn_imbal.sampling do. Without the resampled weights the steps after "
            "it cannot be given weights aligned with its rows."
        )
    return (*result, sampler)


def _upstream_doc(method):
    """imbalanced-learn's docstring of ``method``, for our wrapper of it.

    Its cross-reference to scikit-learn's user guide becomes plain text: our
    documentation builds offline, without scikit-learn's labels.
    """
    doc = getattr(_ImblearnPipeline, method).__doc__ or ""
    return doc.replace(":ref:`Metadata Routing User Guide <metadata_routing>`",
                       "scikit-learn's Metadata Routing User Guide")


class Pipeline(_ImblearnPipeline):
    """imbalanced-learn's Pipeline that carries resampled ``sample_weight`` onwards.

    Samplers run in ``fit`` only, as in :class:`imblearn.pipeline.Pipeline`. In
    addition, when a sampler is given ``sample_weight`` and returns
    ``(X_resampled, y_resampled, sample_weight_resampled)`` (the contract of the
    samplers in :mod:`sklearn_imbal.sampling`), the steps after it receive the
    resampled weights instead of the ones passed to ``fit``, so every weight stays
    with its row. Weights routed past a sampler that does not receive them, or
    cannot resample them (imbalanced-learn's own samplers, e.g. ``SMOTE`` or
    ``RandomOverSampler``), are an error rather than a silent misalignment.

    It works both ways scikit-learn passes metadata:

    * with ``sklearn.set_config(enable_metadata_routing=True)``: request the
      weights on the sampler (``sampler.set_fit_resample_request(sample_weight=True)``)
      and on every later step that uses them (``clf.set_fit_request(sample_weight=True)``),
      then pass ``sample_weight=w`` to ``fit``, directly or through
      ``GridSearchCV`` / ``TunedThresholdClassifierCV``;
    * without routing (the default): ``fit(X, y, sampler__sample_weight=w,
      clf__sample_weight=w)``. imbalanced-learn's Pipeline silently drops
      ``sampler__sample_weight``; here it reaches the sampler's ``fit_resample``.

    Parameters
    ----------
    steps : list of tuple
        ``(name, estimator)`` pairs: transformers or samplers, then a final
        estimator; any step can be ``"passthrough"``.
    transform_input : list of str, default=None
        Names of ``fit`` metadata to transform with the steps before the one that
        consumes it (requires metadata routing), as in imbalanced-learn.
    memory : None, str or object with the joblib.Memory interface, default=None
        Caches fitted transformers and samplers (the resampled weights included).
    verbose : bool, default=False
        Print the time each step takes to fit.

    Attributes
    ----------
    named_steps : :class:`~sklearn.utils.Bunch`
        The steps by name.
    classes_ : ndarray of shape (n_classes,)
        The class labels, when the final step is a classifier.

    See Also
    --------
    make_pipeline : Build a Pipeline without naming the steps.
    imblearn.pipeline.Pipeline : The pipeline this one extends.

    Notes
    -----
    Only ``sample_weight`` is realigned. Other per-sample metadata routed to a step
    after a sampler (``groups``, say) still has the rows' original order and
    length.

    Examples
    --------
    >>> import numpy as np
    >>> import sklearn
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.pipeline import Pipeline
    >>> from sklearn_imbal.sampling import TextRandomOverSampler
    >>> texts = ["win cash", "lunch?", "see you", "ok thanks", "free prize", "home soon"]
    >>> labels = [1, 0, 0, 0, 1, 0]
    >>> weights = np.array([1.0, 1.0, 1.0, 1.0, 3.0, 1.0])
    >>> pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
    ...                  ("tfidf", TfidfVectorizer()),
    ...                  ("clf", LogisticRegression())])
    >>> _ = pipe.fit(texts, labels, sampler__sample_weight=weights,
    ...              clf__sample_weight=weights)
    >>> sampler = pipe.named_steps["sampler"]
    >>> len(sampler.sample_indices_)  # 4 ham + 4 spam texts
    8
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     pipe = Pipeline([
    ...         ("sampler", TextRandomOverSampler(random_state=0)
    ...                     .set_fit_resample_request(sample_weight=True)),
    ...         ("tfidf", TfidfVectorizer()),
    ...         ("clf", LogisticRegression().set_fit_request(sample_weight=True)),
    ...     ]).fit(texts, labels, sample_weight=weights)
    >>> pipe.predict(["free cash prize"])
    array([1])
    """

    steps: list[tuple[str, Any]]

    def _check_method_params(self, method, props, **kwargs):
        routed = super()._check_method_params(method, props, **kwargs)
        if _routing_enabled():
            return routed
        # Without routing, imbalanced-learn files ``step__param`` under ``fit``
        # (and fit_transform/fit_predict) but calls a sampler's fit_resample with
        # the ``fit_resample`` entry, which stays empty: the weights vanished.
        for name, step in self.steps:
            if name in routed and hasattr(step, "fit_resample"):
                routed[name]["fit_resample"] = {
                    **routed[name]["fit"], **routed[name].get("fit_resample", {})
                }
        return routed

    def _check_weights_reach_samplers(self, routed_params: Mapping) -> None:
        """Fail before fitting anything if weights would bypass a sampler."""
        steps = [(name, step) for name, step in self.steps if _is_step(step)]
        for position, (name, step) in enumerate(steps[:-1]):
            if not hasattr(step, "fit_resample"):
                continue
            later = [
                later_name for later_name, _ in steps[position + 1:]
                if any(_WEIGHT in params for params in routed_params[later_name].values())
            ]
            if not later or _WEIGHT in routed_params[name].get("fit_resample", {}):
                continue
            routed_to = ", ".join(repr(later_name) for later_name in later)
            problem = (
                f"sample_weight is passed to step(s) {routed_to}, which come after the "
                f"sampler {name!r} ({type(step).__name__}); the sampler changes the rows, "
                "so these weights would no longer match them."
            )
            if not _can_resample_weights(step):
                raise ValueError(
                    f"{problem} {type(step).__name__} cannot resample sample_weight. Use a "
                    "sampler that does (those of sklearn_imbal.sampling return the "
                    "weights of the rows they keep, duplicate or generate), weight the "
                    "classes in the model instead (class_weight), or stop passing "
                    "sample_weight to the steps after the sampler."
                )
            how = (
                f"{name}.set_fit_resample_request(sample_weight=True)" if _routing_enabled()
                else f"pass {name}__sample_weight to fit as well"
            )
            raise ValueError(
                f"{problem} {type(step).__name__} resamples weights when it is given them: "
                f"{how}, and the later steps receive the resampled weights."
            )

    @staticmethod
    def _with_weights(step_params: Mapping, weights: Any) -> Bunch:
        """``step_params`` with every routed ``sample_weight`` replaced by ``weights``."""
        return Bunch(**{
            method: Bunch(**{**params, _WEIGHT: weights}) if _WEIGHT in params else params
            for method, params in step_params.items()
        })

    # ----------------------------------------------- a failed fit changes nothing
    def _restored_on_failure(self):
        """The pipeline and its steps as they were, if the block raises.

        The steps are fitted in place (they are not cloned without ``memory``),
        so each step's state is kept too, not only the pipeline's.
        """
        return restored_on_failure(self, *(step for _, step in self.steps
                                           if hasattr(step, "__dict__")))

    def fit(self, X: Any, y: Any = None, **params: Any) -> Pipeline:
        with self._restored_on_failure():
            return super().fit(X, y, **params)

    @available_if(_parent_has("fit_transform"))
    def fit_transform(self, X: Any, y: Any = None, **params: Any) -> Any:
        with self._restored_on_failure():
            return super().fit_transform(X, y, **params)

    @available_if(_parent_has("fit_resample"))
    def fit_resample(self, X: Any, y: Any = None, **params: Any) -> Any:
        with self._restored_on_failure():
            return super().fit_resample(X, y, **params)

    @available_if(_parent_has("fit_predict"))
    def fit_predict(self, X: Any, y: Any = None, **params: Any) -> Any:
        with self._restored_on_failure():
            return super().fit_predict(X, y, **params)

    fit.__doc__ = _upstream_doc("fit")
    fit_transform.__doc__ = _upstream_doc("fit_transform")
    fit_resample.__doc__ = _upstream_doc("fit_resample")
    fit_predict.__doc__ = _upstream_doc("fit_predict")

    def _fit(self, X, y=None, routed_params=None, raw_params=None):
        # imbalanced-learn's loop, except that a sampler may return weights: the
        # routed ``sample_weight`` of every later step is then replaced by them.
        self.steps = list(self.steps)
        self._validate_steps()
        self._check_weights_reach_samplers(routed_params)
        memory = check_memory(self.memory)
        # As in imbalanced-learn: steps are cloned only when they are cached.
        cloning = getattr(memory, "location", None) is not None
        fit_transform = memory.cache(_fit_transform_one)
        fit_resample = memory.cache(_fit_resample_with_weights)

        for step_idx, name, step in self._iter(
            with_final=False, filter_passthrough=False, filter_resample=False
        ):
            if not _is_step(step):
                with _print_elapsed_time("Pipeline", self._log_message(step_idx)):
                    continue
            step = clone(step) if cloning else step
            if hasattr(step, "transform") or hasattr(step, "fit_transform"):
                params = self._get_metadata_for_step(
                    step_idx=step_idx, step_params=routed_params[name], all_params=raw_params
                )
                X, fitted = fit_transform(
                    step, X, y, weight=None, message_clsname="Pipeline",
                    message=self._log_message(step_idx), params=params,
                )
            else:
                X, y, weights, fitted = fit_resample(
                    step, X, y, message_clsname="Pipeline",
                    message=self._log_message(step_idx), params=routed_params[name],
                )
                if weights is not None:
                    for later_name, later in self.steps[step_idx + 1:]:
                        if _is_step(later):
                            routed_params[later_name] = self._with_weights(
                                routed_params[later_name], weights
                            )
            self.steps[step_idx] = (name, fitted)
        return X, y


def make_pipeline(
    *steps: Any,
    memory: Any = None,
    transform_input: list[str] | None = None,
    verbose: bool = False,
) -> Pipeline:
    """Build a :class:`Pipeline` from estimators, naming each step after its class.

    Parameters
    ----------
    *steps : estimators
        Transformers or samplers, then a final estimator.
    memory : None, str or object with the joblib.Memory interface, default=None
        Caches fitted transformers and samplers.
    transform_input : list of str, default=None
        ``fit`` metadata to transform with the earlier steps (metadata routing only).
    verbose : bool, default=False
        Print the time each step takes to fit.

    Returns
    -------
    pipeline : Pipeline
        The pipeline; step names are the lower-cased class names.

    See Also
    --------
    Pipeline : The pipeline class, with named steps.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.pipeline import make_pipeline
    >>> from sklearn_imbal.sampling import TextRandomUnderSampler
    >>> pipe = make_pipeline(TextRandomUnderSampler(), TfidfVectorizer(), LogisticRegression())
    >>> [name for name, _ in pipe.steps]
    ['textrandomundersampler', 'tfidfvectorizer', 'logisticregression']
    """
    return Pipeline(
        _name_estimators(steps), memory=memory, transform_input=transform_input,
        verbose=verbose,
    )
