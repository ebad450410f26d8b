"""Samplers for raw text, with imbalanced-learn's ``fit_resample`` API.

imbalanced-learn's samplers need a 2-D X; these take raw text (a list, Series or
1-D array of ``str``, or one column) so that they can sit in front of a text
model in an :class:`imblearn.pipeline.Pipeline`. They shuffle their output,
return the container they were given and resample ``sample_weight`` with the
rows.
"""

from sklearn_imbal.sampling._augment import TextAugmentOverSampler
from sklearn_imbal.sampling._random import TextRandomOverSampler, TextRandomUnderSampler

__all__ = ["TextAugmentOverSampler", "TextRandomOverSampler", "TextRandomUnderSampler"]
