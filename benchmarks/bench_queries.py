"""Analyst queries on a warehouse of 10 million facts: median latency of each.

    python benchmarks/bench_queries.py [--facts 10000000] [--db /tmp/bench-queries.duckdb] [--repeat 7]

Generates the warehouse directly in DuckDB, in SQL, with the real DDL
(warehouse/schema.sql), the real catalog (seeds: domains, metrics), the real
localities (the counties and zones of seeds/divisions) and the real views and
macros (warehouse/views.sql, macros.sql, created by `load.create_views`):
~3,000 localities × 10 years = 30,000 reports × ~330 facts, 70 % of the facts
with a catalog metric, a few units and kinds per metric, values spread over
several orders of magnitude. Facts are inserted in the order the build writes
them (by report, then position in the text). The file is kept and reused when
it already holds the number of facts asked for (`--fresh` rebuilds it).

Then, read-only as an analyst opens it, each query runs once to warm up and
`--repeat` times timed; prints the median (and min/max) in ms:

1. series:   one metric's series across every locality and year (metric_series);
2. profile:  one locality across every metric and year (locality_profile macro);
3. yoy:      a year-on-year change of one metric for every locality (yoy_change macro).

Target: each under 200 ms median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.extract.metadata import load_localities  # noqa: E402
from warehouse import load  # noqa: E402

YEARS = 10
FIRST_YEAR = 2015
UNITS = ["件", "项", "个", "人", "名", "次", "%", "元", "家", "条"]
KINDS = ["count", "amount", "ratio", "change", "duration"]


def build(db: Path, facts: int, localities: int = 3000) -> None:
    """A warehouse of `facts` facts over `localities` localities × 10 years, made in SQL."""
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    seeds = ROOT / "seeds"
    places = load_localities().filter(load_localities()["level"].is_in(["county", "zone"])).head(localities)
    per_report = max(1, facts // (places.height * YEARS))
    con = duckdb.connect(str(db))
    try:
        con.execute(load.sql_text("schema.sql"))
        con.register("domains", load.dim_domain_frame(seeds).to_arrow())
        con.register("metrics", load.dim_metric_frame(seeds).to_arrow())
        con.register("places", places.to_arrow())
        con.execute("INSERT INTO dim_domain BY NAME SELECT * FROM domains")
        con.execute("INSERT INTO dim_metric BY NAME SELECT * FROM metrics")
        con.execute("""INSERT INTO dim_locality SELECT key, name, code, level, city, city_code, province,
                       province_code FROM places""")
        con.execute(f"INSERT INTO dim_year SELECT * FROM range({FIRST_YEAR}, {FIRST_YEAR + YEARS})")
        con.execute(f"""
            CREATE TEMP TABLE rep AS
            SELECT row_number() OVER (ORDER BY l.key, y.year) - 1 AS r, l.key AS locality_key, l.name,
                   y.year, substr(md5(l.key || y.year), 1, 16) AS report_id
            FROM places l CROSS JOIN range({FIRST_YEAR}, {FIRST_YEAR + YEARS}) y(year)""")
        con.execute("""
            INSERT INTO dim_report
            SELECT report_id, locality_key || '_' || year || '.txt', md5(report_id) || md5(report_id || 'x'),
                   md5(report_id || 'c') || md5(report_id || 'd'), 12000 + hash(r) % 8000, 'txt', 'utf-8',
                   name || '人民政府关于' || year || '年度法治政府建设情况的报告', locality_key, year,
                   make_date(year + 1, 1 + (r % 3)::INT, 1 + (r % 28)::INT), NULL, name || '人民政府',
                   repeat('法治政府建设情况报告。', 20), TIMESTAMPTZ '2026-01-01 00:00:00+00', 'bench'
            FROM rep""")
        metrics = [m for (m,) in con.execute("SELECT metric FROM dim_metric ORDER BY metric").fetchall()]
        con.execute("""
            CREATE TEMP TABLE mcat AS SELECT row_number() OVER (ORDER BY metric) - 1 AS m, metric, domain,
                   coalesce(usual_unit, '件') AS unit, coalesce(kind, 'count') AS kind FROM dim_metric""")
        n_metrics = len(metrics)
        # Fact i: report i // per_report, position i % per_report; 70 % of facts carry a metric, drawn
        # unevenly (a few metrics are in every report, most in some), with its usual unit and kind.
        con.execute(f"""
            INSERT INTO fact_indicator
            WITH f AS (
                SELECT i, i // {per_report} AS r, i % {per_report} AS pos, hash(i) AS h
                FROM range({per_report * places.height * YEARS}) t(i)
            ), g AS (
                SELECT f.*, rep.report_id, rep.locality_key, rep.year,
                       CASE WHEN h % 10 < 7 THEN (floor(pow((h // 10) % 1000 / 1000.0, 2) * {n_metrics}))::INT
                       END AS m
                FROM f JOIN rep USING (r)
            )
            SELECT substr(md5(g.i::VARCHAR), 1, 16), g.report_id, g.locality_key, g.year,
                   coalesce(c.domain, 'functions'), c.metric, coalesce(c.metric, 'things') || ' ' || (g.h % 500),
                   round(pow(10, (g.h // 7) % 600 / 100.0), 1), coalesce(c.unit, {UNITS!r}[1 + (g.h % 10)::INT]),
                   '123', '件', 0, 'exact', coalesce(c.kind, {KINDS!r}[1 + (g.h % 5)::INT]), 'reported',
                   '123件', 40 * g.pos, 40 * g.pos + 4, '全年共办理各类事项123件，同比增长百分之十。',
                   40 * g.pos - 10, '（一）依法全面履行政府职能', NULL
            FROM g LEFT JOIN mcat c USING (m)
            ORDER BY g.report_id, g.pos""")
        load.create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: list, repeat: int) -> tuple[list[float], int]:
    rows = len(con.execute(sql, params).fetchall())  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    return times, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--facts", type=int, default=10_000_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/indicators-bench-queries.duckdb"))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--fresh", action="store_true", help="rebuild the warehouse even if it exists")
    args = ap.parse_args()

    have = 0
    if args.db.exists() and not args.fresh:
        con = duckdb.connect(str(args.db), read_only=True)
        have = con.execute("SELECT count(*) FROM fact_indicator").fetchall()[0][0]
        con.close()
    if abs(have - args.facts) > args.facts * 0.01:
        t = time.perf_counter()
        build(args.db, args.facts)
        print(f"generated {args.db} in {time.perf_counter() - t:.0f} s "
              f"({args.db.stat().st_size / 2**30:.2f} GB)")

    con = duckdb.connect(str(args.db), read_only=True)
    try:
        n_facts, n_loc, n_rep = con.execute("""SELECT (SELECT count(*) FROM fact_indicator),
            (SELECT count(*) FROM dim_locality), (SELECT count(*) FROM dim_report)""").fetchall()[0]
        # Parameters an analyst would pick: the most reported metric, a locality in the middle.
        (metric,), = con.execute("""SELECT metric FROM fact_indicator WHERE metric IS NOT NULL
                                    GROUP BY metric ORDER BY count(*) DESC LIMIT 1""").fetchall()
        (place,), = con.execute("SELECT name FROM dim_locality ORDER BY locality_key LIMIT 1 OFFSET 1500").fetchall()
        queries = {
            "series": ("SELECT locality, year, value, unit FROM metric_series WHERE metric = ? "
                       "ORDER BY locality, unit, year", [metric]),
            "profile": ("SELECT * FROM locality_profile(?)", [place]),
            "yoy": ("SELECT * FROM yoy_change(?)", [metric]),
        }
        print(f"warehouse: {n_facts:,} facts, {n_loc:,} localities, {n_rep:,} reports; "
              f"duckdb {duckdb.__version__}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        lines = []
        for name, (sql, params) in queries.items():
            times, rows = timed(con, sql, params, args.repeat)
            med = statistics.median(times)
            lines.append(f"{name:8s} median {med:7.1f} ms  (min {min(times):.1f}, max {max(times):.1f}, "
                         f"{rows:,} rows)  {'ok' if med < 200 else 'OVER 200 ms'}  params={params}")
            print(lines[-1], flush=True)
    finally:
        con.close()


if __name__ == "__main__":
    main()
