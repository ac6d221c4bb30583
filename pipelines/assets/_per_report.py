"""The work the per-report assets do for one report, and running it on every core.

Plain functions, no Dagster import: worker processes import this module only.
Each function reads and writes the staging files of its own report and
returns a small summary, so reports can be processed in any order, by any
process, and a report that fails never stops the others.

The workers are used when a run has at least `PARALLEL_MIN_REPORTS` reports
(below that, starting them costs more than they save) and more than one core
is available; `INDICATORS_WORKERS` sets their number (1 = in this process).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import polars as pl

from models import Rejection
from pipelines.extract.report import extract_facts, read_report
from warehouse import load

PARALLEL_MIN_REPORTS = 300
_CHUNK = 8  # reports per task sent to a worker: amortizes the pickling round trip


def workers() -> int:
    """How many processes read and extract: INDICATORS_WORKERS, else one per core."""
    setting = os.environ.get("INDICATORS_WORKERS", "").strip()
    return max(1, int(setting)) if setting else (os.cpu_count() or 1)


def run_each(fn: Callable, keys: Sequence[str], *args, processes: int | None = None) -> Iterator:
    """fn(*args, key) for every key, in the order of `keys`; in worker processes when it pays."""
    processes = processes if processes is not None else (workers() if len(keys) >= PARALLEL_MIN_REPORTS else 1)
    call = partial(fn, *args)
    if processes <= 1:
        yield from map(call, keys)
        return
    # spawn, not fork: the Dagster run that calls this has threads of its own.
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(call, keys, chunksize=_CHUNK)


def read_and_stage(staging: Path, version: str, fingerprint: str, key: str) -> dict | None:
    """Read one staged source into a Report (or a Rejection) and stage it; the asset's summary row."""
    src = load.staged_source(staging, key)
    if src is None:
        return None
    try:
        result = read_report(src)
    except Exception as exc:  # a reader bug must not stop the other reports
        result = Rejection(file_name=src.file_name, path=src.path, sha256=src.sha256, stage="read",
                           reason=f"reader crashed: {type(exc).__name__}: {exc}")
    if isinstance(result, Rejection):
        load.stage_rejection(staging, key, result, fingerprint)
        return {"report_id": key, "file_name": src.file_name, "status": "rejected",
                "locality": None, "year": None, "reason": f"{result.stage}: {result.reason}"}
    load.stage_report(staging, result, version, fingerprint)
    return {"report_id": key, "file_name": src.file_name, "status": "read",
            "locality": result.locality.name, "year": result.year, "reason": None}


def extract_and_stage(staging: Path, fingerprint: str, preview_rows: int,
                      key: str) -> tuple[dict, pl.DataFrame | None] | str | None:
    """Extract the facts of one staged report and stage them.

    Returns (counts row, first `preview_rows` facts), the error message when the
    extractor crashed (the report is then staged as rejected), or None when
    there is no staged report (rejected or missing upstream).
    """
    staged = load.staged_report(staging, key)
    if staged is None:
        return None
    report = staged.report
    try:
        facts = load.stage_facts(staging, report, extract_facts(report))
    except Exception as exc:  # an extractor bug must not stop the other reports
        src = load.staged_source(staging, key)
        load.stage_rejection(staging, key, Rejection(
            file_name=report.file_name, path=src.path if src else report.file_name, sha256=report.sha256,
            stage="extract", reason=f"extractor crashed: {type(exc).__name__}: {exc}"), fingerprint)
        return f"extraction failed for {report.file_name}: {exc!r}"
    counts = {"report_id": key, "file_name": report.file_name, "facts": facts.height,
              "with_metric": facts["metric"].is_not_null().sum()}
    return counts, facts.head(preview_rows)
