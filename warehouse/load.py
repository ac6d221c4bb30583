"""Stage per-report results, then build the star schema from the staging area.

Plain functions, no Dagster: the assets call them, tests call them directly.

Staging layout (one file per report and stage, so each per-report step writes
only its own files and a half-finished run never corrupts another report):

    <staging>/sources/<report_id>.json      the SourceFile found in the inbox
    <staging>/reports/<report_id>.json      the Report read, + extractor version/fingerprint
    <staging>/rejections/<report_id>.json   or the Rejection, + when it was first seen
    <staging>/facts/<report_id>.parquet     the report's mentions as fact rows

The tables are then made from the staged reports the caller names: rebuilt in
full, in one transaction (`rebuild`), or, when the warehouse was built by the
same code and seeds, updated with just the reports whose staging changed
(warehouse/incremental.py); the same tables either way, and running it twice on
the same staging changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from models import Mention, Rejection, Report, SourceFile
from warehouse import corrections, dedupe

# Drop order: tables that reference others first (DuckDB enforces the dimensions' FKs).
TABLES = ("fact_indicator", "dim_report", "dim_metric", "dim_domain", "dim_locality", "dim_year", "rejected_report",
          "correction")

FACT_SCHEMA: dict[str, pl.DataType] = {
    "fact_id": pl.String(), "report_id": pl.String(), "locality_key": pl.String(), "year": pl.Int32(),
    "domain": pl.String(), "metric": pl.String(), "metric_text": pl.String(), "value": pl.Float64(),
    "unit": pl.String(), "raw_value": pl.String(), "raw_unit": pl.String(), "multiplier": pl.Int32(),
    "qualifier": pl.String(), "kind": pl.String(), "status": pl.String(), "mention": pl.String(),
    "span_start": pl.Int32(),
    "span_end": pl.Int32(), "sentence": pl.String(), "sentence_start": pl.Int32(), "heading": pl.String(),
}


@dataclass(frozen=True)
class StagedReport:
    report: Report
    extractor_version: str
    fingerprint: str
    content_sha256: str | None = None  # dedupe.content_fingerprint of the text, computed once at staging


@dataclass(frozen=True)
class StagedRejection:
    report_id: str
    rejection: Rejection
    seen_at: datetime
    fingerprint: str


def staging_dir_for(db_path: Path) -> Path:
    """The staging folder that belongs to a warehouse file: warehouse/indicators.staging."""
    return db_path.with_name(db_path.stem + ".staging")


def sql_text(name: str) -> str:
    return resources.files("warehouse").joinpath(name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- staging


def _fspath(staging: Path, stage: str, report_id: str, ext: str) -> str:
    """_path as a string: for the loops over every staged report (pathlib was 0.3 s of a build)."""
    return f"{staging}{os.sep}{stage}{os.sep}{report_id}.{ext}"


def _path(staging: Path, stage: str, report_id: str, ext: str) -> Path:
    return staging / stage / f"{report_id}.{ext}"


def _write_atomic(path: Path, write) -> None:
    """Write through a temp file and rename, so a crash never leaves a truncated file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    _write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def _unlink(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def stage_source(staging: Path, src: SourceFile) -> None:
    _write_json(_path(staging, "sources", src.report_id, "json"), src.model_dump(mode="json"))


def staged_source(staging: Path, report_id: str) -> SourceFile | None:
    p = _path(staging, "sources", report_id, "json")
    return SourceFile.model_validate_json(p.read_text(encoding="utf-8")) if p.exists() else None


def staged_report(staging: Path, report_id: str) -> StagedReport | None:
    try:
        with open(_fspath(staging, "reports", report_id, "json"), encoding="utf-8") as f:
            d = json.load(f)
    except FileNotFoundError:
        return None
    return StagedReport(Report.model_validate(d["report"]), d["extractor_version"], d["fingerprint"],
                        d.get("content_sha256"))


def staged_rejection(staging: Path, report_id: str) -> StagedRejection | None:
    p = _path(staging, "rejections", report_id, "json")
    if not p.exists():
        return None
    d = json.loads(p.read_text(encoding="utf-8"))
    return StagedRejection(report_id, Rejection.model_validate(d["rejection"]),
                           datetime.fromisoformat(d["seen_at"]), d["fingerprint"])


def stage_report(staging: Path, report: Report, extractor_version: str, fingerprint: str) -> Report:
    """Stage a report read successfully; returns it as staged.

    Re-reading an unchanged file keeps its first ingested_at, so a rebuild
    that changes nothing changes no row (DBnomics' rule).
    """
    old = staged_report(staging, report.report_id)
    if old is not None and old.report.sha256 == report.sha256:
        report = report.model_copy(update={"ingested_at": old.report.ingested_at})
    _write_json(_path(staging, "reports", report.report_id, "json"), {
        "extractor_version": extractor_version, "fingerprint": fingerprint,
        # Per report, once: folding every text again on every build was most of a nightly rebuild.
        "content_sha256": dedupe.content_fingerprint(report.text),
        "report": report.model_dump(mode="json"),
    })
    # The facts and any rejection came from an older reading: they are stale now.
    _unlink(_path(staging, "facts", report.report_id, "parquet"),
            _path(staging, "rejections", report.report_id, "json"))
    return report


def stage_rejection(staging: Path, report_id: str, rejection: Rejection, fingerprint: str) -> None:
    """Stage a rejected file (and forget any earlier successful reading of it)."""
    old = staged_rejection(staging, report_id)
    seen_at = old.seen_at if old is not None and old.rejection == rejection else datetime.now(UTC)
    _write_json(_path(staging, "rejections", report_id, "json"), {
        "fingerprint": fingerprint, "seen_at": seen_at.isoformat(),
        "rejection": rejection.model_dump(mode="json"),
    })
    _unlink(_path(staging, "reports", report_id, "json"), _path(staging, "facts", report_id, "parquet"))


def fact_id(report_id: str, span_start: int, span_end: int, metric_text: str) -> str:
    """Stable id of a fact: where it stands in its report and what it counts."""
    key = f"{report_id}\x1f{span_start}\x1f{span_end}\x1f{metric_text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def facts_frame(report: Report, mentions: Iterable[Mention]) -> pl.DataFrame:
    """Fact rows of one report, sorted by position, one row per fact_id."""
    rows = [{
        "fact_id": fact_id(report.report_id, m.span_start, m.span_end, m.metric_text),
        "report_id": report.report_id, "locality_key": report.locality.key, "year": report.year,
        "domain": m.domain, "metric": m.metric, "metric_text": m.metric_text, "value": m.value,
        "unit": m.unit, "raw_value": m.raw_value, "raw_unit": m.raw_unit, "multiplier": m.multiplier,
        "qualifier": m.qualifier, "kind": m.kind, "status": m.status, "mention": m.mention,
        "span_start": m.span_start,
        "span_end": m.span_end, "sentence": m.sentence, "sentence_start": m.sentence_start,
        "heading": m.heading,
    } for m in mentions]
    df = pl.DataFrame(rows, schema=FACT_SCHEMA)
    # The same span read twice as the same thing is one fact; keep the first.
    return df.sort("span_start", "span_end", "metric_text", "fact_id").unique("fact_id", keep="first",
                                                                                maintain_order=True)


def stage_facts(staging: Path, report: Report, mentions: Iterable[Mention]) -> pl.DataFrame:
    df = facts_frame(report, mentions)
    _write_atomic(_path(staging, "facts", report.report_id, "parquet"), lambda p: df.write_parquet(p))
    return df


# The start of a staged file as _write_json writes it (sorted keys): the fingerprint comes before the
# report's text, so reading the first bytes is enough (parsing whole reports was 0.7 s on 10,000).
# Anchored at the first byte and on the keys before it; anything else is parsed in full.
_FINGERPRINT_HEAD = {
    "reports": re.compile(rb'\{"content_sha256": (?:"[0-9a-f]*"|null), "extractor_version": "[^"\\]*", '
                          rb'"fingerprint": "([^"\\]*)", "report": '),
    "rejections": re.compile(rb'\{"fingerprint": "([^"\\]*)", "rejection": '),
}


def _staged_fingerprint(staging: Path, stage: str, report_id: str) -> str | None:
    p = _fspath(staging, stage, report_id, "json")
    try:
        with open(p, "rb") as f:
            head = f.read(1024)
    except FileNotFoundError:
        return None
    if (m := _FINGERPRINT_HEAD[stage].match(head)) is not None:
        return m.group(1).decode("utf-8")
    with open(p, encoding="utf-8") as f:
        return json.load(f)["fingerprint"]


def is_staged(staging: Path, report_id: str, fingerprint: str) -> bool:
    """True when this report's staging is complete and made by the current extractor.

    Reads only the fingerprint (no validation of the whole staged report: this runs for every
    report of the inbox, twice per build)."""
    rep = _staged_fingerprint(staging, "reports", report_id)
    if rep is not None:
        return rep == fingerprint and os.path.exists(_fspath(staging, "facts", report_id, "parquet"))
    return _staged_fingerprint(staging, "rejections", report_id) == fingerprint


def _file_token(path: str) -> str | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return f"{st.st_mtime_ns}:{st.st_size}"


def staged_state(staging: Path, report_id: str) -> tuple[str, str]:
    """(outcome, token) of a report's staging, as a build reads it: "report" when its reading and its
    facts are staged, else "rejected" when a rejection is, else "missing". The token (modification time
    in ns and size of those files: staging only ever replaces a file whole, with a new time) changes
    whenever they are rewritten, so comparing tokens tells an incremental build which reports to take
    again without reading them; a copy that keeps times (cp -a, rsync -a) keeps the tokens."""
    rep = _file_token(_fspath(staging, "reports", report_id, "json"))
    facts = _file_token(_fspath(staging, "facts", report_id, "parquet"))
    if rep is not None and facts is not None:
        return "report", f"{rep}|{facts}"
    if (rej := _file_token(_fspath(staging, "rejections", report_id, "json"))) is not None:
        return "rejected", rej
    return "missing", ""


def staged_facts(staging: Path, report_id: str) -> pl.DataFrame | None:
    p = _path(staging, "facts", report_id, "parquet")
    return pl.read_parquet(p) if p.exists() else None


def read_staged_facts(staging: Path, report_ids: Sequence[str]) -> pl.DataFrame:
    """The staged facts of these reports (all staged), in this order, as one frame: one
    multi-file read (reading 10,000 small files one by one was most of a nightly rebuild)."""
    paths = [_fspath(staging, "facts", rid, "parquet") for rid in report_ids]
    if not paths:
        return pl.DataFrame(schema=FACT_SCHEMA)
    try:
        return pl.read_parquet(paths)
    except (pl.exceptions.PolarsError, OSError):  # files staged by an older schema: one by one
        return pl.concat([pl.read_parquet(p) for p in paths], how="diagonal_relaxed")


# ---------------------------------------------------------------- frames


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def dim_locality_frame(reports: Sequence[StagedReport]) -> pl.DataFrame:
    """The localities the reports cover (keeps the dimension small).

    If two reports disagree on a locality's attributes, the latest year's
    reading wins, deterministically.
    """
    rows = [{"locality_key": r.report.locality.key, "name": r.report.locality.name,
             "code": r.report.locality.code, "level": r.report.locality.level,
             "city": r.report.locality.city, "city_code": r.report.locality.city_code,
             "province": r.report.locality.province, "province_code": r.report.locality.province_code,
             "_year": r.report.year, "_rid": r.report.report_id} for r in reports]
    schema = {k: pl.String() for k in ("locality_key", "name", "code", "level", "city", "city_code",
                                        "province", "province_code", "_rid")} | {"_year": pl.Int32()}
    df = pl.DataFrame(rows, schema=schema)
    return (df.sort("locality_key", "_year", "_rid", descending=[False, True, False])
              .unique("locality_key", keep="first", maintain_order=True).drop("_year", "_rid"))


def dim_year_frame(reports: Sequence[StagedReport]) -> pl.DataFrame:
    """Every year from the first to the last covered, so gaps show up in coverage queries."""
    years = [r.report.year for r in reports]
    span = range(min(years), max(years) + 1) if years else range(0)
    return pl.DataFrame({"year": list(span)}, schema={"year": pl.Int32()})


def dim_domain_frame(seeds_dir: Path) -> pl.DataFrame:
    df = pl.read_csv(seeds_dir / "domains.csv", infer_schema=False)
    return df.rename({"code": "domain"}).select("domain", "name_zh", "name_en", "description").sort("domain")


def dim_metric_frame(seeds_dir: Path) -> pl.DataFrame:
    df = pl.read_csv(seeds_dir / "metrics.csv", infer_schema=False)
    return (df.rename({"code": "metric"})
              .select("metric", "domain", "name_zh", "name_en", "usual_unit", "kind", "covers").sort("metric"))


def dim_report_frame(reports: Sequence[StagedReport]) -> pl.DataFrame:
    rows = [{
        "report_id": r.report.report_id, "file_name": r.report.file_name, "sha256": r.report.sha256,
        "content_sha256": r.content_sha256 or dedupe.content_fingerprint(r.report.text),
        "size_bytes": r.report.size_bytes, "format": r.report.format, "encoding": r.report.encoding,
        "title": r.report.title, "locality_key": r.report.locality.key, "year": r.report.year,
        "published": r.report.published, "doc_number": r.report.doc_number, "issuer": r.report.issuer,
        "text": r.report.text, "ingested_at": _utc(r.report.ingested_at),
        "extractor_version": r.extractor_version,
    } for r in reports]
    schema = {"report_id": pl.String(), "file_name": pl.String(), "sha256": pl.String(),
              "content_sha256": pl.String(), "size_bytes": pl.Int64(), "format": pl.String(), "encoding": pl.String(), "title": pl.String(),
              "locality_key": pl.String(), "year": pl.Int32(), "published": pl.Date(),
              "doc_number": pl.String(), "issuer": pl.String(), "text": pl.String(),
              "ingested_at": pl.Datetime("us", "UTC"), "extractor_version": pl.String()}
    return pl.DataFrame(rows, schema=schema).sort("report_id")


def rejected_report_frame(rejections: Sequence[StagedRejection]) -> pl.DataFrame:
    rows = [{"report_id": r.report_id, "file_name": r.rejection.file_name, "path": r.rejection.path,
             "sha256": r.rejection.sha256, "stage": r.rejection.stage, "reason": r.rejection.reason,
             "seen_at": _utc(r.seen_at)} for r in rejections]
    schema = {k: pl.String() for k in ("report_id", "file_name", "path", "sha256", "stage", "reason")}
    return pl.DataFrame(rows, schema=schema | {"seen_at": pl.Datetime("us", "UTC")}).sort("report_id")


# ---------------------------------------------------------------- build


@dataclass(frozen=True)
class BuildSummary:
    row_counts: dict[str, int]
    missing: list[str]  # report ids asked for but not (completely) staged yet
    corrections: pl.DataFrame | None = None  # one row per correction and what became of it

    @property
    def corrections_applied(self) -> int:
        return 0 if self.corrections is None else self.corrections.filter(pl.col("status") == "applied").height

    @property
    def corrections_not_applied(self) -> pl.DataFrame:
        log = self.corrections if self.corrections is not None else pl.DataFrame(schema=corrections.LOG_SCHEMA)
        return log.filter(pl.col("status") != "applied")


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pl.DataFrame) -> None:
    if df.is_empty():
        return
    # Arrow string views: no copy of the strings (plain to_arrow() copied the 10,000-report
    # fact frame into large_string buffers: +0.5 GB at the peak of a build).
    con.register("_frame", df.to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def _check_codes(facts: pl.DataFrame, column: str, known: pl.Series, seeds_file: str) -> None:
    unknown = sorted(set(facts[column].drop_nulls().unique().to_list()) - set(known.to_list()))
    if unknown:
        raise ValueError(f"fact {column} codes missing from seeds/{seeds_file}: {', '.join(unknown)}")


def report_text(r: StagedReport) -> corrections.ReportText:
    return corrections.ReportText(r.report.report_id, r.report.file_name, r.report.sha256, r.report.text,
                                  r.report.locality.key, r.report.year)


def _apply_corrections(facts: pl.DataFrame, texts: Sequence[corrections.ReportText], dim_metric: pl.DataFrame,
                       dim_domain: pl.DataFrame, seeds_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """seeds/corrections.csv applied to the staged facts: after staging, so re-extraction never loses them.

    `texts`: every report of the warehouse (a correction's report must be named by exactly one)."""
    facts = facts.with_columns(pl.lit(None, dtype=pl.String()).alias("corrected_by"))
    rows = corrections.read_corrections(seeds_dir)
    if not rows:
        return facts, pl.DataFrame(schema=corrections.LOG_SCHEMA)
    catalog = corrections.Catalog(dict(zip(dim_metric["metric"], dim_metric["domain"], strict=True)),
                                  frozenset(dim_domain["domain"]))
    return corrections.apply_corrections(facts, rows, texts, catalog, fact_id)


def _set_aside_duplicates(staging: Path, reports: list[StagedReport]):
    """The same report in several files counts once (warehouse/dedupe.py); the copies become rejections."""
    digests = {r.report.report_id: r.content_sha256 for r in reports if r.content_sha256}
    dups = {d.report.report_id: d for d in dedupe.find_duplicates([r.report for r in reports], digests)}
    keep = [i for i, r in enumerate(reports) if r.report.report_id not in dups]
    rejections = []
    for rid, d in dups.items():
        src = staged_source(staging, rid)
        rejections.append(StagedRejection(rid, Rejection(
            file_name=d.report.file_name, path=src.path if src else d.report.file_name, sha256=d.report.sha256,
            stage="duplicate", reason=d.reason), d.report.ingested_at, ""))
    return [reports[i] for i in keep], rejections


_FACT_KEY = "fact_id        VARCHAR PRIMARY KEY,"


def _schema_without_fact_key() -> str:
    ddl = sql_text("schema.sql")
    if ddl.count(_FACT_KEY) != 1:
        raise ValueError(f"schema.sql: expected one {_FACT_KEY!r} in fact_indicator")
    return ddl.replace(_FACT_KEY, "fact_id        VARCHAR NOT NULL,")


# ---------------------------------------------------------------- build state

# What the last build read, kept in the warehouse (schema `build`, not published) so that the next
# build can take only what changed (warehouse/incremental.py). `input`: one row per inbox report, its
# staging outcome and token (`staged_state`) and what groups it with its possible duplicates; `meta`:
# the fingerprint of the code and seeds the tables were built with, and how; `touched`: the localities
# whose rows the last build rewrote (the stored series are refreshed for those only).
STATE_DDL = """
CREATE SCHEMA IF NOT EXISTS build;
CREATE OR REPLACE TABLE build.input (
    report_id      VARCHAR PRIMARY KEY,
    outcome        VARCHAR NOT NULL,   -- report / rejected / missing, as staged
    token          VARCHAR NOT NULL,
    locality_key   VARCHAR,
    year           INTEGER,
    content_sha256 VARCHAR
);
CREATE OR REPLACE TABLE build.meta (fingerprint VARCHAR, mode VARCHAR NOT NULL);
CREATE OR REPLACE TABLE build.touched (locality_key VARCHAR NOT NULL);
"""
INPUT_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(), "outcome": pl.String(), "token": pl.String(), "locality_key": pl.String(),
    "year": pl.Int32(), "content_sha256": pl.String(),
}


def input_rows(states: dict[str, tuple[str, str]], reports: Iterable[StagedReport]) -> pl.DataFrame:
    """build.input rows for these reports' states; the staged readings among them give their group keys."""
    read = {r.report.report_id: r for r in reports}
    rows = []
    for rid, (outcome, token) in states.items():
        r = read.get(rid) if outcome == "report" else None
        rows.append({"report_id": rid, "outcome": outcome, "token": token,
                     "locality_key": r.report.locality.key if r else None, "year": r.report.year if r else None,
                     "content_sha256": (r.content_sha256 or dedupe.content_fingerprint(r.report.text)) if r else None})
    return pl.DataFrame(rows, schema=INPUT_SCHEMA)


def write_state(con: duckdb.DuckDBPyConnection, inputs: pl.DataFrame, fingerprint: str | None, mode: str,
                touched: Iterable[str]) -> None:
    """Record what this build read (all of build.input is replaced: a full build, or the incremental one's
    merged rows)."""
    con.execute(STATE_DDL)
    _insert(con, "build.input", inputs)
    con.execute("INSERT INTO build.meta VALUES (?, ?)", [fingerprint, mode])
    _insert(con, "build.touched", pl.DataFrame({"locality_key": sorted(set(touched))},
                                               schema={"locality_key": pl.String()}))


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: scalar(con, f"SELECT count(*) FROM {t}") for t in TABLES}


