"""The analyst's side of the CLI, without the presentation: series, pivots, export.

Every function takes an open (read-only) connection, so the CLI and the tests
share them and nothing here can change the warehouse.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from warehouse.load import frame


class NotFound(ValueError):
    """A metric or locality the warehouse does not know; the message suggests what it does."""


@dataclass(frozen=True)
class Metric:
    code: str
    name_zh: str
    name_en: str | None
    usual_unit: str | None


def connect_readonly(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


def resolve_metric(con: duckdb.DuckDBPyConnection, text: str) -> Metric:
    """A metric by its code or its exact Chinese name."""
    rows = con.execute("SELECT metric, name_zh, name_en, usual_unit FROM dim_metric "
                       "WHERE metric = ? OR name_zh = ? ORDER BY metric = ? DESC", [text, text, text]).fetchall()
    if rows:
        return Metric(*rows[0])
    codes = [r[0] for r in con.execute("SELECT metric FROM dim_metric").fetchall()]
    names = dict(con.execute("SELECT name_zh, metric FROM dim_metric").fetchall())
    near = difflib.get_close_matches(text, codes, n=5, cutoff=0.5)
    near += [code for name, code in names.items() if text and text in name and code not in near]
    hint = f"; did you mean {', '.join(near[:5])}?" if near else "; see `SELECT metric, name_zh FROM dim_metric`"
    raise NotFound(f"no metric {text!r} in the catalog{hint}")


def resolve_locality(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The locality_key of a locality given by name, official code or key."""
    rows = con.execute("SELECT locality_key FROM dim_locality WHERE ? IN (name, code, locality_key)",
                       [text]).fetchall()
    if rows:
        return rows[0][0]
    names = [r[0] for r in con.execute("SELECT name FROM dim_locality ORDER BY name").fetchall()]
    raise NotFound(f"no locality {text!r} in the warehouse; it has: {', '.join(names)}")


def series_long(con: duckdb.DuckDBPyConnection, metric: str, locality_key: str | None = None) -> pl.DataFrame:
    """metric_series rows of one metric (one locality), one row per locality × unit × kind × year."""
    return frame(con, """
        SELECT s.locality, s.locality_code, s.locality_key, l.city_code, l.level, s.unit, s.kind, s.year,
               s.value, s.n_facts, s.conflicting
        FROM metric_series s JOIN dim_locality l USING (locality_key)
        WHERE s.metric = $metric AND ($place IS NULL OR s.locality_key = $place)
        ORDER BY s.locality, s.unit, s.kind, s.year""", {"metric": metric, "place": locality_key})


def warehouse_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT year FROM dim_year ORDER BY year").fetchall()]


def _cell(value: float, conflicting: bool) -> str:
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + ("*" if conflicting else "")


def pivot(long: pl.DataFrame, years: list[int], as_text: bool) -> pl.DataFrame:
    """Locality × year. as_text: formatted cells, '*' marking conflicting ones; else the numbers.

    Every warehouse year is a column, so a year without data shows as a gap.
    """
    index = ["locality", "locality_code", "unit"] + (["kind"] if long["kind"].n_unique() > 1 else [])
    if as_text:
        long = long.with_columns(pl.struct("value", "conflicting").map_elements(
            lambda s: _cell(s["value"], s["conflicting"]), return_dtype=pl.String()).alias("cell"))
    values = "cell" if as_text else "value"
    wide = long.with_columns(pl.col("year").cast(pl.String())).pivot(
        on="year", index=index, values=values, aggregate_function=None)
    year_cols = [str(y) for y in years]
    missing = [pl.lit(None, dtype=wide.schema.get(values, long.schema[values])).alias(y)
               for y in year_cols if y not in wide.columns]
    return wide.with_columns(missing).select(*index, *year_cols).sort(index)


def export_all(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str) -> list[tuple[str, str, int, Path]]:
    """Every table and view to <out_dir>/<name>.<fmt>, rows in a fixed order (ORDER BY ALL) so that
    two exports of the same warehouse are the same files. Returns (name, table|view, rows, path)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    objects = con.execute("""
        SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
        UNION ALL
        SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
        ORDER BY 2, 1""").fetchall()
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    written = []
    for name, kind in objects:
        path = out_dir / f"{name}.{fmt}"
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM \"{name}\" ORDER BY ALL) TO '{target}' ({options})")
        (rows,), = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
        written.append((name, kind, rows, path))
    return written
