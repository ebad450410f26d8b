"""KerasHubTextClassifier: a KerasHub preset fine-tuned inside our pipelines and searches.

Nothing downloads: the preset is a tiny BERT built from a config and saved as a
local preset folder (``tiny_hub_preset`` in conftest.py). A transformer fit costs
seconds even when tiny (building its training graph), so the fitted models are
module-scoped and the searches fit in eager mode (``run_eagerly=True``: the
scikit-learn contract is under test there, not Keras' graph compilation).
"""

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

keras_hub = pytest.importorskip("keras_hub")

import keras  # noqa: E402
from conftest import TINY_HUB, assert_float32_close, make_texts  # noqa: E402
from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402

from sklearn_imbal import KerasHubTextClassifier, make_text_search  # noqa: E402
from sklearn_imbal._compat import import_keras_hub  # noqa: E402
from sklearn_imbal.pipeline import Pipeline  # noqa: E402
from sklearn_imbal.sampling import TextRandomOverSampler  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_texts(n_samples=64, minority=0.25, seed=1)


@pytest.fixture(scope="module")
def fitted(tiny_hub_preset, data):
    X, y = data
    return KerasHubTextClassifier(preset=tiny_hub_preset, **TINY_HUB).fit(X, y)


def _eager(preset, **params):
    return KerasHubTextClassifier(preset=preset, **{**TINY_HUB, "run_eagerly": True,
                                                    **params})


# ------------------------------------------------------------------ the contract
@pytest.mark.smoke
def test_tags_say_classifier_on_text(tiny_hub_preset):
    clf = KerasHubTextClassifier(preset=tiny_hub_preset)
    assert is_classifier(clf)
    tags = get_tags(clf)
    assert tags.input_tags.string and not tags.input_tags.two_d_array


@pytest.mark.smoke
def test_clone_get_params_set_params(tiny_hub_preset):
    clf = KerasHubTextClassifier(preset=tiny_hub_preset, sequence_length=8,
                                 optimizer__weight_decay=0.01)
    params = clf.get_params()
    for name in ("preset", "sequence_length", "train_backbone", "dropout", "learning_rate",
                 "learning_rate_schedule", "epochs", "batch_size", "class_weight"):
        assert name in params
    assert "model" not in params
    copy = clone(clf)
    assert copy.get_params() == params
    copy.set_params(learning_rate=1e-4, train_backbone=False)
    assert (copy.learning_rate, copy.train_backbone) == (1e-4, False)
    assert clf.learning_rate == 5e-5


def test_fit_gives_probabilities_and_the_fast_path_agrees_with_model_predict(fitted, data):
    X, y = data
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert isinstance(fitted.model_, keras_hub.models.TextClassifier)
    assert fitted.model_.preprocessor.sequence_length == TINY_HUB["sequence_length"]
    assert len(fitted.history_["loss"]) == TINY_HUB["epochs"] == fitted.n_iter_
    # KerasHub's own predict runs its preprocessor on the strings.
    keras_hub_proba = fitted.model_.predict(list(X), verbose=0)[:, 0]
    assert_float32_close(proba[:, 1], keras_hub_proba)
    assert set(fitted.predict(X)) <= {0, 1}
    # One text, the path a service calls: the same numbers.
    assert_float32_close(fitted.predict_proba(X[:1]), proba[:1])


def test_roc_auc_search_over_a_sampler_pipeline_gives_finite_scores(tiny_hub_preset, data):
    X, y = data
    pipe = Pipeline([("s", TextRandomOverSampler(random_state=0)),
                     ("c", _eager(tiny_hub_preset, epochs=1))])
    search = GridSearchCV(pipe, {"c__learning_rate": [1e-3, 3e-3]}, scoring="roc_auc",
                          cv=StratifiedKFold(2, shuffle=True, random_state=0), refit=False)
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (2,) and np.isfinite(scores).all()


