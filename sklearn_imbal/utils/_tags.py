"""Tags helpers: what a meta-estimator declares about its input, taken from what it wraps."""

from typing import Any

from sklearn.utils import get_tags

__all__ = ["copy_input_tags"]


def copy_input_tags(tags: Any, estimator: Any) -> Any:
    """Give a meta-estimator the input tags of what it wraps (raw text in...).

    A pipeline's input is its first real step's: scikit-learn's ``Pipeline``
    does not pass the ``string`` tag on, so the first step is asked directly.
    A voting ensemble (``VotingClassifier``: an ``estimators`` list of
    ``(name, estimator)`` pairs) hands X to every member as it is, so it takes
    what all of its members take.

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
    members = [member for member in _members(estimator)
               if member is not None and not isinstance(member, str)]  # "drop"
    if members:
        inputs = [copy_input_tags(get_tags(member), member).input_tags for member in members]
        tags.input_tags.string = all(member.string for member in inputs)
        tags.input_tags.two_d_array = all(member.two_d_array for member in inputs)
        tags.input_tags.sparse = all(member.sparse for member in inputs)
    return tags


def _members(estimator):
    """The estimators of a ``VotingClassifier``-like ensemble's ``estimators`` pairs."""
    pairs = getattr(estimator, "estimators", None)
    if not isinstance(pairs, (list, tuple)):
        return []
    return [pair[1] for pair in pairs if isinstance(pair, tuple) and len(pair) == 2]
