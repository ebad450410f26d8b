"""make_text_search: the recommended model search for imbalanced text, in one call."""

from __future__ import annotations

import os
from numbers import Integral
from typing import Any

from sklearn.model_selection import StratifiedKFold

from sklearn_imbal._compat import Interval, RealNotInt, StrOptions, validate_params
from sklearn_imbal._baselines import BASELINES, make_text_baseline
from sklearn_imbal._search_checkpoint import (
    CheckpointedGridSearchCV,
    CheckpointedRandomizedSearchCV,
    CheckpointMismatchError,
)
from sklearn_imbal._search_refit import RefitGridSearchCV, RefitRandomizedSearchCV
from sklearn_imbal.threshold import (
    HoldoutThresholdClassifier,
    PriorCorrectedClassifier,
    check_threshold_scoring,
)

__all__ = ["BASELINES", "BUDGETS", "HUB_BUDGETS", "CheckpointMismatchError",
           "CheckpointedGridSearchCV", "CheckpointedRandomizedSearchCV", "RefitGridSearchCV",
           "RefitRandomizedSearchCV", "hub_space", "make_text_baseline", "make_text_search"]

#: What each ``budget`` preset of :func:`make_text_search` means: the part of
#: the default space searched (see :func:`default_space`) and the training
#: epochs of each Keras fit. An int budget draws that many candidates at random
#: from the "large" space, at 20 epochs.
BUDGETS: dict[str, dict[str, Any]] = {
    "small": {"space": "small", "epochs": 20},
    "medium": {"space": "medium", "epochs": 20},
    "large": {"space": "large", "epochs": 30},
}


def default_space(budget: str = "small", *, random_state: int | None = None,
                  prefix: str = "estimator__") -> list[dict[str, Any]]:
    """The default hyperparameter space of :func:`make_text_search`.

    Every candidate is an imbalanced-learn ``Pipeline([("sampler", ...),
    ("clf", KerasTextClassifier(...))])``. The class imbalance is handled one of
    three ways, never two at once (a sampler and balanced class weights would
    over-correct): ``class_weight="balanced"``; nothing (the tuned threshold
    alone); random over-sampling to 1:1 (``TextRandomOverSampler``, from
    ``"medium"`` on).

    ``"small"`` (4 candidates)
        No sampler, ``class_weight`` in (None, "balanced") x ``l2`` in (0.3,
        0.6) with ``l2_scale="dataset"`` (LinearSVC's ``C`` of 1.7 and 0.8:
        the penalty weakens as the data grow, so the folds' choice carries
        over to the refit), all with the ``"tfidf"`` architecture on
        ``char_wb`` 1-6-grams and ``loss="squared_hinge"`` (LinearSVC's loss):
        the best family by cross-validation on the SMS spam training part.
        Over-sampling is left out: on Reuters ``crude`` (5% positive) its fits
        ranked worse (test ROC AUC 0.991 against 0.997) at twice the fit
        time, and the folds' F1 still chose them (``docs/workflow.rst``).
    ``"medium"`` (9 candidates)
        ``"small"`` plus over-sampling to 1:1 with both penalties, and the
        three rebalancing ways with cross-entropy
        (``loss="binary_crossentropy"``, ``l2=1e-5`` per sample, its best
        penalty).
    ``"large"`` (13 candidates)
        ``"medium"`` plus the ``"bag"`` architecture (word 1-2-gram
        embeddings, 64 hidden units, cross-entropy) and the ``"cnn"``
        architecture over words, for each rebalancing way except over-sampling.

    Parameters
    ----------
    budget : {"small", "medium", "large"}, default="small"
        Which part of the space.
    random_state : int or None, default=None
        Seed of the sampler in the space.
    prefix : str, default="estimator__"
        The path from the search's estimator to the pipeline.

    Returns
    -------
    space : list of dict
        Parameter grids keyed by the search's parameter names, as
        ``GridSearchCV(param_grid=...)`` takes them.

    Examples
    --------
    >>> from sklearn.model_selection import ParameterGrid
    >>> from sklearn_imbal.search import default_space
    >>> [len(ParameterGrid(default_space(b))) for b in ("small", "medium", "large")]
    [4, 9, 13]
    """
    from sklearn_imbal.sampling import TextRandomOverSampler

    if budget not in BUDGETS:
        raise ValueError(f"budget must be one of {sorted(BUDGETS)}; got {budget!r}.")
    sampler, clf = f"{prefix}sampler", f"{prefix}clf__"
    weights = {sampler: ["passthrough"], f"{clf}class_weight": [None, "balanced"]}
    over_sampling = {sampler: [TextRandomOverSampler(random_state=random_state)],
                     f"{clf}class_weight": [None]}
    rebalancing = [over_sampling, weights]
    tfidf = {f"{clf}architecture": ["tfidf"], f"{clf}analyzer": ["char_wb"],
             f"{clf}ngrams": [6]}
    hinge = {**tfidf, f"{clf}loss": ["squared_hinge"], f"{clf}l2": [0.3, 0.6],
             f"{clf}l2_scale": ["dataset"]}
    space = [{**weights, **hinge}]
    if budget in ("medium", "large"):
        space.append({**over_sampling, **hinge})
        space += [
            {**way, **tfidf, f"{clf}loss": ["binary_crossentropy"], f"{clf}l2": [1e-5],
             f"{clf}l2_scale": ["sample"]}
            for way in rebalancing
        ]
    if budget == "large":
        embeddings = {f"{clf}analyzer": ["word"], f"{clf}loss": ["binary_crossentropy"],
                      f"{clf}l2": [1e-5], f"{clf}l2_scale": ["sample"]}
        space += [
            {sampler: ["passthrough"], f"{clf}class_weight": [None, "balanced"], **embeddings,
             f"{clf}architecture": ["bag"], f"{clf}ngrams": [2], f"{clf}hidden_units": [64]},
            {sampler: ["passthrough"], f"{clf}class_weight": [None, "balanced"], **embeddings,
             f"{clf}architecture": ["cnn"], f"{clf}ngrams": [1], f"{clf}hidden_units": [64]},
        ]
    return space


