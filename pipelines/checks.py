"""Checks on the built warehouse: plain SQL, then the Dagster asset checks that run it.

Each check is one query that returns the offending rows; it passes when the
query returns none. Tests run the same queries against deliberately broken
DuckDB files (`evaluate`), and Dagster runs them after every build.

DuckDB enforces the primary keys and the dimensions' foreign keys; the
facts' keys are left to `fact_keys_resolve` alone (checking them twice, in
the schema and here, cost ≈ 1.7 s per build). The other integrity checks guard
against what a schema cannot see (a span that does not hold its mention, two
facts for one mention, a ratio of 150 %) and against a copy (Parquet, another
engine) that lost its constraints.

Blocking checks (the integrity ones) stop the run before the analyst views
are rebuilt. The ratio check only warns: a completion rate above 100 %
(超额完成, 完成率120%) is rare but real, so it asks for review, not a halt.
"""

# No `from __future__ import annotations`: Dagster reads the resource annotation at runtime.
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import dagster as dg
import duckdb
import polars as pl
import pyarrow as pa

from pipelines.assets._metadata import md_table
from pipelines.resources import WarehouseResource
from warehouse import load


@dataclass(frozen=True)
class Check:
    name: str
    asset: str
    description: str
    sql: str  # the offending rows, with a `problem` column saying what is wrong
    blocking: bool = True
    summary_sql: str | None = None  # shown with the result whether it passes or not
    # Optional: the rowids of fact_indicator that may offend (None: all may). The query then runs on
    # those rows only, so it still decides every verdict; the filter only skips rows it clears.
    candidates: Callable[[duckdb.DuckDBPyConnection], list[int] | None] | None = None


_FACTS = "FROM fact_indicator f\n"


def _span_candidates(con: duckdb.DuckDBPyConnection) -> list[int] | None:
    """Facts whose span may not hold their mention: all but those plainly holding it.

    In SQL, `substr` on UTF-8 text walks from the start of the text for every fact (1.2 s on 700,000
    facts); a Python string indexes code points directly. A fact is cleared only when its report is
    the one row of dim_report with its id and a text, 0 <= span_start < span_end <= len(text) and
    text[span_start:span_end] == mention: then substr and length (code points, like Python's str)
    give the same answer and the query would not return it. Everything else (missing, NULL,
    out-of-range, duplicate report ids) goes to the query."""
    reports = con.sql("SELECT report_id, text FROM dim_report").to_arrow_table()
    ids, texts = reports["report_id"].to_pylist(), reports["text"].to_pylist()
    text_of = dict(zip(ids, texts, strict=True))
    if len(text_of) != len(ids):
        return None
    del reports, ids, texts
    facts = con.sql("SELECT rowid, report_id, span_start, span_end, mention FROM fact_indicator").to_arrow_table()
    out = []
    for rowid, rid, start, end, mention in zip(*(col.to_pylist() for col in facts.columns), strict=True):
        text = text_of.get(rid) if rid is not None else None
        if (text is None or start is None or end is None or mention is None
                or not 0 <= start < end <= len(text) or text[start:end] != mention):
            out.append(rowid)
    return out


