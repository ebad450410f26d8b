"""Parameter descriptions shared by the text samplers, injected with imblearn's
``Substitution`` (the ``sampling_strategy`` text is imbalanced-learn's own, since
the samplers resolve it with imbalanced-learn's ``check_sampling_strategy``)."""

__all__ = ["RANDOM_STATE", "SHUFFLE"]

RANDOM_STATE = """random_state : int, RandomState instance or None, default=None
        Seeds the sampling and the shuffling of the output. An int gives the
        same output for the same input on every run."""

SHUFFLE = """shuffle : bool, default=True
        Whether to shuffle the output rows (seeded by ``random_state``), so that
        classes are interleaved. Without it, rows come grouped by class as
        imbalanced-learn returns them, and a validation split taken from the
        end of the data (Keras' ``validation_split``) may hold a single class."""
