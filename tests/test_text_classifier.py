"""Behaviour of KerasTextClassifier: inputs, architectures, search, training levers."""

import pickle

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    TunedThresholdClassifierCV,
)
from sklearn.utils import get_tags

from sklearn_imbal import KerasTextClassifier

FAST = dict(epochs=4, batch_size=16, learning_rate=0.05, random_state=0)


@pytest.fixture(scope="module")
def fitted(text_data):
    X, y = text_data
    return KerasTextClassifier(**FAST).fit(X, y)


@pytest.mark.smoke
def test_is_a_scikit_learn_classifier_on_text():
    clf = KerasTextClassifier()
    tags = get_tags(clf)
    assert is_classifier(clf)
    assert tags.estimator_type == "classifier"
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.target_tags.required


@pytest.mark.smoke
def test_fit_learns_the_signal(fitted, text_data):
    X, y = text_data
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert roc_auc_score(y, proba[:, 1]) > 0.95
    assert set(fitted.predict(X)) <= {0, 1}
    assert fitted.n_iter_ == 4 and len(fitted.history_["loss"]) == 4


@pytest.mark.smoke
@pytest.mark.parametrize(
    "container",
    [
        list,
        tuple,
        lambda x: np.asarray(x, dtype=object),
        lambda x: np.asarray(x, dtype=str),
        pd.Series,
        lambda x: pd.DataFrame({"text": x}),
        lambda x: np.asarray(x, dtype=object).reshape(-1, 1),
        lambda x: [[t] for t in x],
    ],
    ids=["list", "tuple", "object", "unicode", "series", "frame", "column", "nested"],
)
def test_every_text_container_gives_the_same_predictions(fitted, text_data, container):
    X, _ = text_data
    expected = fitted.predict_proba(list(X[:20]))
    np.testing.assert_allclose(fitted.predict_proba(container(list(X[:20]))), expected)


def test_single_document_predict(fitted):
    proba = fitted.predict_proba(["claim your free prize"])
    assert proba.shape == (1, 2)
    assert fitted.predict(["claim your free prize"]).shape == (1,)


