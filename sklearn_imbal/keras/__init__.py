"""Keras classifiers that are scikit-learn classifiers, and their building blocks."""

import importlib.util as _importlib_util

import keras as _keras

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        "sklearn_imbal.keras needs Keras' TensorFlow backend (text vectorization runs "
        f"in TensorFlow); KERAS_BACKEND is {_keras.backend.backend()!r}. Unset it or "
        "set KERAS_BACKEND=tensorflow before importing."
    )

import sys as _sys  # noqa: E402

from sklearn_imbal.keras import _pickling  # noqa: E402
from sklearn_imbal.keras._base import BaseKerasClassifier  # noqa: E402
from sklearn_imbal.keras._layers import (  # noqa: E402
    CharNgramSplitter,
    MaskedMean,
    SparseConcatenate,
    SparseInputDense,
    SparseRowsDense,
    SublinearTfIdf,
    ZeroPadding,
)
from sklearn_imbal.keras._optimizers import LazyAdam, SparseAdagrad  # noqa: E402
from sklearn_imbal.keras._text_classifier import KerasTextClassifier  # noqa: E402
from sklearn_imbal.keras._vector_classifier import KerasVectorClassifier  # noqa: E402

# Pickles written before the pickling module was renamed name its class
# sklearn_imbal.keras._persistence._SavedKerasModel: the old name still resolves.
_sys.modules.setdefault(f"{__name__}._persistence", _pickling)

__all__ = [
    "BaseKerasClassifier",
    "CharNgramSplitter",
    "KerasTextClassifier",
    "KerasVectorClassifier",
    "LazyAdam",
    "MaskedMean",
    "SparseAdagrad",
    "SparseConcatenate",
    "SparseInputDense",
    "SparseRowsDense",
    "SublinearTfIdf",
    "ZeroPadding",
]
# Needs keras-hub (the "hub" extra); listed only where it is installed, so that
# ``from sklearn_imbal.keras import *`` works without it.
if _importlib_util.find_spec("keras_hub") is not None:
    __all__.append("KerasHubTextClassifier")


def __getattr__(name):
    # Imported on first use: it needs the optional keras-hub (pip install
    # "sklearn-imbal[hub]"), whose absence is an ImportError naming the extra.
    if name == "KerasHubTextClassifier":
        from sklearn_imbal.keras._hub_classifier import KerasHubTextClassifier

        return KerasHubTextClassifier
    raise AttributeError(f"module 'sklearn_imbal.keras' has no attribute {name!r}")
