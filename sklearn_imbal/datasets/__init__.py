"""Datasets: real imbalanced text data and a synthetic generator."""

from sklearn_imbal.datasets._synthetic import make_imbalanced_text

__all__ = ["make_imbalanced_text"]
