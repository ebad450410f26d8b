"""Warnings and errors raised by sklearn_imbal."""

from __future__ import annotations

__all__ = [
    "InfeasibleConstraintWarning",
    "ModelFileError",
    "ModelVersionWarning",
    "TrainingDivergedError",
]


class ModelVersionWarning(UserWarning):
    """A model was saved by a different version of sklearn_imbal.

    Unpickling usually works across versions, but predictions are only
    guaranteed with the version that saved the model. Attributes
    ``saved_version`` and ``current_version`` say which versions differ.
    """

    def __init__(self, estimator_name: str, saved_version: str, current_version: str) -> None:
        self.estimator_name = estimator_name
        self.saved_version = saved_version
        self.current_version = current_version

    def __str__(self):
        return (
            f"This {self.estimator_name} was saved with sklearn_imbal "
            f"{self.saved_version or 'unknown (older than 0.1)'} and is loaded with "
            f"{self.current_version}. Its predictions may differ or fail; refit it, "
            f"or install sklearn-imbal=={self.saved_version} to use it as saved."
        )


class TrainingDivergedError(RuntimeError):
    """The training loss became NaN or infinite, so the model was discarded."""


class InfeasibleConstraintWarning(UserWarning):
    """A constraint scorer's constraint is not met by the predictions it scored.

    Raised by :func:`sklearn_imbal.metrics.recall_at_precision` and
    :func:`~sklearn_imbal.metrics.precision_at_recall` scorers when a final
    score is ``-inf`` (e.g. a search's test fold where the precision falls short).
    """


class ModelFileError(ValueError):
    """A saved model cannot be loaded: the file is truncated, corrupt or not a model.

    Raised by :func:`sklearn_imbal.load_model`, and when unpickling an estimator
    whose embedded Keras model cannot be rebuilt. The message names the file
    (when known) and what was found instead of a model.
    """
