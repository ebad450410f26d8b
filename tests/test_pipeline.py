"""sklearn_imbal.pipeline: resampled sample_weight reaches the steps after a sampler,
with and without metadata routing, inside searches, and clear errors otherwise."""

import doctest

import numpy as np
import pytest
import sklearn
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline as ImblearnPipeline
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, TunedThresholdClassifierCV

import sklearn_imbal.pipeline
from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.pipeline import Pipeline, make_pipeline
from sklearn_imbal.sampling import (
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)

pytestmark = pytest.mark.smoke

TINY = {"architecture": "bag", "analyzer": "word", "ngrams": 1, "embedding_dim": 8,
        "epochs": 3, "batch_size": 16, "learning_rate": 0.05, "random_state": 0}
SAMPLERS = [TextRandomOverSampler, TextRandomUnderSampler, TextAugmentOverSampler]
IDS = [cls.__name__ for cls in SAMPLERS]


@pytest.fixture(autouse=True)
def no_routing_leaks():
    """Every test starts and ends with metadata routing off (the global default)."""
    assert not sklearn.get_config()["enable_metadata_routing"]
    yield
    assert not sklearn.get_config()["enable_metadata_routing"]


@pytest.fixture(scope="module")
def unique_texts(text_data):
    """Distinct texts with a distinct weight each, so a weight names its text."""
    X, y = text_data
    X = np.array([f"{text} n{i}" for i, text in enumerate(X)], dtype=object)
    weights = 1.0 + np.arange(len(y)) / len(y)
    return X, y, weights


