"""What every text sampler shares: validation, strategy, shuffling, weights, containers.

imbalanced-learn's ``SamplerMixin.fit_resample`` validates X as a numeric 2-D
matrix and returns rows grouped by class. Our samplers take raw text as
``check_text_array`` defines it, resample ``sample_weight`` with the rows, shuffle
the result, and give back the container the user passed. Subclasses implement
only ``_resample_texts``, which returns the new texts and, for every output row,
the index of the input row it comes from: labels and weights follow that index,
so they stay aligned by construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.utils import check_random_state

from sklearn_imbal._compat import _fit_context, sampler_sampling_type
from sklearn_imbal.utils._state import keeps_state_on_failure
from sklearn_imbal.utils.validation import (
    check_classification_target,
    check_no_missing_labels,
    check_sample_weight,
    check_target_given,
    check_text_array,
)

__all__ = ["_TextSamplerMixin"]


def _plain(label):
    return label.item() if isinstance(label, np.generic) else label


def _class_counts(y):
    classes, counts = np.unique(y, return_counts=True)
    return {_plain(c): int(n) for c, n in zip(classes, counts)}


# ----------------------------------------------------------------- containers
def _describe_container(X):
    """What ``_restore_texts`` needs to rebuild the container the user passed."""
    if hasattr(X, "iloc") and hasattr(X, "columns"):
        return {"kind": "frame", "column": X.columns[0], "dtype": X.dtypes.iloc[0]}
    if hasattr(X, "iloc"):
        return {"kind": "series", "name": X.name, "dtype": X.dtype}
    if isinstance(X, np.ndarray):
        return {"kind": "ndarray", "ndim": X.ndim, "dtype": X.dtype}
    if isinstance(X, (list, tuple)):
        nested = bool(X) and isinstance(X[0], (list, tuple, np.ndarray))
        return {"kind": "list" if isinstance(X, list) else "tuple", "nested": nested}
    return {"kind": "other"}


def _pandas_values(values, dtype):
    """Values for a pandas column of ``dtype``; categories grow to hold new texts."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        new = pd.Index(values).difference(dtype.categories)
        categories = dtype.categories.append(new) if len(new) else dtype.categories
        return pd.Categorical(values, categories=categories, ordered=dtype.ordered)
    return pd.array(values, dtype=dtype)


def _restore_texts(texts, props):
    """``texts`` (1-D object array) in the container described by ``props``."""
    kind = props["kind"]
    if kind == "frame":
        import pandas as pd

        return pd.DataFrame({props["column"]: _pandas_values(texts, props["dtype"])})
    if kind == "series":
        import pandas as pd

        return pd.Series(_pandas_values(texts, props["dtype"]), name=props["name"])
    if kind in ("list", "tuple"):
        items = [[t] for t in texts] if props["nested"] else texts.tolist()
        return tuple(items) if kind == "tuple" else items
    if kind == "ndarray":
        # A fixed-width str dtype would truncate longer generated texts: let numpy
        # pick the width for the texts actually returned.
        array = texts.astype(str) if props["dtype"].kind == "U" else texts
        return array.reshape(-1, 1) if props["ndim"] == 2 else array
    return texts


def _restore_target(y_res, y, classes, binarized):
    """``y_res`` (1-D) in the container and encoding of the ``y`` the user passed."""
    if binarized:
        # One column per class, as given (label_binarize would return a single
        # column for two classes).
        y_res = np.eye(len(classes), dtype=np.asarray(y).dtype)[np.searchsorted(classes, y_res)]
    if hasattr(y, "iloc") and hasattr(y, "columns"):
        import pandas as pd

        return pd.DataFrame(y_res.reshape(len(y_res), -1), columns=y.columns).astype(
            y.dtypes.to_dict()
        )
    if hasattr(y, "iloc"):
        import pandas as pd

        return pd.Series(y_res, name=y.name, dtype=y.dtype)
    if isinstance(y, list):
        return y_res.tolist()
    # Anything else, including a one-column array, as a numpy array (1-D unless
    # binarized), as imbalanced-learn does.
    return y_res


if TYPE_CHECKING:
    # The mixin always sits left of an imbalanced-learn sampler, which provides
    # sampling_strategy, _sampling_type and __sklearn_tags__.
    from imblearn.base import BaseSampler as _SamplerBase

    from typing_extensions import Self

    from sklearn_imbal._typing import Labels, SampleWeight, Texts
else:
    _SamplerBase = object


