"""sklearn-imbal: imbalanced text classification as ordinary scikit-learn objects.

Keras text classifiers that are correct scikit-learn classifiers on raw text,
imbalanced-learn samplers that accept text, imbalance-aware losses, and the
threshold-tuning workflow that lets ``GridSearchCV`` select models by F1 or ROC AUC.

Heavy dependencies (TensorFlow) load on first use of a name that needs them, so
``import sklearn_imbal`` stays fast.
"""

import importlib
import importlib.util

from sklearn_imbal._version import __version__

# Public name -> module that defines it; imported lazily (PEP 562).
_LAZY = {
    "KerasTextClassifier": "sklearn_imbal.keras",
    "KerasHubTextClassifier": "sklearn_imbal.keras",
    "make_text_baseline": "sklearn_imbal.search",
    "make_text_ensemble": "sklearn_imbal.ensemble",
    "make_text_search": "sklearn_imbal.search",
    "KerasVectorClassifier": "sklearn_imbal.keras",
    "TextAugmentOverSampler": "sklearn_imbal.sampling",
    "TextRandomOverSampler": "sklearn_imbal.sampling",
    "TextRandomUnderSampler": "sklearn_imbal.sampling",
    "SearchEnsembleClassifier": "sklearn_imbal.ensemble",
    "load_model": "sklearn_imbal._persistence",
    "save_model": "sklearn_imbal._persistence",
}

# Without keras-hub (the "hub" extra), ``from sklearn_imbal import *`` leaves out the
# one name that needs it; the name itself still says what to install.
_OPTIONAL = {"KerasHubTextClassifier": "keras_hub"}

__all__ = ["__version__", *(
    name for name in _LAZY
    if name not in _OPTIONAL or importlib.util.find_spec(_OPTIONAL[name]) is not None
)]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sklearn_imbal' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