@pytest.mark.smoke
def test_string_labels_and_multiclass(text_data):
    X, y = text_data
    rng = np.random.RandomState(0)
    labels = np.where(y == 1, "spam", rng.choice(["ham", "work"], size=len(y)))
    clf = KerasTextClassifier(**FAST).fit(X, labels)
    assert list(clf.classes_) == ["ham", "spam", "work"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(clf.predict(X)) <= {"ham", "spam", "work"}
    assert roc_auc_score(labels == "spam", proba[:, 1]) > 0.9


def test_boolean_and_string_binary_labels(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(**FAST).fit(X, np.where(y == 1, "spam", "ham"))
    assert list(clf.classes_) == ["ham", "spam"]
    clf = KerasTextClassifier(**FAST).fit(X, y.astype(bool))
    assert clf.predict(X).dtype == bool


@pytest.mark.parametrize(
    "params",
    [
        dict(architecture="tfidf", analyzer="word"),
        dict(architecture="tfidf", analyzer="char"),
        dict(architecture="tfidf", analyzer=("char_wb", "word"), hidden_units=8),
        dict(architecture="bag", analyzer="word", hidden_units=8, dropout=0.1),
        dict(architecture="bag", analyzer="char_wb", ngrams=3),
        dict(architecture="cnn", analyzer="word", hidden_units=16, sequence_length=12),
    ],
    ids=["tfidf-word", "tfidf-char", "tfidf-union-hidden", "bag", "bag-char", "cnn"],
)
def test_architectures_learn(text_data, params):
    X, y = text_data
    clf = KerasTextClassifier(**{**FAST, "epochs": 8, "learning_rate": 0.02}, **params)
    clf.fit(X[:180], y[:180])
    assert roc_auc_score(y[180:], clf.predict_proba(X[180:])[:, 1]) > 0.85


def test_tfidf_hidden_layer_penalty_weights_follow_the_training_texts(text_data):
    # The hidden layer over TF-IDF penalizes the rows a batch touches, weighted by
    # the chance that a batch of the fit holds each n-gram: the IDF's own counts.
    from sklearn_imbal.keras import SparseRowsDense
    from sklearn_imbal.keras._text_stage import HEAD, TEXT_STAGE

    X, y = text_data
    clf = KerasTextClassifier(**{**FAST, "epochs": 1}, architecture="tfidf", analyzer="word",
                              hidden_units=4, l2=1e-4).fit(X[:180], y[:180])
    hidden = clf.model_.get_layer(HEAD).get_layer("hidden")
    assert isinstance(hidden, SparseRowsDense) and hidden.l2 == 1e-4
    idf = clf.model_.get_layer(TEXT_STAGE).get_layer("tfidf_word").idf.numpy()
    df = (1 + 180) / np.exp(idf.astype(np.float64) - 1) - 1  # idf = log((1+n)/(1+df)) + 1
    expected = np.where(df > 0.5, 1 - (1 - df / 180) ** FAST["batch_size"], 1.0)
    np.testing.assert_allclose(hidden.touch_rate.numpy(), expected, rtol=1e-3)


def test_same_seed_same_predictions(small_text_data):
    X, y = small_text_data
    params = dict(FAST, architecture="bag", hidden_units=8, dropout=0.2)
    first = KerasTextClassifier(**params).fit(X, y).predict_proba(X)
    second = KerasTextClassifier(**params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = KerasTextClassifier(**{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.array_equal(first, other)


def _vocabulary(clf, analyzer="word"):
    return set(clf.model_.get_layer("text_stage").get_layer(f"vectorize_{analyzer}").get_vocabulary())


def test_vocabulary_comes_from_the_training_texts_only(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(**FAST, analyzer="word").fit(X, y)
    vocabulary = _vocabulary(clf)
    assert "free" in vocabulary
    assert "zanzibar" not in vocabulary
    # An unseen word is out-of-vocabulary, not an error.
    assert clf.predict_proba(["zanzibar zanzibar"]).shape == (1, 2)


# Vocabulary per cross-validation fold: tests/test_leakage.py.


def test_early_stopping_holds_out_a_stratified_split(text_data):
    X, y = text_data
    X = X.copy()
    clf = KerasTextClassifier(
        **{**FAST, "epochs": 30}, analyzer="word", early_stopping=True,
        validation_fraction=0.25, n_iter_no_change=2,
    ).fit(X, y)
    assert "val_loss" in clf.history_
    assert 1 <= clf.best_epoch_ <= clf.n_iter_ <= 30
    best = min(clf.history_["val_loss"])
    assert clf.history_["val_loss"][clf.best_epoch_ - 1] == best


# The early-stopping validation texts stay out of the vocabulary: tests/test_leakage.py.


def test_class_weight_moves_probability_to_the_minority(text_data):
    X, y = text_data
    plain = KerasTextClassifier(**FAST, analyzer="word").fit(X, y)
    weighted = KerasTextClassifier(**FAST, analyzer="word", class_weight="balanced").fit(X, y)
    assert weighted.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean() + 0.05
    keyed = KerasTextClassifier(**FAST, analyzer="word", class_weight={0: 1, 1: 4}).fit(X, y)
    assert keyed.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


@pytest.mark.smoke
def test_sample_weight_zero_removes_influence(small_text_data):
    X, y = small_text_data
    weights = np.ones(len(y))
    weights[y == 1] = 0.0
    weights[np.flatnonzero(y == 1)[:2]] = 1.0  # keep two positives
    clf = KerasTextClassifier(**FAST, analyzer="word").fit(X, y, sample_weight=weights)
    full = KerasTextClassifier(**FAST, analyzer="word").fit(X, y)
    assert clf.predict_proba(X)[:, 1].mean() < full.predict_proba(X)[:, 1].mean()


def test_user_model_builder(small_text_data):
    X, y = small_text_data
    seen = {}

    def build(meta, compile_kwargs, units=4):
        seen["meta"] = meta
        inputs = keras.Input(shape=(), dtype="string")
        x = meta["text_vectorization"](inputs)
        x = keras.layers.Embedding(meta["text_vectorization"].vocabulary_size(), 8)(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
        x = keras.layers.Dense(units, activation="relu")(x)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
        model.compile(**compile_kwargs)
        return model

    clf = KerasTextClassifier(model=build, model__units=3, analyzer="word", **FAST).fit(X, y)
    assert seen["meta"]["n_classes_"] == 2
    assert clf.model_.layers[-2].units == 3
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_user_builder_gets_what_its_signature_asks_for(small_text_data):
    X, y = small_text_data
    seen = {}

    def build(**kwargs):
        seen.update(kwargs)
        inputs = keras.Input(shape=(), dtype="string")
        x = kwargs["meta"]["text_vectorization"](inputs)
        x = keras.layers.Embedding(kwargs["meta"]["text_vectorization"].vocabulary_size(), 4)(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
        model.compile(**kwargs["compile_kwargs"])
        return model

    params = {**FAST, "epochs": 3, "batch_size": 16}
    clf = KerasTextClassifier(model=build, model__width=4, analyzer="word",
                              learning_rate_schedule="cosine", **params).fit(X, y)
    assert set(seen) == {"width", "meta", "compile_kwargs", "params"}
    assert seen["params"]["model__width"] == 4
    # The builder's optimizer decays over this fit's steps, to 0 at its end.
    assert clf.model_.optimizer.iterations.numpy() == 3 * -(-len(X) // 16)
    assert float(clf.model_.optimizer.learning_rate) < 1e-6


def test_the_base_classifier_declares_its_hooks_abstract():
    from sklearn_imbal.keras import BaseKerasClassifier

    with pytest.raises(TypeError, match="_build_default_model.*_validate_X|abstract"):
        BaseKerasClassifier()

    class WithoutInput(BaseKerasClassifier):
        def _validate_X(self, X, *, reset):
            return X

    with pytest.raises(TypeError, match="_to_tensor"):
        WithoutInput()


def test_user_model_with_column_input(small_text_data):
    X, y = small_text_data

    def build(meta, compile_kwargs):
        inputs = keras.Input(shape=(1,), dtype="string")
        x = meta["text_vectorization"](inputs)
        x = keras.layers.Embedding(meta["text_vectorization"].vocabulary_size(), 4)(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))

    clf = KerasTextClassifier(model=build, analyzer="word", **FAST).fit(X, y)
    assert clf.predict_proba(X[:3]).shape == (3, 2)


def test_partial_fit_continues_training(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(**FAST, analyzer="word")
    clf.partial_fit(X, y, classes=[0, 1])
    first = clf.predict_proba(X)
    clf.partial_fit(X[y == 1], y[y == 1])
    assert clf.n_iter_ == 2
    assert clf.predict_proba(X)[:, 1].mean() > first[:, 1].mean()
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X[:3], [0, 1, 7])


def test_warm_start_keeps_the_model(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(**FAST, analyzer="word", warm_start=True).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model


# ---------------------------------------------------------------- search


# roc_auc is the scikeras trap; the other scorers, five more fits each, are slow.
@pytest.mark.smoke
@pytest.mark.parametrize("scoring", [
    "roc_auc",
    pytest.param("f1", marks=pytest.mark.slow),
    pytest.param("average_precision", marks=pytest.mark.slow),
])
def test_grid_search_scores_are_finite(text_data, scoring):
    """The scikeras trap: roc_auc silently NaN when is_classifier is False."""
    X, y = text_data
    search = GridSearchCV(
        KerasTextClassifier(**FAST, analyzer="word", class_weight="balanced"),
        {"hidden_units": [0, 4]},
        scoring=scoring,
        cv=2,
        error_score="raise",
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores.max() > 0.5
    assert isinstance(search.best_estimator_, KerasTextClassifier)


@pytest.mark.slow  # five fits; make_text_search's multimetric test is in test_search.py
def test_multimetric_search_with_refit_f1(text_data):
    X, y = text_data
    search = RandomizedSearchCV(
        KerasTextClassifier(**FAST, analyzer="word", class_weight="balanced"),
        {"learning_rate": [0.01, 0.05], "l2": [0.0, 1e-4]},
        n_iter=2,
        scoring=["f1", "roc_auc", "average_precision"],
        refit="f1",
        cv=2,
        random_state=0,
        error_score="raise",
    ).fit(X, y)
    for metric in ("f1", "roc_auc", "average_precision"):
        assert np.all(np.isfinite(search.cv_results_[f"mean_test_{metric}"]))
    assert search.best_index_ == np.argmax(search.cv_results_["mean_test_f1"])


@pytest.mark.slow
def test_grid_search_in_two_processes(text_data):
    X, y = text_data
    search = GridSearchCV(
        KerasTextClassifier(**FAST, analyzer="word"),
        {"l2": [0.0, 1e-4]},
        scoring="roc_auc",
        cv=2,
        n_jobs=2,
        error_score="raise",
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


@pytest.mark.smoke
def test_tuned_threshold_classifier_accepts_it(text_data):
    X, y = text_data
    tuned = TunedThresholdClassifierCV(
        KerasTextClassifier(**FAST, analyzer="word"), scoring="f1", cv=2
    ).fit(X, y)
    assert 0.0 < tuned.best_threshold_ < 1.0
    assert set(tuned.predict(X)) <= {0, 1}


# ---------------------------------------------------------------- API


def test_clone_get_params_set_params():
    clf = KerasTextClassifier(hidden_units=3, optimizer__beta_1=0.8, random_state=2)
    params = clf.get_params()
    assert params["hidden_units"] == 3 and params["optimizer__beta_1"] == 0.8
    copy = clone(clf)
    assert copy.get_params() == params and copy is not clf
    copy.set_params(hidden_units=5, optimizer__beta_1=0.7)
    assert copy.hidden_units == 5 and copy.optimizer__beta_1 == 0.7
    with pytest.raises(ValueError, match="Invalid parameter"):
        copy.set_params(hiden_units=2)
    assert "hidden_units=3" in repr(clf)


def test_routed_optimizer_and_loss_params_are_used(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(
        **FAST, optimizer="sgd", optimizer__momentum=0.5, loss="BinaryCrossentropy",
        loss__label_smoothing=0.1,
    ).fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert clf.model_.optimizer.momentum == 0.5
    assert clf.model_.loss.get_config()["label_smoothing"] == pytest.approx(0.1)


def test_cosine_schedule_decays_the_learning_rate_to_zero_over_one_fit(small_text_data):
    X, y = small_text_data
    constant = KerasTextClassifier(**FAST).fit(X, y)
    assert float(constant.model_.optimizer.learning_rate) == pytest.approx(0.05)
    cosine = KerasTextClassifier(**FAST, learning_rate_schedule="cosine").fit(X, y)
    # 4 epochs of ceil(len(X) / 16) steps: the schedule has run out at the end.
    assert float(cosine.model_.optimizer.learning_rate) < 1e-6
    assert cosine.model_.optimizer.iterations.numpy() == 4 * -(-len(X) // 16)
    assert not np.allclose(cosine.predict_proba(X), constant.predict_proba(X))
    restored = pickle.loads(pickle.dumps(cosine))  # the schedule is saved with the model
    np.testing.assert_array_equal(restored.predict_proba(X), cosine.predict_proba(X))


@pytest.mark.smoke
@pytest.mark.parametrize("batch_size", [16, 1])
def test_every_batch_of_every_epoch_is_a_training_step(small_text_data, batch_size):
    # An epoch of 5 batches and one of 80: Keras < 3.7's multi-step loop (which
    # our epoch loop replaces) skipped the batches after the last full group of 32.
    X, y = small_text_data
    clf = KerasTextClassifier(**{**FAST, "epochs": 2, "batch_size": batch_size}).fit(X, y)
    assert clf.model_.optimizer.iterations.numpy() == 2 * -(-len(X) // batch_size)


def test_callbacks_see_every_batch_and_epoch_and_metrics_reach_the_history(
        small_text_data, capsys):
    X, y = small_text_data

    class Count(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches, self.epochs = 0, []

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((epoch, sorted(logs)))

    count = Count()
    clf = KerasTextClassifier(**{**FAST, "epochs": 3}, callbacks=[count],
                              metrics=[keras.metrics.AUC(name="auc")]).fit(X, y)
    assert count.batches == 3 * -(-len(X) // 16)
    assert count.epochs == [(epoch, ["auc", "loss"]) for epoch in range(3)]
    assert len(clf.history_["auc"]) == 3 and np.isfinite(clf.history_["auc"]).all()
    # Validation every second epoch; Keras' progress bar with verbose.
    clf = KerasTextClassifier(**{**FAST, "epochs": 4}, early_stopping=True,
                              n_iter_no_change=4, fit__validation_freq=2, verbose=1).fit(X, y)
    assert len(clf.history_["loss"]) == 4 and len(clf.history_["val_loss"]) == 2
    assert "loss" in capsys.readouterr().out


def test_an_optimizer_with_use_ema_leaves_its_moving_average_in_the_weights(small_text_data):
    # As Model.fit does: with momentum 0 the average is the last step's weights;
    # with momentum 0.9 it lags behind them, so the fitted weights differ.
    X, y = small_text_data

    def weights(**ema):
        clf = KerasTextClassifier(**FAST, **ema).fit(X, y)
        return clf, np.concatenate([w.ravel() for w in clf.model_.get_weights()])

    _, plain = weights()
    _, last = weights(optimizer__use_ema=True, optimizer__ema_momentum=0.0)
    clf, averaged = weights(optimizer__use_ema=True, optimizer__ema_momentum=0.9)
    np.testing.assert_allclose(last, plain, rtol=1e-6, atol=1e-7)
    assert np.abs(averaged - plain).max() > 1e-3
    assert np.isfinite(clf.predict_proba(X)).all()


def test_cosine_schedule_refuses_to_continue_training(small_text_data):
    X, y = small_text_data
    with pytest.raises(ValueError, match="learning_rate_schedule='cosine' decays"):
        KerasTextClassifier(**FAST, learning_rate_schedule="cosine").partial_fit(X, y)
    clf = KerasTextClassifier(**FAST, learning_rate_schedule="cosine", warm_start=True)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="warm_start=True refits"):
        clf.fit(X, y)


@pytest.mark.smoke
def test_fitted_estimator_html_repr(fitted):
    from sklearn.utils import estimator_html_repr

    assert "KerasTextClassifier" in estimator_html_repr(fitted)


# Persistence (pickle, joblib, .keras, versions): tests/test_persistence.py.


# ---------------------------------------------------------------- errors


def test_class_weight_and_early_stopping_errors(small_text_data):
    # The generic input errors are in tests/test_bad_inputs.py.
    X, y = small_text_data
    with pytest.raises(ValueError, match="not classes of y"):
        KerasTextClassifier(epochs=1, class_weight={0: 1, 5: 2}).fit(X, y)
    with pytest.raises(ValueError, match="2 samples of every class"):
        KerasTextClassifier(epochs=1, early_stopping=True).fit(X[:3], [0, 1, 0])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(modle__units=3), r"Did you mean 'model__units'"),
        (dict(hiden_units=3), r"Did you mean 'hidden_units'"),
        (dict(fit__batchsize=3), r"Did you mean 'fit__batch_size'"),
        (dict(model__units=3), "none is set"),
        (dict(architecture="rnn"), "architecture"),
        (dict(analyzer=("word", "letters")), "analyzer must be one of"),
        (dict(dropout=1.5), "dropout"),
        (dict(loss="no_such_loss"), "Unknown loss"),
        (dict(optimizer__no_such=1), "Invalid optimizer parameters"),
        (dict(learning_rate_schedule="linear"), "learning_rate_schedule"),
    ],
)
def test_bad_parameters_are_named(small_text_data, params, match):
    X, y = small_text_data
    with pytest.raises(ValueError, match=match):
        KerasTextClassifier(epochs=1, **params).fit(X, y)


def test_user_builder_params_are_checked(small_text_data):
    X, y = small_text_data

    def build(meta, compile_kwargs, units=4):
        raise AssertionError("not reached")

    with pytest.raises(ValueError, match=r"\['units'\]"):
        KerasTextClassifier(model=build, model__unit=3, epochs=1).fit(X, y)


# Diverging losses and interrupted fits: tests/test_training_faults.py.


def test_many_short_fits_in_one_process_log_no_retracing_warning(small_text_data, caplog):
    # A search fits many models in one process; each fit traces its own epoch
    # function. Traced through tf.function calls, fits of one or two epochs made
    # TensorFlow log "triggered tf.function retracing" from the fifth fit on.
    X, y = small_text_data
    caplog.set_level("WARNING", logger="tensorflow")
    for seed in range(6):
        KerasTextClassifier(epochs=1, batch_size=32, random_state=seed,
                            early_stopping=seed % 2 == 1).fit(X, y)
    assert not [record for record in caplog.records if "retracing" in record.getMessage()]