CHECKS: tuple[Check, ...] = (
    Check(
        "fact_keys_resolve", "fact_indicator",
        "Every fact's report, locality, year, domain and metric is a row of its dimension, and the fact's "
        "locality and year are its report's.",
        """
        SELECT f.fact_id, f.report_id, f.locality_key, f.year, f.domain, f.metric,
               concat_ws(', ',
                   CASE WHEN r.report_id IS NULL THEN 'report_id not in dim_report' END,
                   CASE WHEN l.locality_key IS NULL THEN 'locality_key not in dim_locality' END,
                   CASE WHEN y.year IS NULL THEN 'year not in dim_year' END,
                   CASE WHEN f.domain IS NOT NULL AND d.domain IS NULL THEN 'domain not in dim_domain' END,
                   CASE WHEN f.metric IS NOT NULL AND m.metric IS NULL THEN 'metric not in dim_metric' END,
                   CASE WHEN r.locality_key IS DISTINCT FROM f.locality_key THEN 'locality differs from its report' END,
                   CASE WHEN r.year IS DISTINCT FROM f.year THEN 'year differs from its report' END
               ) AS problem
        FROM fact_indicator f
        LEFT JOIN dim_report r ON r.report_id = f.report_id
        LEFT JOIN dim_locality l ON l.locality_key = f.locality_key
        LEFT JOIN dim_year y ON y.year = f.year
        LEFT JOIN dim_domain d ON d.domain = f.domain
        LEFT JOIN dim_metric m ON m.metric = f.metric
        WHERE r.report_id IS NULL OR l.locality_key IS NULL OR y.year IS NULL
           OR (f.domain IS NOT NULL AND d.domain IS NULL) OR (f.metric IS NOT NULL AND m.metric IS NULL)
           OR r.locality_key IS DISTINCT FROM f.locality_key OR r.year IS DISTINCT FROM f.year
        ORDER BY f.report_id, f.fact_id
        """,
    ),
    Check(
        "no_duplicate_facts", "fact_indicator",
        "One fact per report, span and metric_text, and one row per fact_id.",
        """
        SELECT report_id, span_start, span_end, metric_text, count(*) AS n,
               'same report, span and metric_text ' || count(*) || ' times' AS problem
        FROM fact_indicator GROUP BY report_id, span_start, span_end, metric_text HAVING count(*) > 1
        UNION ALL
        SELECT any_value(report_id), min(span_start), min(span_end), any_value(metric_text), count(*),
               'fact_id ' || fact_id || ' on ' || count(*) || ' rows'
        FROM fact_indicator GROUP BY fact_id HAVING count(*) > 1
        ORDER BY 1, 2, 3
        """,
    ),
    Check(
        "ratios_within_0_100", "fact_indicator",
        "Ratios and other percentages lie within 0–100 % (changes may be negative or above 100 %). Warns only.",
        """
        SELECT fact_id, report_id, mention, value, unit, kind, metric_text,
               'percentage ' || value || ' outside 0–100 for kind ' || kind AS problem
        FROM fact_indicator
        WHERE kind <> 'change' AND (kind = 'ratio' OR unit = '%') AND NOT (value BETWEEN 0 AND 100)
        ORDER BY report_id, span_start
        """,
        blocking=False,
    ),
    Check(
        "reports_have_locality_and_year", "dim_report",
        "Every report has a locality and a year that resolve to dim_locality and dim_year.",
        """
        SELECT r.report_id, r.file_name, r.locality_key, r.year,
               concat_ws(', ',
                   CASE WHEN nullif(trim(r.locality_key), '') IS NULL THEN 'no locality'
                        WHEN l.locality_key IS NULL THEN 'locality_key not in dim_locality' END,
                   CASE WHEN r.year IS NULL THEN 'no year'
                        WHEN y.year IS NULL THEN 'year not in dim_year' END
               ) AS problem
        FROM dim_report r
        LEFT JOIN dim_locality l ON l.locality_key = r.locality_key
        LEFT JOIN dim_year y ON y.year = r.year
        WHERE l.locality_key IS NULL OR y.year IS NULL
        ORDER BY r.report_id
        """,
    ),
    Check(
        "reports_have_facts", "fact_indicator",
        "Every report read yields at least one fact (a report with none was likely misread). Warns only; "
        "the facts per report are in the result's metadata.",
        """
        SELECT r.report_id, r.file_name, r.locality_key, r.year, 'no facts' AS problem
        FROM dim_report r WHERE NOT EXISTS (SELECT 1 FROM fact_indicator f WHERE f.report_id = r.report_id)
        ORDER BY r.file_name
        """,
        blocking=False,
        summary_sql="""
        SELECT r.file_name, l.name AS locality, r.year, count(f.fact_id) AS facts,
               count(f.metric) AS with_metric, r.report_id
        FROM dim_report r LEFT JOIN dim_locality l ON l.locality_key = r.locality_key
        LEFT JOIN fact_indicator f ON f.report_id = r.report_id
        GROUP BY ALL ORDER BY r.file_name
        """,
    ),
    Check(
        "spans_match_text", "fact_indicator",
        "dim_report.text[span_start:span_end] is exactly the fact's mention, for every fact.",
        """
        SELECT f.fact_id, f.report_id, f.span_start, f.span_end, f.mention,
               substr(r.text, f.span_start + 1, f.span_end - f.span_start) AS in_text,
               CASE WHEN r.report_id IS NULL THEN 'no report text'
                    ELSE 'span holds other text than the mention' END AS problem
        FROM fact_indicator f
        -- length() walks the whole UTF-8 text: once per report, not once per fact
        LEFT JOIN (SELECT report_id, text, length(text) AS text_length FROM dim_report) r
               ON r.report_id = f.report_id
        WHERE r.report_id IS NULL OR f.span_start < 0 OR f.span_end > r.text_length
           OR substr(r.text, f.span_start + 1, f.span_end - f.span_start) IS DISTINCT FROM f.mention
        ORDER BY f.report_id, f.span_start
        """,
        candidates=_span_candidates,
    ),
)

