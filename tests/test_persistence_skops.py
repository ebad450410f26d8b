"""``.skops`` model files: loading runs no code from the file.

A model saved with ``save_model(estimator, "model.skops")`` reloads, in a fresh
process, to the same probabilities; a file naming anything outside the
allow-list is refused by name before anything is built (a marker file proves the
payload never ran); a Keras model with a ``Lambda`` layer loads only with
``allow_unsafe=True``.
"""

import functools
import json
import os
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest
import skops.io
from sklearn.dummy import DummyClassifier
from sklearn.preprocessing import FunctionTransformer

from sklearn_imbal import KerasTextClassifier, load_model, save_model
from sklearn_imbal._skops import KerasModelBytes, refused_types
from sklearn_imbal.exceptions import ModelFileError
from sklearn_imbal.pipeline import Pipeline
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.threshold import HoldoutThresholdClassifier

TINY = dict(epochs=2, batch_size=16, learning_rate=0.05, embedding_dim=8, max_tokens=2000,
            random_state=0)


@pytest.fixture(scope="module")
def fitted(text_data):
    """A threshold step over a pipeline with a sampler and a Keras text classifier."""
    X, y = text_data
    pipeline = Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                         ("clf", KerasTextClassifier(**TINY, analyzer="word"))])
    return HoldoutThresholdClassifier(pipeline, random_state=0).fit(X, y)


def _with_lambda_model():
    """A fitted estimator whose (generic) attribute holds a Keras model with a Lambda."""
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2.0)(inputs))
    estimator = DummyClassifier().fit([[0.0], [1.0]], [0, 1])
    estimator.network_ = model
    return estimator


