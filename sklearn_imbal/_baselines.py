"""make_text_baseline: the classical model a search has to beat.

Re-exported by :mod:`sklearn_imbal.search` (its documented home) and at the
top level.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

from sklearn.model_selection import StratifiedKFold

from sklearn_imbal._compat import Interval, RealNotInt, StrOptions, validate_params
from sklearn_imbal.threshold import HoldoutThresholdClassifier, check_threshold_scoring

__all__ = ["BASELINES", "make_text_baseline"]


#: The classical models :func:`make_text_baseline` builds: each a scikit-learn
#: ``TfidfVectorizer`` (sublinear TF, L2-normalized rows) and a linear model with
#: balanced class weights.
BASELINES: dict[str, str] = {
    "char_svc": "char_wb 2-5-gram TF-IDF + LinearSVC(class_weight='balanced')",
    "word_char_svc": "word 1-2-gram and char_wb 2-5-gram TF-IDF + "
                     "LinearSVC(C=0.3, class_weight='balanced')",
    "word_logreg": "word 1-2-gram TF-IDF + LogisticRegression(class_weight='balanced')",
}


@validate_params(
    {
        "kind": [StrOptions(set(BASELINES))],
        "threshold_scoring": [str, callable],
        "threshold_cv": [Interval(RealNotInt, 0, 1, closed="neither"),
                         Interval(Integral, 2, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def make_text_baseline(kind: str = "char_svc", *, threshold_scoring: Any = "f1",
                       threshold_cv: float | int = 5,
                       random_state: int | None = 0) -> HoldoutThresholdClassifier:
    """The classical model to beat: TF-IDF n-grams, a linear model, a tuned threshold.

    A model any scikit-learn user can write in a few lines, and on rare-class
    text a strong one: it fits in about a second on a few thousand texts, and a
    search is only worth its cost where it does better. ``sklearn-imbal train``
    and ``demo`` print the ``"char_svc"`` and ``"word_logreg"`` rows beside the
    search's, each with its threshold tuned on the training part only.

    Parameters
    ----------
    kind : {"char_svc", "word_char_svc", "word_logreg"}, default="char_svc"
        Which model (:data:`BASELINES` describes each). ``"char_svc"`` was the
        strongest on the SMS spam and Reuters ``crude`` data;
        ``"word_char_svc"`` on data where words carry the signal (short
        social-media texts); ``"word_logreg"`` is the usual first model.
    threshold_scoring : str or callable, default="f1"
        The objective the decision threshold is tuned for, as in
        :func:`make_text_search`.
    threshold_cv : float or int, default=5
        An int ``k`` tunes the threshold on ``k`` stratified folds' out-of-fold
        scores and refits on all the data (``k + 1`` fits, each about a second);
        a float holds that share out instead (one fit).
    random_state : int or None, default=0
        Seeds the threshold folds or holdout.

    Returns
    -------
    baseline : HoldoutThresholdClassifier
        Unfitted; scikit-learn's ``TunedThresholdClassifierCV`` (of which
        :class:`~sklearn_imbal.threshold.HoldoutThresholdClassifier` is the
        subclass with a float ``cv``) over a ``sklearn.pipeline.Pipeline``. The
        linear SVMs have no ``predict_proba``: their threshold is on
        ``decision_function``, so ``best_threshold_`` is a margin.

    See Also
    --------
    make_text_search : The Keras search the baseline is compared with.

    Examples
    --------
    >>> from sklearn_imbal.search import make_text_baseline
    >>> baseline = make_text_baseline()
    >>> baseline.estimator.steps[-1][1]
    LinearSVC(class_weight='balanced')
    >>> baseline.cv.get_n_splits(), baseline.scoring
    (5, 'f1')
    >>> make_text_baseline("word_logreg", threshold_cv=0.2).refit
    False
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    check_threshold_scoring(threshold_scoring, name="threshold_scoring")

    def words():
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)

    def characters():
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)

    if kind == "char_svc":
        steps = [("tfidf", characters()), ("clf", LinearSVC(class_weight="balanced"))]
    elif kind == "word_char_svc":
        union = FeatureUnion([("word", words()), ("char_wb", characters())])
        steps = [("tfidf", union), ("clf", LinearSVC(C=0.3, class_weight="balanced"))]
    else:
        steps = [("tfidf", words()),
                 ("clf", LogisticRegression(class_weight="balanced", max_iter=2000))]
    cv: Any = threshold_cv
    if isinstance(threshold_cv, Integral):
        cv = StratifiedKFold(threshold_cv, shuffle=True, random_state=random_state)
    return HoldoutThresholdClassifier(
        Pipeline(steps), scoring=threshold_scoring, cv=cv,
        refit=not isinstance(threshold_cv, float), random_state=random_state,
    )