class _TextSamplerMixin(_SamplerBase):
    """Template for the text samplers; sits left of an imblearn base sampler.

    Subclasses implement ``_resample_texts(texts, y, random_state)`` returning
    ``(texts_resampled, source_indices, per_row_attributes)``.
    """

    # ------------------------------------------------------------ validation
    def _check_X_y(self, X, y):
        """Validate y (first, so that a bad target is reported whatever X is), then X.

        Returns the texts as a 1-D object array, y as a 1-D array of labels and
        whether y was given one-vs-all binarized (imbalanced-learn accepts that).
        """
        name = type(self).__name__
        check_target_given(y, owner=name)
        # Before imblearn's check, which sorts the labels and cannot sort None.
        check_no_missing_labels(y)
        # imblearn's own check: rejects multilabel targets, decodes one-vs-all ones.
        y_1d, binarized = check_target_type(
            y if hasattr(y, "shape") else np.asarray(y), indicate_one_vs_all=True
        )
        y_1d = check_classification_target(y_1d, len(y_1d), owner=name)
        texts = check_text_array(X)
        if texts.shape[0] != y_1d.shape[0]:
            raise ValueError(
                "X and y have inconsistent numbers of samples: "
                f"len(X)={texts.shape[0]}, len(y)={y_1d.shape[0]}."
            )
        # One text column: get_feature_names_out (OneToOneFeatureMixin) names it.
        self.n_features_in_ = 1
        columns = getattr(X, "columns", None)
        if columns is not None and isinstance(columns[0], str):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return texts, y_1d, binarized

    def _check_sampling_strategy(self, y):
        """imblearn's resolution of ``sampling_strategy``, errors naming the counts."""
        try:
            return check_sampling_strategy(self.sampling_strategy, y, sampler_sampling_type(self))
        except ValueError as exc:
            raise ValueError(
                f"{type(self).__name__}: sampling_strategy={self.sampling_strategy!r} "
                f"cannot be applied to the class counts {_class_counts(y)}. {exc}"
            ) from None

    # ------------------------------------------------------------ public API
    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Texts, y: Labels) -> Self:
        """Check the inputs and resolve ``sampling_strategy_``; resample nothing.

        Use ``fit_resample`` to get the resampled data.

        Parameters
        ----------
        X : sequence of str
            The texts: a list, tuple, 1-D numpy array, pandas Series, or a
            single-column 2-D array or DataFrame.
        y : array-like of shape (n_samples,)
            The class labels.

        Returns
        -------
        self : object
            The sampler.
        """
        _, y_1d, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = self._check_sampling_strategy(y_1d)
        return self

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(
        self, X: Texts, y: Labels, sample_weight: SampleWeight = None
    ) -> tuple[Any, Any] | tuple[Any, Any, np.ndarray]:
        """Resample the texts, their labels and, if given, their sample weights.

        Parameters
        ----------
        X : sequence of str
            The texts: a list, tuple, 1-D numpy array, pandas Series, or a
            single-column 2-D array or DataFrame.
        y : array-like of shape (n_samples,)
            The class labels (or a one-vs-all binarized label matrix).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the input rows. When given, they are resampled with the
            rows (a duplicated or generated row carries the weight of the row it
            comes from, a dropped row drops its weight) and returned as a third
            value.

        Returns
        -------
        X_resampled : same container as X
            The resampled texts, shuffled when ``shuffle=True``: a list for a list,
            a tuple for a tuple, a numpy array of the same kind and number of
            dimensions for an array, a Series with the same name and dtype for a
            Series, a one-column DataFrame for a DataFrame (pandas results have a
            fresh ``RangeIndex``), a 1-D object array for anything else.
        y_resampled : list, Series, DataFrame or ndarray
            The labels of ``X_resampled``, as imbalanced-learn returns them: a list
            for a list, a Series (same name and dtype, index aligned with a pandas
            ``X_resampled``) for a Series, a DataFrame for a DataFrame, otherwise a
            numpy array of y's dtype (one-hot if y was one-hot, 1-D otherwise).
        sample_weight_resampled : ndarray of shape (n_samples_new,), dtype=float64
            Returned only when ``sample_weight`` is given: the weights of
            ``X_resampled``.
        """
        texts, y_1d, binarized = self._check_X_y(X, y)
        weights = (
            None if sample_weight is None else check_sample_weight(sample_weight, len(texts))
        )
        self.sampling_strategy_ = self._check_sampling_strategy(y_1d)
        output = self._fit_resample(texts, y_1d, sample_weight=weights)
        X_res = _restore_texts(output[0], _describe_container(X))
        y_res = _restore_target(output[1], y, np.unique(y_1d), binarized)
        return (X_res, y_res) if weights is None else (X_res, y_res, output[2])

    def _fit_resample(self, X, y, sample_weight=None):
        """imbalanced-learn's hook, on validated arrays: resample, then shuffle.

        Returns ``(texts, y)`` or, with ``sample_weight``, ``(texts, y, weights)``,
        as 1-D arrays, and sets ``sample_indices_``.
        """
        random_state = check_random_state(self.random_state)
        texts_res, indices, per_row = self._resample_texts(X, y, random_state)
        # imblearn returns rows grouped by class; a validation split taken from
        # the tail (Keras' validation_split) would then hold a single class.
        order = (
            random_state.permutation(len(indices)) if self.shuffle
            else np.arange(len(indices))
        )
        self.sample_indices_ = np.asarray(indices)[order]
        for attribute, values in per_row.items():
            setattr(self, attribute, np.asarray(values)[order])
        texts_res = np.asarray(texts_res, dtype=object)[order]
        if sample_weight is None:
            return texts_res, y[self.sample_indices_]
        return texts_res, y[self.sample_indices_], sample_weight[self.sample_indices_]

    def _resample_texts(self, texts, y, random_state):
        """Return ``(texts_resampled, source_indices, per_row_attributes)``."""
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Raw text in one column. sklearn generates its check suite only for
        # estimators taking numeric 2-D arrays, as for TfidfVectorizer.
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.dataframe = True
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.sampler_tags.sample_indices = True
        return tags
