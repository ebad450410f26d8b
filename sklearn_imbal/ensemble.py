"""Ensembles as one estimator: averaged member probabilities, one tuned threshold.

Built from scikit-learn's pieces, not a rewrite:

:func:`make_text_ensemble`
    ``HoldoutThresholdClassifier(VotingClassifier(members, voting="soft"),
    cv=StratifiedKFold(threshold_cv), refit=True)``: the members' probabilities
    are averaged by scikit-learn's ``VotingClassifier`` (which takes raw text:
    it hands X to each member as it is), the decision threshold is tuned by
    ``TunedThresholdClassifierCV`` on the out-of-fold scores of the averaged
    ensemble, and every member is then refitted on all of the data. The members
    are given as estimators, taken from a fitted search (its best ``k``
    candidates) or repeated with several seeds.
:class:`SearchEnsembleClassifier`
    What ``make_text_search(ensemble=k)`` returns: a search and the ensemble of
    its best ``k`` candidates, fitted one after the other by one ``fit``.

This module does not import TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.utils.validation import check_is_fitted

from sklearn_imbal._compat import HasMethods, Interval, _fit_context, validate_params
from sklearn_imbal.threshold import HoldoutThresholdClassifier, check_threshold_scoring
from sklearn_imbal.utils._state import keeps_state_on_failure
from sklearn_imbal.utils._tags import copy_input_tags

if TYPE_CHECKING:
    from sklearn_imbal._typing import Labels

__all__ = ["SearchEnsembleClassifier", "make_text_ensemble"]


def _readable_name(estimator):
    """``"kerastextclassifier"`` for a classifier or a pipeline ending in one."""
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    return type(final).__name__.lower()


def _named_members(members):
    """``[(name, estimator), ...]``: given names kept, others made readable and unique."""
    if len(members) == 0:
        raise ValueError("members must hold at least one estimator; got an empty list.")
    pairs = []
    for index, member in enumerate(members):
        if isinstance(member, tuple) and len(member) == 2 and isinstance(member[0], str):
            name, estimator = member
        else:
            name, estimator = None, member
        if not hasattr(estimator, "fit"):
            raise TypeError(
                f"members[{index}] must be an estimator or a (name, estimator) pair; "
                f"got {type(estimator).__name__}: {estimator!r:.80}."
            )
        if not hasattr(estimator, "predict_proba"):
            raise ValueError(
                f"members[{index}] ({type(estimator).__name__}) has no predict_proba: "
                "the ensemble averages probabilities. Wrap a margin model in "
                "sklearn.calibration.CalibratedClassifierCV first."
            )
        pairs.append((name, estimator))
    given = [name for name, _ in pairs if name is not None]
    if len(set(given)) < len(given):
        raise ValueError(f"members' names must be unique; got {given}.")
    unnamed = [_readable_name(estimator) for name, estimator in pairs if name is None]
    counts = {base: unnamed.count(base) for base in unnamed}
    taken: set[str] = set(given)
    numbered: dict[str, int] = {}
    named = []
    for name, estimator in pairs:
        if name is None:
            base = _readable_name(estimator)
            name = base
            if counts[base] > 1 or base in taken:
                numbered[base] = numbered.get(base, 0) + 1
                name = f"{base}-{numbered[base]}"
                while name in taken:
                    numbered[base] += 1
                    name = f"{base}-{numbered[base]}"
            taken.add(name)
        named.append((name, estimator))
    return named


def _rank_key(search):
    results = search.cv_results_
    if "rank_test_score" in results:
        return "rank_test_score"
    if isinstance(search.refit, str) and f"rank_test_{search.refit}" in results:
        return f"rank_test_{search.refit}"
    raise ValueError(
        "search was fitted with several scorers and refit="
        f"{search.refit!r}: which one ranks the candidates is unknown. Refit it with "
        "refit='<scorer name>'."
    )


def _search_members(search, k):
    """The search's ``k`` best candidates, each a fresh unfitted estimator."""
    if not hasattr(search, "estimator"):
        raise TypeError(
            "search must be a fitted GridSearchCV or RandomizedSearchCV (for example "
            f"from make_text_search); got {type(search).__name__}."
        )
    try:
        check_is_fitted(search, "cv_results_")
    except NotFittedError:
        raise NotFittedError(
            f"search ({type(search).__name__}) is not fitted: make_text_ensemble takes "
            "the best candidates of a fitted search; call search.fit(X, y) first, or "
            "use make_text_search(ensemble=k), which fits both."
        ) from None
    ranks = np.asarray(search.cv_results_[_rank_key(search)])
    if k > len(ranks):
        raise ValueError(
            f"k={k} is more than the {len(ranks)} candidates the search tried; give "
            f"k <= {len(ranks)}."
        )
    base = search.estimator
    threshold_step = isinstance(base, TunedThresholdClassifierCV)
    if threshold_step:
        # The threshold is tuned again for the ensemble as a whole: a member is
        # the estimator inside the search's threshold step.
        base = base.estimator
    members = []
    for index in np.argsort(ranks, kind="stable")[:k]:  # ties: candidate order
        params = search.cv_results_["params"][index]
        if threshold_step:
            params = {key[len("estimator__"):]: value for key, value in params.items()
                      if key.startswith("estimator__")}
        member = clone(clone(base).set_params(**params))
        members.append((f"candidate{index}", member))
    return members