# ---------------------------------------------------------------- build


def build_warehouse(con: duckdb.DuckDBPyConnection, staging: Path, seeds_dir: Path,
                    report_ids: Iterable[str], fingerprint: str | None = None) -> BuildSummary:
    """Make the tables hold the staged results of `report_ids`.

    With a `fingerprint` (of the code and seeds the tables depend on: pipelines/versioning.py) and a
    warehouse in `con` built with the same one, only the reports whose staging changed are taken again
    (warehouse/incremental.py); otherwise, or when much changed, every table is rebuilt in one
    transaction. Both give the same rows."""
    states = {rid: staged_state(staging, rid) for rid in sorted(set(report_ids))}
    if fingerprint is not None:
        from warehouse import incremental  # it builds on this module's frames

        summary = incremental.update(con, staging, seeds_dir, states, fingerprint)
        if summary is not None:
            return summary
    return rebuild(con, staging, seeds_dir, states, fingerprint)


def rebuild(con: duckdb.DuckDBPyConnection, staging: Path, seeds_dir: Path, states: dict[str, tuple[str, str]],
            fingerprint: str | None) -> BuildSummary:
    """Recreate every table from the staged results, in one transaction."""
    reports, rejections, missing = [], [], []
    for rid, (outcome, _) in states.items():
        if outcome == "report" and (rep := staged_report(staging, rid)) is not None:
            reports.append(rep)
        elif outcome == "rejected" and (rej := staged_rejection(staging, rid)) is not None:
            rejections.append(rej)
        else:
            missing.append(rid)
    inputs = input_rows(states, reports)
    reports, duplicates = _set_aside_duplicates(staging, reports)
    rejections += duplicates

    facts = read_staged_facts(staging, [r.report.report_id for r in reports])
    dim_domain, dim_metric = dim_domain_frame(seeds_dir), dim_metric_frame(seeds_dir)
    facts, log = _apply_corrections(facts, [report_text(r) for r in reports], dim_metric, dim_domain, seeds_dir)
    facts = facts.sort("report_id", "span_start", "span_end", "fact_id")
    frames = {
        "dim_domain": dim_domain,
        "dim_metric": dim_metric,
        "dim_locality": dim_locality_frame(reports),
        "dim_year": dim_year_frame(reports),
        "dim_report": dim_report_frame(reports),
        "fact_indicator": facts,
        "rejected_report": rejected_report_frame(rejections),
        "correction": log,
    }
    _check_codes(facts, "metric", frames["dim_metric"]["metric"], "metrics.csv")
    _check_codes(facts, "domain", frames["dim_domain"]["domain"], "domains.csv")

    con.execute("BEGIN TRANSACTION")
    try:
        for table in TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        # The facts' primary key is added once they are in: one bulk index build instead of
        # 700,000 inserts into the index (0.8 s → 0.3 s). The table ends as schema.sql declares it.
        con.execute(_schema_without_fact_key())
        # Insert order follows the foreign keys: referenced tables first.
        for table in ("dim_domain", "dim_metric", "dim_locality", "dim_year", "dim_report",
                      "fact_indicator", "rejected_report", "correction"):
            _insert(con, table, frames[table])
        con.execute("ALTER TABLE fact_indicator ADD PRIMARY KEY (fact_id)")
        write_state(con, inputs, fingerprint, "full", frames["dim_locality"]["locality_key"])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return BuildSummary({t: frames[t].height for t in TABLES}, missing, log)


