"""The warehouse published as Parquet, partitioned by year, for engines that read files in place.

    python -m warehouse.publish --db warehouse/indicators.duckdb --out warehouse/published

writes

    <out>/fact_indicator/year=2021/part-0.parquet …   facts, hive-partitioned by year
    <out>/indicator_facts/year=2021/part-0.parquet …  the flat analyst contract, likewise
    <out>/metric_series/year=2021/part-0.parquet …    one row per series cell, likewise
    <out>/dim_locality.parquet, dim_report.parquet …  every other table, one file each

DuckDB, Spark, Trino, polars or pandas read it where it lies, e.g.
`SELECT * FROM read_parquet('<out>/indicator_facts/*/*.parquet', hive_partitioning = true)
WHERE year = 2021` opens only the 2021 files.

Publishing costs what changed, not the size of the warehouse. A year holds one
or more files, each holding whole segments — a report's facts, a locality's
series cells (`BY_YEAR`) — and `<out>/_manifest.json` keeps, per file, the
digest of each of its segments (its row count and the sum of its rows' 64-bit
hashes, with the relation's columns and types). A file whose segments are all
unchanged is hard-linked from the previous dataset; the segments that are new
or changed, and those left in a file that had a changed one, go to one new
file of the year. A nightly build of 100 reports thus writes 100 reports' rows
per relation. Past `MAX_FILES_PER_YEAR` files a year is written anew as one
file, so readers never open many small ones. The other tables are one file
each, linked when the whole table's digest is unchanged. The dataset is written
beside `out` and swapped in with a rename, so a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import duckdb

from warehouse.load import sql_literal

# Large relations, split by year, and within a year into files of whole segments: the column whose
# rows change together (a report re-read, a locality's series recomputed). The rest: one file each.
BY_YEAR = {"fact_indicator": "report_id", "indicator_facts": "report_id", "metric_series": "locality_key"}
MAX_FILES_PER_YEAR = 8

MANIFEST = "_manifest.json"
# Bump when the files written for the same rows change (order, options): everything is then rewritten.
_LAYOUT = 2


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _order(name: str) -> str:
    # Sorted within each file so that row-group statistics (zone maps) skip well on reads.
    return "report_id, span_start, fact_id" if name == "fact_indicator" else "metric, locality_key"


def _shape(con: duckdb.DuckDBPyConnection, name: str) -> str:
    columns = con.execute(f'DESCRIBE "{name}"').fetchall()
    return f"{_LAYOUT}|" + ";".join(f"{c[0]} {c[1]}" for c in columns)


def _segment_digests(con: duckdb.DuckDBPyConnection, name: str, key: str) -> dict[str, dict[str, str]]:
    """Per year, per segment: 'rows:sum of row hashes'."""
    rows = con.execute(f'SELECT year, "{key}", count(*), sum(hash(x)::HUGEINT)::VARCHAR FROM "{name}" AS x '
                       "GROUP BY ALL").fetchall()
    out: dict[str, dict[str, str]] = {}
    for year, seg, n, total in rows:
        out.setdefault(str(year), {})[str(seg)] = f"{n}:{total}"
    return out


def _table_digest(con: duckdb.DuckDBPyConnection, name: str) -> list:
    """[rows, digest] of a whole table."""
    n, total = con.execute(f'SELECT count(*), sum(hash(x)::HUGEINT)::VARCHAR FROM "{name}" AS x').fetchall()[0]
    return [n, f"{_shape(con, name)}|{total}"]


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _link(old: Path, new: Path) -> bool:
    """Hard-link (else copy) a file of the previous dataset; False if it is not there."""
    if not old.is_file():
        return False
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
    return True


def _publish_segmented(con: duckdb.DuckDBPyConnection, name: str, key: str, previous: dict, out: Path,
                       tmp: Path) -> tuple[dict, int]:
    """One year-partitioned relation: link the intact files, write the rest; returns its manifest and rows."""
    shape = _shape(con, name)
    before = previous if previous.get("shape") == shape else {}
    seq = before.get("next", 0)
    years: dict[str, dict[str, dict[str, str]]] = {}
    todo: dict[str, tuple[str, list[str] | None]] = {}  # year → (new file, its segments; None: all)
    rows = 0
    for year, segments in sorted(_segment_digests(con, name, key).items()):
        rows += sum(int(d.split(":", 1)[0]) for d in segments.values())
        files = {}
        for fname, held in before.get("years", {}).get(year, {}).items():
            intact = all(segments.get(s) == d for s, d in held.items())
            if intact and _link(out / name / f"year={year}" / fname, tmp / name / f"year={year}" / fname):
                files[fname] = held
        left = [s for s in segments if not any(s in held for held in files.values())]
        if left and len(files) + 1 > MAX_FILES_PER_YEAR:  # compact: the whole year in one file
            for fname in files:
                (tmp / name / f"year={year}" / fname).unlink()
            files, left = {}, list(segments)
        if left:
            fname = f"part-{seq}.parquet"
            seq += 1
            files[fname] = {s: segments[s] for s in left}
            todo[year] = (fname, None if len(left) == len(segments) else left)
        years[year] = files
    _write(con, name, key, todo, tmp)
    return {"shape": shape, "next": seq, "years": years}, rows


def _write(con: duckdb.DuckDBPyConnection, name: str, key: str, todo: dict[str, tuple[str, list[str] | None]],
           tmp: Path) -> None:
    """Write each year's new file: all of the year, or its listed segments (as literals: DuckDB pushes a
    constant IN list into the view's scans)."""
    for year, (fname, segments) in todo.items():
        where = f"year = {int(year)}"
        if segments is not None:
            where += f' AND "{key}" IN ({", ".join(sql_literal(s) for s in segments)})'
        target = tmp / name / f"year={year}" / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f'COPY (SELECT * EXCLUDE (year) FROM "{name}" WHERE {where} ORDER BY {_order(name)}) '
                    f"TO {_quote(target)} (FORMAT parquet)")


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
    if previous.get("layout") != _LAYOUT:
        previous = {}
    try:
        for name in names:
            if name in BY_YEAR:
                manifest[name], rows[name] = _publish_segmented(con, name, BY_YEAR[name], previous.get(name, {}),
                                                                out, tmp)
            else:
                # One file: linked from the previous dataset when the table's digest is unchanged
                # (dim_report holds every report's text: rewriting it was a second of every nightly).
                digest = manifest[name] = _table_digest(con, name)
                old_file, new_file = out / f"{name}.parquet", tmp / f"{name}.parquet"
                if previous.get(name) != digest or not _link(old_file, new_file):
                    con.execute(f'COPY "{name}" TO {_quote(new_file)} (FORMAT parquet)').fetchall()
                rows[name] = digest[0]
        manifest["layout"] = _LAYOUT
        (tmp / MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
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
