"""The imbalance-aware losses: values, finiteness, training, routing, persistence."""

import pickle

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_float32_close
from sklearn.datasets import make_classification

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.losses import (
    LOSSES,
    PairwiseAUCLoss,
    SoftFBetaLoss,
    SparseCategoricalFocalCrossentropy,
    get_loss,
)

BINARY_LOSSES = ["binary_crossentropy", "focal", "soft_f1", "auc"]
FAST = dict(hidden_units=8, epochs=6, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def separable():
    """A linearly separable, imbalanced binary problem (15% positives)."""
    X, y = make_classification(
        300, 10, n_informative=4, weights=[0.85], class_sep=2.0, flip_y=0.0, random_state=0
    )
    return X.astype(np.float32), y


def _value(loss, y_true, y_pred, sample_weight=None):
    return float(loss(np.asarray(y_true, "float32"), np.asarray(y_pred, "float32"),
                      sample_weight=sample_weight))


def test_soft_fbeta_matches_the_formula_with_weights():
    y = np.array([1, 1, 0, 0, 0])
    p = np.array([0.9, 0.4, 0.3, 0.2, 0.6])
    w = np.array([1.0, 2.0, 1.0, 0.5, 3.0])
    for beta in (1.0, 2.0):
        tp = np.sum(w * y * p)
        fp = np.sum(w * (1 - y) * p)
        fn = np.sum(w * y * (1 - p))
        expected = 1 - (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp)
        got = _value(SoftFBetaLoss(beta=beta), y, p, w)
        assert got == pytest.approx(expected, rel=1e-5)


def test_pairwise_auc_matches_the_formula_with_weights():
    y = np.array([1, 0, 1, 0, 0])
    s = np.array([0.8, 0.7, 0.3, 0.1, 0.5])
    w = np.array([1.0, 2.0, 0.5, 1.0, 1.0])
    margin, power = 0.4, 2.0
    numerator = denominator = 0.0
    for i in np.flatnonzero(y == 1):
        for j in np.flatnonzero(y == 0):
            numerator += w[i] * w[j] * max(0.0, margin - (s[i] - s[j])) ** power
            denominator += w[i] * w[j]
    got = _value(PairwiseAUCLoss(margin=margin, power=power), y, s, w)
    assert got == pytest.approx(numerator / denominator, rel=1e-5)


@pytest.mark.parametrize("loss", [SoftFBetaLoss(), PairwiseAUCLoss()], ids=["soft_f1", "auc"])
@pytest.mark.parametrize("labels", [[0, 0, 0, 0], [1, 1, 1, 1]], ids=["no-positive", "no-negative"])
def test_batch_losses_stay_finite_on_one_class_batches(loss, labels):
    y_true = tf.constant(labels, dtype=tf.float32)
    y_pred = tf.Variable([0.2, 0.9, 0.5, 0.0])
    with tf.GradientTape() as tape:
        value = loss(y_true, y_pred, sample_weight=tf.constant([1.0, 2.0, 0.0, 1.0]))
    gradient = tape.gradient(value, y_pred)
    assert np.isfinite(float(value))
    assert np.all(np.isfinite(gradient.numpy()))
    if isinstance(loss, PairwiseAUCLoss):
        assert float(value) == 0.0  # no pairs: nothing to rank
    elif labels[0] == 0:
        assert float(value) == pytest.approx(1.0)  # no positives: F = 0


def test_multiclass_focal_equals_keras_focal_on_one_hot_labels():
    codes = np.array([[0], [2], [1], [2]])
    y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.5, 0.4, 0.1]],
                      dtype="float32")
    ours = SparseCategoricalFocalCrossentropy(alpha=0.5, gamma=1.5)(codes, y_pred)
    keras_own = keras.losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=1.5)(
        np.eye(3)[codes[:, 0]], y_pred
    )
    assert float(ours) == pytest.approx(float(keras_own), rel=1e-6)


@pytest.mark.smoke
def test_loss_names_resolve_by_number_of_classes():
    assert isinstance(get_loss("focal", n_classes=2), keras.losses.BinaryFocalCrossentropy)
    assert isinstance(get_loss("focal", n_classes=4), SparseCategoricalFocalCrossentropy)
    assert isinstance(get_loss("soft_f1", n_classes=2), SoftFBetaLoss)
    assert isinstance(get_loss("auc", n_classes=2), PairwiseAUCLoss)
    assert {"focal", "soft_f1", "auc", "binary_crossentropy"} <= set(LOSSES)


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_each_loss_decreases_while_training_the_vector_classifier(separable, loss):
    X, y = separable
    clf = KerasVectorClassifier(**FAST, loss=loss).fit(X, y)
    history = clf.history_["loss"]
    assert all(np.isfinite(history))
    assert history[-1] < 0.6 * history[0]
    # Ranking losses are not calibrated, so check the ranking, not accuracy.
    proba = clf.predict_proba(X)[:, 1]
    assert proba[y == 1].mean() > proba[y == 0].mean() + 0.3