def _seeded_members(name, estimator, seeds):
    """``estimator`` once per seed, every ``*random_state`` parameter set to the seed."""
    seeds = list(seeds)
    if len(seeds) == 0 or not all(isinstance(seed, Integral) and not isinstance(seed, bool)
                                  for seed in seeds):
        raise ValueError(f"seeds must be a non-empty sequence of ints; got {seeds!r}.")
    if len(set(seeds)) < len(seeds):
        raise ValueError(f"seeds must be distinct (equal seeds give equal members); "
                         f"got {seeds!r}.")
    keys = [key for key in estimator.get_params(deep=True) if key.endswith("random_state")]
    if not keys:
        raise ValueError(
            f"seeds= needs a member with a random_state parameter; {name} "
            f"({type(estimator).__name__}) has none, so every seed would give the same "
            "member."
        )
    return [(f"{name}_seed{seed}", clone(estimator).set_params(**dict.fromkeys(keys, seed)))
            for seed in seeds]


@validate_params(
    {
        "members": [list, tuple, None],
        "search": [HasMethods(["fit"]), None],
        "k": [Interval(Integral, 1, None, closed="left")],
        "seeds": ["array-like", None],
        "threshold_scoring": [str, callable],
        "threshold_cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def make_text_ensemble(
    members: Sequence[Any] | None = None,
    *,
    search: Any = None,
    k: int = 3,
    seeds: Sequence[int] | None = None,
    threshold_scoring: Any = "f1",
    threshold_cv: int = 5,
    random_state: int | None = 0,
    n_jobs: int | None = None,
) -> HoldoutThresholdClassifier:
    """An unfitted ensemble: averaged member probabilities and one tuned threshold.

    Builds, without fitting anything::

        HoldoutThresholdClassifier(                       # threshold for threshold_scoring
            VotingClassifier(members, voting="soft"),     # the mean of the probabilities
            cv=StratifiedKFold(threshold_cv, shuffle=True), refit=True,
        )

    ``fit(X, y)`` fits every member on each of the ``threshold_cv`` training
    folds, tunes the threshold on the averaged out-of-fold probabilities, then
    refits every member on all of the data: ``len(members) x (threshold_cv +
    1)`` member fits. ``predict_proba`` is the mean of the members'
    probabilities (through each member's own prediction path: the Keras
    classifiers' fast path for small batches), and ``predict`` compares its
    positive column with ``best_threshold_``. The members sit in
    ``ensemble.estimator_.estimators_`` once fitted.

    Parameters
    ----------
    members : list of estimators or of (name, estimator) pairs, default=None
        The members, each an unfitted classifier with ``predict_proba`` (a
        pipeline ending in one, such as a search's candidate). Names not given
        are the final step's lowercase class name, numbered where repeated
        (``"kerastextclassifier-1"``...). Give either ``members`` or ``search``.
    search : fitted GridSearchCV or RandomizedSearchCV, default=None
        A fitted search, typically from :func:`~sklearn_imbal.make_text_search`:
        the members are its ``k`` best candidates by ``rank_test_score`` (ties
        in candidate order), named ``"candidate<index in cv_results_>"``. When
        the search's estimator is a threshold step (``TunedThresholdClassifierCV``
        or :class:`~sklearn_imbal.threshold.HoldoutThresholdClassifier`, as
        ``make_text_search`` builds by default), a member is the estimator
        inside it with the candidate's ``estimator__*`` parameters (the
        candidate's threshold is not kept: the ensemble tunes its own);
        otherwise the search's estimator with the candidate's parameters.
    k : int, default=3
        How many of the search's best candidates; used with ``search`` only.
    seeds : sequence of int, default=None
        With exactly one member (one in ``members``, or ``search`` with
        ``k=1``): that member once per seed, each with every ``random_state``
        parameter it has (``get_params(deep=True)`` names ending in
        ``random_state``: the sampler's, the classifier's) set to the seed, and
        named ``"<name>_seed<seed>"``.
    threshold_scoring : str or callable, default="f1"
        The objective the decision threshold is tuned for, as in
        :func:`~sklearn_imbal.make_text_search`; ranking metrics (``"roc_auc"``...)
        are refused.
    threshold_cv : int, default=5
        The stratified, shuffled folds whose out-of-fold ensemble
        probabilities tune the threshold.
    random_state : int or None, default=0
        Seeds the threshold folds.
    n_jobs : int or None, default=None
        Members fitted at once (``VotingClassifier(n_jobs=...)``), in each fold
        and in the refit.

    Returns
    -------
    ensemble : HoldoutThresholdClassifier
        Unfitted; scikit-learn's ``TunedThresholdClassifierCV`` (with
        ``refit=True``) over a ``VotingClassifier(voting="soft")``. Its
        parameters are the usual nested ones
        (``estimator__<member name>__clf__epochs``...), so ``clone``,
        ``set_params``, pickling and :func:`~sklearn_imbal.save_model` work as
        for any scikit-learn estimator.

    Raises
    ------
    ValueError
        If both or neither of ``members`` and ``search`` are given, ``k`` is
        given without ``search`` or is larger than the number of candidates,
        ``seeds`` is given with more than one member or is not distinct ints, a
        member has no ``predict_proba``, or ``threshold_scoring`` is a ranking
        metric. Fitting on a target of more than two classes raises too.
    sklearn.exceptions.NotFittedError
        If ``search`` is not fitted.

    See Also
    --------
    SearchEnsembleClassifier : A search and the ensemble of its best candidates
        in one estimator (``make_text_search(ensemble=k)``).
    sklearn.ensemble.VotingClassifier : The averaging.
    sklearn_imbal.threshold.HoldoutThresholdClassifier : The threshold step.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.ensemble import make_text_ensemble
    >>> ensemble = make_text_ensemble([LogisticRegression()], seeds=[0, 1])
    >>> [name for name, _ in ensemble.estimator.estimators]
    ['logisticregression_seed0', 'logisticregression_seed1']
    >>> ensemble.estimator.voting, ensemble.cv.get_n_splits(), ensemble.refit
    ('soft', 5, True)
    >>> make_text_ensemble([LogisticRegression()], threshold_scoring="roc_auc")
    Traceback (most recent call last):
        ...
    ValueError: threshold_scoring='roc_auc' cannot be a threshold objective: ...
    """
    check_threshold_scoring(threshold_scoring, name="threshold_scoring")
    if (members is None) == (search is None):
        raise ValueError(
            "Give exactly one of members= (a list of estimators) and search= (a "
            "fitted search); got " + ("both." if members is not None else "neither.")
        )
    if search is None and k != 3:
        raise ValueError(f"k={k} is the number of a search's candidates to keep; it "
                         "applies with search= only.")
    named = (_search_members(search, k) if search is not None
             else _named_members(list(members)))  # type: ignore[arg-type]
    if seeds is not None:
        if len(named) != 1:
            raise ValueError(
                f"seeds= repeats one member with several seeds; got {len(named)} "
                "members. Give one member (or search= with k=1), or no seeds."
            )
        name, estimator = named[0]
        named = _seeded_members(name, estimator, seeds)
    cv = StratifiedKFold(threshold_cv, shuffle=True, random_state=random_state)
    return HoldoutThresholdClassifier(
        VotingClassifier(named, voting="soft", n_jobs=n_jobs),
        scoring=threshold_scoring, cv=cv, refit=True, random_state=random_state,
    )


class SearchEnsembleClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """A search, then the ensemble of its best ``k`` candidates, as one classifier.

    ``fit(X, y)`` fits a clone of ``search`` (``search_``, without its refit), then
    ``make_text_ensemble(search=search_, k=k, ...)`` on the same data
    (``ensemble_``): the best ``k`` candidates' probabilities averaged, the
    threshold tuned on the ensemble's out-of-fold probabilities over
    ``threshold_cv`` folds, and the members refitted on all of the data. That
    costs the search's cross-validation fits (not its refit) plus
    ``k x (threshold_cv + 1)`` member fits.
    ``predict`` and ``predict_proba`` are the ensemble's. This is what
    :func:`~sklearn_imbal.make_text_search` returns with ``ensemble=k``.

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        The unfitted search (cloned in ``fit``).
    k : int, default=3
        How many of the best candidates are averaged.
    threshold_scoring : str or callable, default="f1"
        The ensemble's threshold objective, as in :func:`make_text_ensemble`.
    threshold_cv : int, default=5
        The folds whose out-of-fold ensemble probabilities tune the threshold.
    random_state : int or None, default=0
        Seeds the threshold folds.
    n_jobs : int or None, default=None
        Members fitted at once.

    Attributes
    ----------
    search_ : GridSearchCV or RandomizedSearchCV
        The fitted search (``cv_results_``, ``best_params_``, ``best_score_``).
        A search with ``refit=True`` is fitted with ``refit=False``: the
        ensemble refits its members itself, so ``search_`` has no
        ``best_estimator_`` and one fit is saved.
    ensemble_ : HoldoutThresholdClassifier
        The fitted ensemble (:func:`make_text_ensemble`'s estimator).
    classes_ : ndarray of shape (2,)
        The class labels.
    best_threshold_ : float
        The ensemble's tuned decision threshold.

    See Also
    --------
    make_text_ensemble : The ensemble, from a fitted search or from members.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_imbal.ensemble import SearchEnsembleClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    >>> search = GridSearchCV(LogisticRegression(), {"C": [0.01, 0.1, 1.0]}, cv=3)
    >>> model = SearchEnsembleClassifier(search, k=2, threshold_cv=3).fit(X, y)
    >>> [name for name, _ in model.ensemble_.estimator.estimators]
    ['candidate1', 'candidate2']
    >>> bool(0 < model.best_threshold_ < 1)
    True
    """

    _parameter_constraints: dict = {
        "search": [HasMethods(["fit"])],
        "k": [Interval(Integral, 1, None, closed="left")],
        "threshold_scoring": [str, callable],
        "threshold_cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(self, search: Any, *, k: int = 3, threshold_scoring: Any = "f1",
                 threshold_cv: int = 5, random_state: int | None = 0,
                 n_jobs: int | None = None) -> None:
        self.search = search
        self.k = k
        self.threshold_scoring = threshold_scoring
        self.threshold_cv = threshold_cv
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = getattr(self.search, "estimator", self.search)
        tags = copy_input_tags(tags, inner)
        tags.classifier_tags.multi_class = False  # one threshold: binary targets only
        return tags

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: Any, y: Labels) -> SearchEnsembleClassifier:
        """Fit the search, then the ensemble of its best ``k`` candidates.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data, as the search's estimator takes it (raw texts).
        y : array-like of shape (n_samples,)
            Binary labels.

        Returns
        -------
        self : object
        """
        check_threshold_scoring(self.threshold_scoring, name="threshold_scoring")
        search = clone(self.search)
        if search.get_params(deep=False).get("refit") is True:
            # The ensemble refits its members on all of the data: the search's
            # own refit of its best candidate would be a fit thrown away.
            search.set_params(refit=False)
        search.fit(X, y)
        self.ensemble_ = make_text_ensemble(
            search=search, k=self.k, threshold_scoring=self.threshold_scoring,
            threshold_cv=self.threshold_cv, random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(X, y)
        self.search_ = search
        self.classes_ = self.ensemble_.classes_
        self.best_threshold_ = self.ensemble_.best_threshold_
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.ensemble_, name):
                setattr(self, name, getattr(self.ensemble_, name))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The ensemble's decisions at its tuned threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "ensemble_")
        return self.ensemble_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The mean of the members' class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
        """
        check_is_fitted(self, "ensemble_")
        return self.ensemble_.predict_proba(X)
