"""PriorCorrectedClassifier: probabilities corrected for a prior shift (re-exported
by :mod:`sklearn_imbal.threshold`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from sklearn_imbal._compat import HasMethods, StrOptions, _fit_context, sampler_sampling_type
from sklearn_imbal.utils._state import keeps_state_on_failure
from sklearn_imbal.utils._tags import copy_input_tags
from sklearn_imbal.utils.validation import check_classification_target

if TYPE_CHECKING:
    from sklearn_imbal._typing import Estimator, Labels

__all__ = ["PriorCorrectedClassifier"]


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
