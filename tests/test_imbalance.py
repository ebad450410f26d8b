"""Class weights and balanced mini-batches, as the training loop really sees them."""

import math
from fractions import Fraction

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.keras._imbalance import class_weight_per_class


class RecordingBCE(keras.losses.BinaryCrossentropy):
    """Binary cross-entropy that records the labels and weights of every batch.

    Used with ``run_eagerly=True``: it sees exactly what Keras trains on.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batches = []

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.batches.append((np.asarray(y_true).ravel(), np.asarray(sample_weight).ravel()))
        return super().__call__(y_true, y_pred, sample_weight)


def _imbalanced(n_samples=100, n_positive=10, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    y = np.zeros(n_samples, dtype=int)
    y[rng.choice(n_samples, n_positive, replace=False)] = 1
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32) + y[:, None]
    return X, y


def _record(X, y, epochs=2, sample_weight=None, **params):
    params = {"hidden_units": 0, "epochs": epochs, "batch_size": 16, "random_state": 0,
              "run_eagerly": True, **params}
    clf = KerasVectorClassifier(loss=RecordingBCE(), **params)
    clf.fit(X, y, sample_weight=sample_weight)
    return clf, clf.model_.loss.batches


# ---------------------------------------------------------------- class weights


def test_class_weight_modes_give_the_documented_weights():
    y = np.array([0] * 8 + [1] * 2)
    classes = np.array([0, 1])
    # balanced: n / (n_classes * n_c)
    np.testing.assert_allclose(class_weight_per_class("balanced", classes, y), [0.625, 2.5])
    # effective number, beta = 1/2: 1/E_n = (1 - b) / (1 - b^n) is 128/255 for n=8 and
    # 2/3 for n=2; scaled so that 8 w_0 + 2 w_1 = 10.
    inverse = [Fraction(128, 255), Fraction(2, 3)]
    scale = Fraction(10) / (8 * inverse[0] + 2 * inverse[1])
    expected = [float(v * scale) for v in inverse]  # 3840/4092, 5100/4092
    got = class_weight_per_class("effective_number", classes, y, beta=0.5)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got @ [8, 2] == pytest.approx(10.0)
    # beta = 0: every class counts as one sample, so equal weights.
    np.testing.assert_allclose(class_weight_per_class("effective_number", classes, y, beta=0.0),
                               [1.0, 1.0])
    # beta -> 1: effective numbers tend to counts, weights to "balanced".
    np.testing.assert_allclose(
        class_weight_per_class("effective_number", classes, y, beta=1 - 1e-9), [0.625, 2.5],
        rtol=1e-6,
    )
    np.testing.assert_allclose(class_weight_per_class({1: 3.0}, classes, y), [1.0, 3.0])
    np.testing.assert_allclose(class_weight_per_class(None, classes, y), [1.0, 1.0])


@pytest.mark.parametrize(
    "class_weight, expected",
    [
        ("balanced", {0: 100 / (2 * 90), 1: 100 / (2 * 10)}),
        ({0: 1.0, 1: 4.0}, {0: 1.0, 1: 4.0}),
        (None, {0: 1.0, 1: 1.0}),
    ],
)
def test_training_batches_carry_the_class_weights(class_weight, expected):
    X, y = _imbalanced()
    _, batches = _record(X, y, epochs=1, class_weight=class_weight)
    labels = np.concatenate([b[0] for b in batches])
    weights = np.concatenate([b[1] for b in batches])
    assert labels.shape == (100,)
    for label, weight in expected.items():
        np.testing.assert_allclose(weights[labels == label], weight, rtol=1e-6)


def test_effective_number_weights_reach_training_and_multiply_sample_weight():
    X, y = _imbalanced()
    beta = 0.95
    per_class = class_weight_per_class("effective_number", np.array([0, 1]), y, beta=beta)
    assert 1.0 < per_class[1] / per_class[0] < 9.0  # milder than "balanced" (9)
    sample_weight = np.where(np.arange(100) % 2 == 0, 1.0, 2.0)
    _, batches = _record(X, y, epochs=1, batch_size=100, shuffle=False,
                         class_weight="effective_number", class_weight_beta=beta,
                         sample_weight=sample_weight)
    assert len(batches) == 1  # one batch, in row order
    np.testing.assert_allclose(batches[0][1], sample_weight * per_class[y], rtol=1e-6)


# ----------------------------------------------------------- balanced batches


def test_balanced_batches_are_balanced_and_redrawn_in_training():
    X, y = _imbalanced(n_samples=100, n_positive=10)
    # Row numbers as sample weights identify the rows of every recorded batch.
    _, batches = _record(X, y, epochs=3, batch_sampling="balanced",
                         sample_weight=np.arange(1, 101, dtype=float))
    n_batches = math.ceil(100 / 16)
    assert len(batches) == 3 * n_batches  # the documented epoch length, every epoch
    for labels, _ in batches:
        assert labels.shape == (16,) and labels.sum() == 8
    majority = [
        {int(w) - 1 for labels, weights in batches[e * n_batches:(e + 1) * n_batches]
         for w in weights[labels == 0]}
        for e in range(3)
    ]
    assert all(len(rows) == 8 * n_batches for rows in majority)  # no repeats in an epoch
    assert majority[0] != majority[1] != majority[2]


def test_balanced_batches_follow_the_ratio():
    X, y = _imbalanced(n_samples=100, n_positive=10)
    _, batches = _record(X, y, epochs=1, batch_sampling="balanced", batch_class_ratio=1 / 3)
    assert [labels.sum() for labels, _ in batches] == [4] * 7  # 1 : 3 of 16
    y3 = np.where(np.arange(100) < 10, "rare", np.where(np.arange(100) < 40, "mid", "big"))
    clf = KerasVectorClassifier(hidden_units=0, epochs=1, batch_size=12, random_state=0,
                                batch_sampling="balanced",
                                batch_class_ratio={"rare": 1, "mid": 1, "big": 2})
    clf.initialize(X, y3)
    codes = clf._class_codes(clf.target_encoder_.transform(y3))
    for batch in _index_batches(clf, X, y3):
        np.testing.assert_array_equal(np.bincount(codes[batch], minlength=3), [6, 3, 3])


def _epoch_orders(clf, y, indices=None):
    """The estimator's training rows of each epoch (an endless iterator), as ``fit`` trains."""
    indices = np.arange(len(y)) if indices is None else indices
    y_encoded = np.asarray(clf.target_encoder_.transform(y), dtype=np.float32)
    return clf._epoch_orders(y_encoded, indices, batch_size=clf.batch_size)


