"""Text samplers: balancing, delegation to imblearn, shuffling, weights, containers,
errors, and their behaviour inside imblearn pipelines and searches."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.base import is_sampler
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.utils import get_tags

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.pipeline import Pipeline as SampleAwarePipeline
from sklearn_imbal.sampling import (
    TextAugmentOverSampler,
    TextRandomOverSampler,
    TextRandomUnderSampler,
)

# A tiny, fast Keras model that still learns the fixtures' signal.
TINY = {"architecture": "bag", "analyzer": "word", "ngrams": 1, "embedding_dim": 8,
        "epochs": 4, "batch_size": 16, "learning_rate": 0.05, "random_state": 0}

SAMPLERS = [TextRandomOverSampler, TextRandomUnderSampler, TextAugmentOverSampler]
OVER = (TextRandomOverSampler, TextAugmentOverSampler)
IDS = [cls.__name__ for cls in SAMPLERS]


def three_classes(text_data):
    X, y = text_data
    rng = np.random.RandomState(0)
    return X, np.where(y == 1, "spam", rng.choice(["ham", "work"], size=len(y), p=[0.7, 0.3]))


# ------------------------------------------------------------------ API
@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_samplers_are_imblearn_samplers_of_text(cls):
    sampler = cls()
    tags = get_tags(sampler)
    assert is_sampler(sampler) and hasattr(sampler, "fit_resample")
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.sampler_tags.sample_indices
    assert hasattr(sampler, "set_fit_resample_request")  # sample_weight is routable


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_fit_checks_and_resolves_the_strategy_only(cls, small_text_data):
    X, y = small_text_data
    sampler = cls(random_state=0)
    assert sampler.fit(X, y) is sampler
    counts = Counter(y)
    if cls in OVER:
        assert sampler.sampling_strategy_ == {1: counts[0] - counts[1]}
    else:
        assert sampler.sampling_strategy_ == {0: counts[1]}
    assert not hasattr(sampler, "sample_indices_")


# ------------------------------------------------------------ resampling
@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_classes_are_balanced(cls, text_data):
    X, y = three_classes(text_data)
    counts = Counter(y)
    X_res, y_res = cls(random_state=0).fit_resample(X, y)
    target = max(counts.values()) if cls in OVER else min(counts.values())
    assert Counter(y_res) == {label: target for label in counts}
    assert len(X_res) == len(y_res)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_dict_strategy_leaves_other_classes_alone(cls, text_data):
    X, y = three_classes(text_data)
    counts = Counter(y)
    wanted = counts["spam"] + 10 if cls in OVER else counts["ham"] - 10
    label = "spam" if cls in OVER else "ham"
    _, y_res = cls(sampling_strategy={label: wanted}, random_state=0).fit_resample(X, y)
    assert Counter(y_res) == {**counts, label: wanted}


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_float_strategy_is_a_minority_to_majority_ratio(cls, text_data):
    X, y = text_data
    counts = Counter(y)
    _, y_res = cls(sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    res = Counter(y_res)
    if cls in OVER:
        assert res == {0: counts[0], 1: int(0.5 * counts[0])}
    else:
        assert res == {0: int(counts[1] / 0.5), 1: counts[1]}


@pytest.mark.smoke
@pytest.mark.parametrize(
    "cls, reference, params",
    [
        (TextRandomOverSampler, RandomOverSampler, {}),
        (TextRandomUnderSampler, RandomUnderSampler, {}),
        (TextRandomUnderSampler, RandomUnderSampler, {"replacement": True}),
    ],
    ids=["over", "under", "under-replacement"],
)
def test_random_samplers_draw_what_imblearn_draws(cls, reference, params, text_data):
    X, y = three_classes(text_data)
    ours = cls(random_state=3, shuffle=False, **params)
    X_res, y_res = ours.fit_resample(X, y)
    theirs = reference(random_state=3, **params)
    X_ref, y_ref = theirs.fit_resample(X.reshape(-1, 1), y)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    np.testing.assert_array_equal(X_res, X_ref[:, 0])
    np.testing.assert_array_equal(y_res, y_ref)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_output_is_shuffled_so_classes_interleave(cls, text_data):
    X, y = text_data
    _, y_grouped = cls(random_state=0, shuffle=False).fit_resample(X, y)
    _, y_res = cls(random_state=0).fit_resample(X, y)
    assert sorted(y_res) == sorted(y_grouped)

    def n_runs(labels):
        return 1 + int(np.count_nonzero(np.diff(labels)))

    # Unshuffled, the resampled rows come as blocks of one class.
    tail = y_grouped[-len(y_grouped) // 5:]
    assert len(set(tail)) == 1 or cls is TextRandomUnderSampler
    if cls is TextRandomUnderSampler:
        assert n_runs(y_grouped) == 2
    # Shuffled: about as many runs as a random order (n/2 for balanced classes),
    # and a Keras-style validation tail of 20% holds both classes.
    assert n_runs(y_res) > 0.35 * len(y_res)
    assert set(y_res[-len(y_res) // 5:]) == {0, 1}


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_same_seed_same_output_other_seed_other_output(cls, text_data):
    X, y = text_data
    first = cls(random_state=7).fit_resample(X, y)
    second = cls(random_state=7).fit_resample(list(X), y)
    other = cls(random_state=8).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert list(first[0]) != list(other[0])


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_sample_indices_map_rows_to_their_source(cls, text_data):
    X, y = text_data
    sampler = cls(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    source = sampler.sample_indices_
    assert source.shape == (len(X_res),)
    np.testing.assert_array_equal(y_res, y[source])
    copied = ~getattr(sampler, "synthetic_mask_", np.zeros(len(X_res), dtype=bool))
    np.testing.assert_array_equal(X_res[copied], X[source[copied]])


@pytest.mark.smoke
@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_sample_weight_is_resampled_with_the_rows(cls, text_data):
    X, y = text_data
    weights = np.linspace(0.1, 3.0, len(y))
    sampler = cls(random_state=0)
    X_res, y_res, w_res = sampler.fit_resample(X, y, sample_weight=weights)
    np.testing.assert_array_equal(w_res, weights[sampler.sample_indices_])
    assert len(w_res) == len(X_res) == len(y_res)
    # Same rows as without weights: weights never change the draw.
    X_plain, _ = clone(sampler).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_plain)
    # Pandas weights and a scalar weight are accepted too.
    _, _, w_series = clone(sampler).fit_resample(X, y, sample_weight=pd.Series(weights))
    np.testing.assert_array_equal(w_series, w_res)
    _, _, w_scalar = clone(sampler).fit_resample(X, y, sample_weight=2.0)
    assert np.all(w_scalar == 2.0)


def test_under_sampled_weights_are_those_of_the_kept_rows(small_text_data):
    X, y = small_text_data
    weights = np.arange(1, len(y) + 1, dtype=float)
    sampler = TextRandomUnderSampler(random_state=0)
    _, _, w_res = sampler.fit_resample(X, y, sample_weight=weights)
    kept = dict(zip(sampler.sample_indices_, w_res))
    assert all(kept[i] == weights[i] for i in kept)
    assert w_res.sum() < weights.sum()


# ------------------------------------------------------------ containers
CONTAINERS = {
    "list": (list, list),
    "tuple": (tuple, tuple),
    "object-array": (lambda t: np.asarray(t, dtype=object), np.ndarray),
    "str-array": (lambda t: np.asarray(t, dtype=str), np.ndarray),
    "column": (lambda t: np.asarray(t, dtype=object).reshape(-1, 1), np.ndarray),
    "nested-list": (lambda t: [[x] for x in t], list),
    "series": (lambda t: pd.Series(t, name="sms"), pd.Series),
    "string-series": (lambda t: pd.Series(t, name="sms", dtype="string"), pd.Series),
    "frame": (lambda t: pd.DataFrame({"sms": t}), pd.DataFrame),
}


@pytest.mark.smoke
@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
@pytest.mark.parametrize("container", CONTAINERS, ids=list(CONTAINERS))
def test_output_container_is_the_input_container(cls, container, small_text_data):
    X, y = small_text_data
    make, expected_type = CONTAINERS[container]
    X_in = make(list(X))
    X_res, _ = cls(random_state=0).fit_resample(X_in, y)
    X_ref, _ = cls(random_state=0).fit_resample(list(X), y)
    assert type(X_res) is expected_type
    assert np.shape(X_res)[1:] == np.shape(X_in)[1:]
    flat = np.asarray(X_res, dtype=object).reshape(-1)
    assert list(flat) == X_ref
    if isinstance(X_in, np.ndarray):
        assert X_res.dtype.kind == X_in.dtype.kind
    if isinstance(X_in, (pd.Series, pd.DataFrame)):
        assert getattr(X_res, "name", None) == getattr(X_in, "name", None)
        assert list(getattr(X_res, "columns", [])) == list(getattr(X_in, "columns", []))
        assert (X_res.dtypes == X_in.dtypes).all() if container == "frame" else (
            X_res.dtype == X_in.dtype)
        assert isinstance(X_res.index, pd.RangeIndex)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_pandas_round_trip_keeps_names_and_alignment(cls, small_text_data):
    X, y = small_text_data
    frame = pd.DataFrame({"sms": X, "spam": np.where(y == 1, "yes", "no")})
    X_res, y_res = cls(random_state=0).fit_resample(frame[["sms"]], frame["spam"])
    assert list(X_res.columns) == ["sms"] and y_res.name == "spam"
    assert X_res.index.equals(y_res.index)
    together = pd.concat([X_res, y_res], axis=1)
    originals = dict(zip(frame["sms"], frame["spam"]))
    known = together[together["sms"].isin(originals)]
    assert (known["spam"] == known["sms"].map(originals)).all()


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_label_containers_and_dtypes_are_kept(cls, small_text_data):
    X, y = small_text_data
    sampler = cls(random_state=0)
    _, y_list = sampler.fit_resample(X, y.tolist())
    assert isinstance(y_list, list)
    _, y_int32 = sampler.fit_resample(X, y.astype(np.int32))
    assert y_int32.dtype == np.int32
    _, y_bool = sampler.fit_resample(X, y.astype(bool))
    assert y_bool.dtype == bool
    labels = pd.Series(np.where(y == 1, "spam", "ham"), name="label", dtype="category")
    _, y_cat = sampler.fit_resample(X, labels)
    assert y_cat.name == "label" and isinstance(y_cat.dtype, pd.CategoricalDtype)
    # A one-column label array is accepted and comes back 1-D, as in imblearn.
    _, y_column = clone(sampler).fit_resample(X, y.reshape(-1, 1))
    assert y_column.shape == (len(y_column),)
    # One-vs-all binarized labels, as imbalanced-learn accepts them, come back so.
    onehot = np.eye(2, dtype=int)[y]
    _, y_onehot = clone(sampler).fit_resample(X, onehot)
    _, y_plain = clone(sampler).fit_resample(X, y)
    np.testing.assert_array_equal(y_onehot.argmax(axis=1), y_plain)
    assert y_onehot.shape == (len(y_plain), 2)


def test_categorical_texts_gain_the_generated_categories(small_text_data):
    X, y = small_text_data
    X_res, _ = TextAugmentOverSampler(random_state=0).fit_resample(
        pd.Series(X, dtype="category"), y
    )
    assert isinstance(X_res.dtype, pd.CategoricalDtype)
    assert not X_res.isna().any()


def test_get_feature_names_out_names_the_text_column(small_text_data):
    X, y = small_text_data
    sampler = TextRandomOverSampler(random_state=0).fit(pd.DataFrame({"sms": X}), y)
    assert list(sampler.get_feature_names_out()) == ["sms"]
    assert list(sampler.fit(X, y).get_feature_names_out()) == ["x0"]


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_clone_and_pickle(cls, small_text_data):
    X, y = small_text_data
    sampler = cls(sampling_strategy=0.8, random_state=0)
    assert clone(sampler).get_params() == sampler.get_params()
    X_res, _ = sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    np.testing.assert_array_equal(restored.sample_indices_, sampler.sample_indices_)
    np.testing.assert_array_equal(restored.fit_resample(X, y)[0], X_res)


# ------------------------------------------------------------------ errors
# Input errors shared with every text entry point: tests/test_bad_inputs.py.
@pytest.mark.parametrize("cls", OVER, ids=[c.__name__ for c in OVER])
def test_over_sampler_strategy_that_would_shrink_a_class(cls, text_data):
    X, y = text_data
    n_minority = Counter(y)[1]
    with pytest.raises(
        ValueError,
        match=rf"sampling_strategy=\{{1: 5\}} cannot be applied to the class counts "
              rf"\{{0: \d+, 1: {n_minority}\}}.*should be greater or equal",
    ):
        cls(sampling_strategy={1: 5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="sampling_strategy=0.1 cannot be applied.*increase"):
        cls(sampling_strategy=0.1).fit_resample(X, y)
    with pytest.raises(ValueError, match="'sampling_strategy' parameter .* Got 'majority'"):
        cls(sampling_strategy="majority").fit_resample(X, y)


def test_under_sampler_strategy_that_would_grow_a_class(text_data):
    X, y = text_data
    with pytest.raises(ValueError, match=r"sampling_strategy=\{0: 1000\} .*less or equal"):
        TextRandomUnderSampler(sampling_strategy={0: 1000}).fit_resample(X, y)
    with pytest.raises(ValueError, match="sampling_strategy=0.1 cannot be applied.*increase"):
        TextRandomUnderSampler(sampling_strategy=0.1).fit_resample(X, y)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_a_ratio_with_three_classes_is_an_error(cls, text_data):
    X, y = three_classes(text_data)
    with pytest.raises(ValueError, match="float only when the type of target is binary"):
        cls(sampling_strategy=0.9).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"The \{'spma'\} target class is/are not present"):
        cls(sampling_strategy={"spma": 10}).fit_resample(X, y)


@pytest.mark.parametrize("cls", SAMPLERS, ids=IDS)
def test_bad_parameters_are_named(cls, small_text_data):
    X, y = small_text_data
    with pytest.raises(ValueError, match="The 'shuffle' parameter of .* must be"):
        cls(shuffle="yes").fit_resample(X, y)
    with pytest.raises(ValueError, match="The 'sampling_strategy' parameter of .* must be"):
        cls(sampling_strategy=1.5).fit_resample(X, y)


# ----------------------------------------------------- pipelines, searches
# Samplers run in fit only, inside every pipeline: tests/test_leakage.py.


# One sampler in the default run, the other two (five fits each) in the slow set.
@pytest.mark.parametrize("cls", [
    pytest.param(cls, id=name, marks=() if i == 0 else pytest.mark.slow)
    for i, (cls, name) in enumerate(zip(SAMPLERS, IDS))
])
def test_grid_search_over_the_sampling_strategy_gives_finite_f1(cls, text_data):
    X, y = text_data
    # Keras' Adam: with LazyAdam (the default) the 4-epoch bag model on the
    # under-sampled half of this tiny data set stays just under the F1 bar
    # (0.596), since an embedding row's moments only move at the steps that touch it.
    clf = KerasTextClassifier(**TINY, optimizer="adam")
    pipe = Pipeline([("sampler", cls(random_state=0)), ("clf", clf)])
    search = GridSearchCV(pipe, {"sampler__sampling_strategy": [0.6, 1.0]}, scoring="f1",
                          cv=StratifiedKFold(2), error_score="raise")
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and search.best_score_ > 0.6
    assert search.best_estimator_.predict(X[:5]).shape == (5,)


@pytest.mark.smoke
@pytest.mark.slow  # nine fits; still in the version matrix's smoke run (-m smoke)
def test_grid_search_swaps_the_sampler_step_including_passthrough(text_data):
    X, y = text_data
    pipe = Pipeline([("sampler", "passthrough"), ("clf", KerasTextClassifier(**TINY))])
    candidates = [TextRandomOverSampler(random_state=0), TextRandomUnderSampler(random_state=0),
                  TextAugmentOverSampler(random_state=0), "passthrough"]
    search = GridSearchCV(pipe, {"sampler": candidates}, scoring="f1",
                          cv=StratifiedKFold(2), error_score="raise")
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (4,) and np.all(np.isfinite(scores)) and np.all(scores > 0.5)


@pytest.mark.smoke
def test_pipeline_carries_resampled_weights_to_the_final_step(small_text_data):
    """imblearn's Pipeline cannot (tests/test_pipeline.py); sklearn_imbal.pipeline's can."""
    X, y = small_text_data
    weights = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = SampleAwarePipeline([
            ("sampler", TextRandomOverSampler(random_state=0).set_fit_resample_request(
                sample_weight=True)),
            ("vectorizer", TfidfVectorizer()),
            ("clf", WeightRecordingLogisticRegression().set_fit_request(sample_weight=True)),
        ])
        pipe.fit(X, y, sample_weight=weights)
    indices = pipe.named_steps["sampler"].sample_indices_
    np.testing.assert_array_equal(pipe.named_steps["clf"].weights_, weights[indices])


class WeightRecordingLogisticRegression(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        self.weights_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)
