"""The build job, and what starts it without anyone typing a command.

Both the sensor and the schedule ask for ONE run over every report to read —
a partition range of the build job, which the per-report assets process in a
single pass (BackfillPolicy.single_run, they loop over `context.partition_keys`)
— never one run per report (notes: 200 runs ≈ 144 s, one run ≈ 10 s).

* `inbox_sensor` (every 30 s) reacts to new and changed files. A report's
  partition key is the sha256 prefix of its bytes, so a changed file is a new
  key. The cursor is a signature of the inbox listing (names, sizes, mtimes):
  while it is unchanged a tick costs one directory listing and hashes nothing,
  and a second tick over the same inbox does nothing. The partitions it
  registers travel in its SensorResult; the daemon adds them before launching
  the run. A listing that changed without a new report (a file removed,
  renamed or restored) asks for a refresh of the tables and views only.
* `nightly_build` (02:00 Asia/Shanghai) is the thorough pass: it registers any
  file the sensor has not seen (sensor stopped, daemon down), reads every report
  not staged by the current extractor and seeds (new, changed, failed earlier,
  or stale after a code or seed change), and always rebuilds the tables and
  views, so the warehouse checks run every night.

Both default to RUNNING: `make dev` starts the daemon, and a user who drops a
file into the inbox expects to see it read. Either can be stopped in the UI
(Automation tab) or with `dagster sensor stop inbox_sensor` / `dagster schedule
stop nightly_build`; the choice is kept in the instance.
"""

# No `from __future__ import annotations`: Dagster reads the resource annotations at runtime.
import hashlib
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from pipelines.assets import warehouse as warehouse_assets
from pipelines.assets.reports import reports_partitions
from pipelines.extract.report import scan_inbox
from pipelines.resources import InboxResource, WarehouseResource
from pipelines.versioning import extractor_fingerprint
from warehouse import load

BUILD_JOB = "build_warehouse"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
# What a refresh without new reports materializes: the unpartitioned assets (tables, views, …).
WAREHOUSE_ASSETS = sorted({key for a in dg.load_assets_from_modules([warehouse_assets])
                           if a.partitions_def is None for key in a.keys}, key=lambda k: k.to_user_string())

build_job = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.all(),
    description="Read, extract and stage the selected reports, then rebuild the tables and views.",
)


# ---------------------------------------------------------------- plain helpers (tested alone)


def inbox_signature(reports_dir: Path) -> str:
    """A digest of the inbox listing (name, size, mtime of each file scan_inbox would read), no file read."""
    h = hashlib.sha256()
    for p in sorted(p for p in Path(reports_dir).iterdir() if p.is_file() and not p.name.startswith(".")):
        st = p.stat()
        h.update(f"{p.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def read_request(to_read: Sequence[str], partition_order: Sequence[str], run_key: str | None = None,
                 tags: dict[str, str] | None = None) -> dg.RunRequest:
    """One run of the build job over the partition range spanning `to_read`.

    A dynamic partition range follows registration order, so keys registered in
    between are read again too — harmlessly: reading is deterministic and
    keeps each report's first ingested_at. Keys just registered are contiguous
    at the end, so a sensor's range holds exactly them.
    """
    order = {k: i for i, k in enumerate(partition_order)}
    span = sorted(set(to_read), key=order.__getitem__)
    return dg.RunRequest(run_key=run_key, job_name=BUILD_JOB, tags={
        **(tags or {}), RANGE_START_TAG: span[0], RANGE_END_TAG: span[-1]})


def refresh_request(run_key: str | None = None, tags: dict[str, str] | None = None) -> dg.RunRequest:
    """One run that rebuilds the tables and views (and runs their checks) from the staging area."""
    return dg.RunRequest(run_key=run_key, job_name=BUILD_JOB, asset_selection=WAREHOUSE_ASSETS,
                         tags=tags or {})


def unregistered(instance: dg.DagsterInstance, report_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the registered partition keys, in order; the report ids not among them, in inbox order)."""
    registered = list(instance.get_dynamic_partitions(reports_partitions.name))
    known = set(registered)
    return registered, [rid for rid in dict.fromkeys(report_ids) if rid not in known]


# ---------------------------------------------------------------- sensor


@dg.sensor(job=build_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Registers new and changed report files in the inbox as partitions and reads them "
                       "in one run.")
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource) -> dg.SensorResult | dg.SkipReason:
    if not inbox.reports.is_dir():
        return dg.SkipReason(f"inbox {inbox.reports} does not exist")
    signature = inbox_signature(inbox.reports)
    if signature == context.cursor:
        return dg.SkipReason(f"inbox {inbox.reports} unchanged")

    ids = [src.report_id for src in scan_inbox(inbox.reports)]
    registered, new = unregistered(context.instance, ids)
    tags = {"indicators/trigger": "inbox_sensor"}
    if new:
        context.log.info(f"{len(new)} new report(s) in {inbox.reports}: {new}")
        return dg.SensorResult(
            dynamic_partitions_requests=[reports_partitions.build_add_request(new)],
            # The run key ties the run to this listing: a retried tick never launches it twice.
            run_requests=[read_request(new, [*registered, *new], run_key=f"inbox-{signature}", tags=tags)],
            cursor=signature,
        )
    # Files removed, renamed or restored: nothing to read, but the tables must follow the inbox.
    return dg.SensorResult(run_requests=[refresh_request(tags=tags)], cursor=signature)


# ---------------------------------------------------------------- schedule


def nightly_requests(instance: dg.DagsterInstance, inbox: InboxResource,
                     warehouse: WarehouseResource) -> list[dg.RunRequest]:
    """The nightly run: register what the sensor missed, read what is stale, rebuild the tables."""
    tags = {"indicators/trigger": "nightly_build"}
    if not inbox.reports.is_dir():
        return [refresh_request(tags=tags)]
    ids = list(dict.fromkeys(src.report_id for src in scan_inbox(inbox.reports)))
    registered, new = unregistered(instance, ids)
    if new:
        # A schedule cannot return partition requests as a sensor does: add them directly (idempotent).
        instance.add_dynamic_partitions(reports_partitions.name, new)
    fingerprint = extractor_fingerprint(inbox.seeds)
    stale = [rid for rid in ids if not load.is_staged(warehouse.staging, rid, fingerprint)]
    if not stale:
        return [refresh_request(tags=tags)]
    return [read_request(stale, [*registered, *new], tags=tags)]


@dg.schedule(job=build_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every night at 02:00 Beijing time: read every new, changed or stale report in one "
                         "run and rebuild the star schema.")
def nightly_build(context: dg.ScheduleEvaluationContext, inbox: InboxResource,
                  warehouse: WarehouseResource) -> list[dg.RunRequest]:
    return nightly_requests(context.instance, inbox, warehouse)
