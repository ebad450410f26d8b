"""Searches whose final refit changes some parameters of the best candidate.

``RefitGridSearchCV`` and ``RefitRandomizedSearchCV`` are ``GridSearchCV`` and
``RandomizedSearchCV`` with one more parameter, ``refit_params``: parameters set
on the best candidate, on top of ``best_params_``, for the refit on all the
data only. The candidates are compared as they are given; the refit may then
afford what the search could not pay for in every candidate and fold.

The reason it exists: :func:`~sklearn_imbal.make_text_search` tunes each
candidate's decision threshold on a holdout of its training fold (one Keras fit
per candidate and fold), and its refit tunes the best candidate's threshold on
five folds' out-of-fold scores of all the training data instead (six fits,
once). Over eight SMS spam splits that raised the test F1 from 0.957 to 0.965
(``docs/workflow.rst``).

How, without private scikit-learn names beyond the fit-parameter routing
(``_compat.search_fit_params``): the ordinary search runs with ``refit=False``
on a copy of this one; its fitted attributes are copied here; the best index
is chosen by scikit-learn's rule (``refit`` names the scorer, or is a callable
that returns the index); and ``best_estimator_`` is fitted here, as
``GridSearchCV`` would, with ``refit_params`` added.
"""

from __future__ import annotations

import numbers
import time
from typing import Any

from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from sklearn_imbal._compat import _fit_context, search_fit_params
from sklearn_imbal.utils._docstring import fill_doc

__all__ = ["RefitGridSearchCV", "RefitRandomizedSearchCV"]

REFIT_PARAMS_DOC = """
refit_params : dict or None, default=None
    Parameters of ``estimator`` (keyed as in its ``get_params()``) set on
    the best candidate, after ``best_params_``, for the refit on all the
    data only; the candidates are cross-validated without them. Their
    names are checked before the first fit. ``best_params_`` and
    ``cv_results_`` do not include them; ``best_estimator_`` does. None
    or an empty dict: the plain search's refit.
"""


def fit_inner_search(search: Any, inner_class: type, X: Any, y: Any,
                     params: dict[str, Any], *, drop: str, **replace: Any) -> Any:
    """Fit ``inner_class`` built from ``search``'s parameters; copy its fitted attributes back.

    The inner search has every parameter of ``search`` but ``drop``, with
    ``replace`` set on top; what its ``fit`` sets (``cv_results_``,
    ``best_index_``...) becomes ``search``'s. Returns the fitted inner search.
    Shared by the refit and the checkpointed searches.
    """
    own = search.get_params(deep=False)
    inner = inner_class(**{name: value for name, value in own.items() if name != drop})
    inner.set_params(**replace)
    inner.fit(X, y, **params)
    for name, value in vars(inner).items():
        if name not in own:
            setattr(search, name, value)
    return inner


class _RefitParamsMixin:
    """``fit`` = the plain search without its refit, then a refit with ``refit_params``."""

    _plain_search: type

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self: Any, X: Any, y: Any = None, **params: Any) -> Any:
        """Run the search, then refit the best candidate with ``refit_params``.

        Parameters
        ----------
        X, y, **params
            As in ``GridSearchCV.fit``.

        Returns
        -------
        self : object
            The fitted search.
        """
        if not self.refit or not self.refit_params:
            return self._plain_search.fit(self, X, y, **params)
        self._check_before_fitting()
        fit_inner_search(self, self._plain_search, X, y, params, drop="refit_params",
                         refit=False)
        self._select_best(self.cv_results_)
        # Cloned as GridSearchCV clones best_params_: the fitted model shares no
        # object (a splitter, an estimator) with this search's parameters.
        self.best_estimator_ = clone(self.estimator).set_params(
            **clone(self.best_params_, safe=False)).set_params(
            **clone(self.refit_params, safe=False))
        fit_params = search_fit_params(self, params)
        started = time.time()
        if y is None:
            self.best_estimator_.fit(X, **fit_params)
        else:
            self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.time() - started
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_
        return self

    def _check_before_fitting(self: Any) -> None:
        """What would otherwise fail only after the whole search."""
        try:
            clone(self.estimator).set_params(**self.refit_params)
        except ValueError as exc:
            raise ValueError(f"refit_params: {exc}") from None
        scoring = self.scoring
        if isinstance(scoring, (list, tuple, set, dict)) and not callable(self.refit):
            if not isinstance(self.refit, str) or self.refit not in scoring:
                self._refit_error(scoring)

    def _refit_error(self: Any, names: Any) -> None:
        raise ValueError(
            f"refit={self.refit!r} with several scorers: refit must be the name of one of "
            f"them ({', '.join(sorted(names))}) or a callable that returns the best index.")

    def _select_best(self: Any, results: dict[str, Any]) -> None:
        """``best_index_``, ``best_score_`` and ``best_params_`` as ``GridSearchCV`` sets them."""
        if callable(self.refit):
            index = self.refit(results)
            if not isinstance(index, numbers.Integral):
                raise TypeError("best_index_ returned is not an integer")
            index = int(index)
            if not 0 <= index < len(results["params"]):
                raise IndexError("best_index_ index out of range")
            # As in GridSearchCV: a callable refit leaves no best_score_.
            vars(self).pop("best_score_", None)
        else:
            metric = self.refit if self.multimetric_ else "score"
            if f"rank_test_{metric}" not in results:  # a callable scoring's dict
                self._refit_error(self.scorer_)
            index = int(results[f"rank_test_{metric}"].argmin())
            self.best_score_ = results[f"mean_test_{metric}"][index]
        self.best_index_ = index
        self.best_params_ = results["params"][index]


