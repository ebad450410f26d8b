"""Label-preserving text edits used by ``TextAugmentOverSampler``.

A text is cut into *units*: whitespace-separated words, or, for texts written
without spaces between words (Chinese, Japanese, Thai...) and single-word texts,
user-perceived characters (approximate extended grapheme clusters, so that an
emoji with a skin tone, a flag or a letter with its combining accent is never
split in two). Every edit works on a list of units and returns a new list, or
None when it cannot change this text (too short, all units equal...).

The functions are pure: randomness comes from the ``numpy.random.RandomState``
passed in, so one seed gives the same texts on every platform.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "OPERATIONS", "UNITS", "graphemes", "normalize_whitespace", "resolve_unit", "split_units",
    "text_kind",
]

UNITS = ("auto", "word", "char")

# Scripts written without spaces between words, by family: editing them word by
# word would edit whole sentences. (Korean uses spaces and is edited by word.)
_UNSPACED_RANGES = (
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"),
    (0x1780, 0x17FF, "khmer"),
    (0x3040, 0x30FF, "cjk"),  # Hiragana, Katakana
    (0x31F0, 0x31FF, "cjk"),  # Katakana phonetic extensions
    (0x3400, 0x4DBF, "cjk"),  # CJK extension A
    (0x4E00, 0x9FFF, "cjk"),  # CJK unified ideographs
    (0xF900, 0xFAFF, "cjk"),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F, "cjk"),  # half-width Katakana
    (0x20000, 0x3134F, "cjk"),  # CJK extensions B-G
)
_ZWJ = "\u200d"


def normalize_whitespace(text):
    """``text`` with runs of whitespace collapsed to one space and stripped."""
    return " ".join(text.split())


def _is_regional_indicator(char):
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _extends_cluster(char, cluster):
    """Whether ``char`` belongs to the grapheme cluster ``cluster`` that precedes it."""
    code = ord(char)
    if cluster.endswith(_ZWJ) or char == _ZWJ:
        return True  # emoji ZWJ sequences: family, profession, flag variants
    if unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True  # combining marks, Indic and Thai vowel signs, keycap, VS1-16
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # emoji skin-tone modifiers; tag characters of subdivision flags
    # Country flags are pairs of regional indicators.
    return _is_regional_indicator(char) and len(cluster) == 1 and _is_regional_indicator(cluster)


def graphemes(text):
    """Split ``text`` into user-perceived characters.

    An approximation of Unicode extended grapheme clusters that is enough for
    editing: combining marks, variation selectors, emoji modifiers, zero-width
    joiner sequences and flag pairs stay attached to their base character.

    Examples
    --------
    >>> graphemes("👍🏽 🇫🇷 ok")
    ['👍🏽', ' ', '🇫🇷', ' ', 'o', 'k']
    >>> len(graphemes("cafe\\u0301"))  # "e" and its combining accent are one
    4
    """
    clusters: list[str] = []
    for char in text:
        if clusters and _extends_cluster(char, clusters[-1]):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _unspaced_script(text):
    """The family of scripts without spaces most of ``text`` is written in, or None."""
    letters = [c for c in text if not c.isspace()]
    counts: dict[str, int] = {}
    for char in letters:
        code = ord(char)
        for low, high, family in _UNSPACED_RANGES:
            if low <= code <= high:
                counts[family] = counts.get(family, 0) + 1
                break
    dominant = max(counts, key=counts.__getitem__, default=None)
    return dominant if dominant and sum(counts.values()) > len(letters) / 2 else None


def resolve_unit(text, unit):
    """The unit ``"word"`` or ``"char"`` a text is edited by, for ``unit="auto"``."""
    if unit != "auto":
        return unit
    if _unspaced_script(text) or len(text.split()) < 2:
        return "char"
    return "word"


def text_kind(text, unit):
    """``(unit, unspaced script family)``: texts of one kind can lend each other spans."""
    return resolve_unit(text, unit), _unspaced_script(text)


def split_units(text, unit):
    """Cut ``text`` into units; return ``(units, joiner)`` with ``joiner.join(units)``
    the (whitespace-normalized) text.

    Parameters
    ----------
    text : str
        The text.
    unit : {"word", "char"}
        Words split on whitespace, or grapheme clusters of the whitespace-normalized
        text (spaces included).
    """
    if unit == "word":
        return text.split(), " "
    return graphemes(normalize_whitespace(text)), ""


def _span_length(rate, n_units, at_most):
    return min(at_most, max(1, round(rate * n_units)))


def token_dropout(units, rate, rng, partner=None):
    """Drop each unit with probability ``rate``; at least one dropped, one kept."""
    n = len(units)
    if n < 2:
        return None
    dropped = rng.random_sample(n) < rate
    if not dropped.any():
        dropped[rng.randint(n)] = True
    if dropped.all():
        dropped[rng.randint(n)] = False
    return [u for u, drop in zip(units, dropped) if not drop]


def local_swap(units, rate, rng, partner=None):
    """Swap ``rate * n`` (at least one) pairs of neighbouring units."""
    n = len(units)
    if n < 2 or len(set(units)) < 2:
        return None
    edited = list(units)
    for _ in range(_span_length(rate, n, at_most=n)):
        i = rng.randint(n - 1)
        edited[i], edited[i + 1] = edited[i + 1], edited[i]
    return edited


def span_deletion(units, rate, rng, partner=None):
    """Delete one contiguous span of ``rate * n`` units (at least one, never all)."""
    n = len(units)
    if n < 2:
        return None
    length = _span_length(rate, n, at_most=n - 1)
    start = rng.randint(n - length + 1)
    return units[:start] + units[start + length:]


def span_mix(units, rate, rng, partner=None):
    """Replace a span of this text by a span of ``partner``, a text of the same class.

    Spans are ``rate`` of each text's length (at least one unit); a one-unit text
    receives the partner's span next to its unit instead of being replaced.
    """
    if not partner:
        return None
    n, m = len(units), len(partner)
    taken = _span_length(rate, m, at_most=m)
    start = rng.randint(m - taken + 1)
    replaced = _span_length(rate, n, at_most=n - 1) if n > 1 else 0
    at = rng.randint(n - replaced + 1)
    return units[:at] + partner[start:start + taken] + units[at + replaced:]


OPERATIONS = {
    "dropout": token_dropout,
    "swap": local_swap,
    "span_delete": span_deletion,
    "mix": span_mix,
}
