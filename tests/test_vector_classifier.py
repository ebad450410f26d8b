"""Behaviour of KerasVectorClassifier: dense and sparse input, pipelines, errors."""

import pickle
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import tensorflow as tf
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.base import is_classifier
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV
from sklearn.utils import get_tags

from sklearn_imbal import KerasVectorClassifier

# Few steps (5 epochs of a few batches): a higher rate than the default 0.2.
FAST = dict(hidden_units=8, learning_rate=0.5, epochs=5, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(240, 12, n_informative=5, weights=[0.8], random_state=0)
    return X, y


@pytest.fixture(scope="module")
def fitted_dense(data):
    X, y = data
    return KerasVectorClassifier(**FAST).fit(X, y)


@pytest.fixture(scope="module")
def fitted_sparse(data):
    X, y = data
    return KerasVectorClassifier(**FAST).fit(sp.csr_matrix(X), y)


@pytest.mark.smoke
def test_is_a_classifier_that_takes_sparse_input():
    clf = KerasVectorClassifier()
    tags = get_tags(clf)
    assert is_classifier(clf)
    assert tags.input_tags.sparse and tags.input_tags.two_d_array
    assert not tags.input_tags.string


@pytest.mark.smoke
def test_dense_and_csr_train_the_same_model(fitted_dense, fitted_sparse, data):
    X, y = data
    assert not fitted_dense.model_.inputs[0].sparse
    assert fitted_sparse.model_.inputs[0].sparse
    dense = fitted_dense.predict_proba(X)
    np.testing.assert_allclose(fitted_sparse.predict_proba(sp.csr_matrix(X)), dense, atol=1e-4)
    assert roc_auc_score(y, dense[:, 1]) > 0.9
    assert fitted_sparse.n_features_in_ == 12


@pytest.mark.parametrize("to", [sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, sp.csr_array,
                                np.asarray, lambda X: X.astype(np.float32)],
                         ids=["csr", "csc", "coo", "csr_array", "dense", "float32"])
def test_any_input_format_predicts_the_same(fitted_sparse, data, to):
    X, _ = data
    expected = fitted_sparse.predict_proba(sp.csr_matrix(X))
    np.testing.assert_allclose(fitted_sparse.predict_proba(to(X)), expected, atol=1e-6)


def test_sparse_batches_reach_the_model_as_sparse_tensors(fitted_sparse, data):
    X, _ = data
    x = fitted_sparse._to_tensor(sp.csr_matrix(X))
    batch = fitted_sparse._gather(x, tf.constant([3, 0, 7], dtype=tf.int64))
    assert isinstance(batch, tf.SparseTensor)
    np.testing.assert_allclose(tf.sparse.to_dense(batch).numpy(), X[[3, 0, 7]], rtol=1e-6)
    chunk = fitted_sparse._slice(x, 5, 9)
    assert isinstance(chunk, tf.SparseTensor)
    np.testing.assert_allclose(tf.sparse.to_dense(chunk).numpy(), X[5:9], rtol=1e-6)


def test_a_matrix_too_large_to_densify_trains_and_predicts():
    """2,000 x 2,000,000: densified as float32 it would need 16 GB."""
    n_samples, n_features = 2000, 2_000_000
    rng = np.random.RandomState(0)
    y = (rng.rand(n_samples) < 0.2).astype(int)
    rows = np.repeat(np.arange(n_samples), 10)
    columns = rng.randint(0, n_features, rows.shape[0])
    columns[::10] = y * 7 + 11  # one informative column per class
    X = sp.csr_matrix((np.ones(rows.shape[0]), (rows, columns)), shape=(n_samples, n_features))
    clf = KerasVectorClassifier(hidden_units=0, learning_rate=0.05, epochs=2, batch_size=256,
                                random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (n_samples, 2)
    assert roc_auc_score(y, proba[:, 1]) > 0.95


@pytest.mark.smoke
@pytest.mark.slow  # eleven fits; still in the version matrix's smoke run (-m smoke)
def test_smote_pipeline_in_grid_search_and_threshold_tuning(text_data):
    texts, y = text_data
    pipe = Pipeline([
        ("tfidf", TfidfVectorizer()),
        ("sampler", SMOTE(random_state=0)),
        ("clf", KerasVectorClassifier(**FAST)),
    ])
    search = GridSearchCV(
        pipe,
        {"sampler": [SMOTE(random_state=0), "passthrough"],
         "clf__loss": ["binary_crossentropy", "auc"]},
        scoring="roc_auc", cv=2, error_score="raise",
    ).fit(texts, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores.min() > 0.8
    tuned = TunedThresholdClassifierCV(search.best_estimator_, scoring="f1", cv=0.3,
                                       random_state=0).fit(texts, y)
    assert 0.0 < tuned.best_threshold_ < 1.0


def test_multiclass_with_string_labels(data):
    X, _ = data
    y = np.repeat(["a", "b", "c"], 80)
    X = X + np.repeat(np.eye(3, 12) * 3, 80, axis=0)
    clf = KerasVectorClassifier(**FAST).fit(sp.csr_matrix(X), y)
    assert list(clf.classes_) == ["a", "b", "c"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert (clf.predict(X) == y).mean() > 0.8


def test_hidden_units_shapes_the_mlp(data):
    X, y = data
    clf = KerasVectorClassifier(**{**FAST, "epochs": 1, "hidden_units": (6, 4)},
                                dropout=0.2).fit(X, y)
    widths = [layer.units for layer in clf.model_.layers if isinstance(layer, keras.layers.Dense)]
    assert widths == [6, 4, 1]
    logistic = KerasVectorClassifier(**{**FAST, "epochs": 1, "hidden_units": 0}).fit(X, y)
    assert [type(layer).__name__ for layer in logistic.model_.layers] == ["InputLayer", "Dense"]


def test_dataframe_feature_names(data):
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(12)])
    clf = KerasVectorClassifier(**{**FAST, "epochs": 1}).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    with warnings.catch_warnings():
        # scikit-learn's feature-name warnings are UserWarnings; on scikit-learn 1.6
        # every get_tags also emits a FutureWarning about scikeras' _more_tags.
        warnings.simplefilter("error", UserWarning)
        clf.predict(frame)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame[frame.columns[::-1]])


def test_user_model_builder_gets_the_input_kind(data):
    X, y = data
    seen = {}

    def build(meta, compile_kwargs, units=4):
        seen.update(meta)
        inputs = keras.Input(shape=(meta["n_features_in_"],), sparse=meta["sparse_input"])
        hidden = keras.layers.Dense(units, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))

    clf = KerasVectorClassifier(model=build, model__units=3, **{**FAST, "epochs": 1})
    clf.fit(sp.csr_matrix(X), y)
    assert seen["sparse_input"] and seen["n_features_in_"] == 12
    assert clf.predict_proba(X).shape == (240, 2)


