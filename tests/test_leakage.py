"""Leakage audit: each no-leak guarantee of sklearn-imbal, proven by an instrumented run.

1. **Samplers run only in fit.** A sampler in a pipeline resamples the training
   fold it is fitted on and nothing else: validation and test folds reach the
   model as given (no copies, no deletions), at scoring and at prediction.
2. **Vocabulary per fold.** The ``TextVectorization`` vocabulary and the TF-IDF
   document frequencies of a model are learned from the texts that model is
   trained on: never from the fold it is tested on, the threshold holdout or
   the early-stopping validation texts.
3. **The threshold is chosen on held-out predictions.** ``HoldoutThresholdClassifier``
   and scikit-learn's ``TunedThresholdClassifierCV`` score each threshold on
   predictions for rows the scored model was not fitted on.
4. **The early-stopping split is carved from the training fold**, after any
   sampler, and copies of one text (an over-sampler's duplicates) all fall on
   the same side: a validation text is never a copy of a training text.

How: every text ends with a tag, a CJK character no other text holds, so a
text, its words and its character n-grams can be traced. Spies record what
each model's ``fit``, ``predict_proba`` and early-stopping split, and each
sampler's ``fit_resample``, received. Rows are compared through their tags.
Tiny models; the runs several tests read are module-scoped fixtures.
"""

import itertools
import math
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV, cross_validate

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier, make_text_search
from sklearn_imbal.pipeline import Pipeline as SampleAwarePipeline
from sklearn_imbal.sampling import (
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)
from sklearn_imbal.threshold import HoldoutThresholdClassifier

TINY = dict(architecture="tfidf", analyzer="word", ngrams=1, epochs=2, batch_size=16,
            learning_rate=0.05, random_state=0)
FIRST_TAG = 0x4E00  # CJK ideographs: absent from the fixture texts
EVENTS = []  # what the spies saw, in order
_MODEL_IDS = itertools.count()


def tag_of(text):
    """The tag characters in a text, a vocabulary term or an n-gram."""
    return {char for char in text if ord(char) >= FIRST_TAG}


def tags(texts):
    return set().union(*map(tag_of, texts)) if len(texts) else set()


def tagged(X):
    return np.array([f"{text} {chr(FIRST_TAG + i)}" for i, text in enumerate(X)], dtype=object)


class SpyClassifier(KerasTextClassifier):
    """Records the texts each fitted model is trained on, splits and predicts."""

    def fit(self, X, y, **params):
        self._spy_id = next(_MODEL_IDS)
        EVENTS.append(("fit", self._spy_id, list(X)))
        super().fit(X, y, **params)
        EVENTS.append(("vocabulary", self._spy_id, vocabulary(self)))
        return self

    def predict_proba(self, X):
        EVENTS.append(("predict", self._spy_id, list(X)))
        return super().predict_proba(X)

    def _validation_split(self, X, y, partial):
        train, validation = super()._validation_split(X, y, partial)
        if validation is not None:
            EVENTS.append(("split", self._spy_id, (list(X[train]), list(X[validation]))))
        return train, validation


def recording(sampler_class):
    """A subclass of ``sampler_class`` that records each resampling."""

    class Recording(sampler_class):
        def fit_resample(self, X, y, **params):
            X_res, *rest = super().fit_resample(X, y, **params)
            EVENTS.append(("resample", None, (list(X), list(X_res))))
            return (X_res, *rest)

    Recording.__name__ = Recording.__qualname__ = f"Recording{sampler_class.__name__}"
    return Recording


def events(kind, model=None):
    return [seen for what, spy, seen in EVENTS
            if what == kind and (model is None or spy == model)]


def vocabulary(clf):
    """Every term of every TextVectorization layer of a fitted classifier."""
    stage = clf.model_.get_layer("text_stage")
    layers = [layer for layer in stage.layers if layer.name.startswith("vectorize_")]
    assert layers
    return [term for layer in layers for term in layer.get_vocabulary()]


@pytest.fixture(autouse=True)
def _events_of_this_test():
    EVENTS.clear()
    yield
    EVENTS.clear()


@pytest.fixture(scope="module")
def data(small_text_data):
    X, y = small_text_data
    return tagged(X), y