@fill_doc(refit_params=REFIT_PARAMS_DOC)
class RefitGridSearchCV(_RefitParamsMixin, GridSearchCV):
    """``GridSearchCV`` whose refit sets ``refit_params`` on the best candidate.

    The search compares the candidates as ``GridSearchCV`` does; the refit on
    all the data then fits the best one with ``refit_params`` added, for a
    step too costly to cross-validate in every candidate (such as tuning the
    decision threshold on several folds instead of one holdout).
    :func:`~sklearn_imbal.make_text_search` returns one.

    Parameters
    ----------
    estimator, param_grid, scoring, n_jobs, refit, cv, verbose, pre_dispatch, \
error_score, return_train_score
        As in ``sklearn.model_selection.GridSearchCV``.
    {refit_params}

    Attributes
    ----------
    cv_results_, best_estimator_, best_score_, best_params_, best_index_, \
scorer_, n_splits_, refit_time_, multimetric_
        As in ``GridSearchCV``; ``best_estimator_`` is fitted with
        ``refit_params``, ``refit_time_`` is the time of that fit.

    See Also
    --------
    RefitRandomizedSearchCV : The randomized search.

    Examples
    --------
    >>> from sklearn.model_selection import TunedThresholdClassifierCV
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.search import RefitGridSearchCV
    >>> X, y = [[0.0], [1.0], [2.0], [3.0], [1.5], [2.5]] * 4, [0, 0, 1, 1, 0, 1] * 4
    >>> tuned = TunedThresholdClassifierCV(LogisticRegression(), cv=0.25, refit=False)
    >>> search = RefitGridSearchCV(tuned, {"estimator__C": [0.1, 1.0]}, cv=2,
    ...                            refit_params={"cv": 3, "refit": True}).fit(X, y)
    >>> search.best_params_, search.best_estimator_.cv
    ({'estimator__C': 0.1}, 3)
    """

    _plain_search = GridSearchCV
    _parameter_constraints = {**GridSearchCV._parameter_constraints,
                              "refit_params": [dict, None]}

    def __init__(self, estimator: Any, param_grid: Any, *, scoring: Any = None,
                 n_jobs: int | None = None, refit: Any = True, cv: Any = None,
                 verbose: int = 0, pre_dispatch: Any = "2*n_jobs",
                 error_score: Any = float("nan"), return_train_score: bool = False,
                 refit_params: dict[str, Any] | None = None) -> None:
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=refit,
                         cv=cv, verbose=verbose, pre_dispatch=pre_dispatch,
                         error_score=error_score, return_train_score=return_train_score)
        self.refit_params = refit_params


@fill_doc(refit_params=REFIT_PARAMS_DOC)
class RefitRandomizedSearchCV(_RefitParamsMixin, RandomizedSearchCV):
    """``RandomizedSearchCV`` whose refit sets ``refit_params`` on the best candidate.

    Parameters
    ----------
    estimator, param_distributions, n_iter, scoring, n_jobs, refit, cv, verbose, \
pre_dispatch, random_state, error_score, return_train_score
        As in ``sklearn.model_selection.RandomizedSearchCV``.
    {refit_params}

    Attributes
    ----------
    cv_results_, best_estimator_, best_score_, best_params_, best_index_, \
scorer_, n_splits_, refit_time_, multimetric_
        As in :class:`RefitGridSearchCV`.

    See Also
    --------
    RefitGridSearchCV : The grid search, with an example.
    """

    _plain_search = RandomizedSearchCV
    _parameter_constraints = {**RandomizedSearchCV._parameter_constraints,
                              "refit_params": [dict, None]}

    def __init__(self, estimator: Any, param_distributions: Any, *, n_iter: int = 10,
                 scoring: Any = None, n_jobs: int | None = None, refit: Any = True,
                 cv: Any = None, verbose: int = 0, pre_dispatch: Any = "2*n_jobs",
                 random_state: Any = None, error_score: Any = float("nan"),
                 return_train_score: bool = False,
                 refit_params: dict[str, Any] | None = None) -> None:
        super().__init__(estimator, param_distributions, n_iter=n_iter, scoring=scoring,
                         n_jobs=n_jobs, refit=refit, cv=cv, verbose=verbose,
                         pre_dispatch=pre_dispatch, random_state=random_state,
                         error_score=error_score, return_train_score=return_train_score)
        self.refit_params = refit_params
