"""Resumable searches: every finished (candidate, fold) fit is kept on disk.

``CheckpointedGridSearchCV`` and ``CheckpointedRandomizedSearchCV`` are
``RefitGridSearchCV`` and ``RefitRandomizedSearchCV`` with one more parameter,
``checkpoint``: a folder. Each candidate x fold result (its scores) is written
there, atomically, as soon as that fit is scored; a search started again with
the same data, estimator and search parameters reads those results instead of
fitting again, so an interrupt (Ctrl-C, a killed process, a lost scheduler)
costs only the fits that were running.

How, without private scikit-learn names: the fit runs inside the ordinary
search, which fits a :class:`_MemoizedFit` (a stand-in for the estimator whose
``set_params`` forwards every candidate parameter to it, so the candidates keep
their names) and scores it with a :class:`_CheckpointScorer` (the search's
scoring as one callable). The stand-in's ``fit`` skips fitting when the folder
already holds the scores of this (training data, parameters) fit; the scorer
returns the stored scores, or computes and stores them. The refit on all the
data always runs (it is never scored), and ``best_estimator_`` is the plain
estimator, not the stand-in.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import joblib
from sklearn.base import BaseEstimator
from sklearn.metrics import check_scoring
from sklearn.utils import get_tags

from sklearn_imbal._compat import _fit_context
from sklearn_imbal._search_refit import (
    REFIT_PARAMS_DOC,
    RefitGridSearchCV,
    RefitRandomizedSearchCV,
    fit_inner_search,
)
from sklearn_imbal._version import __version__
from sklearn_imbal.utils._docstring import fill_doc
from sklearn_imbal.utils._files import atomic_path

__all__ = ["CheckpointMismatchError", "CheckpointedGridSearchCV",
           "CheckpointedRandomizedSearchCV"]

_MANIFEST = "search.json"
_FITS = "fits"
# Search parameters that change how a search runs, never its results.
# ``refit`` only chooses among the stored results, ``refit_params`` changes only
# the refit (never stored), and failed fits (scored ``error_score``) are never stored.
_NOT_IN_KEY = frozenset({"checkpoint", "error_score", "n_jobs", "pre_dispatch", "refit",
                         "refit_params", "verbose"})


def _key(*parts: Any) -> str:
    """A content hash (joblib's, of pickled values) tagged with our version."""
    return joblib.hash((__version__, *parts))


class CheckpointMismatchError(ValueError):
    """A checkpoint folder was written for other data or another search."""


class _FitStore:
    """The checkpoint folder: one manifest, then one JSON file per scored fit."""

    def __init__(self, folder: str) -> None:
        self.folder = str(folder)

    def open(self, data_hash: str, param_hashes: dict[str, str]) -> None:
        """Create the folder, or check that it belongs to this data and search."""
        folder = Path(self.folder)
        (folder / _FITS).mkdir(parents=True, exist_ok=True)
        manifest = folder / _MANIFEST
        wanted = {"sklearn_imbal_version": __version__, "data": data_hash,
                  "params": param_hashes}
        if not manifest.exists():
            with atomic_path(manifest) as temporary:
                Path(temporary).write_text(json.dumps(wanted, indent=1, sort_keys=True))
            return
        try:
            found = json.loads(manifest.read_text())
        except (OSError, ValueError) as exc:
            raise CheckpointMismatchError(
                f"checkpoint {self.folder} has an unreadable {_MANIFEST} ({exc}); use "
                "another folder or delete it") from None
        if found.get("sklearn_imbal_version") != __version__:
            raise CheckpointMismatchError(
                f"checkpoint {self.folder} was written by sklearn-imbal "
                f"{found.get('sklearn_imbal_version')}, this is {__version__}; use another "
                "folder or delete it")
        if found.get("data") != data_hash:
            raise CheckpointMismatchError(
                f"checkpoint {self.folder} was written for other data (hash "
                f"{found.get('data')}, this data {data_hash}); use another folder or "
                "delete it")
        old = found.get("params", {})
        changed = sorted(name for name in set(old) | set(param_hashes)
                         if old.get(name) != param_hashes.get(name))
        if changed:
            raise CheckpointMismatchError(
                f"checkpoint {self.folder} was written for another search (parameters "
                f"changed: {', '.join(changed)}); use another folder or delete it")

    def _path(self, fit_key: str) -> Path:
        return Path(self.folder, _FITS, f"{fit_key}.json")

    def read(self, fit_key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(fit_key).read_text())
        except FileNotFoundError:
            return None

    def write(self, fit_key: str, record: dict[str, Any]) -> None:
        with atomic_path(self._path(fit_key)) as temporary:
            Path(temporary).write_text(json.dumps(record))


class _MemoizedFit(BaseEstimator):
    """The search's estimator, fitted only when the checkpoint lacks its scores.

    The parameter names are chosen not to collide with any estimator's, because
    ``set_params`` forwards every other name to ``memoized_estimator``: the
    search's candidates (``estimator__clf__l2``...) keep their names.
    """

    def __init__(self, memoized_estimator=None, memoized_store=None, memoized_n_scores=1):
        self.memoized_estimator = memoized_estimator
        self.memoized_store = memoized_store
        self.memoized_n_scores = memoized_n_scores

    def set_params(self, **params):
        own = {name: params.pop(name) for name in list(params)
               if name in ("memoized_estimator", "memoized_store", "memoized_n_scores")}
        if own:
            super().set_params(**own)
        if params:
            self.memoized_estimator.set_params(**params)
        return self

    def __sklearn_tags__(self):
        return get_tags(self.memoized_estimator)

    def fit(self, X, y=None, **fit_params):
        self.fit_key_ = _key(X, y, fit_params, self.memoized_estimator)
        record = self.memoized_store.read(self.fit_key_)
        if record is not None and len(record["scores"]) >= self.memoized_n_scores:
            self.record_ = record
            self.reused_ = True
            # Kept in memory only, in case a score is asked that was not stored.
            self._fit_arguments = (X, y, fit_params)
            return self
        started = time.perf_counter()
        self.memoized_estimator.fit(X, y, **fit_params)
        self.record_ = {"fit_time": time.perf_counter() - started, "scores": {}}
        self.reused_ = False
        return self

    def fit_for_real(self):
        X, y, fit_params = self._fit_arguments
        self.memoized_estimator.fit(X, y, **fit_params)
        self.record_ = {"fit_time": self.record_.get("fit_time"), "scores": {}}
        self.reused_ = False


def _plain(value):
    """Scores as JSON: a float, or a dict of floats for several metrics."""
    if isinstance(value, dict):
        return {str(name): float(score) for name, score in value.items()}
    return float(value)


class _CheckpointScorer:
    """The search's scoring as one callable that reads and writes the checkpoint."""

    def __init__(self, scoring: Any) -> None:
        self.scoring = scoring

    def __call__(self, estimator, X, y=None, **score_params):
        if not isinstance(estimator, _MemoizedFit):  # search.score() after the fit
            return check_scoring(estimator, self.scoring)(estimator, X, y, **score_params)
        score_key = _key(X, y, score_params)
        scores = estimator.record_["scores"]
        if score_key in scores:
            return scores[score_key]
        if estimator.reused_:
            estimator.fit_for_real()
            scores = estimator.record_["scores"]
        inner = estimator.memoized_estimator
        value = _plain(check_scoring(inner, self.scoring)(inner, X, y, **score_params))
        scores[score_key] = value
        estimator.memoized_store.write(estimator.fit_key_, estimator.record_)
        return value

    def __repr__(self) -> str:
        return repr(self.scoring)


class _CheckpointMixin:
    """``fit`` through a checkpoint folder; everything else is the plain search's."""

    _search_class: type

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self: Any, X: Any, y: Any = None, **params: Any) -> Any:
        """Run the search, reusing the fits stored in ``checkpoint``.

        Parameters
        ----------
        X, y, **params
            As in ``GridSearchCV.fit``.

        Returns
        -------
        self : object
            The fitted search.

        Raises
        ------
        CheckpointMismatchError
            If ``checkpoint`` holds the results of other data or another search.
        """
        if self.checkpoint is None:
            return self._search_class.fit(self, X, y, **params)
        own = self.get_params(deep=False)
        store = _FitStore(self.checkpoint)
        store.open(_key(X, y, params),
                   {name: _key(value) for name, value in own.items()
                    if name not in _NOT_IN_KEY})
        fit_inner_search(
            self, self._search_class, X, y, params, drop="checkpoint",
            estimator=_MemoizedFit(self.estimator, store,
                                   2 if self.return_train_score else 1),
            scoring=_CheckpointScorer(self.scoring),
        )
        if hasattr(self, "best_estimator_"):
            self.best_estimator_ = self.best_estimator_.memoized_estimator
        return self


