"""``l2_scale``: an L2 penalty relative to each sample or to the whole training set."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.datasets import make_classification

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.sampling import TextRandomOverSampler

TEXT = dict(architecture="tfidf", analyzer="word", ngrams=1, loss="squared_hinge",
            learning_rate=0.05, epochs=3, batch_size=16, random_state=0)
VECTOR = dict(hidden_units=8, learning_rate=0.02, epochs=3, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def vector_data():
    return make_classification(120, 10, n_informative=5, weights=[0.8], random_state=0)


def proba(model, X):
    return model.predict_proba(X)[:, 1]


@pytest.mark.smoke
@pytest.mark.parametrize("kind", ["text", "vector"])
def test_dataset_scale_is_the_per_sample_penalty_divided_by_the_training_size(
        kind, text_data, vector_data):
    cls, params, (X, y) = ((KerasTextClassifier, TEXT, text_data) if kind == "text"
                           else (KerasVectorClassifier, VECTOR, vector_data))
    l2 = 0.5
    per_dataset = cls(**params, l2=l2, l2_scale="dataset").fit(X, y)
    per_sample = cls(**params, l2=l2 / len(y)).fit(X, y)
    np.testing.assert_allclose(proba(per_dataset, X), proba(per_sample, X), rtol=1e-5, atol=1e-6)
    # The same l2 per sample is a much stronger penalty: another model.
    strong = cls(**params, l2=l2).fit(X, y)
    assert np.abs(proba(strong, X) - proba(per_dataset, X)).max() > 1e-2


def test_the_training_size_is_counted_after_resampling(text_data):
    X, y = text_data
    sampler = TextRandomOverSampler(random_state=0)
    n_resampled = len(sampler.fit_resample(np.asarray(X, dtype=object).reshape(-1, 1), y)[1])
    assert n_resampled > len(y)

    def pipeline(**clf_params):
        return Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                         ("clf", KerasTextClassifier(**TEXT, **clf_params))]).fit(X, y)

    np.testing.assert_allclose(
        proba(pipeline(l2=0.5, l2_scale="dataset"), X),
        proba(pipeline(l2=0.5 / n_resampled), X), rtol=1e-5, atol=1e-6,
    )


@pytest.mark.parametrize("cls", [KerasTextClassifier, KerasVectorClassifier])
def test_an_unknown_scale_is_refused_by_name(cls, vector_data):
    X, y = vector_data
    X = [f"text {i}" for i in range(len(y))] if cls is KerasTextClassifier else X
    with pytest.raises(ValueError, match=r"'l2_scale' parameter .* must be a str among"):
        cls(epochs=1, l2_scale="batch").fit(X, y)
