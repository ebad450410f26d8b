"""TextAugmentOverSampler: what each edit does, its strength, and awkward texts."""

import unicodedata
from collections import Counter

import numpy as np
import pytest

from sklearn_imbal.sampling import TextAugmentOverSampler
from sklearn_imbal.sampling._edits import graphemes, resolve_unit, split_units

# Two classes with disjoint vocabularies, so that the class a word comes from is known.
SPAM = [
    "claim your free cash prize now", "urgent call to claim the reward today",
    "winner you won a free holiday call now", "txt win to get your cash bonus",
    "free entry in the weekly prize draw", "call now to claim your free ringtone",
]
HAM = [
    "see you at lunch", "ok thanks home soon", "sorry running late again",
    "can you pick up milk", "on my way", "mum says hi", "meeting moved to monday",
    "dinner tonight?", "are we still on", "good night sleep well", "lol that was funny",
    "love you", "where are you", "just got home", "call me later",
]


def augment(texts, labels, **params):
    params = {"random_state": 0, "shuffle": False, **params}
    sampler = TextAugmentOverSampler(**params)
    X_res, y_res = sampler.fit_resample(texts, labels)
    new = np.asarray(X_res, dtype=object)[sampler.synthetic_mask_]
    return sampler, X_res, y_res, list(new), sampler.sample_indices_[sampler.synthetic_mask_]


@pytest.fixture(scope="module")
def spam_ham():
    return np.array(SPAM + HAM, dtype=object), np.array([1] * len(SPAM) + [0] * len(HAM))


def test_generated_texts_are_never_copies(text_data):
    X, y = text_data
    sampler, X_res, y_res, new, _ = augment(X, y)
    originals = {" ".join(t.split()) for t in X}
    assert len(new) == Counter(y)[0] - Counter(y)[1]
    assert not originals & set(new)
    assert all(text.strip() for text in new)
    # Labels follow the source text; the originals are all kept, in order.
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])
    assert list(X_res[: len(X)]) == list(X)
    assert not sampler.synthetic_mask_[: len(X)].any()


def test_generated_texts_are_distinct_when_the_class_allows(spam_ham):
    X, y = spam_ham
    _, _, _, new, _ = augment(X, y)
    assert len(set(new)) == len(new)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropout_keeps_a_subsequence(spam_ham, seed):
    X, y = spam_ham
    _, _, _, new, sources = augment(X, y, operations="dropout", random_state=seed)
    for text, source in zip(new, sources):
        words, original = text.split(), X[source].split()
        assert 1 <= len(words) < len(original)
        remaining = iter(original)
        assert all(word in remaining for word in words)  # same order


def test_swap_keeps_the_words_in_another_order(spam_ham):
    X, y = spam_ham
    _, _, _, new, sources = augment(X, y, operations=("swap",))
    for text, source in zip(new, sources):
        assert Counter(text.split()) == Counter(X[source].split())
        assert text != X[source]


def test_span_delete_removes_one_contiguous_span(spam_ham):
    X, y = spam_ham
    _, _, _, new, sources = augment(X, y, operations=("span_delete",), edit_rate=0.3)
    for text, source in zip(new, sources):
        words, original = text.split(), X[source].split()
        cut = len(original) - len(words)
        assert cut == max(1, round(0.3 * len(original)))
        assert any(original[:i] + original[i + cut:] == words for i in range(len(words) + 1))


def test_mix_takes_spans_from_texts_of_the_same_class(spam_ham):
    X, y = spam_ham
    spam_words = {w for t in SPAM for w in t.split()}
    ham_only = {w for t in HAM for w in t.split()} - spam_words
    _, _, _, new, sources = augment(X, y, operations=("mix",))
    for text, source in zip(new, sources):
        assert y[source] == 1
        assert set(text.split()) <= spam_words and not set(text.split()) & ham_only
        added = Counter(text.split()) - Counter(X[source].split())
        assert added  # words came in from another spam text


