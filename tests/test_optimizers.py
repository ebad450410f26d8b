"""LazyAdam and SparseAdagrad: their updates for dense gradients and for sparse ones."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_float32_close

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.keras import LazyAdam, SparseAdagrad

pytestmark = pytest.mark.smoke


def _apply(optimizer, variable, gradients):
    for gradient in gradients:
        optimizer.apply_gradients([(gradient, variable)])
    return variable.numpy()


def _numpy_adam(start, gradients, lr=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    weights = start.astype(np.float64)
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    for t, gradient in enumerate(gradients, start=1):
        first = beta_1 * first + (1 - beta_1) * gradient
        second = beta_2 * second + (1 - beta_2) * gradient ** 2
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        weights -= alpha * first / (np.sqrt(second) + epsilon)
    return weights


def test_dense_gradients_get_adams_update():
    rng = np.random.RandomState(0)
    start = rng.normal(size=(5, 3)).astype(np.float32)
    gradients = [rng.normal(size=(5, 3)).astype(np.float32) for _ in range(3)]
    lazy = _apply(LazyAdam(0.1), keras.Variable(start), map(tf.constant, gradients))
    adam = _apply(keras.optimizers.Adam(0.1), keras.Variable(start), map(tf.constant, gradients))
    exact = _numpy_adam(start, gradients)
    # TensorFlow's fused kernel rounds 1 - beta_2 in float32 (5e-5 relative), Keras
    # in float64: both are Adam to float32 precision, a wrong update is off by far more.
    for update in (lazy, adam):
        np.testing.assert_allclose(update, exact, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(lazy, adam, rtol=1e-4, atol=1e-5)
    assert not np.array_equal(lazy, start)


def _numpy_lazy_adam(start, steps, lr=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    weights, first, second = start.astype(np.float64), np.zeros_like(start), np.zeros_like(start)
    for t, (rows, values) in enumerate(steps, start=1):
        gradient = np.zeros_like(weights)
        np.add.at(gradient, rows, values)  # repeated rows are summed
        touched = np.unique(rows)
        first[touched] = beta_1 * first[touched] + (1 - beta_1) * gradient[touched]
        second[touched] = beta_2 * second[touched] + (1 - beta_2) * gradient[touched] ** 2
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        weights[touched] -= alpha * first[touched] / (np.sqrt(second[touched]) + epsilon)
    return weights


def test_sparse_gradients_update_only_the_rows_they_touch():
    rng = np.random.RandomState(1)
    start = rng.normal(size=(6, 2)).astype(np.float32)
    # Row 2 twice in the second step (a token twice in a batch); rows 4-5 never.
    steps = [(np.array([0, 1]), rng.normal(size=(2, 2))),
             (np.array([1, 2, 2]), rng.normal(size=(3, 2))),
             (np.array([3]), rng.normal(size=(1, 2)))]
    variable = keras.Variable(start)
    optimizer = LazyAdam(0.1)
    result = _apply(optimizer, variable, [
        tf.IndexedSlices(tf.constant(values, tf.float32), tf.constant(rows),
                         tf.constant([6, 2]))
        for rows, values in steps
    ])
    assert_float32_close(result, _numpy_lazy_adam(start, steps))
    np.testing.assert_array_equal(result[4:], start[4:])
    # Adam itself moves row 0 again at steps 2 and 3 (its momentum): lazy does not.
    adam = _apply(keras.optimizers.Adam(0.1), keras.Variable(start), [
        tf.constant(_dense(rows, values, 6), tf.float32) for rows, values in steps
    ])
    assert not np.allclose(adam[0], result[0])


def _dense(rows, values, n_rows):
    dense = np.zeros((n_rows, values.shape[1]))
    np.add.at(dense, rows, values)
    return dense


def test_lazy_adam_round_trips_through_its_config():
    optimizer = LazyAdam(learning_rate=0.03, beta_1=0.8)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(restored) is LazyAdam
    assert restored.get_config() == optimizer.get_config()


def test_the_classifiers_default_optimizers_and_keras_names():
    assert KerasTextClassifier().optimizer == "lazy_adam"
    assert KerasVectorClassifier().optimizer == "sparse_adagrad"
    rng = np.random.RandomState(0)
    features, target = rng.normal(size=(40, 5)), np.tile([0, 1], 20)
    for optimizer, expected in ((None, SparseAdagrad), ("lazy_adam", LazyAdam),
                                ("adagrad", keras.optimizers.Adagrad)):
        params = {} if optimizer is None else {"optimizer": optimizer}
        model = KerasVectorClassifier(hidden_units=4, epochs=1, random_state=0,
                                      **params).fit(features, target)
        assert type(model.model_.optimizer) is expected
    texts = ["good film", "bad film", "great plot", "awful plot"] * 6
    labels = [1, 0, 1, 0] * 6
    for optimizer, expected in (("lazy_adam", LazyAdam), ("adam", keras.optimizers.Adam)):
        model = KerasTextClassifier(architecture="bag", analyzer="word", epochs=1,
                                    optimizer=optimizer, random_state=0).fit(texts, labels)
        assert type(model.model_.optimizer) is expected


def _numpy_adagrad(start, gradients, lr=0.1, initial=0.1, epsilon=1e-7):
    weights = start.astype(np.float64)
    accumulator = np.full_like(weights, initial)
    for gradient in gradients:
        accumulator += gradient ** 2
        weights -= lr * gradient / (np.sqrt(accumulator) + epsilon)
    return weights


def test_sparse_adagrad_on_dense_gradients_is_adagrad():
    rng = np.random.RandomState(2)
    start = rng.normal(size=(5, 3)).astype(np.float32)
    gradients = [rng.normal(size=(5, 3)).astype(np.float32) for _ in range(3)]
    ours = _apply(SparseAdagrad(0.1), keras.Variable(start), map(tf.constant, gradients))
    theirs = _apply(keras.optimizers.Adagrad(0.1), keras.Variable(start),
                    map(tf.constant, gradients))
    assert_float32_close(ours, _numpy_adagrad(start, gradients))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert not np.array_equal(ours, start)


def test_sparse_adagrad_on_sparse_gradients_equals_the_dense_update():
    # Adagrad has no decay: a row no gradient touches keeps its weights and its
    # accumulator, so the sparse update is Keras' dense one on the dense gradient,
    # repeated rows summed.
    rng = np.random.RandomState(3)
    start = rng.normal(size=(6, 2)).astype(np.float32)
    steps = [(np.array([0, 1]), rng.normal(size=(2, 2))),
             (np.array([1, 2, 2]), rng.normal(size=(3, 2))),
             (np.array([3, 0]), rng.normal(size=(2, 2)))]
    sparse = _apply(SparseAdagrad(0.1), keras.Variable(start), [
        tf.IndexedSlices(tf.constant(values, tf.float32), tf.constant(rows),
                         tf.constant([6, 2]))
        for rows, values in steps
    ])
    dense_steps = [_dense(rows, values, 6) for rows, values in steps]
    dense = _apply(keras.optimizers.Adagrad(0.1), keras.Variable(start),
                   [tf.constant(g, tf.float32) for g in dense_steps])
    assert_float32_close(sparse, _numpy_adagrad(start, dense_steps))
    np.testing.assert_allclose(sparse, dense, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(sparse[4:], start[4:])


def test_sparse_adagrad_round_trips_through_its_config():
    optimizer = SparseAdagrad(learning_rate=0.2, initial_accumulator_value=0.05)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(restored) is SparseAdagrad
    assert restored.get_config() == optimizer.get_config()
