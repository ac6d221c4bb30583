"""Per-report assets: raw file → parsed report → indicator mentions.

One dynamic partition per report (key = report_id). Every asset loops over
`context.partition_keys`, so a single run can process any range of reports
(BackfillPolicy.single_run), and writes its own staging files instead of
returning values: fan-in through the IO manager is fragile (notes trap 3).
Reading and extraction run on every core for large ranges (`_per_report.py`).
"""

# No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
import warnings

import dagster as dg
import polars as pl

from pipelines import progress
from pipelines.assets._metadata import md_table
from pipelines.assets._per_report import extract_and_stage, read_and_stage, run_each
from pipelines.resources import InboxResource, WarehouseResource
from pipelines.versioning import extractor_fingerprint, extractor_version
from warehouse import load
from warehouse.archive import archive_source

# BackfillPolicy is beta; the Dagster minor version is pinned in pyproject.toml for it.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

reports_partitions = dg.DynamicPartitionsDefinition(name="reports")

_per_report = {
    "partitions_def": reports_partitions,
    "backfill_policy": dg.BackfillPolicy.single_run(),
    "group_name": "reports",
}


@dg.asset(**_per_report, kinds={"file"})
def raw_report_files(context: dg.AssetExecutionContext, inbox: InboxResource,
                     warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The report files in the inbox, identified by the sha256 of their bytes, each archived by it."""
    found = {src.report_id: src for src in inbox.sources()}
    rows, missing, unarchived = [], [], []
    for key in progress.track("raw", context.partition_keys):
        src = found.get(key)
        if src is None:  # registered earlier, since removed from the inbox
            missing.append(key)
        else:
            load.stage_source(warehouse.staging, src)
            if archive_source(warehouse.archive, src) is None:
                unarchived.append(src.file_name)
            rows.append({"report_id": key, "file_name": src.file_name, "sha256": src.sha256,
                         "size_bytes": src.size_bytes})
    if missing:
        context.log.warning(f"{len(missing)} partitions have no file in {inbox.reports}: {missing}")
    if unarchived:
        context.log.warning(f"{len(unarchived)} files changed while read, archived next run: {unarchived}")
    df = pl.DataFrame(rows, schema={"report_id": pl.String(), "file_name": pl.String(),
                                    "sha256": pl.String(), "size_bytes": pl.Int64()})
    return dg.MaterializeResult(metadata={
        "files": len(rows), "bytes": int(df["size_bytes"].sum()), "missing": missing,
        "inbox": str(inbox.reports), "archive": str(warehouse.archive), "not_archived": unarchived,
        "files_preview": md_table(df, rows=20, width=64),
    })


@dg.asset(**_per_report, deps=[raw_report_files], kinds={"python"})
def parsed_reports(context: dg.AssetExecutionContext, inbox: InboxResource,
                   warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Each file decoded with its locality, year and title, or set aside with a reason."""
    fingerprint = extractor_fingerprint(inbox.seeds)
    version = f"{extractor_version()}+{fingerprint}"  # which code and seeds read the report
    keys = context.partition_keys
    rows = []
    for key, row in zip(keys, run_each(read_and_stage, keys, warehouse.staging, version, fingerprint),
                        strict=True):
        if row is not None:
            rows.append(row)
            if row["status"] == "rejected":
                context.log.warning(f"rejected {row['file_name']}: {row['reason']}")
        progress.advance("parsed", key)
    df = pl.DataFrame(rows, schema={"report_id": pl.String(), "file_name": pl.String(), "status": pl.String(),
                                    "locality": pl.String(), "year": pl.Int32(), "reason": pl.String()})
    rejected = df.filter(pl.col("status") == "rejected")
    return dg.MaterializeResult(metadata={
        "read": df.height - rejected.height, "rejected": rejected.height,
        "rejections": [f"{r['file_name']}: {r['reason']}" for r in rejected.iter_rows(named=True)],
        "extractor_version": version, "extractor_fingerprint": fingerprint,
        "reports_preview": md_table(df, rows=20),
    })


_PREVIEW_ROWS = 15


@dg.asset(**_per_report, deps=[parsed_reports], kinds={"python", "parquet"})
def indicator_mentions(context: dg.AssetExecutionContext, inbox: InboxResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The indicators found in each report, staged as one Parquet file per report."""
    fingerprint = extractor_fingerprint(inbox.seeds)
    keys = context.partition_keys
    counts, heads, total = [], [], 0
    for key, done in zip(keys, run_each(extract_and_stage, keys, warehouse.staging, fingerprint, _PREVIEW_ROWS),
                         strict=True):
        if isinstance(done, str):
            context.log.error(done)
        elif done is not None:
            row, head = done
            counts.append(row)
            total += row["facts"]
            if sum(h.height for h in heads) < _PREVIEW_ROWS:  # only what the preview shows stays in memory
                heads.append(head)
        progress.advance("mentions", key)
    preview = pl.concat(heads).head(_PREVIEW_ROWS) if heads else pl.DataFrame(schema=load.FACT_SCHEMA)
    per_report = pl.DataFrame(counts, schema={"report_id": pl.String(), "file_name": pl.String(),
                                              "facts": pl.Int64(), "with_metric": pl.Int64()})
    return dg.MaterializeResult(metadata={
        "facts": total, "reports": per_report.height,
        "facts_per_report": md_table(per_report, rows=50, width=64),
        "preview": md_table(preview.select("report_id", "mention", "value", "unit", "qualifier", "kind",
                                           "metric_text", "metric"), rows=_PREVIEW_ROWS),
    })