@pytest.fixture(scope="module")
def audited_cv(data):
    """Cross-validate over-sampler + early-stopping Keras model (word and char n-grams).

    Returns, per fold, its indices, its fitted classifier and what its spies
    saw; and the sampler's resamplings in fold order.
    """
    X, y = data
    EVENTS.clear()
    pipe = Pipeline([
        ("sampler", recording(TextRandomOverSampler)(random_state=0)),
        ("clf", SpyClassifier(**{**TINY, "analyzer": ("word", "char_wb"), "ngrams": None},
                              early_stopping=True, validation_fraction=0.25)),
    ])
    result = cross_validate(pipe, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                            scoring=["f1", "roc_auc"], return_estimator=True,
                            return_indices=True, error_score="raise")
    folds = []
    for fitted, train, test in zip(result["estimator"], result["indices"]["train"],
                                   result["indices"]["test"]):
        model = fitted.named_steps["clf"]._spy_id
        folds.append(dict(train=train, test=test, clf=fitted.named_steps["clf"],
                          fit=events("fit", model), predict=events("predict", model),
                          split=events("split", model)))
    resampled = events("resample")
    assert np.all(np.isfinite(result["test_f1"]))
    return folds, resampled


# ------------------------------------------- 1. samplers run only in fit
def test_the_sampler_resamples_each_training_fold_once_and_nothing_else(audited_cv, data):
    X, _ = data
    folds, resampled = audited_cv
    # One resampling per fold: none when the folds are scored (predict_proba
    # for roc_auc, predict for f1).
    assert len(resampled) == len(folds) == 3
    for fold, (given, returned) in zip(folds, resampled):
        assert given == list(X[fold["train"]])
        assert len(returned) > len(given) and len(set(returned)) == len(given)
        [fitted_on] = fold["fit"]
        assert fitted_on == returned


def test_test_folds_reach_the_model_as_given(audited_cv, data):
    X, _ = data
    folds, _ = audited_cv
    for fold in folds:
        # Scored on exactly the test fold: no copies added, no rows dropped.
        assert fold["predict"] and all(seen == list(X[fold["test"]]) for seen in fold["predict"])


SAMPLER_PIPELINES = [
    (Pipeline, TextRandomUnderSampler),
    (Pipeline, TextAugmentOverSampler),
    (SampleAwarePipeline, TextRandomOverSampler),
]


@pytest.mark.parametrize("pipeline, sampler", SAMPLER_PIPELINES,
                         ids=[f"{p.__module__.split('.')[0]}-{s.__name__}"
                              for p, s in SAMPLER_PIPELINES])
def test_every_sampler_and_pipeline_resamples_in_fit_only(data, pipeline, sampler):
    X, y = data
    pipe = pipeline([("sampler", recording(sampler)(random_state=0)),
                     ("clf", SpyClassifier(**{**TINY, "epochs": 1}))])
    result = cross_validate(pipe, X, y, cv=StratifiedKFold(2, shuffle=True, random_state=0),
                            scoring="f1", return_estimator=True, return_indices=True,
                            error_score="raise")
    resampled = events("resample")
    assert len(resampled) == 2
    for fitted, train, test, (given, returned) in zip(
        result["estimator"], result["indices"]["train"], result["indices"]["test"], resampled
    ):
        model = fitted.named_steps["clf"]._spy_id
        assert given == list(X[train])
        # Random samplers copy or drop training texts; the augmenting one edits
        # them (and may cut a tag), mixing in spans of training texts only.
        assert tags(returned) <= tags(X[train]) and not tags(returned) & tags(X[test])
        assert events("fit", model) == [returned]
        assert events("predict", model) == [list(X[test])]


# ----------------------------------------------- 2. vocabulary per fold
def test_vocabulary_holds_exactly_the_tags_of_the_texts_the_model_trained_on(audited_cv, data):
    X, _ = data
    folds, _ = audited_cv
    for fold in folds:
        [(trained_on, validation)] = fold["split"]
        terms = vocabulary(fold["clf"])
        # Word and character n-gram terms: every training tag is there (so the
        # check below can fail), no test-fold or validation tag is.
        assert tags(terms) == tags(trained_on)
        assert not tags(terms) & (tags(X[fold["test"]]) | tags(validation))