def test_skops_round_trip_in_a_fresh_process(fitted, text_data, tmp_path):
    X, _ = text_data
    path = save_model(fitted, tmp_path / "model.skops")
    assert zipfile.is_zipfile(path) and "schema.json" in zipfile.ZipFile(path).namelist()
    np.save(tmp_path / "texts.npy", np.asarray(X, dtype=str))
    np.save(tmp_path / "expected.npy", fitted.predict_proba(X))
    script = f"""
import numpy as np
from sklearn_imbal import load_model
model = load_model({str(path)!r})
texts = np.load({str(tmp_path / "texts.npy")!r}).tolist()
difference = np.abs(model.predict_proba(texts) - np.load({str(tmp_path / "expected.npy")!r}))
print("max difference", difference.max())
print("threshold", model.best_threshold_)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=600, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())
    assert float(lines["max difference"]) <= 1e-6
    assert float(lines["threshold"]) == fitted.best_threshold_


def test_skops_save_leaves_the_estimator_as_it_was(fitted, text_data, tmp_path):
    X, _ = text_data
    classifier = fitted.estimator_.steps[-1][1]
    network, before = classifier.model_, fitted.predict_proba(X)
    save_model(fitted, tmp_path / "model.skops")
    assert classifier.model_ is network and isinstance(network, keras.Model)
    np.testing.assert_array_equal(fitted.predict_proba(X), before)
    loaded = load_model(tmp_path / "model.skops")
    # No placeholder is left behind: every Keras model is a model again.
    assert isinstance(loaded.estimator_.steps[-1][1].model_, keras.Model)
    assert not any(isinstance(value, KerasModelBytes)
                   for value in vars(loaded.estimator_.steps[-1][1]).values())


def test_skops_file_with_os_system_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    hostile = FunctionTransformer(functools.partial(os.system, f"touch {marker}"))
    skops.io.dump(hostile, tmp_path / "hostile.skops")
    with pytest.raises(ModelFileError, match=r"hostile.skops names types outside the "
                                             r"allow-list .*: functools.partial, posix."
                                             r"system\. Nothing was loaded"):
        load_model(tmp_path / "hostile.skops")
    assert not marker.exists()
    # The payload is live: trusted by hand, it runs as soon as it is called.
    trusted = skops.io.get_untrusted_types(file=tmp_path / "hostile.skops")
    skops.io.load(tmp_path / "hostile.skops", trusted=trusted).func()
    assert marker.exists()


def test_allowed_package_names_cannot_alias_other_functions(tmp_path):
    # sklearn.datasets._base imports os.makedirs: a file naming it through that
    # module would resolve to os.makedirs; the allow-list checks where it is defined.
    assert refused_types(["sklearn.datasets._base.makedirs", "sklearn_imbal.cli._errors.os",
                          "sklearn.metrics._classification.f1_score",
                          "sklearn_imbal.threshold.HoldoutThresholdClassifier",
                          "sklearn.no_such_module.Thing"]) == [
        "sklearn.datasets._base.makedirs", "sklearn.no_such_module.Thing",
        "sklearn_imbal.cli._errors.os"]
    # The same in a file: a FunctionTransformer whose func claims to be
    # sklearn.datasets._base.makedirs.
    skops.io.dump(FunctionTransformer(os.makedirs), tmp_path / "alias.skops")
    with zipfile.ZipFile(tmp_path / "alias.skops") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = members["schema.json"].decode().replace('"__module__": "os"',
                                                     '"__module__": "sklearn.datasets._base"')
    assert "sklearn.datasets._base" in schema
    with zipfile.ZipFile(tmp_path / "alias.skops", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, schema if name == "schema.json" else data)
    with pytest.raises(ModelFileError, match=r"sklearn\.datasets\._base\.makedirs\. "
                                             "Nothing was loaded"):
        load_model(tmp_path / "alias.skops")


def test_keras_model_with_a_lambda_layer_needs_allow_unsafe(tmp_path):
    path = save_model(_with_lambda_model(), tmp_path / "lambda.skops")
    with pytest.raises(ModelFileError, match=r"lambda.skops holds a Keras model with Python "
                                             r"code in it \(a Lambda layer\).*refused\. "
                                             "Pass allow_unsafe=True only for a file you"):
        load_model(path)
    loaded = load_model(path, allow_unsafe=True)
    np.testing.assert_allclose(np.asarray(loaded.network_(np.ones((1, 3)))), 2.0)


def test_damaged_or_foreign_skops_files(fitted, tmp_path):
    raw = save_model(fitted, tmp_path / "model.skops").read_bytes()
    (tmp_path / "cut.skops").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError, match=r"Could not read .*cut.skops as a \.skops "
                                             "model file .*truncated or corrupt"):
        load_model(tmp_path / "cut.skops")
    (tmp_path / "text.skops").write_bytes(b"text,label\nhello,1\n")
    with pytest.raises(ModelFileError, match="text.skops .*it is not a zip archive, as "
                                             r"\.skops files are"):
        load_model(tmp_path / "text.skops")
    keras_file = tmp_path / "net.keras"
    fitted.estimator_.steps[-1][1].model_.save(keras_file)
    (tmp_path / "net.skops").write_bytes(keras_file.read_bytes())
    with pytest.raises(ModelFileError, match="net.skops is a zip archive, such as a Keras"):
        load_model(tmp_path / "net.skops")
    skops.io.dump({"weights": [1, 2]}, tmp_path / "dict.skops")
    with pytest.raises(ModelFileError, match="holds a dict, not a model"):
        load_model(tmp_path / "dict.skops")


def test_skops_file_holds_only_allowed_types(fitted, tmp_path):
    """What a saved search step names: all inside the allow-list, each one listed."""
    path = save_model(fitted, tmp_path / "model.skops")
    untrusted = skops.io.get_untrusted_types(file=path)
    assert refused_types(untrusted) == []
    assert "sklearn_imbal._skops.KerasModelBytes" in untrusted
    # Keras objects travel as .keras bytes only, never as skops-built objects.
    schema = json.dumps(json.loads(zipfile.ZipFile(path).read("schema.json")))
    assert '"__module__": "keras' not in schema and "tensorflow" not in schema
