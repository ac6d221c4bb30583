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
when that year's rows changed: `<out>/_manifest.json` keeps, per relation and year,
the row count and a content digest (the sum of the rows' 64-bit hashes, with the
relation's columns and types), and a year whose digest is unchanged has its files
hard-linked from the previous dataset (a nightly build of one year's reports writes
one year). The small tables are written every time. The dataset is written beside
`out` and swapped in with a rename, so a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import duckdb

# Large tables, split by year; the rest (dimensions, logs) are small: one file each.
BY_YEAR = ("fact_indicator", "indicator_facts", "metric_series")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


MANIFEST = "_manifest.json"
# Bump when the files written for the same rows change (order, options): every year is then rewritten.
_LAYOUT = 1


def _order(name: str) -> str:
    # Sorted within each year so that row-group statistics (zone maps) skip well on reads.
    return "report_id, span_start, fact_id" if name == "fact_indicator" else "metric, locality_key"


def _year_digests(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, list]:
    """Per year of a relation: [rows, digest]; the digest covers the columns, their types and every row."""
    columns = con.execute(f'DESCRIBE "{name}"').fetchall()
    shape = ";".join(f"{c[0]} {c[1]}" for c in columns)
    rows = con.execute(f'SELECT year, count(*), sum(hash(x)::HUGEINT)::VARCHAR FROM "{name}" AS x GROUP BY year'
                       ).fetchall()
    return {str(year): [n, f"{_LAYOUT}|{shape}|{total}"] for year, n, total in rows}


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _link_year(old: Path, new: Path) -> bool:
    """Hard-link (else copy) one year's files of the previous dataset; False if they are not all there."""
    files = sorted(old.glob("*.parquet")) if old.is_dir() else []
    if not files:
        return False
    new.mkdir(parents=True, exist_ok=True)
    for f in files:
        try:
            os.link(f, new / f.name)
        except OSError:
            shutil.copy2(f, new / f.name)
    return True


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
    previous, manifest = _read_manifest(out), {}
    try:
        for name in names:
            if name in BY_YEAR:
                digests = manifest[name] = _year_digests(con, name)
                before = previous.get(name, {})
                # Unchanged years: the previous files, linked; the others written anew.
                changed = sorted(int(y) for y, d in digests.items()
                                 if before.get(y) != d or not _link_year(out / name / f"year={y}",
                                                                          tmp / name / f"year={y}"))
                if changed or not digests:
                    where = f"WHERE year IN ({', '.join(map(str, changed))})" if changed else ""
                    con.execute(f'COPY (SELECT * FROM "{name}" {where} ORDER BY year, {_order(name)}) '
                                f"TO {_quote(tmp / name)} (FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)")
                rows[name] = sum(n for n, _ in digests.values())
            else:
                rows[name] = con.execute(f'COPY "{name}" TO {_quote(tmp / f"{name}.parquet")} (FORMAT parquet)'
                                         ).fetchall()[0][0]
        (tmp / MANIFEST).write_text(json.dumps(manifest, sort_keys=True, indent=1), encoding="utf-8")
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