def test_document_frequencies_come_from_the_training_texts(audited_cv, data):
    X, _ = data
    folds, _ = audited_cv
    for fold in folds:
        [(trained_on, _)] = fold["split"]
        model = fold["clf"].model_.get_layer("text_stage")
        terms = model.get_layer("vectorize_word").get_vocabulary()
        idf = model.get_layer("tfidf_word").idf.numpy()
        words = [set(text.split()) for text in trained_on]
        everything = [set(text.split()) for text in X]
        checked = 0
        for term, weight in zip(terms, idf):
            if " " in term or term in ("", "[UNK]"):
                continue  # bigrams and the reserved entries
            df = sum(term in text for text in words)
            n = len(words)
            assert weight == pytest.approx(math.log((1 + n) / (1 + df)) + 1, rel=1e-6), term
            if term in ("free", "the"):
                # The same statistic over all the data differs: not vacuous.
                df_all = sum(term in text for text in everything)
                assert weight != pytest.approx(
                    math.log((1 + len(X)) / (1 + df_all)) + 1, rel=1e-6)
                checked += 1
        assert checked == 2


@pytest.mark.parametrize("architecture, analyzer", [("bag", "word"), ("cnn", "char")])
def test_each_architecture_learns_its_vocabulary_on_the_training_fold(data, architecture,
                                                                       analyzer):
    X, y = data
    clf = SpyClassifier(**{**TINY, "epochs": 1, "ngrams": None, "architecture": architecture,
                           "analyzer": analyzer}, embedding_dim=4)
    result = cross_validate(clf, X, y, cv=StratifiedKFold(2, shuffle=True, random_state=0),
                            return_estimator=True, return_indices=True, error_score="raise")
    for fitted, train, test in zip(result["estimator"], result["indices"]["train"],
                                   result["indices"]["test"]):
        assert tags(vocabulary(fitted)) == tags(X[train])
        assert not tags(vocabulary(fitted)) & tags(X[test])


# ------------------------------- 3. threshold chosen on held-out predictions
def test_holdout_threshold_is_scored_on_rows_the_model_never_saw(data):
    X, y = data
    pipe = Pipeline([("sampler", recording(TextRandomOverSampler)(random_state=0)),
                     ("clf", SpyClassifier(**TINY))])
    tuned = HoldoutThresholdClassifier(pipe, cv=0.25, random_state=0,
                                       store_cv_results=True).fit(X, y)
    train, holdout = tuned.train_indices_, tuned.holdout_indices_
    model = tuned.estimator_.named_steps["clf"]._spy_id
    # One model: its sampler and fit saw the training part only...
    [(given, returned)] = events("resample")
    assert given == list(X[train]) and events("fit") == [returned]
    assert not tags(vocabulary(tuned.estimator_.named_steps["clf"])) & tags(X[holdout])
    # ...and the sweep scored exactly its predictions for the holdout.
    assert events("predict", model) == [list(X[holdout])]
    proba = tuned.estimator_.predict_proba(X[holdout])[:, 1]
    by_hand = [f1_score(y[holdout], proba >= t) for t in tuned.cv_results_["thresholds"]]
    np.testing.assert_allclose(tuned.cv_results_["scores"], by_hand)


@pytest.mark.parametrize("make_tuner", [
    lambda pipe: TunedThresholdClassifierCV(pipe, cv=2, refit=True),
    lambda pipe: HoldoutThresholdClassifier(pipe, cv=0.25, refit=True, random_state=0),
], ids=["TunedThresholdClassifierCV-cv2", "HoldoutThresholdClassifier-refit"])
def test_refitting_tuners_score_thresholds_on_out_of_fold_predictions(data, make_tuner):
    X, y = data
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", SpyClassifier(**TINY))])
    tuned = make_tuner(pipe).fit(X, y)
    final = tuned.estimator_.named_steps["clf"]._spy_id
    fitted = {spy: seen for what, spy, seen in EVENTS if what == "fit"}
    scored = [(spy, seen) for what, spy, seen in EVENTS if what == "predict"]
    assert scored and len(fitted) == len(scored) + 1
    for spy, seen in scored:
        assert spy != final, "the refitted model is not used to choose its threshold"
        assert not tags(seen) & tags(fitted[spy])
    predicted = tags([text for _, seen in scored for text in seen])
    if isinstance(tuned, HoldoutThresholdClassifier):
        assert len(predicted) == math.ceil(0.25 * len(y))
    else:  # every row scored once, by the model of the other fold
        assert predicted == tags(X)
    assert tags(fitted[final]) == tags(X)


