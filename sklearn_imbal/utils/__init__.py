"""Validation helpers shared by every public entry point of sklearn_imbal."""

from sklearn_imbal.utils.validation import (
    check_classification_target,
    check_sample_weight,
    check_text_array,
)

__all__ = ["check_classification_target", "check_sample_weight", "check_text_array"]
