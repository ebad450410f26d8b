"""Helpers shared by the dataset loaders: optional imports and readable row lists."""

__all__ = ["describe_rows", "require_pandas"]


def require_pandas(caller):
    """Import pandas, or say which call needs it and how to install it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs pandas, which is not installed. Install it with: "
            'pip install pandas (or pip install "sklearn-imbal[demo]").'
        ) from exc
    return pandas


def describe_rows(positions, *, limit=10):
    """``"rows 3, 8 and 12"`` or ``"rows 0, 1, ... (42 rows in all)"``.

    Long lists are cut at ``limit`` positions: an error message must stay readable
    when a whole column is broken.
    """
    positions = [int(p) for p in positions]
    if len(positions) == 1:
        return f"row {positions[0]}"
    if len(positions) <= limit:
        return "rows " + ", ".join(map(str, positions[:-1])) + f" and {positions[-1]}"
    shown = ", ".join(map(str, positions[:limit]))
    return f"rows {shown}, ... ({len(positions)} rows in all)"
