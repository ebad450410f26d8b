"""Datasets: real imbalanced text data, a file loader and a synthetic generator."""

from sklearn_imbal.datasets._fetch import fetch_sms_spam
from sklearn_imbal.datasets._sms_spam import load_sms_spam
from sklearn_imbal.datasets._synthetic import make_imbalanced_text
from sklearn_imbal.datasets._text_files import load_text_csv

__all__ = ["fetch_sms_spam", "load_sms_spam", "load_text_csv", "make_imbalanced_text"]