def test_a_whole_search_never_predicts_a_row_a_model_saw(data):
    """make_text_search: folds, threshold holdouts, the refit's folds and its final fit."""
    X, y = data
    search = make_text_search(param_space={"estimator__clf__l2": [1e-4]}, cv=2,
                              scoring="f1", random_state=0)
    search.set_params(estimator__estimator__sampler=recording(TextRandomOverSampler)(
        random_state=0), estimator__estimator__clf=SpyClassifier(**TINY))
    search.fit(X, y)
    fits = [(spy, seen) for what, spy, seen in EVENTS if what == "fit"]
    resampled = events("resample")
    # Two search folds, then the refit: five threshold folds and the fit on all rows.
    assert len(fits) == len(resampled) == 2 + 5 + 1
    for (spy, fitted_on), (given, returned) in zip(fits, resampled):
        assert fitted_on == returned and tags(returned) == tags(given)
        [terms] = events("vocabulary", spy)
        assert tags(terms) == tags(given)
        predicted = [text for seen in events("predict", spy) for text in seen]
        # A search fold's model predicted its threshold holdout and the test fold,
        # a refit fold's its validation fold, the final model nothing: every row
        # was either learned from (sampler, vocabulary, weights) or predicted by
        # it, never both.
        assert not tags(predicted) & tags(given)
        assert tags(predicted) | tags(given) == tags(X)
    best = search.best_estimator_
    assert tags(vocabulary(best.estimator_.named_steps["clf"])) == tags(X)


# ------------------------------- 4. early stopping inside the training fold
def test_early_stopping_validation_is_carved_from_the_training_fold(audited_cv, data):
    X, _ = data
    folds, resampled = audited_cv
    for fold, (_, returned) in zip(folds, resampled):
        [(trained_on, validation)] = fold["split"]
        # A partition of the resampled training fold; no test-fold row in it.
        assert Counter(trained_on) + Counter(validation) == Counter(returned)
        assert not tags(validation) & tags(X[fold["test"]])
        assert 0.15 < len(validation) / len(returned) < 0.35


def test_over_sampled_copies_stay_on_one_side_of_the_early_stopping_split(audited_cv):
    folds, _ = audited_cv
    for fold in folds:
        [(trained_on, validation)] = fold["split"]
        # The over-sampler's copies exist on both sides...
        assert max(Counter(trained_on).values()) > 1 and max(Counter(validation).values()) > 1
        # ...but no validation text is a copy of a training text.
        assert not set(trained_on) & set(validation)


class SpyVectorClassifier(KerasVectorClassifier):
    def _validation_split(self, X, y, partial):
        train, validation = super()._validation_split(X, y, partial)
        EVENTS.append(("split", None, (X[train], X[validation])))
        return train, validation


def _rows(matrix):
    matrix = sp.csr_matrix(matrix)
    return {(matrix[i].indices.tobytes(), matrix[i].data.tobytes())
            for i in range(matrix.shape[0])}


def test_copies_of_sparse_rows_stay_on_one_side_too(data):
    X, y = data
    pipe = Pipeline([
        ("tfidf", TfidfVectorizer()),
        ("sampler", RandomOverSampler(random_state=0)),
        ("clf", SpyVectorClassifier(epochs=1, early_stopping=True, random_state=0)),
    ]).fit(X, y)
    [(trained_on, validation)] = events("split")
    assert sp.issparse(trained_on)
    assert trained_on.shape[0] + validation.shape[0] > len(y)  # copies were made
    assert not _rows(trained_on) & _rows(validation)
    assert pipe.named_steps["clf"].history_["val_loss"]
