"""What changed since the previous warehouse: vintages, retired facts, the run's diff.

Every build makes a fresh warehouse from staging, so history is carried over
from the previously published file, which is attached read-only (analysts may
hold it open; readers do not block readers):

- `fact_seen` remembers when each fact first appeared, so a fact's vintage
  starts when it was first published, not when it was last rebuilt;
- `fact_history` keeps every fact that is no longer current — its report was
  changed (superseded), removed from the inbox (retired) or re-read by a new
  extractor — with the interval it was valid;
- `build_log` records, per report, the facts added, changed and removed by each
  build that changed anything. A build that changes nothing writes nothing, so
  re-running on the same inputs gives the same warehouse (DBnomics' rule).

Facts are compared across builds by a key that survives re-extraction of a
changed file: (report file, metric_text, unit, kind, n-th occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

TABLES = ("fact_seen", "fact_history", "build_log")
VIEWS = ("fact_vintage", "retired_facts")

_FACT_SEEN_KEY = "fact_id    VARCHAR PRIMARY KEY,"
HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS fact_seen (
    fact_id    VARCHAR PRIMARY KEY,
    first_seen TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS fact_history (
    fact_id        VARCHAR NOT NULL,
    report_id      VARCHAR NOT NULL,
    report_file    VARCHAR NOT NULL,
    report_sha256  VARCHAR,
    locality_key   VARCHAR,
    year           INTEGER,
    domain         VARCHAR,
    metric         VARCHAR,
    metric_text    VARCHAR,
    value          DOUBLE,
    unit           VARCHAR,
    qualifier      VARCHAR,
    kind           VARCHAR,
    mention        VARCHAR,
    span_start     INTEGER,
    span_end       INTEGER,
    valid_from     TIMESTAMPTZ NOT NULL,
    valid_to       TIMESTAMPTZ NOT NULL,
    retired_reason VARCHAR NOT NULL   -- report_changed / report_removed / re_extracted
);
CREATE TABLE IF NOT EXISTS build_log (
    built_at    TIMESTAMPTZ NOT NULL,
    report_file VARCHAR NOT NULL,
    added       INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    removed     INTEGER NOT NULL
);
"""
assert _FACT_SEEN_KEY in HISTORY_DDL

# The facts of a warehouse (current or attached as `prev`) with the key that
# identifies "the same fact" across builds.
_KEYED = """
SELECT f.fact_id, f.report_id, r.file_name AS report_file, r.sha256 AS report_sha256, r.ingested_at,
       f.locality_key, f.year, f.domain, f.metric, f.metric_text, f.value, f.unit, f.qualifier, f.kind,
       f.mention, f.span_start, f.span_end,
       row_number() OVER (PARTITION BY r.file_name, f.metric_text, f.unit, f.kind
                          ORDER BY f.span_start, f.fact_id) AS occurrence
FROM {db}fact_indicator f JOIN {db}dim_report r USING (report_id)
{where}"""


# The report files whose facts may differ between the previous warehouse ({db}) and this one: a fact
# (fact_id, file) on one side only, or the same fact with another value in a column the diff or its key
# reads. For any other file both sides hold the same facts (fact_id is unique on each side), so they
# number their occurrences alike and the keyed diff pairs every fact with itself: nothing added, changed
# or removed, and no fact retired. The keyed diff then runs on the touched files only (a nightly build
# touches its new reports, not the 10,000 already there); a fact_id compare is one hash join.
_TOUCHED = """
SELECT DISTINCT coalesce(n.report_file, o.report_file) AS report_file
FROM (SELECT f.*, r.file_name AS report_file FROM fact_indicator f JOIN dim_report r USING (report_id)) n
FULL OUTER JOIN (SELECT f.*, r.file_name AS report_file FROM {db}fact_indicator f JOIN {db}dim_report r
                 USING (report_id)) o
  ON n.fact_id = o.fact_id AND n.report_file = o.report_file
WHERE n.fact_id IS NULL OR o.fact_id IS NULL
   OR n.span_start IS DISTINCT FROM o.span_start OR n.metric_text IS DISTINCT FROM o.metric_text
   OR n.unit IS DISTINCT FROM o.unit OR n.kind IS DISTINCT FROM o.kind OR n.value IS DISTINCT FROM o.value
   OR n.qualifier IS DISTINCT FROM o.qualifier OR n.metric IS DISTINCT FROM o.metric
   OR n.domain IS DISTINCT FROM o.domain
"""


def _keyed_touched(db: str) -> str:
    """_KEYED for the touched files only (occurrences are numbered within a file, so they are the same)."""
    return _KEYED.format(db=db, where="WHERE r.file_name IN (SELECT report_file FROM touched_files)")


@dataclass(frozen=True)
class ReportDiff:
    report_file: str
    added: int
    changed: int
    removed: int


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND table_name = ?", [schema, table]
    ).fetchall()
    return bool(rows)


