"""Training faults: a diverging loss stops training with an error naming the likely
causes, and an error or an interrupt (Ctrl-C) anywhere in ``fit`` leaves the
estimator exactly as it was, never half-fitted: a fresh one stays unfitted, a fitted
one keeps its model, weights and optimizer state (it predicts and continues training
exactly as if the failed fit had not happened), and the next ``fit`` gives exactly
what a fresh estimator gives. The same for every public estimator and sampler:
tests/test_failed_fit_properties.py."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.exceptions import NotFittedError

import sklearn_imbal.keras._text_stage as text_stage
from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.exceptions import TrainingDivergedError

TINY = dict(epochs=2, batch_size=16, learning_rate=0.05, analyzer="word", random_state=0)


def _assert_unfitted(clf, X):
    fitted = [key for key in vars(clf)
              if key.endswith("_") and not key.startswith("_") and key not in clf.get_params()]
    assert not fitted, fitted
    assert not hasattr(clf, "_predict_fn_cache") and not hasattr(clf, "_random_state")
    with pytest.raises(NotFittedError):
        clf.predict(X)


def _state(clf, X):
    """What a failed fit must not change: attributes, parameters, predictions."""
    return (sorted(vars(clf)), clf.get_params(), clf.predict_proba(X),
            dict(clf.history_), clf.current_epoch)


def _assert_as_before(clf, X, state):
    keys, params, proba, history, epoch = state
    assert sorted(vars(clf)) == keys
    assert clf.get_params() == params
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert dict(clf.history_) == history and clf.current_epoch == epoch


def _nan_loss(y_true, y_pred):
    return tf.math.log(-tf.ones_like(y_pred[:, 0]))


def _inf_loss(y_true, y_pred):
    return -tf.math.log(tf.zeros_like(y_pred[:, 0]))


@pytest.mark.parametrize("loss, value", [(_nan_loss, "nan"), (_inf_loss, "inf")])
def test_non_finite_loss_stops_training_naming_the_likely_causes(small_text_data, loss, value):
    X, y = small_text_data
    clf = KerasTextClassifier(**{**TINY, "epochs": 5}, loss=loss)
    with pytest.raises(TrainingDivergedError, match=(
        rf"training loss became {value} at epoch 1; the model was discarded. Likely causes: "
        r"a learning_rate that is too high \(learning_rate=0.05\), a loss that is unstable "
        r"for these data \(loss=<function _\w+_loss.*\), or extreme sample or class "
        r"weights. Lower the learning rate or change the loss."
    )):
        clf.fit(X, y)
    _assert_unfitted(clf, X)


def _features_on_a_huge_scale():
    rng = np.random.RandomState(0)
    y = (rng.rand(80) < 0.3).astype(int)
    return (rng.rand(80, 5) + y[:, None]) * 1e30, y


def test_weights_that_diverge_on_the_last_step_are_caught(small_text_data):
    """The loss is logged before each update: the last update can go NaN unseen."""
    X, y = _features_on_a_huge_scale()
    # Adam's steps are bounded by the learning rate: its weights go NaN.
    clf = KerasVectorClassifier(optimizer="lazy_adam", learning_rate=0.001, epochs=1,
                                random_state=0)
    with pytest.raises(TrainingDivergedError, match=(
        r"The model's weights became NaN or infinite during training; the model was "
        r"discarded.* features on a very large scale \(scale them, e.g. with StandardScaler"
    )):
        clf.fit(X, y)
    _assert_unfitted(clf, X)


def test_gradient_statistics_that_overflow_are_caught():
    """Adagrad's accumulated squared gradients overflow to inf, its steps become 0
    and the weights stay finite: a fit that learned nothing is an error too."""
    X, y = _features_on_a_huge_scale()
    clf = KerasVectorClassifier(optimizer="sparse_adagrad", learning_rate=0.2, epochs=1,
                                random_state=0)
    with pytest.raises(TrainingDivergedError, match=(
        r"The optimizer's gradient statistics became NaN or infinite during training "
        r"\(so its updates stopped\); the model was discarded.* features on a very "
        r"large scale"
    )):
        clf.fit(X, y)
    _assert_unfitted(clf, X)


def test_a_model_that_predicts_nan_is_refused_at_prediction(small_text_data):
    X, y = small_text_data

    def build(meta, compile_kwargs):
        # Trains fine, but a text of 5 words or more gives NaN (0 * inf).
        inputs = keras.Input(shape=(), dtype="string")
        counts = meta["text_vectorization"](inputs)
        n_words = keras.ops.sum(keras.ops.cast(counts > 0, "float32"), axis=1, keepdims=True)
        bad = keras.ops.where(n_words >= 5, np.inf, 0.0)
        logits = keras.layers.Dense(1)(n_words) + bad * 0.0
        model = keras.Model(inputs, keras.ops.sigmoid(logits))
        model.compile(**compile_kwargs)
        return model

    clf = KerasTextClassifier(model=build, epochs=1, random_state=0, analyzer="word", ngrams=1)
    train = np.array(["a b", "c d e", "f", "g h i j"] * 10, dtype=object)
    clf.fit(train, [0, 1, 0, 1] * 10)
    assert np.all(np.isfinite(clf.predict_proba(train)))
    with pytest.raises(ValueError, match=(
        r"The model's output is NaN or infinite for 1 of 3 samples \(row 1\). The model "
        r"built by model= is numerically unstable"
    )):
        clf.predict_proba(["a b", "one two three four five six", "c"])


class Interrupt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt, as Ctrl-C would, at a chosen point of training."""

    def __init__(self, *, batch=None, epoch=None):
        super().__init__()
        self.batch, self.epoch = batch, epoch

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.batch:
            raise KeyboardInterrupt

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


