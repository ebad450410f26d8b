"""The sklearn-imbal benchmark suite; run it with ``python -m benchmarks``."""