#: What each ``budget`` means for ``make_text_search(preset=...)``: the part of
#: :func:`hub_space` searched and the fine-tuning epochs of each fit. An int
#: budget draws that many candidates from the "large" space, at 3 epochs.
HUB_BUDGETS: dict[str, dict[str, Any]] = {
    "small": {"space": "small", "epochs": 3},
    "medium": {"space": "medium", "epochs": 3},
    "large": {"space": "large", "epochs": 4},
}


def hub_space(budget: str = "small", *, random_state: int | None = None,
              prefix: str = "estimator__") -> list[dict[str, Any]]:
    """The default space of ``make_text_search(preset=...)``: a pretrained model's few knobs.

    Every candidate is ``Pipeline([("sampler", ...), ("clf",
    KerasHubTextClassifier(preset=...))])``. A fine-tuning fit is expensive, so
    the space is small: the learning rates of the usual fine-tuning range (2e-5
    and 5e-5; Devlin et al., "BERT", NAACL 2019, searched 2e-5 to 5e-5 over 2 to
    4 epochs) and one way to handle the imbalance at a time.

    ``"small"`` (2 candidates)
        ``class_weight="balanced"`` (no sampler: weights cost nothing, copies
        of rare texts cost training steps) x learning rate in (2e-5, 5e-5).
    ``"medium"`` (4 candidates)
        ``"small"`` plus random over-sampling to 1:1 (``TextRandomOverSampler``,
        no class weights) at the same two learning rates.
    ``"large"`` (6 candidates)
        ``"medium"`` plus a frozen backbone (``train_backbone=False``: only the
        classification head trains, at learning rate 1e-3), with either way.

    Parameters
    ----------
    budget : {"small", "medium", "large"}, default="small"
        Which part of the space.
    random_state : int or None, default=None
        Seed of the sampler in the space.
    prefix : str, optional
        The path from the search's estimator to the pipeline; by default
        ``"estimator__"``.

    Returns
    -------
    space : list of dict

    Examples
    --------
    >>> from sklearn.model_selection import ParameterGrid
    >>> from sklearn_imbal.search import hub_space
    >>> [len(ParameterGrid(hub_space(b))) for b in ("small", "medium", "large")]
    [2, 4, 6]
    """
    from sklearn_imbal.sampling import TextRandomOverSampler

    if budget not in HUB_BUDGETS:
        raise ValueError(f"budget must be one of {sorted(HUB_BUDGETS)}; got {budget!r}.")
    sampler, clf = f"{prefix}sampler", f"{prefix}clf__"
    weights: dict[str, list[Any]] = {sampler: ["passthrough"],
                                     f"{clf}class_weight": ["balanced"]}
    oversampling: dict[str, list[Any]] = {
        sampler: [TextRandomOverSampler(random_state=random_state)],
        f"{clf}class_weight": [None],
    }
    ways = [weights] if budget == "small" else [weights, oversampling]
    space = [{**way, f"{clf}train_backbone": [True], f"{clf}learning_rate": [2e-5, 5e-5]}
             for way in ways]
    if budget == "large":
        space += [{**way, f"{clf}train_backbone": [False], f"{clf}learning_rate": [1e-3]}
                  for way in ways]
    return space


