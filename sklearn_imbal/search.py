"""make_text_search: the recommended model search for imbalanced text, in one call."""

from numbers import Integral

from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, StratifiedKFold

from sklearn_imbal._compat import Interval, RealNotInt, StrOptions, validate_params
from sklearn_imbal.threshold import (
    HoldoutThresholdClassifier,
    PriorCorrectedClassifier,
    check_threshold_scoring,
)

__all__ = ["BUDGETS", "make_text_search"]

#: What each ``budget`` preset of :func:`make_text_search` means: the number of
#: candidates drawn from the default space (None: every candidate) and the
#: training epochs of each Keras fit.
BUDGETS = {
    "small": {"n_candidates": 4, "epochs": 15},
    "medium": {"n_candidates": 8, "epochs": 20},
    "large": {"n_candidates": None, "epochs": 30},
}


def default_space(*, random_state=None, prefix="estimator__"):
    """The default hyperparameter space of :func:`make_text_search`.

    Two sub-spaces (a list of dicts, as ``GridSearchCV`` takes), because a
    sampler and ``class_weight="balanced"`` both rebalance the classes and
    stacking them would over-correct:

    * random over-sampling to 1:1 (``TextRandomOverSampler``), no class weights;
    * no sampler, class weights ``None`` or ``"balanced"``.

    Both explore ``l2`` (1e-5, 1e-4) and ``analyzer`` (``"char_wb"`` or
    ``("char_wb", "word")``) of the ``"tfidf"`` architecture, the strongest on
    the SMS spam benchmark (see ``docs/workflow.rst``).

    Parameters
    ----------
    random_state : int or None, default=None
        Seed of the sampler in the space.
    prefix : str, default="estimator__"
        The path from the search's estimator to the pipeline.

    Returns
    -------
    space : list of dict
        Parameter grids keyed by the search's parameter names.
    """
    from sklearn_imbal.sampling import TextRandomOverSampler

    common = {
        f"{prefix}clf__l2": [1e-5, 1e-4],
        f"{prefix}clf__analyzer": ["char_wb", ("char_wb", "word")],
    }
    return [
        {
            f"{prefix}sampler": [TextRandomOverSampler(random_state=random_state)],
            f"{prefix}clf__class_weight": [None],
            **common,
        },
        {
            f"{prefix}sampler": ["passthrough"],
            f"{prefix}clf__class_weight": [None, "balanced"],
            **common,
        },
    ]


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
        "prior_correction": ["boolean"],
        "refit": ["boolean", str, callable],
        "n_jobs": [Integral, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def make_text_search(
    *,
    scoring="f1",
    threshold_scoring="f1",
    param_space="default",
    budget="small",
    cv=3,
    threshold_cv=0.2,
    prior_correction=False,
    refit=True,
    n_jobs=None,
    random_state=0,
    verbose=0,
):
    """A ready, unfitted hyperparameter search for imbalanced text classification.

    Builds, without fitting anything::

        GridSearchCV or RandomizedSearchCV(                 # model selection by `scoring`
            HoldoutThresholdClassifier(                     # threshold for `threshold_scoring`
                imblearn.pipeline.Pipeline([
                    ("sampler", TextRandomOverSampler() or "passthrough"),
                    ("clf", KerasTextClassifier(...)),
                ]),
            ),
            param_space, cv=StratifiedKFold(cv, shuffle=True),
        )

    ``HoldoutThresholdClassifier`` is scikit-learn's ``TunedThresholdClassifierCV``
    in its one-fit mode: the pipeline is fitted on ``1 - threshold_cv`` of each
    training fold and the threshold is tuned on the held-out rest, so threshold
    tuning costs no extra Keras fit. Call ``fit(texts, labels)`` on the result;
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
        ``"clf__l2"``; with ``prior_correction``, ``"estimator__estimator__clf__l2"``). ``"default"`` is :func:`default_space`:
        sampler on (over-sample to 1:1) or off with ``class_weight`` None or
        ``"balanced"``, ``l2`` in (1e-5, 1e-4), ``analyzer`` ``"char_wb"`` or
        ``("char_wb", "word")``; 12 candidates.
    budget : {"small", "medium", "large"} or int, default="small"
        How much to spend. ``"small"``: 4 candidates drawn at random from the
        space, 15 epochs per fit; ``"medium"``: 8 candidates, 20 epochs;
        ``"large"``: every candidate (a grid search), 30 epochs. An int is that
        many candidates at 20 epochs. A space with no more candidates than the
        budget is searched exhaustively (``GridSearchCV``), otherwise at random
        (``RandomizedSearchCV``). Keras fits = candidates x ``cv`` + 1.
    cv : int or cross-validation splitter, default=3
        Model-selection folds; an int is a shuffled ``StratifiedKFold``.
    threshold_cv : float or int, default=0.2
        A float is the share of each training fold held out to tune the
        threshold (one fit per candidate and fold; the model is trained on the
        rest). An int ``k`` tunes on ``k`` folds and refits, as
        ``TunedThresholdClassifierCV(cv=k)``: ``k + 1`` fits per candidate and fold.
    prior_correction : bool, default=False
        Wrap the pipeline in :class:`~sklearn_imbal.threshold.PriorCorrectedClassifier`
        so that ``predict_proba`` is calibrated for the real class prior after
        over-sampling or class weights. It changes neither ROC AUC nor the
        tuned decisions, only the probability scale (and the parameter names
        gain one ``estimator__``).
    refit : bool, str or callable, default=True
        As in ``GridSearchCV``; with several scorers, the name to select by.
    n_jobs : int or None, default=None
        Parallel candidate fits (each Keras fit also uses several threads).
    random_state : int or None, default=0
        Seeds everything: the candidates drawn, the folds, the threshold
        holdout, the sampler and the Keras models. The same seed gives the
        same search.
    verbose : int, default=0
        The search's verbosity.

    Returns
    -------
    search : GridSearchCV or RandomizedSearchCV
        Unfitted.

    See Also
    --------
    default_space : The default hyperparameter space.
    sklearn_imbal.threshold.HoldoutThresholdClassifier : The threshold step.

    Examples
    --------
    >>> from sklearn_imbal import make_text_search
    >>> search = make_text_search(scoring="roc_auc", budget=2, random_state=0)
    >>> type(search).__name__, search.n_iter
    ('RandomizedSearchCV', 2)
    >>> search.estimator.scoring, search.estimator.cv, search.estimator.refit
    ('f1', 0.2, False)
    >>> search.get_params()["estimator__estimator__clf__epochs"]
    20
    >>> make_text_search(threshold_scoring="roc_auc")
    Traceback (most recent call last):
        ...
    ValueError: threshold_scoring='roc_auc' cannot be a threshold objective: ...
    """
    from sklearn_imbal.keras import KerasTextClassifier
    from sklearn_imbal.sampling import TextRandomOverSampler

    if threshold_scoring is not None:
        check_threshold_scoring(threshold_scoring, name="threshold_scoring")
    preset = BUDGETS[budget] if isinstance(budget, str) else {"n_candidates": budget, "epochs": 20}

    from imblearn.pipeline import Pipeline

    classifier = KerasTextClassifier(
        architecture="tfidf",
        analyzer="char_wb",
        l2=1e-5,
        learning_rate=0.02,
        epochs=preset["epochs"],
        batch_size=64,
        random_state=random_state,
    )
    estimator = Pipeline([
        ("sampler", TextRandomOverSampler(random_state=random_state)),
        ("clf", classifier),
    ])
    prefix = "estimator__"
    if prior_correction:
        estimator = PriorCorrectedClassifier(estimator)
        prefix += "estimator__"
    if threshold_scoring is not None:
        estimator = HoldoutThresholdClassifier(
            estimator,
            scoring=threshold_scoring,
            cv=threshold_cv,
            refit=isinstance(threshold_cv, Integral),
            random_state=random_state,
        )
    else:
        prefix = prefix[len("estimator__"):]

    space = default_space(random_state=random_state, prefix=prefix) \
        if isinstance(param_space, str) else param_space
    if isinstance(cv, Integral):
        cv = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    common = dict(scoring=scoring, cv=cv, refit=refit, n_jobs=n_jobs, verbose=verbose)
    n_candidates = preset["n_candidates"]
    spaces = space if isinstance(space, list) else [space]
    if n_candidates is None or n_candidates >= _n_candidates(spaces):
        return GridSearchCV(estimator, space, **common)
    return RandomizedSearchCV(estimator, space, n_iter=n_candidates,
                              random_state=random_state, **common)