# Ordered by metric, so a query for one metric reads only its row groups (zone maps).
_SERIES_ORDER = "ORDER BY metric, locality_key, unit, kind, year"


def refresh_metric_series(con: duckdb.DuckDBPyConnection) -> None:
    """Store derived.metric_series: in full after a full build, else only the touched localities' cells
    (every window of the series is partitioned by locality, so the others' cells are unchanged)."""
    mode = con.execute("SELECT max(mode) FROM build.meta").fetchall()[0][0] if has_build_state(con) else None
    if mode != "incremental":
        con.execute(f"CREATE OR REPLACE TABLE derived.metric_series AS "
                    f"SELECT * FROM derived.metric_series_cells {_SERIES_ORDER}")
        return
    keys = [r[0] for r in con.execute("SELECT locality_key FROM build.touched").fetchall()]
    if not keys:
        return
    # The keys as literals: DuckDB pushes a constant IN list below the windows (0.15 s on 10,000
    # reports), an IN (subquery) only after them (2.4 s: every cell computed, then filtered).
    touched = ", ".join(sql_literal(k) for k in keys)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM derived.metric_series WHERE locality_key IN ({touched})")
        con.execute(f"INSERT INTO derived.metric_series SELECT * FROM derived.metric_series_cells "
                    f"WHERE locality_key IN ({touched}) {_SERIES_ORDER}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def has_build_state(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE schema_name = 'build' AND table_name = 'meta' "
                            "AND database_name = current_database()").fetchall())


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create the analyst views and table macros, store the series; returns the views' names."""
    con.execute(sql_text("views.sql"))
    refresh_metric_series(con)
    con.execute(sql_text("macros.sql"))
    rows = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
                       "ORDER BY view_name").fetchall()
    return [r[0] for r in rows]


def macro_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' "
                       "AND NOT internal ORDER BY function_name").fetchall()
    return [r[0] for r in rows]


def scalar(con: duckdb.DuckDBPyConnection, query: str) -> object:
    """The single value of a query. fetchall(), not fetchone(): duckdb 2.0 refuses new
    work on a connection whose last result was not fetched to the end (notes trap 2)."""
    return con.execute(query).fetchall()[0][0]


def frame(con: duckdb.DuckDBPyConnection, query: str, params: Sequence | None = None) -> pl.DataFrame:
    """A query's result as a polars frame (duckdb 2.0: through Arrow; execute() results would copy)."""
    return pl.from_arrow(con.sql(query, params=params).to_arrow_table())