def _n_candidates(space):
    total = 0
    for grid in space:
        size = 1
        for values in grid.values():
            size *= len(values)
        total += size
    return total


@validate_params(
    {
        "scoring": [str, callable, dict, list, tuple],
        "threshold_scoring": [None, str, callable],
        "param_space": [StrOptions({"default"}), dict, list],
        "budget": [StrOptions(set(BUDGETS)), Interval(Integral, 1, None, closed="left")],
        "cv": [Interval(Integral, 2, None, closed="left"), "cv_object"],
        "threshold_cv": [Interval(RealNotInt, 0, 1, closed="neither"),
                         Interval(Integral, 2, None, closed="left")],
        "threshold_refit": ["boolean"],
        "refit_threshold_cv": [StrOptions({"auto"}), Interval(Integral, 2, None, closed="left"),
                               None],
        "prior_correction": ["boolean"],
        "refit": ["boolean", str, callable],
        "n_jobs": [Integral, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "verbose": ["verbose"],
        "checkpoint": [str, os.PathLike, None],
        "preset": [str, os.PathLike, None],
        "ensemble": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def make_text_search(
    *,
    scoring: Any = "f1",
    threshold_scoring: Any = "f1",
    param_space: str | dict[str, Any] | list[dict[str, Any]] = "default",
    budget: str | int = "small",
    cv: Any = 3,
    threshold_cv: float | int = 0.2,
    threshold_refit: bool = False,
    refit_threshold_cv: str | int | None = "auto",
    prior_correction: bool = False,
    refit: Any = True,
    n_jobs: int | None = None,
    random_state: int | None = 0,
    verbose: int = 0,
    checkpoint: str | os.PathLike[str] | None = None,
    preset: str | os.PathLike[str] | None = None,
    ensemble: int | None = None,
) -> Any:
    """A ready, unfitted hyperparameter search for imbalanced text classification.

    Builds, without fitting anything::

        RefitGridSearchCV or RefitRandomizedSearchCV(       # model selection by `scoring`
            HoldoutThresholdClassifier(                     # threshold for `threshold_scoring`
                imblearn.pipeline.Pipeline([
                    ("sampler", TextRandomOverSampler() or "passthrough"),
                    ("clf", KerasTextClassifier(...)),
                ]),
            ),
            param_space, cv=StratifiedKFold(cv, shuffle=True),
            refit_params={"cv": StratifiedKFold(5, shuffle=True), "refit": True},
        )

    ``HoldoutThresholdClassifier`` is scikit-learn's ``TunedThresholdClassifierCV``
    in its one-fit mode: in the search, the pipeline is fitted on ``1 -
    threshold_cv`` of each training fold and the threshold is tuned on the
    held-out rest, so threshold tuning costs no extra Keras fit. The refit of
    the best candidate then tunes its threshold on five folds' out-of-fold
    scores of all the training data and refits the pipeline on all of it
    (``refit_threshold_cv``). Call ``fit(texts, labels)`` on the result;
    ``best_estimator_.predict`` uses the tuned threshold.

    Every choice is a parameter of the returned object: ``search.get_params()``
    lists the space (``param_grid`` or ``param_distributions``), ``n_iter``,
    ``cv``, the threshold step (``estimator__scoring``, ``estimator__cv``...)
    and every ``KerasTextClassifier`` parameter (``estimator__estimator__clf__*``).
    The defaults are tuned on the training part of the SMS spam benchmark
    (``benchmarks/quality.py``; results in ``docs/workflow.rst``).

    Parameters
    ----------
    scoring : str, callable, list or dict, default="f1"
        How the search compares candidates (each scored at its tuned
        threshold): ``"f1"``, ``"roc_auc"``, ``"average_precision"``, a
        :mod:`sklearn_imbal.metrics` scorer such as ``recall_at_precision(0.9)``,
        or several in a dict (then pass ``refit=`` the name to select by).
        ``"f1"`` judges the whole decision (model and threshold);
        ``"roc_auc"`` and ``"average_precision"`` judge only the ranking, which
        the threshold does not change, and are steadier on small data.
    threshold_scoring : str, callable or None, default="f1"
        The objective the decision threshold is tuned for: a metric of hard
        predictions (``"f1"``, ``"balanced_accuracy"``, ``fbeta(2)``,
        ``recall_at_precision(0.9)``, ``cost(fp=1, fn=10)``). ``"roc_auc"``,
        ``"average_precision"`` and other ranking metrics are refused: no
        threshold changes them. None: no threshold step (the pipeline is
        searched directly and predicts with the 0.5 rule; needed for
        multiclass targets).
    param_space : "default", dict or list of dict, default="default"
        The hyperparameters searched, keyed as in ``search.get_params()``
        (``"estimator__clf__l2"``...; with ``threshold_scoring=None``,
        ``"clf__l2"``; with ``prior_correction``, ``"estimator__estimator__clf__l2"``).
        ``"default"`` is :func:`default_space` for the budget.
    budget : {"small", "medium", "large"} or int, default="small"
        How much to spend; Keras fits = candidates x ``cv`` + 6 (with the
        default ``threshold_cv`` and ``refit_threshold_cv``):

        * ``"small"``: the 4 candidates of ``default_space("small")``
          (balanced class weights or none x two L2 penalties; TF-IDF char
          1-6-grams, squared hinge loss, Adam at 0.02 with a cosine decay), 20
          epochs per fit, a grid search: 18 fits, 28-44 s on SMS on 2 cores;
        * ``"medium"``: 9 candidates (adds over-sampling and cross-entropy),
          20 epochs;
        * ``"large"``: 13 candidates (adds the ``"bag"`` and ``"cnn"``
          architectures), 30 epochs;
        * an int ``n``: ``n`` candidates drawn at random from the ``"large"``
          space (``RandomizedSearchCV``), 20 epochs.

        With a custom ``param_space``, a preset searches all of it at its
        epochs, and an int draws that many candidates from it.
    cv : int or cross-validation splitter, default=3
        Model-selection folds; an int is a shuffled ``StratifiedKFold``.
    threshold_cv : float or int, default=0.2
        A float is the share of each training fold held out to tune the
        threshold (one fit per candidate and fold; the model is trained on the
        rest). An int ``k`` tunes on ``k`` folds and refits, as
        ``TunedThresholdClassifierCV(cv=k)``: ``k + 1`` fits per candidate and fold.
    threshold_refit : bool, default=False
        With a float ``threshold_cv``: False keeps the model fitted on
        ``1 - threshold_cv`` of the data (one fit per candidate and fold); True
        refits it on all of it once the threshold is tuned (two fits; over
        eight SMS spam splits, test F1 0.961 against 0.959: ``docs/workflow.rst``).
    refit_threshold_cv : "auto", int or None, default="auto"
        The refit of the best candidate on all the data (``refit_params`` of
        the search): an int ``k`` tunes its threshold on ``k`` stratified
        folds' out-of-fold scores and then refits it on all of the data, ``k +
        1`` fits instead of one. None: the refit is the threshold step as
        searched (``threshold_cv``). "auto": 5, or None with a ``preset``
        (a fine-tuning is minutes). Over eight SMS spam splits 5 folds raised
        the test F1 from 0.957 to 0.965, and on a Reuters split from 0.874 to
        0.895 (``docs/workflow.rst``).
    prior_correction : bool, default=False
        Wrap the pipeline in :class:`~sklearn_imbal.threshold.PriorCorrectedClassifier`
        so that ``predict_proba`` is calibrated for the real class prior after
        over-sampling or class weights. It changes neither ROC AUC nor the
        tuned decisions, only the probability scale (and the parameter names
        gain one ``estimator__``).
    refit : bool, str or callable, default=True
        As in ``GridSearchCV``; with several scorers, the name to select by.
    n_jobs : int or None, default=None
        Parallel candidate fits, as in ``GridSearchCV``. None: one at a time,
        unless a surrounding ``joblib.parallel_config`` or
        :func:`~sklearn_imbal.parallel.search_backend` says otherwise.
        ``search_backend("loky", n_jobs=-1)`` around ``fit`` (one worker per
        core, one TensorFlow thread each; ``sklearn-imbal train``'s default)
        searched and refitted in 27-30 s against 44 s one fit at a time in
        ``sklearn-imbal demo`` on 2 cores (``docs/parallel.rst``).
    random_state : int or None, default=0
        Seeds everything: the candidates drawn, the folds, the threshold
        holdout, the sampler and the Keras models (same seed, same search).
    verbose : int, default=0
        The search's verbosity.
    checkpoint : str, os.PathLike or None, default=None
        A folder that makes the search resumable: each candidate x fold fit's
        scores are written there as soon as it is scored, and a search started
        again with the same data and parameters (after Ctrl-C, a killed
        process or a lost scheduler) reuses them, fits only the rest and gives
        the same ``cv_results_`` as an uninterrupted run. Other data or
        parameters are refused with
        :class:`~sklearn_imbal.search.CheckpointMismatchError`. The search is then a
        :class:`~sklearn_imbal.search.CheckpointedGridSearchCV` (or
        ``CheckpointedRandomizedSearchCV``). None: a plain search.
    preset : str, os.PathLike or None, default=None
        A KerasHub preset name or local preset folder: the classifier is then
        :class:`~sklearn_imbal.KerasHubTextClassifier` (fine-tuning a
        pretrained transformer; needs ``pip install "sklearn-imbal[hub]"``),
        the default space is :func:`hub_space` and the budgets are
        :data:`HUB_BUDGETS` (``"small"``: 2 candidates at 3 epochs). The
        threshold step is the same: with the default ``threshold_cv``, one
        fine-tuning fit per candidate and fold. Other settings of the
        classifier go through ``set_params``
        (``estimator__estimator__clf__sequence_length``...).
    ensemble : int or None, default=None
        An int ``k``: return a :class:`~sklearn_imbal.ensemble.SearchEnsembleClassifier`
        whose ``fit`` runs the search, then averages the probabilities of its
        ``k`` best candidates with the threshold tuned on the ensemble's
        out-of-fold probabilities (:func:`~sklearn_imbal.ensemble.make_text_ensemble`)
        over ``refit_threshold_cv`` folds (5 where that is None): ``k x (folds
        + 1)`` more fits after the search's cross-validation (whose own refit
        is skipped). ``ensemble=1`` is the default refit, as an ensemble.
        Needs a ``threshold_scoring``. None: the search itself.

    Returns
    -------
    search : RefitGridSearchCV, RefitRandomizedSearchCV or SearchEnsembleClassifier
        Unfitted; ``GridSearchCV`` and ``RandomizedSearchCV`` with
        ``refit_params`` (:class:`~sklearn_imbal.search.RefitGridSearchCV`);
        with a ``checkpoint``, their checkpointed subclasses; with
        ``ensemble``, the search inside a ``SearchEnsembleClassifier``.

    See Also
    --------
    default_space : The default hyperparameter space.
    sklearn_imbal.threshold.HoldoutThresholdClassifier : The threshold step.

    Examples
    --------
    >>> from sklearn_imbal import make_text_search
    >>> search = make_text_search(scoring="roc_auc", budget=2, random_state=0)
    >>> type(search).__name__, search.n_iter
    ('RefitRandomizedSearchCV', 2)
    >>> type(make_text_search()).__name__
    'RefitGridSearchCV'
    >>> search.estimator.scoring, search.estimator.cv, search.estimator.refit
    ('f1', 0.2, False)
    >>> search.refit_params
    {'cv': StratifiedKFold(n_splits=5, random_state=0, shuffle=True), 'refit': True}
    >>> search.get_params()["estimator__estimator__clf__epochs"]
    20
    >>> ensemble = make_text_search(ensemble=3)
    >>> type(ensemble).__name__, ensemble.k, ensemble.threshold_cv, type(ensemble.search).__name__
    ('SearchEnsembleClassifier', 3, 5, 'GridSearchCV')
    >>> make_text_search(threshold_scoring="roc_auc")
    Traceback (most recent call last):
        ...
    ValueError: threshold_scoring='roc_auc' cannot be a threshold objective: ...
    """
    from imblearn.pipeline import Pipeline

    from sklearn_imbal.keras import KerasTextClassifier
    from sklearn_imbal.sampling import TextRandomOverSampler

    if threshold_scoring is not None:
        check_threshold_scoring(threshold_scoring, name="threshold_scoring")
    elif ensemble is not None:
        raise ValueError("ensemble= tunes the ensemble's decision threshold for "
                         "threshold_scoring, which is None; give both or neither.")
    if ensemble is not None:
        from sklearn_imbal.ensemble import SearchEnsembleClassifier

        search = make_text_search(
            scoring=scoring, threshold_scoring=threshold_scoring, param_space=param_space,
            budget=budget, cv=cv, threshold_cv=threshold_cv, threshold_refit=threshold_refit,
            refit_threshold_cv=refit_threshold_cv, prior_correction=prior_correction,
            refit=refit, n_jobs=n_jobs, random_state=random_state, verbose=verbose,
            checkpoint=checkpoint, preset=preset)
        folds = search.refit_params["cv"].get_n_splits() if search.refit_params else 5
        return SearchEnsembleClassifier(search, k=ensemble, threshold_scoring=threshold_scoring,
                                        threshold_cv=folds, random_state=random_state,
                                        n_jobs=n_jobs)
    budgets, space_of = (BUDGETS, default_space) if preset is None else (HUB_BUDGETS, hub_space)
    n_iter: int | None
    if isinstance(budget, str):
        space_name, epochs, n_iter = budgets[budget]["space"], budgets[budget]["epochs"], None
    else:
        space_name, epochs, n_iter = "large", (20 if preset is None else 3), budget

    classifier: Any
    sampler: Any = TextRandomOverSampler(random_state=random_state)
    if preset is not None:
        from sklearn_imbal.keras import KerasHubTextClassifier

        # The first candidate of hub_space("small"); the space overrides these.
        classifier = KerasHubTextClassifier(
            preset=preset, learning_rate=2e-5, epochs=epochs, batch_size=32,
            class_weight="balanced", random_state=random_state,
        )
        sampler = "passthrough"
    else:
        # The best candidate of the "small" space by cross-validation on the SMS
        # spam training part; the space overrides these per candidate.
        classifier = _default_text_classifier(KerasTextClassifier, epochs, random_state)
    estimator = Pipeline([("sampler", sampler), ("clf", classifier)])
    prefix = "estimator__"
    if prior_correction:
        estimator = PriorCorrectedClassifier(estimator)
        prefix += "estimator__"
    if threshold_scoring is not None:
        estimator = HoldoutThresholdClassifier(
            estimator,
            scoring=threshold_scoring,
            cv=threshold_cv,
            refit=threshold_refit or isinstance(threshold_cv, Integral),
            random_state=random_state,
        )
    else:
        prefix = prefix[len("estimator__"):]

    space: Any
    if isinstance(param_space, str):
        space = space_of(space_name, random_state=random_state, prefix=prefix)
    else:
        space = param_space
    if isinstance(cv, Integral):
        cv = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    if refit_threshold_cv == "auto":
        refit_threshold_cv = 5 if preset is None else None
    refit_params = None
    if threshold_scoring is not None and refit_threshold_cv is not None:
        refit_params = {"cv": StratifiedKFold(refit_threshold_cv, shuffle=True,
                                              random_state=random_state), "refit": True}
    common: dict[str, Any] = dict(scoring=scoring, cv=cv, refit=refit, n_jobs=n_jobs,
                                  verbose=verbose, refit_params=refit_params)
    grid, randomized = RefitGridSearchCV, RefitRandomizedSearchCV
    if checkpoint is not None:
        grid, randomized = CheckpointedGridSearchCV, CheckpointedRandomizedSearchCV
        common["checkpoint"] = checkpoint
    if n_iter is None or n_iter >= _n_candidates(space if isinstance(space, list) else [space]):
        return grid(estimator, space, **common)
    return randomized(estimator, space, n_iter=n_iter, random_state=random_state, **common)


def _default_text_classifier(cls, epochs, random_state):
    return cls(
        architecture="tfidf",
        analyzer="char_wb",
        ngrams=6,
        loss="squared_hinge",
        l2=0.6,
        l2_scale="dataset",
        learning_rate=0.02,
        # Every fit settles at the end of its epochs, so a threshold tuned on one
        # fit transfers better to another (docs/workflow.rst, eight splits).
        learning_rate_schedule="cosine",
        epochs=epochs,
        batch_size=64,
        class_weight=None,
        random_state=random_state,
    )