@fill_doc(refit_params=REFIT_PARAMS_DOC)
class CheckpointedGridSearchCV(_CheckpointMixin, RefitGridSearchCV):
    """``GridSearchCV`` that keeps every finished fit in a folder and resumes from it.

    Parameters
    ----------
    estimator, param_grid, scoring, n_jobs, refit, cv, verbose, pre_dispatch, \
error_score, return_train_score
        As in ``sklearn.model_selection.GridSearchCV``.
    {refit_params}
    checkpoint : str, os.PathLike or None, default=None
        A folder. Each candidate x fold fit's scores are written there as soon
        as it is scored; a later ``fit`` on the same data with the same
        parameters reuses them and fits only the rest, with the same
        ``cv_results_`` as an uninterrupted search (except the times: a
        reused fit's ``fit_time`` is the time to read it). The refit on all
        the data always runs. Data or parameters other than the folder's raise
        ``CheckpointMismatchError`` (``n_jobs``, ``verbose`` and
        ``pre_dispatch`` may change). Workers must reach the folder (a
        shared file system on a cluster). None: a plain :class:`RefitGridSearchCV`.

    See Also
    --------
    sklearn_imbal.make_text_search : Builds one with ``checkpoint=``.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal.search import CheckpointedGridSearchCV
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]] * 3, [0, 0, 1, 1] * 3
    >>> folder = tempfile.mkdtemp()
    >>> search = CheckpointedGridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]},
    ...                                   cv=2, checkpoint=folder).fit(X, y)
    >>> again = CheckpointedGridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]},
    ...                                  cv=2, checkpoint=folder).fit(X, y)
    >>> list(again.cv_results_["mean_test_score"]) == list(search.cv_results_["mean_test_score"])
    True
    """

    _search_class = RefitGridSearchCV
    _parameter_constraints = {**RefitGridSearchCV._parameter_constraints,
                              "checkpoint": [str, os.PathLike, None]}

    def __init__(self, estimator: Any, param_grid: Any, *, scoring: Any = None,
                 n_jobs: int | None = None, refit: Any = True, cv: Any = None,
                 verbose: int = 0, pre_dispatch: Any = "2*n_jobs",
                 error_score: Any = float("nan"), return_train_score: bool = False,
                 refit_params: dict[str, Any] | None = None,
                 checkpoint: str | os.PathLike[str] | None = None) -> None:
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=refit,
                         cv=cv, verbose=verbose, pre_dispatch=pre_dispatch,
                         error_score=error_score, return_train_score=return_train_score,
                         refit_params=refit_params)
        self.checkpoint = checkpoint