class RecordingLogisticRegression(LogisticRegression):
    """Records the rows and weights of its last fit."""

    def fit(self, X, y, sample_weight=None):
        self.seen_y_ = np.asarray(y)
        self.seen_weight_ = None if sample_weight is None else np.asarray(sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


class WeightRecordingTextClassifier(KerasTextClassifier):
    """Records, for every Keras fit, the texts and the sample weights it is given.

    Class-level so that the clones a search fits report too (searches run
    sequentially here).
    """

    trainings = []

    def _fit(self, X, y, sample_weight, *args, **kwargs):
        type(self).trainings.append((list(X), np.array(sample_weight)))
        return super()._fit(X, y, sample_weight, *args, **kwargs)


def text_pipeline(sampler, clf=None):
    return Pipeline([("sampler", sampler), ("tfidf", TfidfVectorizer()),
                     ("clf", clf if clf is not None else RecordingLogisticRegression())])


def routed(sampler, clf=None):
    """A pipeline requesting sample_weight on the sampler and the classifier."""
    clf = clf if clf is not None else RecordingLogisticRegression()
    return text_pipeline(sampler.set_fit_resample_request(sample_weight=True),
                         clf.set_fit_request(sample_weight=True))


# ------------------------------------------------------------ imblearn itself
def test_imblearn_pipeline_cannot_carry_resampled_weights(small_text_data):
    """What our Pipeline fixes (imbalanced-learn 0.13/0.14; issues #457, #833)."""
    X, y = small_text_data
    weights = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = ImblearnPipeline([
            ("sampler", TextRandomOverSampler(random_state=0)
             .set_fit_resample_request(sample_weight=True)),
            ("tfidf", TfidfVectorizer()),
            ("clf", LogisticRegression().set_fit_request(sample_weight=True)),
        ])
        with pytest.raises(ValueError, match="too many values to unpack"):
            pipe.fit(X, y, sample_weight=weights)
    # Without routing the sampler never sees its weights, and the final step's
    # weights keep the length of the rows before resampling.
    pipe = ImblearnPipeline([("sampler", TextRandomOverSampler(random_state=0)),
                             ("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())])
    with pytest.raises(ValueError, match="sample_weight.shape"):
        pipe.fit(X, y, sampler__sample_weight=weights, clf__sample_weight=weights)


# ------------------------------------------------------- weights stay aligned
@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_routed_weights_reach_the_final_step_resampled(cls, unique_texts):
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed(cls(random_state=0)).fit(X, y, sample_weight=weights)
    sampler, clf = pipe.named_steps["sampler"], pipe.named_steps["clf"]
    expected = weights[sampler.sample_indices_]
    np.testing.assert_array_equal(clf.seen_weight_, expected)
    np.testing.assert_array_equal(clf.seen_y_, y[sampler.sample_indices_])
    assert len(clf.seen_weight_) != len(weights)


def test_fit_returns_the_pipeline_and_predict_skips_the_sampler(unique_texts):
    """Samplers run in fit only: predict returns one label per input text."""
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed(TextRandomOverSampler(random_state=0))
        assert pipe.fit(X, y, sample_weight=weights) is pipe
        assert pipe.predict(X[:3]).shape == (3,)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_prefixed_weights_without_routing_reach_sampler_and_final_step(cls, unique_texts):
    X, y, weights = unique_texts
    pipe = text_pipeline(cls(random_state=0))
    pipe.fit(X, y, sampler__sample_weight=weights, clf__sample_weight=weights)
    sampler, clf = pipe.named_steps["sampler"], pipe.named_steps["clf"]
    np.testing.assert_array_equal(clf.seen_weight_, weights[sampler.sample_indices_])
    # No weights at all: the default path is imbalanced-learn's.
    pipe.fit(X, y)
    assert pipe.named_steps["clf"].seen_weight_ is None


def test_weights_flow_through_two_samplers_in_a_row(unique_texts):
    X, y, weights = unique_texts
    pipe = Pipeline([("under", TextRandomUnderSampler(sampling_strategy=0.5, random_state=0)),
                     ("over", TextRandomOverSampler(random_state=1)),
                     ("tfidf", TfidfVectorizer()), ("clf", RecordingLogisticRegression())])
    pipe.fit(X, y, under__sample_weight=weights, over__sample_weight=weights,
             clf__sample_weight=weights)
    under, over = pipe.named_steps["under"], pipe.named_steps["over"]
    expected = weights[under.sample_indices_][over.sample_indices_]
    np.testing.assert_array_equal(pipe.named_steps["clf"].seen_weight_, expected)
    # A pipeline of samplers returns the resampled weights from fit_resample.
    samplers = Pipeline(pipe.steps[:2])
    X_res, y_res, w_res = samplers.fit_resample(
        X, y, under__sample_weight=weights, over__sample_weight=weights
    )
    np.testing.assert_array_equal(w_res, expected)
    assert len(X_res) == len(y_res) == len(w_res)


def test_weights_for_the_sampler_only_are_resampled_and_dropped(unique_texts):
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = text_pipeline(
            TextRandomOverSampler(random_state=0).set_fit_resample_request(sample_weight=True),
            RecordingLogisticRegression().set_fit_request(sample_weight=False),
        ).fit(X, y, sample_weight=weights)
    assert pipe.named_steps["clf"].seen_weight_ is None


def test_cached_pipeline_restores_the_resampled_weights(unique_texts, tmp_path):
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed(TextRandomOverSampler(random_state=0))
        pipe.set_params(memory=str(tmp_path))
        first = clone(pipe).fit(X, y, sample_weight=weights)
        second = clone(pipe).fit(X, y, sample_weight=weights)  # the sampler from the cache
    # One cached result for the two fits: the second one was a cache hit.
    outputs = [path for path in tmp_path.rglob("output.pkl")
               if "_fit_resample_with_weights" in str(path)]
    assert len(outputs) == 1
    indices = second.named_steps["sampler"].sample_indices_
    np.testing.assert_array_equal(indices, first.named_steps["sampler"].sample_indices_)
    np.testing.assert_array_equal(second.named_steps["clf"].seen_weight_, weights[indices])


def test_make_pipeline_builds_our_pipeline(unique_texts):
    X, y, weights = unique_texts
    pipe = make_pipeline(TextRandomOverSampler(random_state=0), TfidfVectorizer(),
                         RecordingLogisticRegression())
    assert type(pipe) is Pipeline
    pipe.fit(X, y, textrandomoversampler__sample_weight=weights,
             recordinglogisticregression__sample_weight=weights)
    sampler = pipe.named_steps["textrandomoversampler"]
    np.testing.assert_array_equal(
        pipe.named_steps["recordinglogisticregression"].seen_weight_,
        weights[sampler.sample_indices_],
    )


def test_docstring_examples():
    result = doctest.testmod(sklearn_imbal.pipeline, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("sampler", [RandomOverSampler(random_state=0),
                                     SMOTE(k_neighbors=2, random_state=0)],
                         ids=["RandomOverSampler", "SMOTE"])
def test_weights_routed_past_an_imblearn_sampler_are_an_error(sampler, small_text_data):
    X, y = small_text_data
    weights = np.ones(len(y))
    match = (rf"sample_weight is passed to step\(s\) 'clf', which come after the sampler "
             rf"'sampler' \({type(sampler).__name__}\).*cannot resample sample_weight.*"
             "class_weight")
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = Pipeline([("tfidf", TfidfVectorizer()), ("sampler", sampler),
                         ("clf", LogisticRegression().set_fit_request(sample_weight=True))])
        with pytest.raises(ValueError, match=match):
            pipe.fit(X, y, sample_weight=weights)
    pipe = Pipeline([("tfidf", TfidfVectorizer()), ("sampler", clone(sampler)),
                     ("clf", LogisticRegression())])
    with pytest.raises(ValueError, match=match):
        pipe.fit(X, y, clf__sample_weight=weights)
    # Nothing was fitted before the error.
    assert not hasattr(pipe.named_steps["tfidf"], "vocabulary_")


def test_weights_that_bypass_a_text_sampler_are_an_error(small_text_data):
    X, y = small_text_data
    weights = np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = text_pipeline(
            TextRandomOverSampler().set_fit_resample_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight=True),
        )
        with pytest.raises(ValueError, match=r"'sampler' \(TextRandomOverSampler\).* "
                                             r"resamples weights when it is given them: "
                                             r"sampler.set_fit_resample_request\("
                                             r"sample_weight=True\)"):
            pipe.fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="pass sampler__sample_weight to fit as well"):
        text_pipeline(TextRandomOverSampler()).fit(X, y, clf__sample_weight=weights)


class WeightDroppingSampler(TextRandomOverSampler):
    """Accepts sample_weight but returns only (X, y)."""

    def fit_resample(self, X, y, sample_weight=None):
        return super().fit_resample(X, y)[:2]


def test_a_sampler_that_swallows_its_weights_is_an_error(small_text_data):
    X, y = small_text_data
    with pytest.raises(ValueError, match=r"WeightDroppingSampler.fit_resample received "
                                         r"sample_weight but returned 2 values"):
        text_pipeline(WeightDroppingSampler()).fit(
            X, y, sampler__sample_weight=np.ones(len(y)), clf__sample_weight=np.ones(len(y))
        )


# ---------------------------------------------------------------- searches
def test_grid_search_and_threshold_tuning_route_weights(unique_texts):
    """Weights through GridSearchCV and TunedThresholdClassifierCV, scorers included."""
    X, y, weights = unique_texts
    cv = StratifiedKFold(2)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed(TextRandomOverSampler(random_state=0))
        weighted_auc = get_scorer("roc_auc").set_score_request(sample_weight=True)
        plain_auc = get_scorer("roc_auc").set_score_request(sample_weight=False)
        searches = {
            scorer: GridSearchCV(pipe, {"clf__C": [0.1, 1.0]}, scoring=scorer, cv=cv)
            .fit(X, y, sample_weight=weights)
            for scorer in (weighted_auc, plain_auc)
        }
        tuned = TunedThresholdClassifierCV(
            pipe, scoring=get_scorer("f1").set_score_request(sample_weight=True), cv=cv
        ).fit(X, y, sample_weight=weights)
    for search in searches.values():
        best = search.best_estimator_
        indices = best.named_steps["sampler"].sample_indices_
        np.testing.assert_array_equal(best.named_steps["clf"].seen_weight_, weights[indices])
        assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # The scorer's request decides whether the test folds are scored with weights.
    assert not np.allclose(searches[weighted_auc].cv_results_["mean_test_score"],
                           searches[plain_auc].cv_results_["mean_test_score"])
    refit = tuned.estimator_
    np.testing.assert_array_equal(
        refit.named_steps["clf"].seen_weight_,
        weights[refit.named_steps["sampler"].sample_indices_],
    )
    assert 0 < tuned.best_threshold_ < 1 and np.isfinite(tuned.best_score_)


@pytest.fixture
def keras_trainings():
    WeightRecordingTextClassifier.trainings = []
    yield WeightRecordingTextClassifier.trainings
    WeightRecordingTextClassifier.trainings = []


def assert_trained_on_aligned_weights(trainings, X, weights, n_expected):
    """Every Keras training got, for each text, that text's own weight."""
    weight_of = dict(zip(X, weights))
    assert len(trainings) == n_expected
    for texts, trained_weights in trainings:
        assert len(texts) > len(set(texts))  # over-sampled: duplicated texts
        np.testing.assert_array_equal(trained_weights, [weight_of[t] for t in texts])


def routed_oversampling_pipeline():
    """Over-sampler then the recording classifier, both requesting ``sample_weight``."""
    return Pipeline([
        ("sampler", TextRandomOverSampler(random_state=0)
         .set_fit_resample_request(sample_weight=True)),
        ("clf", WeightRecordingTextClassifier(**TINY).set_fit_request(sample_weight=True)),
    ])


def test_routed_weights_reach_keras_through_a_grid_search(unique_texts, keras_trainings):
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_oversampling_pipeline()
        search = GridSearchCV(
            pipe, {"clf__class_weight": [None, "balanced"]}, cv=StratifiedKFold(2),
            scoring=get_scorer("roc_auc").set_score_request(sample_weight=True),
            error_score="raise",
        ).fit(X, y, sample_weight=weights)
    # 2 candidates x 2 folds, then the refit on everything.
    assert_trained_on_aligned_weights(keras_trainings, X, weights, n_expected=5)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.7
    best = search.best_estimator_
    assert keras_trainings[-1][0] == list(X[best.named_steps["sampler"].sample_indices_])


def test_routed_weights_reach_keras_through_threshold_tuning(unique_texts, keras_trainings):
    X, y, weights = unique_texts
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_oversampling_pipeline()
        tuned = TunedThresholdClassifierCV(
            pipe, scoring=get_scorer("f1").set_score_request(sample_weight=True), cv=0.3,
            random_state=0,
        ).fit(X, y, sample_weight=weights)
        assert tuned.predict(X[:4]).shape == (4,)
    # One fit on the 70% split to choose the threshold, one refit on everything.
    assert_trained_on_aligned_weights(keras_trainings, X, weights, n_expected=2)
    assert 0 < tuned.best_threshold_ < 1 and tuned.best_score_ > 0.5


def test_no_routing_default_search_over_samplers_still_works(unique_texts, keras_trainings):
    X, y, weights = unique_texts
    pipe = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", WeightRecordingTextClassifier(**TINY))])
    search = GridSearchCV(pipe, {"sampler": [TextRandomOverSampler(random_state=0),
                                             "passthrough"]},
                          scoring="roc_auc", cv=StratifiedKFold(2), error_score="raise")
    search.fit(X, y, sampler__sample_weight=weights, clf__sample_weight=weights)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # GridSearchCV splits the prefixed weights per fold; the sampler resamples them.
    weight_of = dict(zip(X, weights))
    assert len(keras_trainings) == 5
    for texts, trained_weights in keras_trainings:
        np.testing.assert_array_equal(trained_weights, [weight_of[t] for t in texts])
