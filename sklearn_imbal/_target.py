"""Target validation shared by the binary threshold step and the prior correction."""

from typing import Any

import numpy as np
from sklearn.utils import get_tags

from sklearn_imbal.utils.validation import check_classification_target

__all__ = ["check_target", "copy_input_tags"]


def copy_input_tags(tags: Any, estimator: Any) -> Any:
    """Give a meta-estimator the input tags of what it wraps (raw text in...).

    A pipeline's input is its first real step's: scikit-learn's ``Pipeline``
    does not pass the ``string`` tag on, so the first step is asked directly.
    """
    inner = get_tags(estimator).input_tags
    tags.input_tags.string = inner.string
    tags.input_tags.two_d_array = inner.two_d_array
    tags.input_tags.sparse = inner.sparse
    for _, step in getattr(estimator, "steps", []):
        if step is None or isinstance(step, str):  # "passthrough"
            continue
        first = get_tags(step).input_tags
        tags.input_tags.string = tags.input_tags.string or first.string
        tags.input_tags.two_d_array = tags.input_tags.two_d_array and first.two_d_array
        break
    return tags


def check_target(y, owner, *, binary):
    """Validate y: clear messages for None, no sample, 1 class, and 3+ for a binary step."""
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if y.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) while {owner} requires at least 1: "
                         "y is empty.")
    y = check_classification_target(y, y.shape[0], min_classes=1)
    classes = np.unique(y)
    if classes.shape[0] == 1:
        raise ValueError(
            f"y has 1 class ({classes[0]!r}); {owner} needs samples of both classes. "
            "With a resampling or cross-validation step, use stratified splits."
        )
    if binary and classes.shape[0] > 2:
        # The first sentence is the one scikit-learn's estimator checks expect.
        raise ValueError(
            f"Only binary classification is supported: {owner} tunes the decision "
            f"threshold of a binary classifier, but y has {classes.shape[0]} classes "
            f"{classes.tolist()[:10]}. A threshold does not apply to multiclass "
            "problems: drop the threshold step (with make_text_search, "
            "threshold_scoring=None) and select by a multiclass score such as 'f1_macro'."
        )
    return y