@fill_doc(refit_params=REFIT_PARAMS_DOC)
class CheckpointedRandomizedSearchCV(_CheckpointMixin, RefitRandomizedSearchCV):
    """``RandomizedSearchCV`` that keeps every finished fit in a folder and resumes from it.

    The same candidates are drawn again only with an int ``random_state``.

    Parameters
    ----------
    estimator, param_distributions, n_iter, scoring, n_jobs, refit, cv, verbose, \
pre_dispatch, random_state, error_score, return_train_score
        As in ``sklearn.model_selection.RandomizedSearchCV``.
    {refit_params}
    checkpoint : str, os.PathLike or None, default=None
        As in :class:`CheckpointedGridSearchCV`.

    See Also
    --------
    CheckpointedGridSearchCV : The grid search.
    """

    _search_class = RefitRandomizedSearchCV
    _parameter_constraints = {**RefitRandomizedSearchCV._parameter_constraints,
                              "checkpoint": [str, os.PathLike, None]}

    def __init__(self, estimator: Any, param_distributions: Any, *, n_iter: int = 10,
                 scoring: Any = None, n_jobs: int | None = None, refit: Any = True,
                 cv: Any = None, verbose: int = 0, pre_dispatch: Any = "2*n_jobs",
                 random_state: Any = None, error_score: Any = float("nan"),
                 return_train_score: bool = False,
                 refit_params: dict[str, Any] | None = None,
                 checkpoint: str | os.PathLike[str] | None = None) -> None:
        super().__init__(estimator, param_distributions, n_iter=n_iter, scoring=scoring,
                         n_jobs=n_jobs, refit=refit, cv=cv, verbose=verbose,
                         pre_dispatch=pre_dispatch, random_state=random_state,
                         error_score=error_score, return_train_score=return_train_score,
                         refit_params=refit_params)
        self.checkpoint = checkpoint
