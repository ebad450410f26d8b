"""Decision thresholds and prior shift: post-processing of a classifier's probabilities.

What scikit-learn files under ``sklearn.model_selection`` (threshold tuning)
and ``sklearn.calibration`` (probabilities fixed after the fit), for
imbalanced data, in one module:

:class:`HoldoutThresholdClassifier`
    ``TunedThresholdClassifierCV`` with a cheap default: one stratified holdout
    and ``refit=False``, where the model whose threshold is tuned is the model
    that predicts. One fit in total instead of ``cv + 1``, and no split
    mismatch (scikit-learn issue #33540). The sweep is scikit-learn's.
:class:`PriorCorrectedClassifier`
    Probabilities corrected for the class prior a sampler (or class weights)
    made the model learn, back to the prior of the real data.

This module does not import TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedShuffleSplit, TunedThresholdClassifierCV
from sklearn.utils import get_tags
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.validation import check_is_fitted

from sklearn_imbal._compat import (
    HasMethods,
    StrOptions,
    _fit_context,
    _safe_indexing,
    sampler_sampling_type,
    scorer_response_method,
    set_threshold_curve_scorer,
)
from sklearn_imbal.utils._state import keeps_state_on_failure
from sklearn_imbal.utils._tags import copy_input_tags
from sklearn_imbal.utils.validation import check_classification_target, check_text_array

if TYPE_CHECKING:
    from sklearn_imbal._typing import Estimator, Labels, RandomState

__all__ = [
    "HoldoutThresholdClassifier",
    "PriorCorrectedClassifier",
    "check_threshold_scoring",
]


def _take_params(params, indices, n_samples):
    """Index the per-sample entries of routed ``params`` (others pass as they are)."""
    taken = {}
    for key, value in params.items():
        if hasattr(value, "__len__") and not isinstance(value, str) and len(value) == n_samples:
            value = _safe_indexing(value, indices)
        taken[key] = value
    return taken


def check_threshold_scoring(scoring: Any, *, name: str = "scoring") -> Any:
    """Refuse a threshold objective that a threshold cannot change.

    ``TunedThresholdClassifierCV`` scores hard predictions at each threshold.
    Ranking and probability metrics (``"roc_auc"``, ``"average_precision"``,
    ``"neg_log_loss"``...) are defined on scores, not on hard predictions: on
    0/1 predictions ``"roc_auc"`` silently becomes balanced accuracy.
    scikit-learn accepts them; we raise.

    Parameters
    ----------
    scoring : str or callable
        The threshold objective.
    name : str, default="scoring"
        The parameter name used in the error message.

    Returns
    -------
    scoring : str or callable
        ``scoring``, unchanged.

    Raises
    ------
    ValueError
        If ``scoring`` is a scorer of continuous predictions.
    """
    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    method = scorer_response_method(scorer)
    if method != "predict":
        shown = scoring if isinstance(scoring, str) else repr(scoring)
        raise ValueError(
            f"{name}={shown!r} cannot be a threshold objective: it scores the model's "
            f"continuous output ({method}), which no decision threshold changes, so "
            "tuning a threshold for it is meaningless (on hard predictions 'roc_auc' "
            "degrades to balanced accuracy). Select models by it instead (the "
            "search's scoring=) and tune the threshold for a decision metric: 'f1', "
            "'balanced_accuracy', or a sklearn_imbal.metrics scorer such as "
            "recall_at_precision(0.9) or cost(fp=1, fn=10)."
        )
    return scoring


class HoldoutThresholdClassifier(TunedThresholdClassifierCV):
    """Tune the decision threshold on a stratified holdout: one model fit in total.

    A thin subclass of :class:`sklearn.model_selection.TunedThresholdClassifierCV`
    with the same parameters, the same threshold sweep and the same fitted
    attributes; only its defaults and one code path differ. With ``cv`` a
    float (the holdout share) or a splitter with a single split, and
    ``refit=False`` (the defaults), ``fit``:

    1. draws the stratified split **once**;
    2. fits the estimator on the training part only; the holdout never reaches
       its ``fit`` (no sampler resamples it, no vocabulary is adapted on it);
    3. runs scikit-learn's sweep (``TunedThresholdClassifierCV(cv="prefit")``)
       of that very fitted estimator on the holdout;
    4. keeps that estimator as ``estimator_``.

    So the threshold is tuned for the model that predicts, on data it was not
    trained on, at the price of one fit. ``TunedThresholdClassifierCV`` with
    ``cv=5`` costs 6 fits, with ``cv=0.2`` 2 fits, and with ``cv=0.2,
    refit=False`` also 2 fits, which with ``random_state=None`` may be made on
    different splits, so the tuned threshold may belong to another model than
    ``estimator_`` (scikit-learn issue #33540). The price of the cheap mode is
    that the final model is trained on ``1 - cv`` of the data.

    Any other configuration (several folds, ``refit=True``, ``cv="prefit"``)
    is scikit-learn's behaviour unchanged. Two checks are added to ``fit``: a
    target with more than two classes, and a threshold objective that no
    threshold can change (``"roc_auc"``...), are clear errors.

    Parameters
    ----------
    estimator : estimator instance
        The binary classifier (or pipeline) whose threshold is tuned.
    scoring : str or callable, default="f1"
        The objective maximized over thresholds: a scikit-learn scorer name for
        binary classification or a scorer, e.g. from :mod:`sklearn_imbal.metrics`.
    response_method : {"auto", "decision_function", "predict_proba"}, default="auto"
        The estimator's method whose output is thresholded.
    thresholds : int or array-like, default=100
        The number of thresholds tried, or the thresholds themselves.
    cv : float, int, cross-validation generator, iterable or "prefit", default=0.2
        A float is the share of the data held out, in a stratified split.
        Otherwise as in ``TunedThresholdClassifierCV``.
    refit : bool, default=False
        False keeps the model fitted on the training part (one fit); True refits
        it on all the data after tuning (two fits).
    n_jobs : int, default=None
        Parallel jobs over several folds (unused by the one-fit path).
    random_state : int, RandomState instance or None, default=None
        Seeds the holdout split.
    store_cv_results : bool, default=False
        Whether to keep the thresholds and scores of the sweep in ``cv_results_``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier that predicts.
    best_threshold_ : float
        The tuned decision threshold.
    best_score_ : float
        The objective at ``best_threshold_`` on the holdout.
    cv_results_ : dict
        With ``store_cv_results=True``: ``"thresholds"`` and ``"scores"``.
    train_indices_ : ndarray
        With the one-fit path: the rows of X that ``estimator_`` was fitted on.
    holdout_indices_ : ndarray
        With the one-fit path: the rows the threshold was tuned on; disjoint
        from ``train_indices_``.
    classes_ : ndarray of shape (2,)
        The class labels.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : The parent class.
    sklearn_imbal.make_text_search : Builds a search around this class.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.threshold import HoldoutThresholdClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> tuned = HoldoutThresholdClassifier(LogisticRegression(), random_state=0).fit(X, y)
    >>> len(tuned.train_indices_), len(tuned.holdout_indices_)
    (400, 100)
    >>> bool(0 < tuned.best_threshold_ < 1)
    True
    """

    def __init__(
        self,
        estimator: Estimator,
        *,
        scoring: Any = "f1",
        response_method: str = "auto",
        thresholds: Any = 100,
        cv: Any = 0.2,
        refit: bool = False,
        n_jobs: int | None = None,
        random_state: RandomState = None,
        store_cv_results: bool = False,
    ) -> None:
        super().__init__(
            estimator,
            scoring=scoring,
            response_method=response_method,
            thresholds=thresholds,
            cv=cv,
            refit=refit,
            n_jobs=n_jobs,
            random_state=random_state,
            store_cv_results=store_cv_results,
        )

    def __sklearn_tags__(self):
        # Raw text in when the estimator takes raw text.
        return copy_input_tags(super().__sklearn_tags__(), self.estimator)

    @keeps_state_on_failure
    def fit(self, X: Any, y: Labels, **params: Any) -> HoldoutThresholdClassifier:
        """Fit the estimator and tune its decision threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data, as the estimator takes it (raw texts for a text
            pipeline).
        y : array-like of shape (n_samples,)
            Binary labels.
        **params : dict
            Routed to the estimator's ``fit``, the scorer and the splitter
            (metadata routing must be enabled).

        Returns
        -------
        self : object
        """
        check_classification_target(
            y,
            binary_only=True,
            owner=type(self).__name__,
            binary_reason="tunes the decision threshold of a binary classifier",
            binary_hint=(
                "A threshold does not apply to multiclass problems: drop the threshold "
                "step (with make_text_search, threshold_scoring=None) and select by a "
                "multiclass score such as 'f1_macro'."
            ),
        )
        check_threshold_scoring(self.scoring)
        inputs = get_tags(self).input_tags
        if inputs.string and not inputs.two_d_array:  # raw text only
            # Before the split reorders the rows: errors name the user's index.
            check_text_array(X)
        return super().fit(X, y, **params)

    def _single_split(self, y):
        if self.refit or isinstance(self.cv, str):
            return None
        if isinstance(self.cv, float) and 0 < self.cv < 1:
            return StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        if hasattr(self.cv, "split") and self.cv.get_n_splits() == 1:
            return self.cv
        return None

    # The template hook TunedThresholdClassifierCV.fit calls (private; see _compat).
    def _fit(self, X, y, **params):
        splitter = self._single_split(y)
        if splitter is None:
            return super()._fit(X, y, **params)
        routed = process_routing(self, "fit", **params)
        n_samples = np.asarray(y).shape[0]
        # Drawn once and used for both the fit and the sweep: calling split()
        # again could draw another split (scikit-learn issue #33540).
        train, holdout = next(iter(splitter.split(X, y, **routed.splitter.split)))
        self.estimator_ = clone(self.estimator).fit(
            _safe_indexing(X, train), _safe_indexing(y, train),
            **_take_params(routed.estimator.fit, train, n_samples),
        )
        # scikit-learn's own sweep, on the fitted model and the holdout only.
        sweep = TunedThresholdClassifierCV(
            self.estimator_,
            scoring=self.scoring,
            response_method=self.response_method,
            thresholds=self.thresholds,
            cv="prefit",
            refit=False,
            store_cv_results=self.store_cv_results,
        ).fit(
            _safe_indexing(X, holdout), _safe_indexing(y, holdout),
            **_take_params(routed.scorer.score, holdout, n_samples),
        )
        set_threshold_curve_scorer(self)
        self.best_threshold_ = sweep.best_threshold_
        self.best_score_ = sweep.best_score_
        if self.store_cv_results:
            self.cv_results_ = sweep.cv_results_
        self.train_indices_ = np.asarray(train)
        self.holdout_indices_ = np.asarray(holdout)
        return self


# ------------------------------------------------------------------ prior correction
def _final_step(estimator):
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def _resampled_counts(estimator, classes, counts):
    """Class counts after the fitted sampler steps of an (imblearn) pipeline."""
    counts = counts.astype(np.float64)
    index = {label: i for i, label in enumerate(classes.tolist())}
    for name, step in getattr(estimator, "steps", [])[:-1]:
        if not hasattr(step, "fit_resample"):
            continue
        kind = sampler_sampling_type(step)
        strategy = getattr(step, "sampling_strategy_", None)
        if kind in ("over-sampling", "under-sampling") and isinstance(strategy, dict):
            for label, number in strategy.items():
                position = index[label.item() if hasattr(label, "item") else label]
                if kind == "over-sampling":
                    counts[position] += number
                else:
                    counts[position] = number
            continue
        raise ValueError(
            f"Cannot infer the class prior the sampler step {name!r} "
            f"({type(step).__name__}) produced: only over- and under-samplers that "
            "record their sampling_strategy_ are understood. Pass trained_prior= "
            "explicitly (the class shares the classifier was trained on)."
        )
    return counts


def _weighted_counts(final, classes, counts):
    """Per-class totals of the class weights the final classifier applies."""
    class_weight = getattr(final, "class_weight", None)
    if class_weight is None or not np.all(counts == np.round(counts)):
        return counts
    y = np.repeat(classes, counts.astype(np.int64))
    if hasattr(final, "_class_sample_weight"):  # sklearn_imbal classifiers
        weights = final._class_sample_weight(y)
    else:
        weights = compute_sample_weight(class_weight, y)
    return np.array([weights[y == label].sum() for label in classes])


class PriorCorrectedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Probabilities corrected for the class prior the model was trained under.

    A sampler that over-samples the minority class to 1:1, or
    ``class_weight="balanced"``, trains a model for a world where the classes
    are equally frequent: its probabilities overestimate the minority class on
    real data. Bayes' rule undoes this (Elkan 2001; Saerens, Latinne and
    Decaestecker 2002): with ``pi`` the prior the model was trained under and
    ``pi'`` the real one, each class probability is multiplied by
    ``pi'_k / pi_k`` and the row renormalized. For two classes that is

    ``p' = r p / (r p + (1 - p))``, with ``r = (pi'_1 / pi_1) / (pi'_0 / pi_0)``.

    The correction is monotonic: rankings, hence ROC AUC and average
    precision, do not change, but probabilities become calibrated for the real
    prior (lower log loss and Brier score), and ``predict``'s 0.5 cut is the
    Bayes decision again.

    Parameters
    ----------
    estimator : classifier or pipeline
        The classifier, typically an imbalanced-learn ``Pipeline`` with a
        sampler step before the classifier. Cloned and fitted in ``fit``.
    trained_prior : "auto" or array-like of shape (n_classes,), default="auto"
        The class prior the model learned. ``"auto"`` derives it from ``y``,
        the fitted sampler steps (imbalanced-learn over- and under-samplers,
        from their ``sampling_strategy_``) and the final step's ``class_weight``.
        An array gives it directly (it is normalized to sum to 1).
    target_prior : "fit" or array-like of shape (n_classes,), default="fit"
        The prior to correct to: ``"fit"`` uses the class shares of the ``y``
        given to ``fit`` (the real training data); an array gives a known
        deployment prior.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted estimator.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    trained_prior_ : ndarray of shape (n_classes,)
        The prior the model was trained under.
    target_prior_ : ndarray of shape (n_classes,)
        The prior the probabilities are corrected to.

    See Also
    --------
    sklearn.calibration.CalibratedClassifierCV : Learns a calibration map on
        held-out data instead of computing it from the priors.

    Examples
    --------
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.threshold import PriorCorrectedClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> pipe = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    >>> model = PriorCorrectedClassifier(pipe).fit(X, y)
    >>> model.trained_prior_, model.target_prior_.round(3)
    (array([0.5, 0.5]), array([0.898, 0.102]))
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "trained_prior": [StrOptions({"auto"}), "array-like"],
        "target_prior": [StrOptions({"fit"}), "array-like"],
    }

    def __init__(self, estimator: Estimator, *, trained_prior: Any = "auto",
                 target_prior: Any = "fit") -> None:
        self.estimator = estimator
        self.trained_prior = trained_prior
        self.target_prior = target_prior

    def __sklearn_tags__(self):
        tags = copy_input_tags(super().__sklearn_tags__(), self.estimator)
        inner = get_tags(self.estimator)
        tags.classifier_tags.multi_class = inner.classifier_tags is None or (
            inner.classifier_tags.multi_class
        )
        return tags

    @property
    def classes_(self):
        """The class labels, from the fitted estimator."""
        return self.estimator_.classes_

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Labels, **fit_params: Any) -> PriorCorrectedClassifier:
        """Fit the estimator and work out the two priors.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data, as the estimator takes it.
        y : array-like of shape (n_samples,)
            Class labels.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : object
        """
        y = check_classification_target(y, owner=type(self).__name__)
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        classes = np.asarray(self.estimator_.classes_)
        counts = np.array([np.sum(y == label) for label in classes], dtype=np.float64)
        self.target_prior_ = self._check_prior(self.target_prior, "target_prior", counts)
        if isinstance(self.trained_prior, str):
            trained = _resampled_counts(self.estimator_, classes, counts)
            trained = _weighted_counts(_final_step(self.estimator_), classes, trained)
        else:
            trained = self.trained_prior
        self.trained_prior_ = self._check_prior(trained, "trained_prior", counts)
        return self

    def _check_prior(self, prior, name, counts):
        if isinstance(prior, str):  # "fit"
            prior = counts
        prior = np.asarray(prior, dtype=np.float64)
        if prior.shape != counts.shape or not np.all(np.isfinite(prior)) or np.any(prior <= 0):
            raise ValueError(
                f"{name} must hold one positive number per class ({counts.shape[0]} "
                f"classes {self.classes_.tolist()[:10]}); got {prior.tolist()}."
            )
        return prior / prior.sum()

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities corrected to ``target_prior_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        corrected = proba * (self.target_prior_ / self.trained_prior_)
        return corrected / corrected.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class under the corrected probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "estimator_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
