"""`indicators`: build the warehouse, query it.

    indicators build [--reports DIR] [--db PATH] [--seeds DIR] [--full]
    indicators query [--db PATH] [--format table|csv|json] "SQL"
    indicators series METRIC [--locality NAME] [--db PATH] [--format table|csv|json]
    indicators export --format parquet|csv DIR [--db PATH]
    indicators chart METRIC -o FILE.png [--locality NAME] [--db PATH]
    indicators evaluate --gold DIR --reports DIR [--db PATH] [--json]
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines.resources import Settings

app = typer.Typer(help="Indicators from local governments' rule-of-law reports, in a DuckDB star schema.",
                  no_args_is_help=True, add_completion=False)
out = Console()
err = Console(stderr=True)

ReportsOpt = Annotated[Path | None, typer.Option("--reports", help="Inbox of report files (default: seeds/reports; env INDICATORS_REPORTS)")]
DbOpt = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default: warehouse/indicators.duckdb; env INDICATORS_DB)")]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


LocalityOpt = Annotated[str | None, typer.Option("--locality", "-l", help="Only this locality (name, official code or key)")]
MetricArg = Annotated[str, typer.Argument(help="Metric code (e.g. mediation_cases) or its Chinese name")]


# What a build reads from the seeds folder (the catalogs, the mapping rules, the division codes).
SEED_FILES = ("domains.csv", "metrics.csv", "metric_rules.csv", "domain_keywords.csv", "divisions")
_REPORT_ROWS = 50  # reports listed after a build; the rest are counted


@app.command()
def build(
    reports: ReportsOpt = None,
    db: DbOpt = None,
    seeds: Annotated[Path | None, typer.Option("--seeds", help="Reference data (default: seeds; env INDICATORS_SEEDS)")] = None,
    full: Annotated[bool, typer.Option("--full", help="Re-read every report, even those already staged")] = False,
) -> None:
    """Read new reports, extract their indicators and rebuild the warehouse (one Dagster run)."""
    settings = Settings()
    reports, db, seeds = reports or settings.reports, db or settings.db, seeds or settings.seeds
    if not reports.is_dir():
        err.print(f"[red]error:[/] no report folder at {reports}")
        raise typer.Exit(2)
    # Checked before reading anything: without the catalogs every report would be read (minutes on
    # a large inbox) and the build would then fail.
    lacking = [name for name in SEED_FILES if not (seeds / name).exists()]
    if lacking:
        err.print(f"[red]error:[/] {seeds} is not a seeds folder (no {', '.join(lacking)}): "
                  "run from the project root or pass --seeds")
        raise typer.Exit(2)

    from pipelines.build import run_build  # Dagster import is slow: only when building

    with Progress(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("scanning inbox", total=None)
        result = run_build(
            reports, db, seeds, full=full,
            on_start=lambda total: bar.update(task, total=total, description="building"),
            on_progress=lambda stage, item: bar.update(task, advance=1, description=f"{stage} {item}"),
        )

    if not result.success:
        err.print(f"[red]build failed[/] after {result.elapsed:.1f} s: {result.error}")
        err.print(f"{db} was left unchanged.")
        raise typer.Exit(1)

    table = Table(title="reports in the warehouse", title_justify="left")
    for col, justify in (("file", "left"), ("locality", "left"), ("year", "right"), ("facts", "right")):
        table.add_column(col, justify=justify)
    for file_name, locality, year, n in result.facts_per_report[:_REPORT_ROWS]:
        table.add_row(file_name, locality, str(year), str(n))
    out.print(table)
    if len(result.facts_per_report) > _REPORT_ROWS:  # rendering 10,000 rows took seconds, and nobody reads them
        out.print(f"… and {len(result.facts_per_report) - _REPORT_ROWS} more reports (table dim_report)")
    if result.rejected:
        out.print(f"[yellow]{len(result.rejected)} rejected[/] (not in the facts; see table rejected_report):")
        for file_name, stage, reason in result.rejected:
            out.print(f"  [yellow]✗[/] {file_name} — {stage}: {reason}")
    if result.not_staged:
        out.print(f"[red]{len(result.not_staged)} reports could not be processed:[/] {', '.join(result.not_staged)}")
    _print_corrections(result.corrections_applied, result.corrections_not_applied)
    _print_diff(result.diff)
    out.print(
        f"{len(result.facts_per_report)} reports read, {len(result.rejected)} rejected, "
        f"{result.total_facts} facts ({result.processed} reports processed this run) "
        f"→ {db} in {result.elapsed:.1f} s"
    )


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL to run, e.g. \"SELECT * FROM indicator_facts LIMIT 5\"")],
    db: DbOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.table,
) -> None:
    """Run SQL against the warehouse, read-only: a query can never change it."""
    import duckdb

    db = db or Settings().db
    if not db.exists():
        err.print(f"[red]error:[/] no warehouse at {db}; run `indicators build` first")
        raise typer.Exit(1)
    # read_only: writes fail; no external access: no ATTACH/COPY TO to write elsewhere.
    con = duckdb.connect(str(db), read_only=True, config={"enable_external_access": False})
    try:
        cur = con.execute(sql)
        if cur.description is None:  # a statement without a result (SET, PRAGMA ...)
            return
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        msg = str(exc)
        if "read-only" in msg or "Permission" in type(exc).__name__:
            err.print(f"[red]refused:[/] the warehouse is opened read-only; `indicators query` cannot change it.\n{msg}")
        else:
            err.print(f"[red]query failed:[/] {msg}")
        raise typer.Exit(1) from None
    finally:
        con.close()
    _print_rows(columns, rows, fmt)


def _open_warehouse(db: Path | None):
    """A read-only connection to the warehouse, or exit with a message."""
    from pipelines.analyst import connect_readonly

    db = db or Settings().db
    if not db.exists():
        err.print(f"[red]error:[/] no warehouse at {db}; run `indicators build` first")
        raise typer.Exit(1)
    return connect_readonly(db)


def _series(con, metric_text: str, locality: str | None, empty_exit: int = 0):
    """(metric, long series) for the series and chart commands; exits on unknown names or no data
    (with `empty_exit`: a chart with nothing to draw writes no file, so it fails)."""
    from pipelines import analyst

    try:
        metric = analyst.resolve_metric(con, metric_text)
        place = analyst.resolve_locality(con, locality) if locality else None
    except analyst.NotFound as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    long = analyst.series_long(con, metric.code, place)
    if long.is_empty():
        where = f" for {locality}" if locality else ""
        err.print(f"no data for {metric.code} ({metric.name_zh}){where}; "
                  f"see `SELECT * FROM coverage WHERE metric = '{metric.code}'`")
        raise typer.Exit(empty_exit)
    return metric, long


@app.command()
def series(metric: MetricArg, locality: LocalityOpt = None, db: DbOpt = None,
           fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.table) -> None:
    """One metric as a locality × year table (from the metric_series view)."""
    from pipelines import analyst

    con = _open_warehouse(db)
    try:
        m, long = _series(con, metric, locality)
        wide = analyst.pivot(long, analyst.warehouse_years(con), as_text=fmt is Format.table)
    finally:
        con.close()
    if fmt is not Format.table:
        _print_rows(wide.columns, wide.rows(), fmt)
        return
    table = Table(*wide.columns, title=f"{m.code} — {m.name_zh}" + (f" ({m.name_en})" if m.name_en else ""),
                  title_justify="left")
    for row in wide.iter_rows():
        table.add_row(*("–" if v is None else str(v) for v in row))
    out.print(table)
    if long["conflicting"].any():
        out.print("* the report gives several values for this cell: see the facts in indicator_facts", style="dim")


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write <table>.parquet / <table>.csv into")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format")] = ExportFormat.parquet,
    db: DbOpt = None,
) -> None:
    """Write every table and view of the warehouse to files, for other tools."""
    from pipelines.analyst import export_all

    con = _open_warehouse(db)
    try:
        written = export_all(con, out_dir, fmt.value)
    finally:
        con.close()
    table = Table("name", "kind", "rows", "file", title=f"exported to {out_dir}", title_justify="left")
    for name, kind, rows, path in written:
        table.add_row(name, kind, str(rows), path.name)
    out.print(table)


@app.command()
def chart(
    metric: MetricArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="PNG file to write")],
    locality: LocalityOpt = None,
    db: DbOpt = None,
) -> None:
    """Draw one metric over the years, one line per locality, to a PNG."""
    from pipelines.chart import draw_series, find_cjk_font

    con = _open_warehouse(db)
    try:
        m, long = _series(con, metric, locality, empty_exit=1)
    finally:
        con.close()
    result = draw_series(long, m.code, m.name_zh, m.name_en, m.usual_unit, output, find_cjk_font())
    out.print(f"{result.lines} localities, unit {result.unit} → {result.path}")
    if result.skipped_units:
        out.print(f"left out values in other units: {', '.join(result.skipped_units)} "
                  f"(see `indicators series {m.code}`)", style="dim")
    if result.cjk_font is None:
        out.print("labels in ASCII (codes): no font with Chinese glyphs was found", style="dim")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold files: <report stem>.jsonl (+ .meta.json)")],
    reports: Annotated[Path, typer.Option("--reports", help="Folder of the annotated reports")],
    db: Annotated[Path | None, typer.Option("--db", help="Score this warehouse's indicator_facts instead of extracting afresh")] = None,
    show: Annotated[int, typer.Option("--show", help="How many misses / false positives to list")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
    min_f1: Annotated[float | None, typer.Option("--min-f1", help="Exit 1 when fact F1 is below this")] = None,
) -> None:
    """Precision, recall and F1 of the extractor against your own annotated reports."""
    from pipelines.evaluate import evaluate as run_evaluation
    from pipelines.evaluate import format_report, predictions_from_db, predictions_from_reports

    preds = predictions_from_db(db) if db else predictions_from_reports(reports)
    scores = run_evaluation(gold, reports, preds)
    summary = scores.summary()
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(scores, show) + "\n")
    if min_f1 is not None and summary["fact"]["f1"] < min_f1:  # type: ignore[index]
        raise typer.Exit(1)


def _print_diff(diff: list[dict]) -> None:
    """Facts added, changed and removed per report since the previously published warehouse."""
    if not diff:
        out.print("changes since the last build: none")
        return
    added, changed, removed = (sum(d[k] for d in diff) for k in ("added", "changed", "removed"))
    out.print(f"changes since the last build: +{added} added, ~{changed} changed, -{removed} removed "
              f"in {len(diff)} reports (table build_log; retired facts in fact_history)")
    for d in diff:
        out.print(f"  {d['report_file']}: +{d['added']} ~{d['changed']} -{d['removed']}")


def _print_corrections(applied: int, not_applied: list[tuple[int, str, str, str, str]]) -> None:
    if not applied and not not_applied:
        return
    line = f"corrections: {applied} applied"
    if not_applied:
        line += f", [yellow]{len(not_applied)} not applied[/] (see table correction):"
    out.print(line)
    for n, action, report, status, detail in not_applied:
        out.print(f"  [yellow]✗[/] line {n} {action} {report} — {status}: {detail}")


def _print_rows(columns: list[str], rows: list[tuple], fmt: Format) -> None:
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt is Format.json:
        payload = [dict(zip(columns, r, strict=True)) for r in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        table = Table(*columns)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        out.print(table)
        out.print(f"{len(rows)} rows", style="dim")


if __name__ == "__main__":
    app()