@pytest.mark.parametrize("loss", ["focal", "soft_f1", "auc"])
def test_each_loss_decreases_while_training_the_text_classifier(small_text_data, loss):
    X, y = small_text_data
    clf = KerasTextClassifier(analyzer="word", epochs=6, batch_size=16, learning_rate=0.05,
                              random_state=0, loss=loss).fit(X, y)
    history = clf.history_["loss"]
    assert all(np.isfinite(history)) and history[-1] < 0.7 * history[0]


def test_multiclass_focal_trains():
    X, y = make_classification(300, 10, n_informative=5, n_classes=3, class_sep=2.0,
                               weights=[0.6, 0.3, 0.1], random_state=1)
    clf = KerasVectorClassifier(**FAST, loss="focal", loss__gamma=1.0).fit(X, y)
    assert isinstance(clf.model_.loss, SparseCategoricalFocalCrossentropy)
    assert clf.model_.loss.gamma == 1.0
    assert clf.history_["loss"][-1] < 0.6 * clf.history_["loss"][0]
    assert (clf.predict(X) == y).mean() > 0.8


@pytest.mark.parametrize(
    "loss, params, attribute",
    [("focal", {"gamma": 3.0}, "gamma"), ("soft_f1", {"beta": 2.0}, "beta"),
     ("auc", {"margin": 0.3}, "margin")],
)
def test_loss_parameters_are_routed(separable, loss, params, attribute):
    X, y = separable
    routed = {f"loss__{key}": value for key, value in params.items()}
    clf = KerasVectorClassifier(**{**FAST, "epochs": 1}, loss=loss, **routed).fit(X, y)
    assert getattr(clf.model_.loss, attribute) == pytest.approx(params[attribute])


@pytest.mark.smoke
@pytest.mark.parametrize("loss", ["focal", "soft_f1", "auc"])
def test_each_loss_round_trips_through_dot_keras_and_pickle(separable, loss, tmp_path):
    X, y = separable
    clf = KerasVectorClassifier(**{**FAST, "epochs": 2}, loss=loss,
                                **({"loss__beta": 2.0} if loss == "soft_f1" else {})).fit(X, y)
    expected = clf.predict_proba(X)
    config = clf.model_.loss.get_config()

    path = tmp_path / "model.keras"
    clf.model_.save(path)
    reloaded = keras.saving.load_model(path)  # compile=True: the loss must deserialize
    assert type(reloaded.loss) is type(clf.model_.loss)
    assert reloaded.loss.get_config() == config
    # Model.predict's batches of 32 against one chunk: float32 rounding only.
    assert_float32_close(reloaded.predict(X, verbose=0)[:, 0], expected[:, 1])

    restored = pickle.loads(pickle.dumps(clf))
    assert type(restored.model_.loss) is type(clf.model_.loss)
    assert restored.model_.loss.get_config() == config
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    # The restored model is compiled with the loss, so it can keep training.
    restored.partial_fit(X, y)
    assert restored.n_iter_ == 3 and np.isfinite(restored.history_["loss"][-1])


def test_text_classifier_with_custom_loss_pickles(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(analyzer="word", epochs=2, random_state=0, loss="soft_f1").fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert isinstance(restored.model_.loss, SoftFBetaLoss)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("loss", ["soft_f1", "auc", SoftFBetaLoss(), PairwiseAUCLoss])
def test_binary_only_losses_reject_multiclass_targets(loss):
    X, y = make_classification(60, 5, n_informative=3, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="defined for binary targets; y has 3 classes"):
        KerasVectorClassifier(epochs=1, loss=loss).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(loss="soft_f1", loss__beta=0.0), "beta must be > 0"),
        (dict(loss="auc", loss__margin=-1.0), "margin must be > 0"),
        (dict(loss="auc", loss__power=0.5), "power must be >= 1"),
        (dict(loss="focal", loss__gama=2.0), "Invalid parameters"),
        (dict(loss=SoftFBetaLoss(), loss__beta=2.0), "configure the instance"),
        (dict(loss="no_such_loss"), "Unknown loss"),
    ],
)
def test_bad_loss_settings_are_named(separable, params, match):
    X, y = separable
    with pytest.raises(ValueError, match=match):
        KerasVectorClassifier(epochs=1, **params).fit(X, y)
