"""The warehouse published as Parquet, partitioned by year, for engines that read files in place.

    python -m warehouse.publish --db warehouse/indicators.duckdb --out warehouse/published

writes

    <out>/fact_indicator/year=2021/data_0.parquet …   facts, hive-partitioned by year
    <out>/indicator_facts/year=2021/data_0.parquet …  the flat analyst contract, likewise
    <out>/metric_series/year=2021/data_0.parquet …    one row per series cell, likewise
    <out>/dim_locality.parquet, dim_report.parquet …  every other table, one file each

DuckDB, Spark, Trino, polars or pandas read it where it lies, e.g.
`SELECT * FROM read_parquet('<out>/indicator_facts/*/*.parquet', hive_partitioning = true)
WHERE year = 2021` opens only the 2021 files. A year's files are rewritten only
when that year's data changes upstream (this function rewrites all of them; a
partitioned run can publish one year). The dataset is written beside `out` and
swapped in with a rename, so a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import duckdb

# Large tables, split by year; the rest (dimensions, logs) are small: one file each.
BY_YEAR = ("fact_indicator", "indicator_facts", "metric_series")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def publish_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """Write every table and the year-partitioned relations of BY_YEAR to `out`; returns rows per relation."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'").fetchall()}
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall()}
    # Other views are derived: whoever reads the tables recomputes them.
    names = sorted(tables | (views & set(BY_YEAR)))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rows: dict[str, int] = {}
    try:
        for name in names:
            if name in BY_YEAR:
                # Sorted within each year so that row-group statistics (zone maps) skip well on reads.
                order = "report_id, span_start, fact_id" if name == "fact_indicator" else "metric, locality_key"
                con.execute(f'COPY (SELECT * FROM "{name}" ORDER BY year, {order}) TO {_quote(tmp / name)} '
                            "(FORMAT parquet, PARTITION_BY (year))")
            else:
                con.execute(f'COPY "{name}" TO {_quote(tmp / f"{name}.parquet")} (FORMAT parquet)')
            rows[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("warehouse/indicators.duckdb"))
    ap.add_argument("--out", type=Path, default=Path("warehouse/published"))
    args = ap.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        rows = publish_parquet(con, args.out)
    finally:
        con.close()
    for name, n in rows.items():
        print(f"{name:24s} {n:>10,} rows{'  (by year)' if name in BY_YEAR else ''}")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
