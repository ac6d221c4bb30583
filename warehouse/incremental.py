"""A nightly build that costs what arrived: apply the changed reports to a copy of the warehouse.

`load.rebuild` makes every table from all staged reports; with 10,000 reports
staged that is seconds of work for 100 new ones. Here the build starts from a
copy of the published warehouse (WarehouseResource.start_build) and compares
each inbox report's staging with what the last build read (`build.input`,
`load.staged_state`): only reports that are new, changed or gone are taken
again, with everything whose rows they can change:

- the other reports of their duplicate groups (same locality and year, or the
  same folded text, closed transitively), since a new copy may outrank the file
  kept until now (warehouse/dedupe.py);
- the reports a correction names, before and now (a new file can make a
  correction's report name ambiguous, or match it);
- the localities and years they belong to (the dimension rows, and the stored
  series, `load.refresh_metric_series`).

Everything else keeps its rows. The result is the same tables a full rebuild
gives (tests/test_incremental.py compares every table and view). A build falls
back to the full rebuild when there is no state, when the code or seeds changed
(`fingerprint`), or when more than `MAX_CHANGED_SHARE` of the inbox changed.

DuckDB refuses to delete a referenced row in the transaction that deleted its
referencing rows (its foreign-key limitation), so the update runs in a few
transactions; the file is the run's private copy, published only after the
checks, so no one sees the steps in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from models import Locality
from warehouse import corrections, dedupe, load
from warehouse.load import BuildSummary, StagedReport

# Past this share of the inbox changed, a full rebuild costs about the same and leaves the tables sorted.
MAX_CHANGED_SHARE = 0.2


@dataclass(frozen=True)
class Previous:
    """What the last build read of one report (a row of build.input)."""

    outcome: str
    token: str
    locality_key: str | None
    year: int | None
    content_sha256: str | None


def _previous(con: duckdb.DuckDBPyConnection, fingerprint: str) -> dict[str, Previous] | None:
    """The last build's inputs, if it was made by the same code and seeds and its tables are all there."""
    if not load.has_build_state(con):
        return None
    meta = con.execute("SELECT fingerprint FROM build.meta").fetchall()
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                      "AND database_name = current_database()").fetchall()}
    if meta != [(fingerprint,)] or not set(load.TABLES) <= have:
        return None
    rows = con.execute("SELECT report_id, outcome, token, locality_key, year, content_sha256 FROM build.input")
    return {r[0]: Previous(*r[1:]) for r in rows.fetchall()}


def _staged(staging: Path, rid: str) -> StagedReport:
    rep = load.staged_report(staging, rid)
    if rep is None:  # staged a moment ago (staged_state), gone now: the inbox is being re-staged
        raise _Restart(f"staging of {rid} changed during the build")
    return rep


class _Restart(Exception):
    """The incremental plan no longer holds: rebuild in full."""


def _digest(r: StagedReport) -> str:
    return r.content_sha256 or dedupe.content_fingerprint(r.report.text)


def _duplicate_groups(staging: Path, prev: dict[str, Previous], states: dict[str, tuple[str, str]],
                      changed: set[str], gone: set[str]) -> dict[str, StagedReport]:
    """The staged readings of the changed reports and of every unchanged one that can be their duplicate."""
    loaded = {rid: _staged(staging, rid) for rid in sorted(changed) if states[rid][0] == "report"}
    cells: set[tuple[str | None, int | None]] = set()
    digests: set[str | None] = set()
    for rid in changed | gone:
        if (p := prev.get(rid)) is not None and p.outcome == "report":
            cells.add((p.locality_key, p.year))
            digests.add(p.content_sha256)
    for r in loaded.values():
        cells.add((r.report.locality.key, r.report.year))
        digests.add(_digest(r))
    candidates = {rid: p for rid, p in prev.items()
                  if rid in states and rid not in changed and p.outcome == "report"}
    while True:  # a member can link to another group by its text: close over both keys
        joined = [rid for rid, p in candidates.items()
                  if (p.locality_key, p.year) in cells or p.content_sha256 in digests]
        if not joined:
            return loaded
        for rid in joined:
            p = candidates.pop(rid)
            cells.add((p.locality_key, p.year))
            digests.add(p.content_sha256)
            loaded[rid] = _staged(staging, rid)