@pytest.fixture(scope="module")
def reference(small_text_data):
    """What a fresh estimator predicts: the interrupted one must give the same."""
    X, y = small_text_data
    return KerasTextClassifier(**TINY).fit(X, y).predict_proba(X)


@pytest.mark.parametrize("where", [dict(batch=2), dict(epoch=0)], ids=["mid-epoch", "epoch-end"])
def test_interrupted_fit_leaves_the_estimator_unfitted_and_usable(small_text_data, reference,
                                                                  where):
    X, y = small_text_data
    clf = KerasTextClassifier(**TINY, callbacks=[Interrupt(**where)])
    params = clf.get_params()
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    _assert_unfitted(clf, X)
    assert clf.get_params() == params
    clf.set_params(callbacks=None).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), reference)


def _fit_interrupted_while_adapting(clf, X, y, monkeypatch):
    """``clf.fit(X, y)``, interrupted (as by Ctrl-C) while it learns its vocabulary."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(text_stage, "_learn_vocabulary", interrupted)
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y)


def test_interrupt_while_adapting_the_vocabulary(small_text_data, reference, monkeypatch):
    X, y = small_text_data
    clf = KerasTextClassifier(**TINY)
    _fit_interrupted_while_adapting(clf, X, y, monkeypatch)
    _assert_unfitted(clf, X)
    np.testing.assert_array_equal(clf.fit(X, y).predict_proba(X), reference)


@pytest.mark.parametrize("where", [dict(batch=2), dict(epoch=0)], ids=["mid-epoch", "epoch-end"])
def test_interrupted_refit_keeps_the_fitted_model(small_text_data, reference, where):
    X, y = small_text_data
    clf = KerasTextClassifier(**TINY).fit(X, y)
    state = _state(clf, X)
    clf.set_params(callbacks=[Interrupt(**where)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X[::-1], y[::-1])
    clf.set_params(callbacks=None)
    _assert_as_before(clf, X, state)
    np.testing.assert_array_equal(clf.predict_proba(X), reference)


def test_refit_on_bad_input_keeps_the_fitted_model(small_text_data, monkeypatch):
    X, y = small_text_data
    clf = KerasTextClassifier(**TINY).fit(X, y)
    state = _state(clf, X)
    for bad_y in (np.zeros_like(y), y[:-1], np.where(y == 1, np.nan, 0.0)):
        with pytest.raises(ValueError):
            clf.fit(X, bad_y)
        _assert_as_before(clf, X, state)
    with pytest.raises(TypeError, match="every text must be a str"):
        clf.fit([1.5] * len(y), y)
    _assert_as_before(clf, X, state)
    _fit_interrupted_while_adapting(clf, X, y, monkeypatch)
    _assert_as_before(clf, X, state)


@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
def test_interrupted_continued_training_keeps_weights_and_optimizer(small_text_data, method):
    """The update trains the variables in place: they are restored, and so is what
    the next update does (the optimizer's moments and step count included)."""
    X, y = small_text_data

    def fitted():
        if method == "warm_start":
            return KerasTextClassifier(**TINY, warm_start=True).fit(X, y)
        return KerasTextClassifier(**TINY).partial_fit(X, y)

    def update(clf):
        return clf.fit(X, y) if method == "warm_start" else clf.partial_fit(X, y)

    expected = update(fitted()).predict_proba(X)
    clf = fitted()
    state = _state(clf, X)
    clf.set_params(callbacks=[Interrupt(batch=1)])
    with pytest.raises(KeyboardInterrupt):
        update(clf)
    clf.set_params(callbacks=None)
    _assert_as_before(clf, X, state)
    with pytest.raises(ValueError, match="not among the classes"):
        clf.fit(X, np.where(y == 1, 2, 0)) if method == "warm_start" else \
            clf.partial_fit(X, np.where(y == 1, 2, 0))
    _assert_as_before(clf, X, state)
    np.testing.assert_array_equal(update(clf).predict_proba(X), expected)


def test_vector_classifier_refit_with_bad_y_keeps_n_features_in():
    rng = np.random.RandomState(0)
    y = (rng.rand(60) < 0.3).astype(int)
    X = rng.rand(60, 4) + y[:, None]
    clf = KerasVectorClassifier(epochs=1, batch_size=16, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    with pytest.raises(ValueError):
        clf.fit(rng.rand(60, 7), np.zeros(60))
    assert clf.n_features_in_ == 4
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_interrupted_vector_classifier_is_unfitted_and_usable():
    rng = np.random.RandomState(0)
    y = (rng.rand(60) < 0.3).astype(int)
    X = rng.rand(60, 4) + y[:, None]
    clf = KerasVectorClassifier(epochs=2, batch_size=16, random_state=0,
                                callbacks=[Interrupt(batch=1)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    _assert_unfitted(clf, X)
    expected = KerasVectorClassifier(epochs=2, batch_size=16, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.set_params(callbacks=None).fit(X, y).predict_proba(X),
                                  expected.predict_proba(X))


def test_training_and_adapt_pipelines_run_without_tf_data_autotuning():
    # Deleting an iterator waits for tf.data's autotuning thread: it added about
    # a second (text model) to 10 s (vector model) to some fits' ends.
    from sklearn_imbal.keras._text_stage import _text_dataset
    from sklearn_imbal.keras._training import epoch_orders, without_autotune

    dataset = tf.data.Dataset.range(10).batch(3)
    assert dataset.options().autotune.enabled is not False
    assert without_autotune(dataset).options().autotune.enabled is False
    assert _text_dataset(tf.constant(["a", "b"])).options().autotune.enabled is False
    orders = epoch_orders(dataset, 10)
    np.testing.assert_array_equal(next(orders).numpy(), np.arange(10))
    np.testing.assert_array_equal(next(orders).numpy(), np.arange(10))