@pytest.mark.smoke
def test_pickle_round_trip_of_a_sparse_model(fitted_sparse, data):
    X, _ = data
    restored = pickle.loads(pickle.dumps(fitted_sparse))
    np.testing.assert_array_equal(restored.predict_proba(sp.csr_matrix(X)),
                                  fitted_sparse.predict_proba(sp.csr_matrix(X)))


def test_unsorted_csr_is_handled_without_modifying_it(data):
    X, y = data
    unsorted = sp.csr_matrix(X)
    for row in range(X.shape[0]):  # columns in descending order: valid, not canonical
        start, stop = unsorted.indptr[row], unsorted.indptr[row + 1]
        unsorted.indices[start:stop] = unsorted.indices[start:stop][::-1].copy()
        unsorted.data[start:stop] = unsorted.data[start:stop][::-1].copy()
    unsorted.has_sorted_indices = False
    before = unsorted.indices.copy()
    clf = KerasVectorClassifier(**{**FAST, "epochs": 1}).fit(unsorted, y)
    np.testing.assert_array_equal(unsorted.indices, before)
    assert not unsorted.has_sorted_indices
    np.testing.assert_allclose(clf.predict_proba(unsorted), clf.predict_proba(X), atol=1e-6)


# ---------------------------------------------------------------- errors