def _corrected_reports(con: duckdb.DuckDBPyConnection, seeds_dir: Path,
                       others: list[corrections.ReportText]) -> set[str]:
    """Reports a correction names now (among `others`, the warehouse's reports) or named last time."""
    rows = corrections.read_corrections(seeds_dir)
    named = {r[0] for r in con.execute("SELECT report_id FROM correction WHERE report_id IS NOT NULL").fetchall()}
    for _, row in rows:
        named |= corrections.reports_named(row.get("report", ""), others)
    return named


def _ids_table(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[str]) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (report_id VARCHAR)")
    load._insert(con, name, pl.DataFrame({"report_id": sorted(set(ids))}, schema={"report_id": pl.String()}))


def update(con: duckdb.DuckDBPyConnection, staging: Path, seeds_dir: Path, states: dict[str, tuple[str, str]],
           fingerprint: str) -> BuildSummary | None:
    """Bring the tables in `con` to the staged results of `states`' reports; None: rebuild in full instead."""
    prev = _previous(con, fingerprint)
    if prev is None:
        return None
    changed = {rid for rid, (_, token) in states.items() if rid not in prev or prev[rid].token != token}
    gone = set(prev) - set(states)
    if len(changed) + len(gone) > MAX_CHANGED_SHARE * max(len(states), 1):
        return None
    try:
        return _update(con, staging, seeds_dir, states, fingerprint, prev, changed, gone)
    except _Restart:
        return None