def test_edit_rate_sets_the_strength(spam_ham):
    X, y = spam_ham

    def mean_words_removed(rate):
        _, _, _, new, sources = augment(X, y, operations="span_delete", edit_rate=rate)
        return np.mean([len(X[s].split()) - len(t.split()) for t, s in zip(new, sources)])

    light, strong = mean_words_removed(0.1), mean_words_removed(0.5)
    assert light == pytest.approx(1.0) and strong >= 3


def test_operations_are_drawn_from_the_chosen_ones(spam_ham):
    X, y = spam_ham
    _, _, _, new, sources = augment(X, y, operations=("swap", "span_delete"))
    kinds = Counter(
        "swap" if Counter(t.split()) == Counter(X[s].split()) else "delete"
        for t, s in zip(new, sources)
    )
    assert set(kinds) == {"swap", "delete"}


def _broken_clusters(text):
    """Grapheme clusters of ``text`` that start with a combining mark or modifier."""
    return [g for g in graphemes(text)
            if unicodedata.category(g[0]).startswith("M") or 0x1F3FB <= ord(g[0]) <= 0x1F3FF]


def test_short_and_empty_texts_give_non_empty_new_texts():
    X = ["", "a", "ok", "👍🏽", "hi", "x", "bye", "good morning all", "see you", "later",
         "thanks", "home"]
    y = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    _, _, _, new, sources = augment(X, y, sampling_strategy={1: 12})
    minority_clusters = {g for text in X[:5] for g in graphemes(text)} | {" "}
    assert len(new) == 7 and all(new) and not set(new) & set(X)
    assert all(X[s] != "" for s in sources)  # an empty text is never edited
    for text in new:
        assert set(graphemes(text)) <= minority_clusters and not _broken_clusters(text)


@pytest.mark.parametrize("operations", ["mix", ("dropout", "swap", "span_delete", "mix")])
def test_a_class_that_cannot_be_edited_is_an_error_unless_duplicates_are_allowed(operations):
    X = ["", " ", "", "see you", "ok thanks", "later", "home now", "bye"]
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    with pytest.raises(ValueError, match=r"could not edit the texts of class 1 into new texts"
                                         r" in 20 attempts .*allow_duplicates=True"):
        augment(X, y, operations=operations)
    _, _, y_res, new, sources = augment(X, y, operations=operations, allow_duplicates=True)
    assert Counter(y_res) == {0: 5, 1: 5}
    assert new == [X[s] for s in sources]  # verbatim copies, as asked


def test_mix_needs_another_text_of_the_class():
    X = ["free prize now", "see you", "ok thanks", "later"]
    y = [1, 0, 0, 0]
    with pytest.raises(ValueError, match="could not edit the texts of class 1"):
        augment(X, y, operations="mix")
    _, _, _, new, _ = augment(X, y)  # the other edits apply to a single text
    assert len(new) == 2 and "free prize now" not in new


UNSPACED = ["免费领取大奖，立即回复", "恭喜您中奖了请点击链接领取", "ได้รับรางวัลฟรีกดลิงก์เลย",
            "無料で賞品をもらえます今すぐ返信"]


def test_scripts_without_spaces_are_edited_by_character():
    y = [1] * 4 + [0] * 8
    X = UNSPACED + ["明天一起吃饭吗", "好的谢谢", "ok", "see you", "later", "home", "bye", "yes"]
    assert [resolve_unit(t, "auto") for t in UNSPACED] == ["char"] * 4
    _, _, _, new, sources = augment(X, y, operations="span_delete")
    for text, source in zip(new, sources):
        original = graphemes(X[source])
        cut = max(1, round(0.1 * len(original)))
        assert len(graphemes(text)) == len(original) - cut  # a few characters, not a sentence
        assert set(graphemes(text)) <= set(original) and not _broken_clusters(text)