def carry_history(con: duckdb.DuckDBPyConnection, previous_db: Path | None, now: datetime) -> list[ReportDiff]:
    """Bring the previous warehouse's history into `con`'s tables; return this build's diff.

    A build starts from a copy of the previous warehouse (WarehouseResource.start_build), history
    tables included; one that starts from an empty file gets them copied from `previous_db`."""
    # fact_seen's primary key is added once its 700,000 rows are in: one bulk index build, not one
    # insert at a time (1.0 s → 0.3 s). Same table in the end.
    fresh = not _has_table(con, con.execute("SELECT current_database()").fetchall()[0][0], "fact_seen")
    con.execute(HISTORY_DDL.replace(_FACT_SEEN_KEY, "fact_id    VARCHAR NOT NULL,") if fresh else HISTORY_DDL)
    attached = previous_db is not None and previous_db.exists()
    if attached:
        con.execute(f"ATTACH '{previous_db}' AS prev (READ_ONLY)")
    try:
        if attached and _has_table(con, "prev", "fact_indicator"):
            for table in TABLES:
                if fresh and _has_table(con, "prev", table):
                    con.execute(f"INSERT INTO {table} SELECT * FROM prev.{table}")
            con.execute(f"CREATE TEMP TABLE touched_files AS {_TOUCHED.format(db='prev.')}")
            con.execute(f"CREATE TEMP TABLE old_facts AS {_keyed_touched('prev.')}")
        else:
            con.execute("CREATE TEMP TABLE touched_files AS SELECT DISTINCT file_name AS report_file FROM dim_report")
            con.execute(f"CREATE TEMP TABLE old_facts AS {_KEYED.format(db='', where='')} LIMIT 0")
        con.execute(f"CREATE TEMP TABLE new_facts AS {_keyed_touched('')}")
        diff = _diff(con)
        _retire(con, now)
        # First appearance of every current fact: kept from before, else now.
        con.execute("INSERT INTO fact_seen SELECT f.fact_id, ? FROM fact_indicator f JOIN dim_report USING (report_id) "
                    "WHERE f.fact_id NOT IN (SELECT fact_id FROM fact_seen)", [now])
        if fresh:
            con.execute("ALTER TABLE fact_seen ADD PRIMARY KEY (fact_id)")
        if diff:
            con.executemany("INSERT INTO build_log VALUES (?, ?, ?, ?, ?)",
                            [(now, d.report_file, d.added, d.changed, d.removed) for d in diff])
        return diff
    finally:
        con.execute("DROP TABLE IF EXISTS old_facts")
        con.execute("DROP TABLE IF EXISTS new_facts")
        con.execute("DROP TABLE IF EXISTS touched_files")
        if attached:
            con.execute("DETACH prev")


def _diff(con: duckdb.DuckDBPyConnection) -> list[ReportDiff]:
    rows = con.execute("""
        WITH pairs AS (
            SELECT coalesce(n.report_file, o.report_file) AS report_file,
                   o.fact_id IS NULL AS is_added,
                   n.fact_id IS NULL AS is_removed,
                   o.fact_id IS NOT NULL AND n.fact_id IS NOT NULL
                     AND (o.value IS DISTINCT FROM n.value OR o.qualifier IS DISTINCT FROM n.qualifier
                          OR o.metric IS DISTINCT FROM n.metric OR o.domain IS DISTINCT FROM n.domain)
                     AS is_changed
            FROM new_facts n FULL OUTER JOIN old_facts o
              ON n.report_file = o.report_file AND n.metric_text = o.metric_text AND n.unit = o.unit
             AND n.kind = o.kind AND n.occurrence = o.occurrence
        )
        SELECT report_file, count(*) FILTER (is_added), count(*) FILTER (is_changed), count(*) FILTER (is_removed)
        FROM pairs GROUP BY report_file
        HAVING count(*) FILTER (is_added OR is_changed OR is_removed) > 0
        ORDER BY report_file
    """).fetchall()
    return [ReportDiff(*r) for r in rows]


def _retire(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Facts of the previous warehouse that are no longer current go to fact_history, with why."""
    con.execute("""
        INSERT INTO fact_history
        SELECT o.fact_id, o.report_id, o.report_file, o.report_sha256, o.locality_key, o.year, o.domain,
               o.metric, o.metric_text, o.value, o.unit, o.qualifier, o.kind, o.mention, o.span_start,
               o.span_end, coalesce(s.first_seen, o.ingested_at), ?,
               CASE WHEN o.report_id NOT IN (SELECT report_id FROM dim_report)
                         AND o.report_file IN (SELECT file_name FROM dim_report) THEN 'report_changed'
                    WHEN o.report_id NOT IN (SELECT report_id FROM dim_report) THEN 'report_removed'
                    ELSE 're_extracted' END
        FROM old_facts o LEFT JOIN fact_seen s USING (fact_id)
        WHERE o.fact_id NOT IN (SELECT f.fact_id FROM fact_indicator f JOIN dim_report USING (report_id))
    """, [now])


VINTAGE_VIEWS = """
-- Every fact ever published, current or not, with the interval it was valid.
CREATE OR REPLACE VIEW fact_vintage AS
SELECT f.fact_id, f.report_id, r.file_name AS report_file, r.sha256 AS report_sha256, f.locality_key, f.year,
       f.domain, f.metric, f.metric_text, f.value, f.unit, f.qualifier, f.kind, f.mention, f.span_start,
       f.span_end, coalesce(s.first_seen, r.ingested_at) AS valid_from, NULL::TIMESTAMPTZ AS valid_to,
       NULL AS retired_reason
FROM fact_indicator f JOIN dim_report r USING (report_id) LEFT JOIN fact_seen s USING (fact_id)
UNION ALL
SELECT * FROM fact_history;

-- The facts as they were published at a moment: SELECT * FROM facts_as_of(TIMESTAMPTZ '2026-01-01').
CREATE OR REPLACE MACRO facts_as_of(ts) AS TABLE
SELECT * FROM fact_vintage WHERE valid_from <= ts AND (valid_to IS NULL OR valid_to > ts);

-- Facts no longer current because their report was removed from the inbox or replaced.
CREATE OR REPLACE VIEW retired_facts AS
SELECT * FROM fact_history WHERE retired_reason IN ('report_removed', 'report_changed');
"""


def create_vintage_views(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(HISTORY_DDL)
    con.execute(VINTAGE_VIEWS)
