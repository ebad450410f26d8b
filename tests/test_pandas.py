"""pandas in, pandas out: DataFrame/Series inputs through pipelines and searches, samplers
returning what they were given, and ``set_output(transform="pandas")`` upstream."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier
from sklearn_imbal.pipeline import Pipeline
from sklearn_imbal.sampling import TextRandomOverSampler, TextRandomUnderSampler

pytestmark = pytest.mark.smoke

TINY = {"architecture": "bag", "analyzer": "word", "ngrams": 1, "embedding_dim": 8,
        "epochs": 3, "batch_size": 16, "learning_rate": 0.05, "random_state": 0}


class InputRecordingTextClassifier(KerasTextClassifier):
    """Records what its fit received."""

    def fit(self, X, y, sample_weight=None):
        self.fit_X_, self.fit_y_ = X, y
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture(scope="module")
def sms_frame(text_data):
    """A DataFrame as users hold one: text, label, another column, a shuffled index."""
    X, y = text_data
    frame = pd.DataFrame({
        "sms": pd.array(X, dtype="string"),
        "label": pd.Categorical(np.where(y == 1, "spam", "ham")),
        "length": [len(text) for text in X],
    })
    return frame.sample(frac=1.0, random_state=0)  # index no longer 0..n-1


def test_dataframe_column_through_set_output_sampler_and_text_model(sms_frame):
    select = ColumnTransformer([("text", "passthrough", ["sms"])],
                               verbose_feature_names_out=False)
    pipe = Pipeline([("select", select), ("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", InputRecordingTextClassifier(**TINY))])
    assert pipe.set_output(transform="pandas") is pipe  # samplers have nothing to set
    pipe.fit(sms_frame, sms_frame["label"])
    clf, sampler = pipe.named_steps["clf"], pipe.named_steps["sampler"]
    # The selector gave the sampler a DataFrame; the sampler gave the model one back,
    # with the same column and string dtype, and the labels as a categorical Series.
    assert list(sampler.feature_names_in_) == ["sms"]
    assert isinstance(clf.fit_X_, pd.DataFrame) and list(clf.fit_X_.columns) == ["sms"]
    assert clf.fit_X_["sms"].dtype == "string"
    assert isinstance(clf.fit_y_, pd.Series) and clf.fit_y_.dtype == "category"
    assert clf.fit_X_.index.equals(clf.fit_y_.index)
    # Rows and labels stay paired although the input index was shuffled.
    label_of = dict(zip(sms_frame["sms"], sms_frame["label"]))
    assert all(label_of[text] == label for text, label in zip(clf.fit_X_["sms"], clf.fit_y_))
    assert sorted(pd.Series(clf.fit_y_).value_counts().tolist()) == [
        sms_frame["label"].value_counts().max()] * 2
    predicted = pipe.predict(sms_frame.head(5))
    assert predicted.shape == (5,) and set(predicted) <= {"ham", "spam"}


def test_grid_search_on_series_with_string_labels(sms_frame):
    pipe = Pipeline([("sampler", TextRandomUnderSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**TINY))])
    search = GridSearchCV(pipe, {"sampler": [TextRandomUnderSampler(random_state=0),
                                             "passthrough"]},
                          scoring="roc_auc", cv=StratifiedKFold(2), error_score="raise")
    search.fit(sms_frame["sms"], sms_frame["label"])
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.7
    proba = search.predict_proba(sms_frame["sms"].head(3))
    assert proba.shape == (3, 2) and list(search.classes_) == ["ham", "spam"]


def test_pandas_output_of_a_transformer_reaches_the_vector_model_with_names():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randn(120, 3), columns=["a", "b", "c"],
                     index=rng.permutation(120) + 1000)
    y = pd.Series((X["a"] > 0.8).astype(int), name="target")
    pipe = Pipeline([("scale", StandardScaler()),
                     ("sampler", RandomOverSampler(random_state=0)),
                     ("clf", KerasVectorClassifier(epochs=2, random_state=0))])
    pipe.set_output(transform="pandas").fit(X, y)
    clf = pipe.named_steps["clf"]
    assert list(clf.feature_names_in_) == ["a", "b", "c"]
    assert pipe.predict(X.head(4)).shape == (4,)
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        pipe.predict(X[["b", "a", "c"]])
    # The transformer's own output is a DataFrame, as requested.
    assert isinstance(pipe[:1].transform(X), pd.DataFrame)
