"""Small helpers that turn frames into Dagster metadata."""

from __future__ import annotations

import dagster as dg
import polars as pl


def _cell(value: object, width: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def md_table(df: pl.DataFrame, rows: int = 10, width: int = 40) -> dg.MetadataValue:
    """A markdown preview of the first rows, long cells cut (the UI shows it as a table)."""
    if df.is_empty():
        return dg.MetadataValue.md("_(no rows)_")
    head = df.head(rows)
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(_cell(v, width) for v in row) + " |" for row in head.iter_rows()]
    if df.height > rows:
        lines.append(f"\n_{df.height - rows} more rows_")
    return dg.MetadataValue.md("\n".join(lines))
