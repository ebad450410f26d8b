"""TextAugmentOverSampler: new minority texts made by small label-preserving edits."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler

from sklearn_imbal._compat import Interval, StrOptions
from sklearn_imbal.sampling._base import _plain, _TextSamplerMixin
from sklearn_imbal.sampling._docstrings import OVER_SAMPLING
from sklearn_imbal.sampling._edits import (
    OPERATIONS,
    UNITS,
    normalize_whitespace,
    split_units,
    text_kind,
)
from sklearn_imbal.utils._docstring import fill_doc

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState, SamplingStrategy


__all__ = ["TextAugmentOverSampler"]

# Edits tried per generated text before giving up on it: half on the scheduled
# source text, half on other texts of its class.
_MAX_ATTEMPTS = 20


class _TextEditor:
    """Generates edited texts for one ``fit_resample`` call, from one random stream."""

    def __init__(self, texts, operations, edit_rate, unit, random_state):
        self.texts = texts
        self.operations = operations
        self.edit_rate = edit_rate
        self.unit = unit
        self.rng = random_state
        # Compared whitespace-normalized: a copy that differs only in spacing is
        # still a copy.
        self.originals = {normalize_whitespace(t) for t in texts}
        self.generated = set()
        self._units = {}
        self._kinds = {}

    def _split(self, index, unit):
        key = (index, unit)
        if key not in self._units:
            self._units[key] = split_units(self.texts[index], unit)
        return self._units[key]

    def kind(self, index):
        if index not in self._kinds:
            self._kinds[index] = text_kind(self.texts[index], self.unit)
        return self._kinds[index]

    def edit(self, source, partners):
        """One random edit of ``texts[source]``; None if it gave nothing new.

        ``partners`` are the texts of the class of the same kind as the source
        (same unit, same script family): a Chinese text never receives a span of
        a Russian one.
        """
        rng = self.rng
        unit = self.kind(source)[0]
        units, joiner = self._split(source, unit)
        if not units:
            return None
        name = self.operations[rng.randint(len(self.operations))]
        partner = None
        if name == "mix":
            other = partners[rng.randint(len(partners))]
            if self.texts[other] == self.texts[source]:
                return None
            partner = self._split(other, unit)[0]
        edited = OPERATIONS[name](units, self.edit_rate, rng, partner)
        if edited is None:
            return None
        text = joiner.join(edited)
        if not text.strip() or normalize_whitespace(text) in self.originals:
            return None
        return text

    def _cannot_edit_error(self, label, index):
        hint = "" if "mix" in self.operations else ", include 'mix'"
        return ValueError(
            f"TextAugmentOverSampler could not edit the texts of class {_plain(label)!r} "
            f"into new texts in {_MAX_ATTEMPTS} attempts (e.g. {self.texts[index]!r:.60}): "
            "they are empty, too short or identical, or the class has a single text, "
            f"for the operations {list(self.operations)}. Set allow_duplicates=True to "
            f"fall back to verbatim copies{hint}, or remove such texts."
        )

    def generate(self, members, n_new, label, allow_duplicates):
        """``n_new`` texts edited from the texts at ``members``, and their sources."""
        rng = self.rng
        # Every text of the class serves as a source about equally often.
        rounds = -(-n_new // len(members))
        schedule = np.concatenate([rng.permutation(members) for _ in range(rounds)])[:n_new]
        kinds: dict[tuple[str, str | None], list[int]] = {}
        for index in members:
            kinds.setdefault(self.kind(index), []).append(index)
        new_texts, sources = [], []
        for scheduled in schedule:
            accepted = repeat = None
            for attempt in range(_MAX_ATTEMPTS):
                source = (
                    scheduled if attempt < _MAX_ATTEMPTS // 2
                    else members[rng.randint(len(members))]
                )
                text = self.edit(source, kinds[self.kind(source)])
                if text is None:
                    continue
                if text not in self.generated:
                    accepted = (text, source)
                    break
                repeat = repeat or (text, source)
            # A text generated twice is still not a copy of a training text.
            accepted = accepted or repeat
            if accepted is None:
                if not allow_duplicates:
                    raise self._cannot_edit_error(label, scheduled)
                accepted = (self.texts[scheduled], scheduled)
            self.generated.add(accepted[0])
            new_texts.append(accepted[0])
            sources.append(accepted[1])
        return new_texts, sources


@fill_doc(**OVER_SAMPLING)
class TextAugmentOverSampler(_TextSamplerMixin, BaseOverSampler):
    """Over-sample minority texts with edited copies instead of verbatim duplicates.

    Each new text is an existing text of the same class with one small random
    edit, so its label still holds: words dropped, neighbouring words swapped, a
    span deleted, or a span replaced by a span of another text of the class. A
    generated text is never identical to a text of X (unless
    ``allow_duplicates=True`` is needed as a fallback), which gives the model
    variants to learn from where random over-sampling repeats the same texts.
    It takes and returns raw text like :class:`TextRandomOverSampler`, and runs in
    ``fit`` only inside an :class:`imblearn.pipeline.Pipeline`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    operations : str or tuple of str, default=("dropout", "swap", "span_delete", "mix")
        The edits to draw from, uniformly, for each new text:

        - ``"dropout"``: drop each unit with probability ``edit_rate`` (at
          least one dropped, at least one kept);
        - ``"swap"``: swap ``edit_rate * n`` (at least one) pairs of neighbouring
          units;
        - ``"span_delete"``: delete one span of ``edit_rate * n`` units (at least
          one, never the whole text);
        - ``"mix"``: replace a span of ``edit_rate * n`` units by a span of the
          same share of another text of the same class (a one-unit text gets
          the span added instead).

        An edit that does not apply to a text (a swap in a one-word text, a mix in
        a class of one text) is redrawn.
    edit_rate : float, default=0.1
        The strength of an edit: the share of a text's units it changes, at
        least one unit. 0.1 edits one word of a 10-word text.
    unit : {"auto", "word", "char"}, default="auto"
        What the edits move: ``"word"``, whitespace-separated words;
        ``"char"``, user-perceived characters (an emoji with a skin tone, a flag
        or an accented letter stays whole). ``"auto"`` uses characters for
        texts mostly in scripts written without spaces (Chinese, Japanese,
        Thai, Lao, Khmer, Myanmar) and for one-word texts, words otherwise.
        Generated texts have their whitespace normalized to single spaces.
    allow_duplicates : bool, default=False
        What to do when a text cannot be edited into a new one in 20 attempts
        (its class holds only empty, one-character or identical texts). False
        raises a ``ValueError``: every generated text then differs from every
        text of X. True falls back to a verbatim copy of it, as random
        over-sampling would. Generated texts may repeat one another only when no
        fresh variant was found.
    {shuffle}

    Attributes
    ----------
    sampling_strategy_ : dict
        The number of texts to generate per class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        For each returned text, the index in X of the text it is, or for a
        generated text the text it was edited from (for ``"mix"``, the text
        whose span was replaced). Labels and sample weights of generated texts
        are those of this source.
    synthetic_mask_ : ndarray of shape (n_samples_new,), dtype=bool
        True for the generated texts.
    n_features_in_ : int
        Always 1: the text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when X is a DataFrame with a string column name.

    See Also
    --------
    TextRandomOverSampler : Verbatim duplicates, imbalanced-learn's way.

    Notes
    -----
    The edits are cheap, model-free and label-preserving for classes defined by
    vocabulary (spam, topics, intents). They do not paraphrase: where word order
    or a single negation decides the label, prefer ``operations=("mix",)``
    with a small ``edit_rate``, or class weights.

    Examples
    --------
    >>> from sklearn_imbal.sampling import TextAugmentOverSampler
    >>> texts = ["WINNER!! Claim your free cash prize now", "see you at lunch",
    ...          "Urgent: call 0800 to claim your reward", "ok thanks, home soon",
    ...          "Free entry: txt WIN to 80086 now", "sorry, running late",
    ...          "can you pick up milk?", "on my way"]
    >>> labels = [1, 0, 1, 0, 1, 0, 0, 0]
    >>> sampler = TextAugmentOverSampler(sampling_strategy={1: 8}, random_state=0,
    ...                                  shuffle=False)
    >>> X_res, y_res = sampler.fit_resample(texts, labels)
    >>> for text in X_res[8:]:  # without shuffle, the generated texts come last
    ...     print(text)
    Free entry: txt WIN to to now
    Urgent: call 0800 to your reward
    Free Claim your free cash prize now
    Free entry: txt WIN to
    reward Claim your free cash prize now
    >>> sampler.sample_indices_[8:]  # the texts they were edited from
    array([4, 2, 0, 4, 0])

    Texts without spaces between words are edited per character, and emoji
    stay whole:

    >>> texts = ["免费领取大奖，立即回复", "恭喜您中奖了请点击链接",
    ...          "Gratis! 🎁🔥 Jetzt gewinnen 👍🏽", "明天一起吃饭吗", "好的，谢谢",
    ...          "see you 👋", "ok"]
    >>> labels = [1, 1, 1, 0, 0, 0, 0]
    >>> sampler = TextAugmentOverSampler(random_state=0, shuffle=False)
    >>> X_res, y_res = sampler.fit_resample(texts, labels)
    >>> X_res[7:]
    ['🎁🔥 Gratis! Jetzt gewinnen 👍🏽']
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "operations": [StrOptions(set(OPERATIONS)), tuple, list],
        "edit_rate": [Interval(Real, 0, 1, closed="neither")],
        "unit": [StrOptions(set(UNITS))],
        "allow_duplicates": ["boolean"],
        "shuffle": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy: SamplingStrategy = "auto",
        random_state: RandomState = None,
        operations: str | Sequence[str] = ("dropout", "swap", "span_delete", "mix"),
        edit_rate: float = 0.1,
        unit: str = "auto",
        allow_duplicates: bool = False,
        shuffle: bool = True,
    ) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.operations = operations
        self.edit_rate = edit_rate
        self.unit = unit
        self.allow_duplicates = allow_duplicates
        self.shuffle = shuffle

    def _operation_names(self):
        names = (self.operations,) if isinstance(self.operations, str) else tuple(self.operations)
        if not names or any(name not in OPERATIONS for name in names):
            raise ValueError(
                f"operations must be one of {sorted(OPERATIONS)} or a non-empty tuple of "
                f"them; got {self.operations!r}."
            )
        return names

    def _resample_texts(self, texts, y, random_state):
        editor = _TextEditor(
            texts, self._operation_names(), self.edit_rate, self.unit, random_state
        )
        new_texts, sources = [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            made, made_from = editor.generate(
                np.flatnonzero(y == label), n_new, label, self.allow_duplicates
            )
            new_texts += made
            sources += made_from
        n_samples = len(texts)
        texts_res = np.empty(n_samples + len(new_texts), dtype=object)
        texts_res[:n_samples] = texts
        texts_res[n_samples:] = new_texts
        indices = np.concatenate([np.arange(n_samples), np.asarray(sources, dtype=np.intp)])
        synthetic = np.arange(len(texts_res)) >= n_samples
        return texts_res, indices, {"synthetic_mask_": synthetic}
