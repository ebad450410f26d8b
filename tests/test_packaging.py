"""Packaging: version metadata, declared lower bounds, the installed package, and the
HTML repr of every public estimator (what a notebook shows)."""

import importlib
import importlib.metadata
import inspect
import os
import pkgutil
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from packaging.version import Version
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.utils import estimator_html_repr, get_tags

import sklearn_imbal
from sklearn_imbal import KerasTextClassifier, SearchEnsembleClassifier, make_text_baseline
from sklearn_imbal.pipeline import Pipeline
from sklearn_imbal.search import (
    CheckpointedGridSearchCV,
    CheckpointedRandomizedSearchCV,
    RefitGridSearchCV,
    RefitRandomizedSearchCV,
)
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.threshold import HoldoutThresholdClassifier, PriorCorrectedClassifier

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[1]
# Set by .ci/run when the package under test was installed from a built wheel or
# sdist into a clean virtualenv (the tests then run from a copy outside the checkout).
INSTALLED_FROM = os.environ.get("SKLEARN_IMBAL_INSTALLED_FROM")


def test_version_matches_the_package_metadata():
    try:
        installed = importlib.metadata.version("sklearn-imbal")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("sklearn-imbal is not installed (running from a bare checkout)")
    assert sklearn_imbal.__version__ == installed
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?", installed)


@pytest.mark.skipif(INSTALLED_FROM is None,
                    reason="only where .ci/run installed a built wheel or sdist")
def test_the_installed_distribution_is_the_package_only():
    package_dir = Path(sklearn_imbal.__file__).resolve().parent
    assert "site-packages" in package_dir.parts, package_dir
    files = [str(f) for f in importlib.metadata.distribution("sklearn-imbal").files]
    # The console script is recorded relative to site-packages (../../../bin/...).
    scripts = [f for f in files if Path(f).parent.name in ("bin", "Scripts")]
    assert [Path(f).stem for f in scripts] == ["sklearn-imbal"], scripts
    outside = [f for f in files if not f.startswith("sklearn_imbal/")
               and ".dist-info/" not in f and f not in scripts]
    assert not outside  # no tests/, docs/, benchmarks/ or other top-level packages
    assert "sklearn_imbal/py.typed" in files
    # The checkout's folders are not where the tests run from.
    assert not (Path.cwd() / "sklearn_imbal").exists()


