"""What raw text, a classification target and sample weights are, in one place.

``check_text_array`` defines the text input every entry point of the library accepts:
a 1-D sequence of ``str`` (list, tuple, numpy array of object or str dtype, pandas
Series or Index) or a single column of a 2-D array or DataFrame. Anything else gets a
``TypeError`` or ``ValueError`` that names the offending position and type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

if TYPE_CHECKING:
    from sklearn_imbal._typing import Labels, SampleWeight, Texts

__all__ = [
    "check_classification_target",
    "check_no_missing_labels",
    "check_sample_weight",
    "check_target_given",
    "check_text_array",
]


def _describe(value):
    return type(value).__name__


def _first_non_str(values):
    for index, value in enumerate(values):
        if not isinstance(value, str):
            return index, value
    return None, None


def _is_missing(value):
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, Real) and bool(np.isnan(float(value)))


def _bad_item_error(index, value, input_name):
    if _is_missing(value):
        what = "None" if value is None else "NaN" if isinstance(value, Real) else "NA"
        return ValueError(
            f"{input_name}[{index}] is {what}: missing texts are not allowed. "
            "Drop those rows or fill them, e.g. with the empty string ''."
        )
    if isinstance(value, (bytes, bytearray, np.bytes_)):
        return TypeError(
            f"{input_name}[{index}] is bytes, not str. Decode the texts first, "
            "e.g. [b.decode('utf-8') for b in X]."
        )
    return TypeError(
        f"{input_name}[{index}] has type {_describe(value)} ({value!r:.40}); every "
        "text must be a str. Convert the column to str first if that is intended."
    )


def _as_object_array(X, input_name):
    """Convert any accepted container to a numpy array without inspecting items."""
    if X is None:
        raise TypeError(f"{input_name} is None; expected a sequence of texts.")
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{input_name} is a single {_describe(X)}; expected a sequence of texts. "
            f"Wrap one document in a list: [{input_name}]."
        )
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError(
            f"{input_name} is a sparse matrix; this estimator takes raw text. "
            "Use KerasVectorClassifier for numeric or sparse features."
        )
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{input_name} is a DataFrame with {X.shape[1]} columns "
                f"{list(X.columns)[:10]}; expected a single text column. "
                f"Select it, e.g. {input_name}['text']."
            )
        return X.iloc[:, 0].to_numpy(dtype=object)
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # Series, Index
        return X.to_numpy(dtype=object)
    if isinstance(X, Mapping):
        raise TypeError(
            f"{input_name} is a {_describe(X)}; expected a sequence of texts, "
            "not a mapping."
        )
    if isinstance(X, (set, frozenset)):
        # A set has no order (and no duplicates): its texts cannot line up with y.
        raise TypeError(
            f"{input_name} is a {_describe(X)}, whose order is arbitrary, so its texts "
            "cannot be matched with their labels; pass a list or another sequence."
        )
    if isinstance(X, np.ndarray):
        return X
    if isinstance(X, Iterable):
        items = X if isinstance(X, (list, tuple)) else list(X)
        if items and isinstance(items[0], (list, tuple, np.ndarray)):
            # Rows of a 2-D list: let numpy find the shape (one column is fine).
            return np.asarray(items, dtype=object)
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array
    raise TypeError(
        f"{input_name} has type {_describe(X)}; expected a sequence of texts "
        "(list, tuple, 1-D numpy array, pandas Series)."
    )


def check_text_array(X: Texts, *, input_name: str = "X") -> np.ndarray:
    """Validate raw text input and return it as a 1-D numpy array of ``str`` objects.

    Parameters
    ----------
    X : sequence of str
        A list or tuple of str, a 1-D numpy array of object or str dtype, a pandas
        Series or Index, or a 2-D array or DataFrame with exactly one column.
        Empty strings and any Unicode text (emoji, non-Latin scripts) are valid.
    input_name : str, default="X"
        The name used for the input in error messages.

    Returns
    -------
    texts : ndarray of shape (n_samples,), dtype=object
        The texts, each a Python ``str``. A fresh array when ``X`` needed
        conversion; an object array given as input may be returned as is.

    Raises
    ------
    TypeError
        If ``X`` is not a sequence of texts, or an item is not a ``str``
        (bytes, numbers...). The message names the first offending index.
    ValueError
        If ``X`` is empty, has more than one column, or contains missing
        values (None or NaN).

    Examples
    --------
    >>> from sklearn_imbal.utils import check_text_array
    >>> check_text_array(["win a prize", "see you at 5"])
    array(['win a prize', 'see you at 5'], dtype=object)
    >>> check_text_array(["ok", None])
    Traceback (most recent call last):
        ...
    ValueError: X[1] is None: missing texts are not allowed. ...
    """
    array = _as_object_array(X, input_name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{input_name} has shape {array.shape}; expected a 1-D sequence of texts "
            "or a single column. For several text columns, join them into one "
            "string per row or use a ColumnTransformer."
        )
    if array.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={array.shape}) while a minimum "
            f"of 1 is required: {input_name} is empty."
        )
    kind = array.dtype.kind
    if kind == "U":
        return array.astype(object)
    if kind == "S":
        raise TypeError(
            f"{input_name} has a bytes dtype ({array.dtype}); decode the texts to str "
            "first, e.g. X.astype(str) or [b.decode('utf-8') for b in X]."
        )
    if kind != "O":
        raise TypeError(
            f"{input_name} has numeric dtype {array.dtype}; this estimator takes raw "
            "text (str). Use KerasVectorClassifier for numeric features."
        )
    index, value = _first_non_str(array)
    if index is not None:
        raise _bad_item_error(index, value, input_name)
    return array


def _subject(owner: str | None) -> str:
    """The estimator or function named in target messages ("a classifier" if unknown)."""
    return "a classifier" if owner is None else owner


def check_target_given(y: object, *, owner: str | None = None, input_name: str = "y") -> None:
    """Raise the library's one ValueError for a missing target (``y is None``).

    For entry points that must run their own checks before
    :func:`check_classification_target` (the samplers run imbalanced-learn's).

    Parameters
    ----------
    y : object
        The target as passed.
    owner : str or None, default=None
        The estimator or function named in the message; None names "a classifier".
    input_name : str, default="y"
        The name used for the target in the message.

    Raises
    ------
    ValueError
        If ``y`` is None.
    """
    if y is None:
        # "requires y to be passed, but the target y is None" is the wording
        # scikit-learn's check suite expects.
        raise ValueError(
            f"{'A classifier' if owner is None else owner} requires {input_name} to be "
            f"passed, but the target {input_name} is None: every sample needs a class label."
        )


def check_classification_target(
    y: Labels,
    n_samples: int | None = None,
    *,
    min_classes: int = 2,
    binary_only: bool = False,
    owner: str | None = None,
    binary_reason: str = "takes a binary target",
    binary_hint: str = "",
    input_name: str = "y",
) -> np.ndarray:
    """Validate a classification target: the one home of the target messages.

    Every entry point of the library (the Keras classifiers, the samplers, the
    threshold and prior steps, the scorers, the report) validates its target
    here, so that the same bad target gets the same message everywhere.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels: int, str or bool.
    n_samples : int or None, default=None
        The number of samples of X, which y must match. None skips the check
        (a meta-estimator whose inner estimator checks X).
    min_classes : int, default=2
        The fewest distinct classes y may hold: 2 for a fit, 1 for incremental
        fits that know all classes in advance and for scoring.
    binary_only : bool, default=False
        If True, more than two classes is an error.
    owner : str or None, default=None
        The estimator or function named in the messages, e.g. its class name;
        None names "a classifier".
    binary_reason : str, default="takes a binary target"
        Why ``owner`` needs a binary target, completing the sentence
        "Only binary classification is supported: {owner} {binary_reason}".
    binary_hint : str, default=""
        What to do instead, appended to the message for a multiclass target.
    input_name : str, default="y"
        The name used for the target in the messages.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels as a 1-D array.

    Raises
    ------
    ValueError
        If y is None, not 1-D, empty, of another length than ``n_samples``,
        holds None or NaN, is not a binary or multiclass target, has fewer than
        ``min_classes`` classes, or more than two while ``binary_only``.

    Examples
    --------
    >>> from sklearn_imbal.utils import check_classification_target
    >>> check_classification_target(["spam", "ham", "spam"], 3)
    array(['spam', 'ham', 'spam'], dtype='<U4')
    >>> check_classification_target([1, 1], 2, owner="MyStep")
    Traceback (most recent call last):
        ...
    ValueError: y contains a single class (1); MyStep needs samples of at least two ...
    """
    subject = _subject(owner)
    check_target_given(y, owner=owner, input_name=input_name)
    array: Any = np.asarray(y) if not hasattr(y, "shape") else y
    if array.ndim > 2 or (array.ndim == 2 and array.shape[1] != 1):
        # The first words are scikit-learn's (column_or_1d), which its checks expect.
        raise ValueError(
            f"{input_name} should be a 1d array, got an array of shape {array.shape} "
            f"instead: {subject} takes one class label per sample."
        )
    labels: np.ndarray = column_or_1d(array, warn=True)
    if n_samples is not None and labels.shape[0] != n_samples:
        raise ValueError(
            f"X and {input_name} have inconsistent numbers of samples: "
            f"len(X)={n_samples}, len({input_name})={labels.shape[0]}."
        )
    if labels.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) while a minimum of 1 is required by "
            f"{subject}: {input_name} is empty."
        )
    check_no_missing_labels(labels, input_name=input_name)
    target_type = type_of_target(labels, input_name=input_name)
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {target_type!r}. {input_name} must hold class "
            "labels (int, str or bool) for a binary or multiclass problem."
        )
    classes = np.unique(labels)
    if classes.shape[0] < min_classes:
        label = classes[0].item() if hasattr(classes[0], "item") else classes[0]
        raise ValueError(
            # "not 1 class": the words scikit-learn's estimator checks look for.
            f"{input_name} contains a single class ({label!r}); {subject} needs "
            "samples of at least two classes, not 1 class. With a resampling or "
            "cross-validation step, use stratified splits so that every training fold "
            "keeps every class."
        )
    if binary_only and classes.shape[0] > 2:
        # The first words are the ones scikit-learn's estimator checks expect.
        raise ValueError(
            f"Only binary classification is supported: {subject} {binary_reason}, but "
            f"{input_name} has {classes.shape[0]} classes {classes.tolist()[:10]}."
            + (f" {binary_hint}" if binary_hint else "")
        )
    return labels


def check_no_missing_labels(y: Labels, *, input_name: str = "y") -> None:
    """Raise a clear ValueError if labels hold None, NaN or infinity.

    Called before anything sorts the labels: numpy cannot sort None among
    strings and would fail with an unrelated TypeError.

    Parameters
    ----------
    y : array-like
        Labels, of any shape.
    input_name : str, default="y"
        The name used in error messages.

    Raises
    ------
    ValueError
        If a label is None, NaN or infinite.
    """
    labels = np.asarray(y)
    if labels.dtype.kind == "O" and any(_is_missing(v) for v in labels.ravel()):
        missing = "None or NaN"
    elif labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        missing = "NaN or infinity"
    else:
        return
    raise ValueError(f"{input_name} contains {missing}; every sample needs a label.")


def check_sample_weight(
    sample_weight: SampleWeight, n_samples: int, *, input_name: str = "sample_weight"
) -> np.ndarray:
    """Validate sample weights: 1-D, one per sample, finite, non-negative, not all 0.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        The weights. None means every sample weighs 1.
    n_samples : int
        The number of samples the weights must match.
    input_name : str, default="sample_weight"
        The name used in error messages.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,), dtype=float64
        A new array; the caller may modify it.

    Raises
    ------
    ValueError
        If the weights have the wrong shape or length, are negative or not
        finite, or are all zero.
    """
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    try:
        weights = np.array(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{input_name} must be numeric: {exc}") from None
    if weights.ndim == 0:
        return np.full(n_samples, float(weights))
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"{input_name} has shape {weights.shape}; expected ({n_samples},), "
            "one weight per sample."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{input_name} contains NaN or infinity.")
    if np.any(weights < 0):
        raise ValueError(
            f"{input_name} contains negative values (min {weights.min():g}); "
            "weights must be >= 0."
        )
    if not np.any(weights > 0):
        raise ValueError(f"{input_name} is zero for every sample: nothing to train on.")
    return weights