def _update(con: duckdb.DuckDBPyConnection, staging: Path, seeds_dir: Path, states: dict[str, tuple[str, str]],
            fingerprint: str, prev: dict[str, Previous], changed: set[str], gone: set[str]) -> BuildSummary:
    group = _duplicate_groups(staging, prev, states, changed, gone)
    kept, duplicates = load._set_aside_duplicates(staging, [group[rid] for rid in sorted(group)])
    rejections = [rej for rid in sorted(changed) if states[rid][0] == "rejected"
                  and (rej := load.staged_rejection(staging, rid)) is not None]
    rejections += duplicates
    missing = sorted(rid for rid, (outcome, _) in states.items() if outcome == "missing")

    # Every report the tables keep: those untouched here (from dim_report) and the kept of the groups.
    retaken = changed | gone | set(group)
    untouched = [corrections.ReportText(r[0], r[1], r[2], "", r[3], r[4]) for r in con.execute(
        "SELECT report_id, file_name, sha256, locality_key, year FROM dim_report").fetchall() if r[0] not in retaken]
    # Their texts are not needed: a correction's text is only read from the report it names, taken again here.
    texts = untouched + [load.report_text(r) for r in kept]
    named = _corrected_reports(con, seeds_dir, texts) - retaken
    corrected = [_staged(staging, rid) for rid in sorted(named) if states.get(rid, ("",))[0] == "report"]
    taken = sorted([*kept, *corrected], key=lambda r: r.report.report_id)
    texts = [t for t in texts if t.report_id not in named] + [load.report_text(r) for r in corrected]

    dim_domain, dim_metric = load.dim_domain_frame(seeds_dir), load.dim_metric_frame(seeds_dir)
    facts = load.read_staged_facts(staging, [r.report.report_id for r in taken])
    facts, log = load._apply_corrections(facts, texts, dim_metric, dim_domain, seeds_dir)
    facts = facts.sort("report_id", "span_start", "span_end", "fact_id")
    load._check_codes(facts, "metric", dim_metric["metric"], "metrics.csv")
    load._check_codes(facts, "domain", dim_domain["domain"], "domains.csv")

    old_ids = retaken | named
    before = {r[0] for r in con.execute("SELECT DISTINCT locality_key FROM dim_report WHERE report_id IN "
                                        "(SELECT unnest(?::VARCHAR[]))", [sorted(old_ids)]).fetchall()}
    _ids_table(con, "retaken", old_ids)
    # 1. the facts of every report taken again, then (next transaction: DuckDB's foreign keys) their rows
    con.execute("DELETE FROM fact_indicator WHERE report_id IN (SELECT report_id FROM retaken)")
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM dim_report WHERE report_id IN (SELECT report_id FROM retaken)")
    con.execute("DELETE FROM rejected_report WHERE report_id IN (SELECT report_id FROM retaken)")
    # 2. the new rows, referenced tables first
    known = {r[0] for r in con.execute("SELECT locality_key FROM dim_locality").fetchall()}
    localities = load.dim_locality_frame(taken)
    load._insert(con, "dim_locality", localities.filter(~pl.col("locality_key").is_in(sorted(known))))
    years = [r.report.year for r in taken]
    if years:
        con.execute("INSERT INTO dim_year SELECT y::INTEGER FROM range(?, ?) t(y) "
                    "WHERE y NOT IN (SELECT year FROM dim_year)", [min(years), max(years) + 1])
    load._insert(con, "dim_report", load.dim_report_frame(taken))
    load._insert(con, "fact_indicator", facts)
    load._insert(con, "rejected_report", load.rejected_report_frame(rejections))
    con.execute("DELETE FROM correction")
    load._insert(con, "correction", log)
    con.execute("COMMIT")
    # 3. the dimensions' rows as a rebuild makes them: each locality as its latest report reads it, the
    #    years from the first to the last; rows no report references any more go
    touched = before | set(localities["locality_key"])
    _refresh_localities(con, staging, touched, {r.report.report_id: r for r in taken})
    con.execute("DELETE FROM dim_locality WHERE locality_key NOT IN (SELECT locality_key FROM dim_report)")
    con.execute("DELETE FROM dim_year WHERE year NOT BETWEEN (SELECT min(year) FROM dim_report) "
                "AND (SELECT max(year) FROM dim_report)")
    con.execute("INSERT INTO dim_year SELECT y::INTEGER FROM range((SELECT min(year) FROM dim_report), "
                "(SELECT max(year) FROM dim_report) + 1) t(y) WHERE y NOT IN (SELECT year FROM dim_year)")
    con.execute("DROP TABLE retaken")
    # 4. what this build read, for the next one
    previous = load.frame(con, "SELECT * FROM build.input")
    fresh = load.input_rows({rid: states[rid] for rid in sorted(old_ids) if rid in states},
                            [*group.values(), *corrected])
    inputs = pl.concat([previous.filter(~pl.col("report_id").is_in(sorted(old_ids))), fresh]).sort("report_id")
    con.execute("BEGIN TRANSACTION")
    load.write_state(con, inputs.cast(load.INPUT_SCHEMA), fingerprint, "incremental", touched)
    con.execute("COMMIT")
    return BuildSummary(load.row_counts(con), missing, log)


_LOCALITY_COLUMNS = ("name", "code", "level", "city", "city_code", "province", "province_code")


def _refresh_localities(con: duckdb.DuckDBPyConnection, staging: Path, keys: set[str],
                        read: dict[str, StagedReport]) -> None:
    """Each touched locality's row as its latest report (then the first by id) reads it, as a rebuild keeps it."""
    if not keys:
        return
    winners = con.execute("""
        SELECT locality_key, report_id FROM dim_report WHERE locality_key IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY locality_key ORDER BY year DESC, report_id) = 1""",
                          [sorted(keys)]).fetchall()
    for key, rid in winners:
        loc: Locality = (read[rid] if rid in read else _staged(staging, rid)).report.locality
        values = [getattr(loc, c) for c in _LOCALITY_COLUMNS]
        con.execute(f"UPDATE dim_locality SET {', '.join(f'{c} = ?' for c in _LOCALITY_COLUMNS)} "
                    "WHERE locality_key = ? AND ("
                    + " OR ".join(f"{c} IS DISTINCT FROM ?" for c in _LOCALITY_COLUMNS) + ")",
                    [*values, key, *values])

