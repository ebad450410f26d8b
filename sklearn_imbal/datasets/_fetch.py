"""fetch_sms_spam: the full UCI SMS Spam Collection, downloaded once and cached.

Works like scikit-learn's ``fetch_*`` loaders: the file lives under
``get_data_home(data_home)``, is verified with SHA-256 on download and on every
read, and is written atomically so that an interrupted or concurrent download
never leaves a truncated file in the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import urllib.request
import warnings
import zipfile
from pathlib import Path
from typing import Any

from sklearn.datasets import get_data_home
from sklearn.utils import Bunch

from sklearn_imbal._compat import validate_params
from sklearn_imbal.datasets._sms_spam import make_sms_bunch, parse_sms_collection
from sklearn_imbal.utils._files import atomic_path

__all__ = ["fetch_sms_spam"]

UCI_SMS_SPAM_URL = "https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip"
UCI_SMS_SPAM_MEMBER = "SMSSpamCollection"
# SHA-256 of the member file ``SMSSpamCollection`` (477,907 bytes, 5,574 lines),
# not of the zip: the check pins the data we return, so a zip that UCI rebuilds
# with the same data (new readme, new compression) still verifies. The zip as
# served in 2025-2026 has SHA-256
# 1587ea43e58e82b14ff1f5425c88e17f8496bfcdb67a583dbff9eefaf9963ce3.
UCI_SMS_SPAM_SHA256 = "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d"

_CACHE_SUBFOLDER = "sklearn_imbal_sms_spam"
# The zip is about 200 kB; a response far larger than that is not the dataset.
_MAX_DOWNLOAD_BYTES = 20 * 2**20

_UCI_SOURCE = (
    "The UCI Machine Learning Repository release (dataset 228, "
    f"{UCI_SMS_SPAM_URL}), file ``{UCI_SMS_SPAM_MEMBER}``, verified with SHA-256 "
    f"{UCI_SMS_SPAM_SHA256}."
)


def _open_url(url):
    """Open ``url`` for reading; the one place that touches the network."""
    return urllib.request.urlopen(url, timeout=60)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _download_member(path):
    """Download the UCI zip, verify its data file, and cache it atomically at ``path``."""
    manual = (
        f"Download {UCI_SMS_SPAM_URL} by other means and put the file "
        f"{UCI_SMS_SPAM_MEMBER} from the zip at {path}; it is verified when read."
    )
    try:
        with _open_url(UCI_SMS_SPAM_URL) as response:
            payload = response.read(_MAX_DOWNLOAD_BYTES + 1)
    except (OSError, http.client.HTTPException) as exc:
        # URLError, HTTPError and timeouts are OSErrors; IncompleteRead is not.
        raise OSError(
            f"Could not download the SMS Spam Collection from {UCI_SMS_SPAM_URL}: "
            f"{exc}. Check the network connection, or: {manual}"
        ) from exc
    if len(payload) > _MAX_DOWNLOAD_BYTES:
        raise OSError(
            f"{UCI_SMS_SPAM_URL} sent more than {_MAX_DOWNLOAD_BYTES // 2**20} MiB; "
            f"the SMS Spam Collection zip is about 200 kB. Nothing was cached. {manual}"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            data = archive.read(UCI_SMS_SPAM_MEMBER)
    except zipfile.BadZipFile:
        raise OSError(
            f"The download from {UCI_SMS_SPAM_URL} is not a zip file ({len(payload):,} "
            f"bytes starting {payload[:20]!r}). Nothing was cached. {manual}"
        ) from None
    except KeyError:
        raise OSError(
            f"The zip from {UCI_SMS_SPAM_URL} has no file {UCI_SMS_SPAM_MEMBER!r}. "
            f"Nothing was cached. {manual}"
        ) from None
    checksum = _sha256(data)
    if checksum != UCI_SMS_SPAM_SHA256:
        raise OSError(
            f"The SHA-256 checksum of {UCI_SMS_SPAM_MEMBER} downloaded from "
            f"{UCI_SMS_SPAM_URL} is {checksum}, expected {UCI_SMS_SPAM_SHA256}: the "
            "file on the server changed or the download was corrupted. Nothing was "
            "cached."
        )
    # Write to a unique temporary file in the cache folder, then rename it into
    # place: os.replace is atomic on one filesystem, so readers (and concurrent
    # fetches) see either no file or the whole verified file.
    with atomic_path(path, suffix=".part") as temporary:
        Path(temporary).write_bytes(data)
    return data


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
        "drop_duplicates": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fetch_sms_spam(
    *,
    data_home: str | os.PathLike[str] | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
    drop_duplicates: bool = True,
) -> Bunch | tuple[Any, Any]:
    """Load the full UCI SMS Spam Collection (5,574 messages), downloading it once.

    The first call downloads the zip from the UCI Machine Learning Repository,
    verifies the SHA-256 checksum of its ``SMSSpamCollection`` file and caches
    that file under ``get_data_home(data_home)/sklearn_imbal_sms_spam``; later
    calls read the cache (and verify it again, which takes about a millisecond).
    Exact duplicate texts are dropped by default, keeping the first occurrence.
    For an offline copy that needs no download, see :func:`load_sms_spam`.

    =================   =====================
    Classes                                 2
    Samples total       5,574 before de-duplication
    Spam (target 1)     747 before de-duplication (13.4%)
    Features            text (str)
    =================   =====================

    The messages are the SMS Spam Collection of Almeida, Gómez Hidalgo and
    Yamakami (2011), UCI Machine Learning Repository
    (https://doi.org/10.24432/C5CC84), licensed CC BY 4.0.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Where to cache the data. By default scikit-learn's data folder:
        ``$SCIKIT_LEARN_DATA`` or ``~/scikit_learn_data``.
    download_if_missing : bool, default=True
        If False, raise an ``OSError`` when the data is not cached instead of
        downloading it.
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
            The cached file.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    OSError
        If the data is not cached and ``download_if_missing=False``, the download
        fails, or the downloaded file's SHA-256 checksum differs from the
        expected one (nothing is cached then).

    See Also
    --------
    load_sms_spam : An offline copy (4,862 messages) from an installed package.

    Examples
    --------
    >>> from sklearn_imbal.datasets import fetch_sms_spam
    >>> sms = fetch_sms_spam()  # doctest: +SKIP
    >>> sms.target_names  # doctest: +SKIP
    array(['ham', 'spam'], dtype='<U4')
    """
    folder = Path(get_data_home(data_home)) / _CACHE_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UCI_SMS_SPAM_MEMBER
    data = None
    if path.is_file():
        data = path.read_bytes()
        checksum = _sha256(data)
        if checksum != UCI_SMS_SPAM_SHA256:
            message = (
                f"The cached {path} has SHA-256 {checksum}, expected "
                f"{UCI_SMS_SPAM_SHA256}: it is corrupt or not the UCI file."
            )
            if not download_if_missing:
                raise OSError(
                    f"{message} Delete it, or call fetch_sms_spam with "
                    "download_if_missing=True to download it again."
                )
            warnings.warn(f"{message} Downloading it again.", stacklevel=2)
            data = None
    if data is None:
        if not download_if_missing:
            raise OSError(
                f"The SMS Spam Collection is not cached at {path} and "
                "download_if_missing=False. Call fetch_sms_spam() with network "
                "access once to cache it, or use load_sms_spam() for the offline copy."
            )
        data = _download_member(path)
    texts, target = parse_sms_collection(data, str(path))
    return make_sms_bunch(
        texts, target, source=_UCI_SOURCE, filename=path,
        drop_duplicates=drop_duplicates, return_X_y=return_X_y, as_frame=as_frame,
    )