def _requirements(text_lines):
    """``{name: version}`` of the ``name>=version`` / ``name==version`` lines."""
    found = {}
    for line in text_lines:
        match = re.match(
            r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(?:>=|==)\s*([0-9][^,;\s\"]*)", line
        )
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


@pytest.mark.skipif(not (ROOT / ".ci" / "constraints-oldest.txt").exists(),
                    reason="needs the source checkout")
def test_declared_lower_bounds_are_the_tested_oldest_versions():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _requirements(project["dependencies"])
    extras = _requirements(
        requirement for group in project["optional-dependencies"].values()
        for requirement in group
    )
    oldest = _requirements((ROOT / ".ci" / "constraints-oldest.txt").read_text().splitlines())
    declared = {**extras, **runtime}
    # Every runtime dependency is pinned at its declared lower bound, and every
    # other pinned package (the user-facing extras) is declared with that bound.
    assert set(runtime) <= set(oldest)
    assert set(oldest) <= set(declared)
    for name, version in oldest.items():
        assert Version(declared[name]) == Version(version), name


# ------------------------------------------------------------------ types
def _public_name(module, name):
    """``module.name``, or None when it needs a missing optional dependency."""
    try:
        return getattr(module, name)
    except ImportError:  # e.g. sklearn_imbal.parallel.TensorFlowThreads without dask
        return None


def _public_objects():
    modules = [sklearn_imbal] + [
        importlib.import_module(f"sklearn_imbal.{info.name}")
        for info in pkgutil.iter_modules(sklearn_imbal.__path__)
        if not info.name.startswith("_")
    ]
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", []):
            value = _public_name(module, name)
            if getattr(value, "__module__", "").startswith("sklearn_imbal"):
                found[id(value)] = value
    return list(found.values())


def _missing_annotations(function, label):
    """Parameters (and the return) of ``function`` that have no annotation."""
    annotations = getattr(function, "__annotations__", {})
    missing = [f"{label}({name})" for name in inspect.signature(function).parameters
               if name not in ("self", "cls") and name not in annotations]
    if "return" not in annotations:
        missing.append(f"{label} -> return")
    return missing


def test_public_api_is_annotated():
    """Every public function, constructor and public method has type hints (py.typed)."""
    missing = []
    for value in _public_objects():
        if inspect.isfunction(value):
            missing += _missing_annotations(value, value.__qualname__)
        elif inspect.isclass(value):
            for attr, member in vars(value).items():
                function = getattr(member, "__func__", member)  # classmethod/staticmethod
                public = not attr.startswith("_") or attr == "__init__"
                if not (inspect.isfunction(function) and public
                        and function.__module__.startswith("sklearn_imbal")):
                    continue
                missing += _missing_annotations(function, f"{value.__name__}.{attr}")
    assert not missing, "add type hints to: " + ", ".join(missing)


def test_py_typed_marker_ships_with_the_package():
    assert (Path(sklearn_imbal.__file__).parent / "py.typed").is_file()


# ------------------------------------------------------------------ HTML repr
def _public_estimator_classes():
    """Every estimator class a public module of sklearn_imbal lists in ``__all__``."""
    modules = [sklearn_imbal] + [
        importlib.import_module(f"sklearn_imbal.{info.name}")
        for info in pkgutil.iter_modules(sklearn_imbal.__path__)
        if not info.name.startswith("_")
    ]
    classes = {}
    for module in modules:
        for name in getattr(module, "__all__", []):
            value = _public_name(module, name)
            if (isinstance(value, type) and issubclass(value, BaseEstimator)
                    and value.__module__.startswith("sklearn_imbal")
                    and not value.__name__.startswith("Base")):  # abstract bases
                classes[f"{value.__module__}.{value.__qualname__}"] = value
    return sorted(classes.values(), key=lambda cls: cls.__name__)


TINY_TEXT = {"architecture": "bag", "analyzer": "word", "ngrams": 1, "embedding_dim": 8,
             "epochs": 1, "random_state": 0}
# Estimators that need constructor arguments or a smaller configuration to fit fast.
INSTANCES = {
    "KerasTextClassifier": lambda: KerasTextClassifier(**TINY_TEXT),
    "Pipeline": lambda: Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                                  ("clf", KerasTextClassifier(**TINY_TEXT))]),
    # Meta-estimators of sklearn_imbal.threshold need an estimator to wrap.
    "HoldoutThresholdClassifier": lambda: HoldoutThresholdClassifier(
        KerasTextClassifier(**TINY_TEXT), random_state=0),
    "PriorCorrectedClassifier": lambda: PriorCorrectedClassifier(
        Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                  ("clf", KerasTextClassifier(**TINY_TEXT))])),
    # The resumable searches need an estimator; a cheap one keeps them fast (no
    # checkpoint folder: tests/test_search_checkpoint.py writes those).
    "CheckpointedGridSearchCV": lambda: CheckpointedGridSearchCV(
        LogisticRegression(), {"C": [1.0]}, cv=2),
    "CheckpointedRandomizedSearchCV": lambda: CheckpointedRandomizedSearchCV(
        LogisticRegression(), {"C": [1.0]}, n_iter=1, cv=2),
    "RefitGridSearchCV": lambda: RefitGridSearchCV(
        LogisticRegression(), {"C": [1.0]}, cv=2, refit_params={"C": 2.0}),
    "RefitRandomizedSearchCV": lambda: RefitRandomizedSearchCV(
        LogisticRegression(), {"C": [1.0]}, n_iter=1, cv=2, refit_params={"C": 2.0}),
    # A search of a classical text model: the ensemble's fits stay cheap.
    "SearchEnsembleClassifier": lambda: SearchEnsembleClassifier(
        GridSearchCV(make_text_baseline("word_logreg", threshold_cv=0.25),
                     {"estimator__clf__C": [0.3, 3.0]}, cv=2), k=2, threshold_cv=2),
}


