"""Decision thresholds and prior shift: helpers around scikit-learn's threshold tuning.

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
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedShuffleSplit, TunedThresholdClassifierCV
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import process_routing

from sklearn_imbal._compat import (
    _safe_indexing,
    scorer_response_method,
    set_threshold_curve_scorer,
)
from sklearn_imbal._prior import PriorCorrectedClassifier
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