def test_wrong_number_of_features_at_predict(fitted_sparse, data):
    X, _ = data
    with pytest.raises(ValueError, match="X has 5 features, but KerasVectorClassifier is "
                                         "expecting 12 features"):
        fitted_sparse.predict(X[:, :5])
    with pytest.raises(ValueError, match="X has 5 features"):
        fitted_sparse.predict_proba(sp.csr_matrix(X[:, :5]))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(hidden_units=(8, 0)), "0-width layer"),
        (dict(hidden_units=(8, -2)), "hidden_units must be"),
        (dict(hidden_units="wide"), "hidden_units"),
        (dict(activation="sigmoidal"), "activation"),
        (dict(hiden_units=3), r"Did you mean 'hidden_units'"),
    ],
)
def test_bad_parameters_are_named(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        KerasVectorClassifier(epochs=1, **params).fit(X, y)


# ----------------------------------------------------- the sparse first layer


def _sparse_batch(matrix):
    coo = matrix.tocoo()
    return tf.sparse.reorder(tf.SparseTensor(
        np.stack([coo.row, coo.col], axis=1).astype(np.int64), coo.data.astype(np.float32),
        matrix.shape))


def test_touch_rates_are_the_chance_that_a_batch_holds_a_column():
    from sklearn_imbal.keras._layers import stored_columns, touch_rates

    matrix = sp.csr_matrix(np.array([[1, 0, 0, 2], [1, 0, 3, 0], [1, 0, 0, 0], [0, 0, 0, 0]]))
    np.testing.assert_array_equal(stored_columns(matrix), [3, 0, 1, 1])
    rates = touch_rates(stored_columns(matrix), 4, batch_size=2)
    # Column 0: in 3 of 4 rows; 1: none (rate 1, never used); 2 and 3: one row each.
    np.testing.assert_allclose(rates, [1 - 0.25 ** 2, 1.0, 1 - 0.75 ** 2, 1 - 0.75 ** 2])


def test_sparse_rows_dense_computes_what_keras_dense_computes():
    from sklearn_imbal.keras._layers import SparseRowsDense

    rng = np.random.RandomState(0)
    matrix = sp.random(7, 30, density=0.2, format="csr", random_state=rng, dtype=np.float32)
    matrix[3] = 0  # a row without non-zeros
    ours, theirs = SparseRowsDense(4, activation="relu"), keras.layers.Dense(4, activation="relu")
    ours.build((None, 30))
    theirs.build((None, 30))
    theirs.set_weights([rng.normal(size=(30, 4)).astype(np.float32),
                        rng.normal(size=4).astype(np.float32)])
    ours.set_weights([*theirs.get_weights(), np.ones(30, dtype=np.float32)])
    for x in (_sparse_batch(matrix), matrix.toarray()):
        np.testing.assert_allclose(ours(x).numpy(), theirs(x).numpy(), rtol=1e-5, atol=1e-5)
    restored = SparseRowsDense.from_config(ours.get_config())
    assert (restored.units, restored.l2, restored.activation) == (4, 0.0, ours.activation)


@pytest.mark.parametrize("dense_product_entries", [0, 1 << 22])
def test_sparse_rows_dense_products_agree_forward_and_backward(monkeypatch,
                                                               dense_product_entries):
    """Small batches multiply a dense (batch x touched columns) matrix, large ones
    the sparse matrix: the same outputs and kernel gradients as Keras' Dense."""
    from sklearn_imbal.keras import _layers

    monkeypatch.setattr(_layers, "_DENSE_PRODUCT_ENTRIES", dense_product_entries)
    rng = np.random.RandomState(2)
    matrix = sp.random(9, 40, density=0.15, format="csr", random_state=rng, dtype=np.float32)
    ours, theirs = _layers.SparseRowsDense(5), keras.layers.Dense(5)
    ours.build((None, 40))
    theirs.build((None, 40))
    ours.set_weights([*theirs.get_weights(), np.ones(40, dtype=np.float32)])
    weights = tf.constant(rng.normal(size=(9, 5)).astype(np.float32))
    outputs, gradients = [], []
    for layer, x in ((ours, _sparse_batch(matrix)), (theirs, matrix.toarray())):
        with tf.GradientTape() as tape:
            outputs.append(layer(x))
            loss = tf.reduce_sum(outputs[-1] * weights)
        gradients.append(tf.convert_to_tensor(tape.gradient(loss, layer.kernel.value)))
    np.testing.assert_allclose(outputs[0].numpy(), outputs[1].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gradients[0].numpy(), gradients[1].numpy(), rtol=1e-5,
                               atol=1e-6)


def test_sparse_rows_dense_gradient_and_penalty_cover_the_touched_rows_only():
    from sklearn_imbal.keras._layers import SparseRowsDense, stored_columns, touch_rates

    rng = np.random.RandomState(1)
    matrix = sp.random(200, 50, density=0.05, format="csr", random_state=rng, dtype=np.float32)
    layer = SparseRowsDense(3, l2=0.01, kernel_initializer="ones")
    layer.build((None, 50))
    layer.set_touch_rates(touch_rates(stored_columns(matrix), 200, batch_size=8))
    rates = layer.touch_rate.numpy()
    batch = matrix[:8]
    touched = np.unique(batch.indices)
    with tf.GradientTape() as tape:
        layer(_sparse_batch(batch), training=True)
        penalty = layer.losses[0]
    gradient = tape.gradient(penalty, layer.kernel.value)
    assert isinstance(gradient, tf.IndexedSlices)
    np.testing.assert_array_equal(np.unique(gradient.indices.numpy()), touched)
    # Each touched row's squared norm (3 with an all-ones kernel), over its rate.
    np.testing.assert_allclose(float(penalty), 0.01 * np.sum(3.0 / rates[touched]), rtol=1e-5)
    # Over many random batches, the penalty averages to the full L2 penalty.
    draws = [rng.choice(200, 8, replace=False) for _ in range(2000)]
    mean = np.mean([0.01 * np.sum(3.0 / rates[np.unique(matrix[d].indices)]) for d in draws])
    full = 0.01 * 3.0 * np.count_nonzero(np.diff(matrix.tocsc().indptr))
    assert abs(mean / full - 1) < 0.05
    layer(_sparse_batch(batch))  # inference adds no penalty
    assert not layer.losses


def test_a_sparse_fit_leaves_the_rows_no_training_row_touches():
    """The first layer's gradient and penalty stay sparse, so LazyAdam skips unused rows."""
    rng = np.random.RandomState(0)
    X = sp.random(300, 400, density=0.02, format="csr", random_state=rng)
    X = X[:, :350]  # columns 350-399 appear at predict time only
    X = sp.hstack([X, sp.csr_matrix((300, 50))]).tocsr()
    y = (np.asarray(X[:, :20].sum(axis=1)).ravel() > 0).astype(int)
    init = KerasVectorClassifier(**{**FAST, "epochs": 0}).fit(X, y)
    clf = KerasVectorClassifier(**{**FAST, "l2": 1e-3}).fit(X, y)
    before = init.model_.get_layer("hidden_0").kernel.numpy()
    after = clf.model_.get_layer("hidden_0").kernel.numpy()
    np.testing.assert_array_equal(after[350:], before[350:])
    assert not np.allclose(after[:350], before[:350])