def _instance(cls):
    if cls.__name__ in INSTANCES:
        return INSTANCES[cls.__name__]()
    estimator = cls()
    if "epochs" in estimator.get_params():
        estimator.set_params(epochs=1)
    return estimator


def _fit(estimator, text_data):
    X, y = text_data
    first = estimator.steps[0][1] if hasattr(estimator, "steps") else estimator
    if not get_tags(first).input_tags.string:
        X = np.random.RandomState(0).rand(len(y), 4) + y[:, None]
    return estimator.fit(X, y)


def test_public_estimators_are_found():
    names = {cls.__name__ for cls in _public_estimator_classes()}
    assert {"KerasTextClassifier", "KerasVectorClassifier", "TextRandomOverSampler",
            "TextRandomUnderSampler", "TextAugmentOverSampler", "Pipeline"} <= names


@pytest.mark.parametrize("cls", _public_estimator_classes(), ids=lambda cls: cls.__name__)
def test_html_repr_of_every_public_estimator(cls, text_data, request):
    if cls.__name__ == "KerasHubTextClassifier":  # listed only where keras-hub imports
        from conftest import TINY_HUB

        estimator = cls(preset=request.getfixturevalue("tiny_hub_preset"),
                        **{**TINY_HUB, "epochs": 1, "run_eagerly": True})
    else:
        estimator = _instance(cls)
    unfitted = estimator_html_repr(estimator)
    assert cls.__name__ in unfitted and "sk-estimator fitted" not in unfitted
    fitted = estimator_html_repr(_fit(estimator, text_data))
    assert cls.__name__ in fitted
    if hasattr(estimator, "predict"):  # samplers have no fitted state to show
        assert "sk-estimator fitted" in fitted
    # Notebooks call _repr_html_ / _repr_mimebundle_ themselves.
    assert cls.__name__ in estimator._repr_html_()
    assert "text/html" in estimator._repr_mimebundle_()


def test_imports_without_tensorflow_until_needed():
    """``import sklearn_imbal`` stays light; TensorFlow loads on first estimator use."""
    code = ("import sys, sklearn_imbal; "
            "assert 'tensorflow' not in sys.modules, 'tensorflow imported'; "
            "print(sklearn_imbal.__version__)")
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT if not INSTALLED_FROM else None)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == sklearn_imbal.__version__


@pytest.mark.smoke
def test_no_module_is_over_600_lines():
    # A module that grows past this holds more than one idea: split it
    # (docs/contributing.rst's package map says where each idea lives).
    package = Path(sklearn_imbal.__file__).parent
    lengths = {
        str(path.relative_to(package)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert not {name: n for name, n in lengths.items() if n > 600}


def test_the_hub_classifier_without_keras_hub_names_the_extra():
    """Where keras-hub is absent (the oldest leg: Python 3.10), the name says what to install."""
    code = ("import sys; sys.modules['keras_hub'] = None\n"
            "import sklearn_imbal\n"
            "from sklearn_imbal import *\n"
            "from sklearn_imbal.keras import *\n"
            "assert 'KerasHubTextClassifier' not in sklearn_imbal.__all__\n"
            "try:\n    sklearn_imbal.KerasHubTextClassifier\n"
            "except ImportError as exc:\n    print(exc)\n")
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT if not INSTALLED_FROM else None)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'pip install "sklearn-imbal[hub]"' in result.stdout
