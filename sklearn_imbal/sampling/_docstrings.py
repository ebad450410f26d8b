"""Parameter entries shared by the text samplers, injected with
:func:`~sklearn_imbal.utils._docstring.fill_doc`.

The ``sampling_strategy`` entries are imbalanced-learn's own text, since the
samplers resolve that parameter with imbalanced-learn's ``check_sampling_strategy``.
"""

from sklearn_imbal._compat import (
    OVER_SAMPLING_STRATEGY_DOCSTRING,
    UNDER_SAMPLING_STRATEGY_DOCSTRING,
)
from sklearn_imbal.utils._docstring import entry_from_docstring

__all__ = ["OVER_SAMPLING", "UNDER_SAMPLING"]

_RANDOM_STATE = """\
random_state : int, RandomState instance or None, default=None
    Seeds the sampling and the shuffling of the output. An int gives the
    same output for the same input on every run."""

_SHUFFLE = """\
shuffle : bool, default=True
    Whether to shuffle the output rows (seeded by ``random_state``), so that
    classes are interleaved. Without it, rows come grouped by class as
    imbalanced-learn returns them, and a validation split taken from the
    end of the data (Keras' ``validation_split``) may hold a single class."""

#: The shared entries of the over-samplers and of the under-samplers, by name.
OVER_SAMPLING = {
    "sampling_strategy": entry_from_docstring(OVER_SAMPLING_STRATEGY_DOCSTRING),
    "random_state": _RANDOM_STATE,
    "shuffle": _SHUFFLE,
}
UNDER_SAMPLING = {
    **OVER_SAMPLING,
    "sampling_strategy": entry_from_docstring(UNDER_SAMPLING_STRATEGY_DOCSTRING),
}
