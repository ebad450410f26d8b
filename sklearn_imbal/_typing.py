"""Type aliases shared by the annotations of the public API.

Import them under ``if TYPE_CHECKING:`` (every module uses ``from __future__
import annotations``), so that they cost nothing at run time. The docstrings stay
the reference for shapes and accepted values; these say what a type checker can.
pandas, scikit-learn, imbalanced-learn, TensorFlow and Keras ship no type
information, so their objects are ``Any`` to the checker and pass where an
array-like is expected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

import numpy as np
import numpy.typing as npt

__all__ = [
    "ArrayLike",
    "Estimator",
    "Labels",
    "RandomState",
    "SampleWeight",
    "SamplingStrategy",
    "Texts",
]

#: Raw texts: a list or tuple of str, a 1-D str/object array, a pandas Series, or
#: one column (2-D array or DataFrame).
Texts = Union[Sequence[str], npt.ArrayLike]

#: Numeric data: arrays, nested sequences, DataFrames, scipy sparse matrices.
ArrayLike = npt.ArrayLike

#: Class labels, one per sample (int, str or bool; list, array or Series).
Labels = npt.ArrayLike

#: One weight per sample, a scalar for all, or None for equal weights.
SampleWeight = Union[npt.ArrayLike, float, None]

#: Seed or generator, as scikit-learn's ``check_random_state`` accepts.
RandomState = Union[int, np.random.RandomState, None]

#: imbalanced-learn's ``sampling_strategy``: a ratio, a name ("auto", "minority"...),
#: target counts per class, or a callable returning them.
SamplingStrategy = Union[float, str, Mapping[Any, int], Callable[..., Mapping[Any, int]]]

#: A scikit-learn estimator (scikit-learn has no type information).
Estimator = Any
