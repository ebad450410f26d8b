"""Keras classifiers that are scikit-learn classifiers, and their building blocks."""

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
    SublinearTfIdf,
    ZeroPadding,
)
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
    "MaskedMean",
    "SparseConcatenate",
    "SublinearTfIdf",
    "ZeroPadding",
]