def test_sample_weight_and_class_weight_change_the_fit(tiny_hub_preset, fitted, data):
    X, y = data
    balanced = _eager(tiny_hub_preset, class_weight="balanced", epochs=1).fit(X, y)
    weighted = _eager(tiny_hub_preset, epochs=1).fit(X, y, sample_weight=compute_sample_weight(
        "balanced", y))
    # The same weights per sample, by either route: the same model.
    assert_float32_close(balanced.predict_proba(X), weighted.predict_proba(X))
    # Up-weighting the rare class raises its probabilities.
    assert balanced.predict_proba(X)[:, 1].mean() > fitted.predict_proba(X)[:, 1].mean() + 0.02


# ------------------------------------------------------------------ errors
@pytest.mark.smoke
def test_a_missing_preset_folder_is_named(tmp_path, data):
    X, y = data
    missing = str(tmp_path / "no_such_preset")
    with pytest.raises(ValueError, match="no_such_preset.*does not exist"):
        KerasHubTextClassifier(preset=missing).fit(X, y)
    with pytest.raises(ValueError, match="needs preset="):
        KerasHubTextClassifier().fit(X, y)


def test_a_malformed_preset_folder_is_named(tmp_path, tiny_hub_preset, data):
    X, y = data
    broken = tmp_path / "broken_preset"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="broken_preset.*could not be loaded"):
        KerasHubTextClassifier(preset=str(broken)).fit(X, y)
    empty = tmp_path / "empty_preset"
    empty.mkdir()
    with pytest.raises(ValueError, match="empty_preset.*could not be loaded"):
        KerasHubTextClassifier(preset=str(empty)).fit(X, y)
    (empty / "config.json").write_text(json.dumps({"not": "a keras config"}))
    with pytest.raises(ValueError, match="empty_preset.*could not be loaded"):
        KerasHubTextClassifier(preset=str(empty)).fit(X, y)


def test_sequence_length_beyond_the_backbone_is_refused(tiny_hub_preset, data):
    X, y = data
    with pytest.raises(ValueError, match="sequence_length=64 .* max_sequence_length=32"):
        KerasHubTextClassifier(preset=tiny_hub_preset, sequence_length=64).fit(X, y)


def test_bad_inputs_get_the_usual_errors(tiny_hub_preset, fitted, data):
    X, y = data
    clf = KerasHubTextClassifier(preset=tiny_hub_preset, **TINY_HUB)
    with pytest.raises(TypeError, match="numeric dtype"):
        clf.fit(np.arange(len(y), dtype=float), y)
    with pytest.raises(ValueError, match="not 1 class"):
        clf.fit(X, np.zeros(len(y), dtype=int))
    with pytest.raises(ValueError, match="sequence_length"):
        KerasHubTextClassifier(preset=tiny_hub_preset, sequence_length=0).fit(X, y)
    with pytest.raises(TypeError, match=r"X\[1\] has type"):
        fitted.predict_proba(["fine", 3])
    assert not hasattr(clf, "model_")
    # A failed refit leaves a fitted classifier as it was.
    before = fitted.predict_proba(X)
    model = fitted.model_
    with pytest.raises(ValueError, match="not 1 class"):
        fitted.fit(X, np.ones(len(y), dtype=int))
    assert fitted.model_ is model
    np.testing.assert_array_equal(fitted.predict_proba(X), before)


@pytest.mark.smoke
def test_without_keras_hub_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras_hub", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn-imbal\[hub\]"'):
        import_keras_hub()


