"""`indicators`: build the warehouse, query it.

    indicators build [--reports DIR] [--db PATH] [--full]
    indicators query [--db PATH] [--format table|csv|json] "SQL"
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
    for file_name, locality, year, n in result.facts_per_report:
        table.add_row(file_name, locality, str(year), str(n))
    out.print(table)
    if result.rejected:
        out.print(f"[yellow]{len(result.rejected)} rejected[/] (not in the facts; see table rejected_report):")
        for file_name, stage, reason in result.rejected:
            out.print(f"  [yellow]✗[/] {file_name} — {stage}: {reason}")
    if result.not_staged:
        out.print(f"[red]{len(result.not_staged)} reports could not be processed:[/] {', '.join(result.not_staged)}")
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
