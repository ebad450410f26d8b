"""make_imbalanced_text: seeded synthetic labelled texts with tunable imbalance."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils import check_random_state

from sklearn_imbal._compat import Interval, validate_params

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState

__all__ = ["make_imbalanced_text"]

_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "ch", "st", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"]


def _words(n_words, rng):
    """``n_words`` distinct pronounceable pseudo-words."""
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n_words:
        n_syllables = rng.randint(1, 4)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(n_syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return np.array(words, dtype=object)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "weights": ["array-like"],
        "vocabulary_size": [Interval(Integral, 10, None, closed="left")],
        "n_informative": [Interval(Integral, 1, None, closed="left")],
        "signal": [Interval(Real, 0, 1, closed="both")],
        "length": [tuple],
        "flip_y": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_imbalanced_text(
    n_samples: int = 1000,
    *,
    weights: Sequence[float] | np.ndarray = (0.9, 0.1),
    vocabulary_size: int = 2000,
    n_informative: int = 20,
    signal: float = 0.15,
    length: tuple[int, int] = (5, 30),
    flip_y: float = 0.0,
    random_state: RandomState = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Generate labelled texts with a tunable class imbalance and signal strength.

    Each class owns ``n_informative`` marker words. A text of ``length[0]`` to
    ``length[1]`` tokens draws each token from its class's markers with
    probability ``signal`` and otherwise from a shared background vocabulary
    with Zipf-like frequencies, as in natural language. It is a tool for tests
    and scaling benchmarks, not a substitute for real data.

    Parameters
    ----------
    n_samples : int, default=1000
        The number of texts.
    weights : array-like of shape (n_classes,), default=(0.9, 0.1)
        Class proportions (normalized to sum to 1); the number of classes is
        their count. The default gives a 10% minority class.
    vocabulary_size : int, default=2000
        The number of background words.
    n_informative : int, default=20
        Marker words per class.
    signal : float, default=0.15
        Probability that a token is a marker word of the text's class; 0 makes
        classes indistinguishable.
    length : tuple of (int, int), default=(5, 30)
        The fewest and most tokens per text.
    flip_y : float, default=0.0
        Share of labels replaced by a random class (label noise).
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples,), dtype=object
        The texts.
    y : ndarray of shape (n_samples,), dtype=int
        Class labels 0 to n_classes - 1; class proportions follow ``weights``.

    Examples
    --------
    >>> from sklearn_imbal.datasets import make_imbalanced_text
    >>> X, y = make_imbalanced_text(200, weights=(0.8, 0.2), random_state=0)
    >>> X.shape, float(y.mean())
    ((200,), 0.2)
    """
    try:
        shares = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"weights must be numbers, one per class; got {weights!r}.") from None
    if (shares.ndim != 1 or shares.shape[0] < 2 or not np.all(np.isfinite(shares))
            or np.any(shares < 0) or shares.sum() <= 0):
        raise ValueError(
            "weights must be finite, >= 0, not all 0, for at least 2 classes; got "
            f"{shares.tolist()}."
        )
    if len(length) != 2 or not all(isinstance(v, Integral) for v in length) or not (
        1 <= length[0] <= length[1]
    ):
        raise ValueError(f"length must be (min, max) with 1 <= min <= max; got {length!r}.")
    low, high = length
    rng = check_random_state(random_state)
    n_classes = shares.shape[0]
    shares = shares / shares.sum()

    # Exact class counts (largest remainder), shuffled.
    counts = np.floor(shares * n_samples).astype(int)
    counts[np.argsort(shares * n_samples - counts)[::-1][: n_samples - counts.sum()]] += 1
    y = rng.permutation(np.repeat(np.arange(n_classes), counts))

    words = _words(vocabulary_size + n_classes * n_informative, rng)
    background, markers = words[:vocabulary_size], words[vocabulary_size:]
    zipf = 1.0 / np.arange(1, vocabulary_size + 1)
    zipf /= zipf.sum()

    lengths = rng.randint(low, high + 1, size=n_samples)
    owner = np.repeat(y, lengths)
    tokens = background[rng.choice(vocabulary_size, size=owner.shape[0], p=zipf)]
    is_marker = rng.rand(owner.shape[0]) < signal
    marker_ids = owner[is_marker] * n_informative + rng.randint(0, n_informative, is_marker.sum())
    tokens[is_marker] = markers[marker_ids]
    texts = np.empty(n_samples, dtype=object)
    texts[:] = [" ".join(doc) for doc in np.split(tokens, np.cumsum(lengths)[:-1])]

    if flip_y:
        flip = rng.rand(n_samples) < flip_y
        y = y.copy()
        y[flip] = rng.randint(0, n_classes, flip.sum())
    return texts, y