# ------------------------------------------------------------------ persistence
def test_pickle_and_keras_round_trips_give_identical_probabilities(fitted, data, tmp_path):
    X, _ = data
    expected = fitted.predict_proba(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    fitted.model_.save(tmp_path / "model.keras")
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    assert_float32_close(reloaded.predict(list(X), verbose=0)[:, 0], expected[:, 1])


@pytest.mark.slow
def test_pickle_and_keras_round_trips_in_a_fresh_process(fitted, data, tmp_path):
    X, _ = data
    np.save(tmp_path / "texts.npy", X.astype(str))
    np.save(tmp_path / "proba.npy", fitted.predict_proba(X))
    with open(tmp_path / "model.pkl", "wb") as handle:
        pickle.dump(fitted, handle)
    fitted.model_.save(tmp_path / "model.keras")
    script = f"""
import pickle
import keras, numpy as np
folder = {str(tmp_path)!r}
texts = np.load(folder + "/texts.npy").tolist()
expected = np.load(folder + "/proba.npy")
with open(folder + "/model.pkl", "rb") as handle:
    model = pickle.load(handle)  # imports sklearn_imbal's module, which imports keras_hub
np.testing.assert_allclose(model.predict_proba(texts), expected, rtol=0, atol=1e-6)
reloaded = keras.saving.load_model(folder + "/model.keras")
np.testing.assert_allclose(reloaded.predict(texts, verbose=0)[:, 0], expected[:, 1], rtol=0,
                           atol=1e-6)
print("the same")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "the same" in result.stdout


# ------------------------------------------------------------------ heavier
@pytest.mark.slow
def test_a_restored_classifier_keeps_training(fitted, data):
    X, y = data
    restored = pickle.loads(pickle.dumps(fitted))
    restored.partial_fit(X, y)  # its optimizer starts afresh (KerasHub tasks)
    assert restored.n_iter_ == fitted.n_iter_ + 1
    assert np.isfinite(restored.predict_proba(X)).all()


@pytest.mark.slow
def test_frozen_backbone_trains_only_the_head(tiny_hub_preset, data):
    X, y = data
    clf = _eager(tiny_hub_preset, train_backbone=False)
    clf.initialize(X, y)
    # The new head starts at the training prior's log-odds.
    bias = clf.model_.get_layer("logits").bias.numpy()
    np.testing.assert_allclose(bias, [np.log(y.mean() / (1 - y.mean()))], rtol=1e-5)
    before = [w.numpy().copy() for w in clf.model_.backbone.weights]
    head = clf.model_.get_layer("logits").kernel.numpy().copy()
    clf.set_params(warm_start=True).fit(X, y)
    for old, new in zip(before, clf.model_.backbone.weights):
        np.testing.assert_array_equal(old, new.numpy())
    assert not np.array_equal(head, clf.model_.get_layer("logits").kernel.numpy())


@pytest.mark.slow
def test_imbalance_levers_and_early_stopping(tiny_hub_preset, data):
    X, y = data
    clf = _eager(tiny_hub_preset, loss="focal", batch_sampling="balanced",
                 early_stopping=True, validation_fraction=0.25, epochs=3,
                 learning_rate_schedule="cosine").fit(X, y)
    assert "val_loss" in clf.history_ and 1 <= clf.best_epoch_ <= 3
    assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.slow
def test_make_text_search_with_a_preset_tunes_the_threshold(tiny_hub_preset):
    X, y = make_texts(n_samples=120, minority=0.3, seed=2)
    search = make_text_search(
        preset=tiny_hub_preset, scoring="roc_auc", cv=2,
        param_space={"estimator__clf__learning_rate": [1e-2]})
    assert type(search.estimator.estimator.steps[-1][1]) is KerasHubTextClassifier
    search.set_params(estimator__estimator__clf__run_eagerly=True,
                      estimator__estimator__clf__sequence_length=16,
                      estimator__estimator__clf__batch_size=16,
                      estimator__estimator__clf__epochs=3)
    search.fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert isinstance(best.estimator_.steps[-1][1], KerasHubTextClassifier)
    assert 0 < best.best_threshold_ < 1


def test_keras_model_is_the_keras_hub_task(fitted):
    # What users get as model_: KerasHub's own class, saveable as a preset.
    assert isinstance(fitted.model_, keras.Model)
    assert type(fitted.model_).__name__ == "BertTextClassifier"


@pytest.mark.slow
def test_multiclass_and_the_safe_skops_file(tiny_hub_preset, data, tmp_path):
    from sklearn_imbal import load_model, save_model

    X, _ = data
    y = np.array(["a", "b", "c"] * (len(X) // 3) + ["a"] * (len(X) % 3))
    clf = _eager(tiny_hub_preset, epochs=1).fit(X, y)
    assert clf.model_.get_layer("logits").units == 3  # softmax over the classes
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    path = save_model(clf, tmp_path / "model.skops")
    np.testing.assert_array_equal(load_model(path).predict_proba(X), proba)
