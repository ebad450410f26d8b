"""The squared hinge loss on the sigmoid's logit (LinearSVC's loss, in Keras)."""

import pickle

import numpy as np
import pytest

from sklearn_imbal import KerasTextClassifier
from sklearn_imbal.losses import SquaredHinge, get_loss


def test_values_by_hand():
    loss = get_loss("squared_hinge", n_classes=2)
    assert isinstance(loss, SquaredHinge)
    y = np.array([1, 0, 1, 0], dtype="float32")
    # Margins: 0, 0, log(9), -2 -> losses 1, 1, (1 - log 9)^2 clipped at 0, 0.
    p = np.array([0.5, 0.5, 0.9, 1 / (1 + np.e**2)], dtype="float32")
    assert float(loss(y, p)) == pytest.approx(0.5, abs=1e-6)
    # A positive on the wrong side: margin -1, loss (1 + 1)^2.
    assert float(loss(np.array([1.0]), np.array([1 / (1 + np.e)]))) == pytest.approx(4, abs=1e-4)


def test_binary_only():
    with pytest.raises(ValueError, match=r"loss='squared_hinge' is defined for binary targets"):
        get_loss("squared_hinge", n_classes=3)


def test_trains_ranks_and_pickles(text_data):
    X, y = text_data
    clf = KerasTextClassifier(loss="squared_hinge", analyzer="word", epochs=4, batch_size=16,
                              learning_rate=0.05, l2=1e-4, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)[:, 1]
    assert proba[y == 1].mean() > proba[y == 0].mean() + 0.2
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X)[:, 1], proba, rtol=1e-5)
