"""Random over- and under-sampling of raw texts, delegated to imbalanced-learn.

imbalanced-learn's ``RandomOverSampler`` and ``RandomUnderSampler`` decide which
rows to duplicate or keep; they only need a 2-D X to index. We hand them a column
of row indices and read back ``sample_indices_``, so the sampling-strategy logic
and the random draws are exactly imbalanced-learn's, while the texts, their
weights and their container are handled by ``_TextSamplerMixin``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from imblearn.over_sampling import RandomOverSampler
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.under_sampling import RandomUnderSampler
from imblearn.under_sampling.base import BaseUnderSampler

from sklearn_imbal.sampling._base import _TextSamplerMixin
from sklearn_imbal.sampling._docstrings import OVER_SAMPLING, UNDER_SAMPLING
from sklearn_imbal.utils._docstring import fill_doc

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState, SamplingStrategy

__all__ = ["TextRandomOverSampler", "TextRandomUnderSampler"]


def _delegate_indices(sampler, y):
    """Row indices ``sampler`` (an imblearn sampler) selects for labels ``y``."""
    sampler.fit_resample(np.arange(len(y)).reshape(-1, 1), y)
    return sampler.sample_indices_


@fill_doc(**OVER_SAMPLING)
class TextRandomOverSampler(_TextSamplerMixin, BaseOverSampler):
    """Over-sample minority classes of raw text by duplicating random texts.

    imbalanced-learn's :class:`~imblearn.over_sampling.RandomOverSampler` for
    text: it takes a list, Series or 1-D array of ``str`` (which imbalanced-learn
    samplers reject), draws the rows to duplicate exactly as ``RandomOverSampler``
    does, returns the container it was given, shuffles the result, and resamples
    ``sample_weight`` with the rows. Place it before a text model in an
    :class:`imblearn.pipeline.Pipeline`: it then runs in ``fit`` only, never on
    validation or test texts.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {shuffle}

    Attributes
    ----------
    sampling_strategy_ : dict
        The number of texts to add per class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        For each returned text, its index in X: ``X_res[i] == X[sample_indices_[i]]``.
    n_features_in_ : int
        Always 1: the text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when X is a DataFrame with a string column name.

    See Also
    --------
    TextRandomUnderSampler : Drop random texts of the majority classes.
    TextAugmentOverSampler : Add edited copies of minority texts instead of
        verbatim duplicates.
    imblearn.over_sampling.RandomOverSampler : The sampler this one delegates to.

    Notes
    -----
    Without ``shuffle``, the output is imbalanced-learn's: the original texts in
    their order, then the duplicates, grouped by class.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn_imbal.sampling import TextRandomOverSampler
    >>> texts = ["win a prize", "lunch?", "see you at 5", "ok thanks", "free cash now"]
    >>> labels = [1, 0, 0, 0, 1]
    >>> X_res, y_res = TextRandomOverSampler(random_state=0).fit_resample(texts, labels)
    >>> sorted(Counter(y_res).items())
    [(0, 3), (1, 3)]
    >>> X_res  # a list for a list, shuffled
    ['free cash now', 'see you at 5', 'lunch?', 'ok thanks', 'win a prize', 'win a prize']
    >>> y_res
    [1, 0, 0, 0, 1, 1]
    >>> X_res, y_res, w_res = TextRandomOverSampler(random_state=0).fit_resample(
    ...     texts, labels, sample_weight=[1.0, 1.0, 1.0, 1.0, 2.0])
    >>> w_res  # each row keeps the weight of the text it copies
    array([2., 1., 1., 1., 1., 1.])
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "shuffle": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy: SamplingStrategy = "auto",
        random_state: RandomState = None,
        shuffle: bool = True,
    ) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.shuffle = shuffle

    def _resample_texts(self, texts, y, random_state):
        indices = _delegate_indices(
            RandomOverSampler(sampling_strategy=self.sampling_strategy, random_state=random_state),
            y,
        )
        return texts[indices], indices, {}


@fill_doc(**UNDER_SAMPLING)
class TextRandomUnderSampler(_TextSamplerMixin, BaseUnderSampler):
    """Under-sample majority classes of raw text by dropping random texts.

    imbalanced-learn's :class:`~imblearn.under_sampling.RandomUnderSampler` for
    text: it takes a list, Series or 1-D array of ``str``, selects the rows to keep
    exactly as ``RandomUnderSampler`` does, returns the container it was given,
    shuffles the result, and resamples ``sample_weight`` with the rows. In an
    :class:`imblearn.pipeline.Pipeline` it runs in ``fit`` only.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    replacement : bool, default=False
        Whether to draw the kept texts with replacement.

    {shuffle}

    Attributes
    ----------
    sampling_strategy_ : dict
        The number of texts to keep per resampled class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        For each returned text, its index in X: ``X_res[i] == X[sample_indices_[i]]``.
    n_features_in_ : int
        Always 1: the text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when X is a DataFrame with a string column name.

    See Also
    --------
    TextRandomOverSampler : Duplicate random texts of the minority classes.
    imblearn.under_sampling.RandomUnderSampler : The sampler this one delegates to.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_imbal.sampling import TextRandomUnderSampler
    >>> texts = pd.Series(["win a prize", "lunch?", "see you at 5", "ok thanks",
    ...                    "free cash now", "call me", "on my way"], name="sms")
    >>> labels = pd.Series([1, 0, 0, 0, 1, 0, 0], name="spam")
    >>> X_res, y_res = TextRandomUnderSampler(random_state=0).fit_resample(texts, labels)
    >>> pd.concat([X_res, y_res], axis=1)
                 sms  spam
    0      ok thanks     0
    1    win a prize     1
    2         lunch?     0
    3  free cash now     1
    """

    _parameter_constraints = {
        **BaseUnderSampler._parameter_constraints,
        "random_state": ["random_state"],
        "replacement": ["boolean"],
        "shuffle": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy: SamplingStrategy = "auto",
        random_state: RandomState = None,
        replacement: bool = False,
        shuffle: bool = True,
    ) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.replacement = replacement
        self.shuffle = shuffle

    def _resample_texts(self, texts, y, random_state):
        indices = _delegate_indices(
            RandomUnderSampler(
                sampling_strategy=self.sampling_strategy,
                random_state=random_state,
                replacement=self.replacement,
            ),
            y,
        )
        return texts[indices], indices, {}