BY_NAME = {c.name: c for c in CHECKS}


@dataclass(frozen=True)
class Outcome:
    check: Check
    failures: int
    sample: pl.DataFrame  # the first offending rows
    summary: pl.DataFrame | None = None

    @property
    def passed(self) -> bool:
        return self.failures == 0


def run_check(con: duckdb.DuckDBPyConnection, check: Check, sample_rows: int = 10) -> Outcome:
    """Run the check's query once: the first `sample_rows` offending rows are kept, the rest only
    counted (a count query, then a sample query, ran every check twice)."""
    sql = check.sql
    rows = check.candidates(con) if check.candidates else None
    if rows is not None:
        if sql.count(_FACTS) != 1:
            raise ValueError(f"check {check.name}: candidates need one {_FACTS!r} in its query")
        con.register("_candidates", pa.table({"rowid": pa.array(rows, pa.int64())}))
        sql = sql.replace(_FACTS, "FROM (SELECT * FROM fact_indicator "
                                  "WHERE rowid IN (SELECT rowid FROM _candidates)) f\n")
        if not rows:  # no fact left to offend: the query's columns only
            sql = f"SELECT * FROM ({sql}) LIMIT 0"
    try:
        reader = con.sql(sql).to_arrow_reader(max(sample_rows, 1024))
        failures, kept = 0, []
        for batch in reader:
            if failures < sample_rows:
                kept.append(batch.slice(0, sample_rows - failures))
            failures += batch.num_rows
    finally:
        if rows is not None:
            con.unregister("_candidates")
    table = pa.Table.from_batches(kept, schema=reader.schema)
    sample = pl.from_arrow(table)
    assert isinstance(sample, pl.DataFrame)
    summary = load.frame(con, check.summary_sql) if check.summary_sql else None
    return Outcome(check, failures, sample, summary)


def evaluate(con: duckdb.DuckDBPyConnection) -> dict[str, Outcome]:
    """Every check against an open warehouse, by name."""
    return {c.name: run_check(con, c) for c in CHECKS}


# ---------------------------------------------------------------- Dagster


def _asset_check(check: Check) -> dg.AssetChecksDefinition:
    # In the writers' pool: a reader opening the file while another run writes it would fail (notes trap 1).
    @dg.asset_check(asset=check.asset, name=check.name, description=check.description,
                    blocking=check.blocking, pool="duckdb_writer")
    def _run(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            outcome = run_check(con, check)
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            description=check.description if outcome.passed else f"{outcome.failures} offending rows",
            metadata={"offending_rows": outcome.failures, "sample": md_table(outcome.sample),
                      **({"summary": md_table(outcome.summary, rows=50, width=64)}
                         if outcome.summary is not None else {})},
        )

    return _run


def asset_checks(declared: Iterable[dg.AssetCheckKey] = ()) -> list[dg.AssetChecksDefinition]:
    """The Dagster checks, leaving out any an asset already declares inline (same asset and name)."""
    skip = set(declared)
    return [_asset_check(c) for c in CHECKS if dg.AssetCheckKey(dg.AssetKey(c.asset), c.name) not in skip]
