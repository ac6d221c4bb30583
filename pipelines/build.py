"""`indicators build` without the presentation: register, run, publish.

1. scan the inbox and register each report as a dynamic partition;
2. run every pending report (not staged by the current extractor) in ONE
   in-process run over a partition range, then rebuild tables and views;
3. the run writes a fresh database file beside the target, which replaces the
   target atomically only if the run succeeded: a reader holding the old file
   never sees a half-built one (what-users-expect #13).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import progress
from pipelines.assets import warehouse
from pipelines.assets.reports import reports_partitions
from pipelines.definitions import BUILD_JOB, build_definitions
from pipelines.extract.report import scan_inbox
from pipelines.resources import write_listing
from pipelines.versioning import extractor_fingerprint
from warehouse import load

# The tables and the assets after them (views, history, publish), for the progress total.
WAREHOUSE_STEPS = len(warehouse.TABLES) + len(warehouse.AFTER_TABLES)


@dataclass
class BuildResult:
    success: bool
    db: Path
    reports_found: int
    processed: int  # reports (re)read in this run
    facts_per_report: list[tuple[str, str, int, int]] = field(default_factory=list)  # file, locality, year, facts
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # file, stage, reason
    not_staged: list[str] = field(default_factory=list)
    corrections_applied: int = 0
    corrections_not_applied: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # line, action, report, status, detail
    diff: list[dict] = field(default_factory=list)  # per report: facts added, changed, removed since the last build
    error: str | None = None
    elapsed: float = 0.0
    run_id: str | None = None

    @property
    def total_facts(self) -> int:
        return sum(n for *_, n in self.facts_per_report)


def open_instance(stack: ExitStack) -> dg.DagsterInstance:
    """The DAGSTER_HOME instance when one is configured, else a throwaway one."""
    if os.environ.get("DAGSTER_HOME"):
        return stack.enter_context(dg.DagsterInstance.get())
    return stack.enter_context(dg.DagsterInstance.ephemeral())


def register_reports(instance: dg.DagsterInstance, report_ids: list[str]) -> list[str]:
    """Add the partitions not registered yet; returns the new ones."""
    known = set(instance.get_dynamic_partitions(reports_partitions.name))
    new = [rid for rid in dict.fromkeys(report_ids) if rid not in known]
    if new:
        instance.add_dynamic_partitions(reports_partitions.name, new)
    return new


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            err = event.step_failure_data.error
            while err.cause is not None:  # the user's exception, not Dagster's wrapper
                err = err.cause
            return f"step {event.step_key} failed: {err.message.strip()}"
    return "the run failed (see the Dagster log above)"


def _run_diff(run: dg.ExecuteInProcessResult) -> list[dict]:
    """The diff the warehouse_history asset recorded in its materialization metadata."""
    for mat in run.asset_materializations_for_node("warehouse_history"):
        diff = mat.metadata.get("diff")
        if diff is not None:
            return list(diff.value)  # type: ignore[arg-type]
    return []


def _summarize(db: Path, result: BuildResult) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        result.facts_per_report = con.execute("""
            SELECT r.file_name, l.name, r.year, count(f.fact_id)
            FROM dim_report r JOIN dim_locality l USING (locality_key)
            LEFT JOIN fact_indicator f USING (report_id)
            GROUP BY ALL ORDER BY r.file_name""").fetchall()
        result.rejected = con.execute(
            "SELECT file_name, stage, reason FROM rejected_report ORDER BY file_name").fetchall()
        (result.corrections_applied,), = con.execute(
            "SELECT count(*) FROM correction WHERE status = 'applied'").fetchall()
        result.corrections_not_applied = con.execute(
            "SELECT line, action, report, status, detail FROM correction WHERE status <> 'applied' "
            "ORDER BY line").fetchall()
    finally:
        con.close()


def run_build(reports_dir: Path, db: Path, seeds: Path = Path("seeds"), full: bool = False,
              on_progress: Callable[[str, str], None] | None = None,
              on_start: Callable[[int], None] | None = None) -> BuildResult:
    """Build the warehouse at `db` from the files in `reports_dir`.

    `on_start(total_steps)` is called once the work is known; `on_progress(stage, item)`
    after each report stage and each table.
    """
    started = time.perf_counter()
    db.parent.mkdir(parents=True, exist_ok=True)
    staging = load.staging_dir_for(db)
    sources = scan_inbox(reports_dir)
    ids = [src.report_id for src in sources]
    fingerprint = extractor_fingerprint(seeds)
    pending = ids if full else [rid for rid in ids if not load.is_staged(staging, rid, fingerprint)]
    result = BuildResult(success=False, db=db, reports_found=len(ids), processed=0)

    tmp = db.with_name(f"{db.name}.{os.getpid()}.tmp")
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)
    # The run's assets read this scan instead of hashing every file of the inbox again.
    listing = db.with_name(f"{db.name}.{os.getpid()}.inbox.json")
    write_listing(listing, sources)
    with ExitStack() as stack:
        stack.callback(listing.unlink, missing_ok=True)
        instance = open_instance(stack)
        # Pending reports first: partitions keep their registration order, so on a fresh instance
        # the run's range then covers exactly the pending ones (new files sort anywhere by name).
        register_reports(instance, [*pending, *ids])
        # The run builds into `tmp` and its last asset publishes it over `db` (WarehouseResource).
        defs = build_definitions(db=db, build=tmp, reports_dir=reports_dir, seeds=seeds, staging=staging,
                                 listing=listing)
        job = defs.resolve_job_def(BUILD_JOB)
        run_kwargs: dict = {
            "instance": instance, "raise_on_error": False,
            # Dagster's own log lines would drown the progress bar; failures are reported below.
            "run_config": {"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        }
        if pending:
            # One run over the range that spans every pending report (partition keys
            # keep registration order); reports in between are re-read, harmlessly.
            order = {k: i for i, k in enumerate(instance.get_dynamic_partitions(reports_partitions.name))}
            span = sorted(pending, key=order.__getitem__)
            in_range = order[span[-1]] - order[span[0]] + 1
            run_kwargs["tags"] = {"dagster/asset_partition_range_start": span[0],
                                  "dagster/asset_partition_range_end": span[-1]}
            result.processed = in_range
        else:
            # Nothing to re-read: rebuild only the tables and views from staging.
            run_kwargs["asset_selection"] = [dg.AssetKey(t) for t in (*warehouse.TABLES, *warehouse.AFTER_TABLES)]
        if on_start:
            on_start(3 * result.processed + WAREHOUSE_STEPS)
        if on_progress:
            stack.enter_context(progress.listening(on_progress))
        try:
            run = job.execute_in_process(**run_kwargs)
            result.run_id, result.success = run.run_id, run.success
            if not run.success:
                result.error = _failure_message(run)
            else:
                result.diff = _run_diff(run)
        except Exception as exc:  # invalid run setup: report it like a failed run
            result.error = f"{type(exc).__name__}: {exc}"

    if result.success:
        _summarize(db, result)
        # Only this run's reports can have failed to stage: the others were staged before it.
        result.not_staged = [rid for rid in pending if not load.is_staged(staging, rid, fingerprint)]
    else:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    result.elapsed = time.perf_counter() - started
    return result
