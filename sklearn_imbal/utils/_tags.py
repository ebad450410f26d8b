"""Tags helpers: what a meta-estimator declares about its input, taken from what it wraps."""

from typing import Any

from sklearn.utils import get_tags

__all__ = ["copy_input_tags"]


def copy_input_tags(tags: Any, estimator: Any) -> Any:
    """Give a meta-estimator the input tags of what it wraps (raw text in...).

    A pipeline's input is its first real step's: scikit-learn's ``Pipeline``
    does not pass the ``string`` tag on, so the first step is asked directly.

    Parameters
    ----------
    tags : sklearn.utils.Tags
        The meta-estimator's own tags, edited in place.
    estimator : estimator object
        The wrapped estimator or pipeline.

    Returns
    -------
    tags : sklearn.utils.Tags
        ``tags``, with the input tags of ``estimator``.
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