def _epoch(orders, batch_size):
    """The next epoch, as row numbers per batch."""
    order = np.asarray(next(orders))
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def _index_batches(clf, X, y, indices=None):
    return _epoch(_epoch_orders(clf, y, indices), clf.batch_size)


def test_balanced_batches_are_redrawn_every_epoch_and_seeded():
    X, y = _imbalanced(n_samples=200, n_positive=20)
    clf = KerasVectorClassifier(hidden_units=0, batch_size=16, batch_sampling="balanced",
                                random_state=0).initialize(X, y)
    orders = _epoch_orders(clf, y)
    first, second = _epoch(orders, 16), _epoch(orders, 16)

    def majority(epoch):
        rows = np.concatenate(epoch)
        return set(rows[y[rows] == 0])

    def minority(epoch):
        rows = np.concatenate(epoch)
        return rows[y[rows] == 1]

    # 13 batches x 8 majority rows = 104 of the 180 majority rows, without repeats.
    assert len(majority(first)) == len(majority(second)) == 104
    assert majority(first) != majority(second)  # a new subset every epoch
    # 104 minority draws cycle through the 20 minority rows: each 5 or 6 times.
    assert set(np.bincount(minority(first))[np.flatnonzero(y)]) <= {5, 6}
    # Same seed, same stream; another seed, another stream.
    again = KerasVectorClassifier(hidden_units=0, batch_size=16, batch_sampling="balanced",
                                  random_state=0).initialize(X, y)
    same = _index_batches(again, X, y)
    assert all(np.array_equal(a, b) for a, b in zip(first, same, strict=True))
    other = KerasVectorClassifier(hidden_units=0, batch_size=16, batch_sampling="balanced",
                                  random_state=1).initialize(X, y)
    assert not all(np.array_equal(a, b) for a, b in zip(first, _index_batches(other, X, y), strict=True))


def test_balanced_batches_only_draw_the_training_indices():
    X, y = _imbalanced(n_samples=200, n_positive=20)
    clf = KerasVectorClassifier(hidden_units=0, batch_size=16, batch_sampling="balanced",
                                random_state=0).initialize(X, y)
    train = np.arange(0, 200, 2)
    rows = np.concatenate(_index_batches(clf, X, y, indices=train))
    assert set(rows) <= set(train)


def test_text_classifier_trains_with_balanced_batches_and_effective_number(small_text_data):
    X, y = small_text_data
    clf = KerasTextClassifier(analyzer="word", epochs=3, batch_size=16, random_state=0,
                              batch_sampling="balanced", class_weight="effective_number")
    clf.fit(X, y)
    assert clf.n_iter_ == 3 and np.all(np.isfinite(clf.history_["loss"]))
    assert clf.predict_proba(X).shape == (len(X), 2)


@pytest.mark.slow  # ten Keras fits
def test_levers_are_searchable_hyperparameters(small_text_data):
    X, y = small_text_data
    search = GridSearchCV(
        KerasTextClassifier(analyzer="word", epochs=2, batch_size=16, random_state=0),
        [{"batch_sampling": ["shuffle", "balanced"]},
         {"class_weight": ["effective_number"], "class_weight_beta": [0.9]},
         {"loss": ["focal", "auc"]}],
        scoring="roc_auc", cv=2, error_score="raise",
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert len(search.cv_results_["params"]) == 5


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(batch_sampling="stratified"), "batch_sampling"),
        (dict(class_weight="effective"), "class_weight"),
        (dict(class_weight_beta=1.0), "class_weight_beta"),
        (dict(batch_class_ratio=-1.0), "batch_class_ratio"),
        (dict(batch_sampling="balanced", batch_class_ratio={0: 1}),
         r"missing classes \[1\]"),
        (dict(batch_sampling="balanced", batch_class_ratio={0: 1, 1: 1, 7: 1}),
         r"unknown keys \[7\]"),
        (dict(batch_sampling="balanced", batch_class_ratio={0: 1, 1: 0}), "must be > 0"),
        (dict(batch_sampling="balanced", batch_size=8, batch_class_ratio=0.05),
         "batch_size=8 is too small"),
    ],
)
def test_bad_imbalance_settings_are_named(params, match):
    X, y = _imbalanced()
    with pytest.raises(ValueError, match=match):
        KerasVectorClassifier(epochs=1, **params).fit(X, y)


def test_float_ratio_is_binary_only():
    X, _ = _imbalanced(n_samples=90)
    y = np.repeat([0, 1, 2], 30)
    with pytest.raises(ValueError, match="float batch_class_ratio"):
        KerasVectorClassifier(epochs=1, batch_sampling="balanced",
                              batch_class_ratio=0.5).fit(X, y)