@pytest.mark.parametrize("operations", ["dropout", "swap", "span_delete", "mix"])
def test_thai_marks_and_emoji_stay_attached_to_their_base(operations):
    X = ["ได้รับรางวัลฟรีกดลิงก์เลย", "สวัสดีครับ", "👍🏽🔥🇫🇷👨\u200d👩\u200d👧1\ufe0f\u20e3",
         "Gratis! 🎁🔥 Jetzt gewinnen 👍🏽", "ok", "see you", "later", "home", "bye", "yes"]
    y = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    clusters = {g for text in X[:4] for g in graphemes(text)}
    _, _, _, new, _ = augment(X, y, operations=operations, sampling_strategy={1: 6})
    assert len(new) == 2
    for text in new:
        assert set(graphemes(text)) <= clusters and not _broken_clusters(text)


def test_unit_can_be_forced():
    X = ["claim your free prize", "win cash now", "see you", "ok", "later", "home", "bye"]
    y = [1, 1, 0, 0, 0, 0, 0]
    _, _, _, new, sources = augment(X, y, unit="char", operations="span_delete")
    for text, source in zip(new, sources):
        assert len(text) == len(X[source]) - max(1, round(0.1 * len(X[source])))
    assert split_units("a  b\tc", "word") == (["a", "b", "c"], " ")
    assert split_units("a  b", "char") == (["a", " ", "b"], "")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cafe\u0301", ["c", "a", "f", "e\u0301"]),
        ("👍🏽x", ["👍🏽", "x"]),
        ("🇫🇷🇩🇪", ["🇫🇷", "🇩🇪"]),
        ("👨\u200d👩\u200d👧!", ["👨\u200d👩\u200d👧", "!"]),
        ("1\ufe0f\u20e3a", ["1\ufe0f\u20e3", "a"]),
        ("สวัสดี", ["ส", "วั", "ส", "ดี"]),
        ("", []),
    ],
    ids=["accent", "skin-tone", "flags", "zwj-family", "keycap", "thai", "empty"],
)
def test_graphemes(text, expected):
    assert graphemes(text) == expected


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"operations": ("dropout", "shuffle")}, ValueError, "operations must be one of"),
        ({"operations": ()}, ValueError, "operations must be one of"),
        ({"operations": "paraphrase"}, ValueError, "The 'operations' parameter"),
        ({"edit_rate": 0.0}, ValueError, "The 'edit_rate' parameter .* range \\(0.0, 1.0\\)"),
        ({"unit": "sentence"}, ValueError, "The 'unit' parameter"),
        ({"allow_duplicates": "no"}, ValueError, "The 'allow_duplicates' parameter"),
    ],
)
def test_bad_augmentation_parameters_are_named(spam_ham, params, error, match):
    X, y = spam_ham
    with pytest.raises(error, match=match):
        TextAugmentOverSampler(**params).fit_resample(X, y)


def test_mix_takes_spans_from_texts_of_the_same_kind_only():
    chinese = ["免费领取大奖立即回复", "恭喜您中奖了请点击链接", "点击领取您的奖品"]
    thai = ["ได้รับรางวัลฟรีกดลิงก์เลย", "รับรางวัลฟรีวันนี้"]
    russian = ["Бесплатный приз, ответьте сейчас", "Вы выиграли приз, позвоните"]
    X = chinese + thai + russian + ["ok", "see you", "later", "home", "bye", "yes", "no",
                                    "sure", "fine", "cool", "thanks", "k", "hi", "good"]
    y = [1] * 7 + [0] * 14
    _, _, _, new, sources = augment(X, y, operations="mix", sampling_strategy={1: 21})
    for group in (chinese, thai, russian):
        lent = {g for t in group for g in graphemes(t)} | {w for t in group for w in t.split()}
        for text, source in zip(new, sources):
            if X[source] in group:
                pieces = set(graphemes(text)) if group is not russian else set(text.split())
                assert pieces <= lent, (X[source], text)
