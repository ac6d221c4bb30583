"""Per-report assets: raw file → parsed report → indicator mentions.

One dynamic partition per report (key = report_id). Every asset loops over
`context.partition_keys`, so a single run can process any range of reports
(BackfillPolicy.single_run), and writes its own staging files instead of
returning values: fan-in through the IO manager is fragile (notes trap 3).
"""

# No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
import warnings

import dagster as dg
import polars as pl

from models import Rejection
from pipelines import progress
from pipelines.assets._metadata import md_table
from pipelines.extract.report import extract_facts, read_report, scan_inbox
from pipelines.resources import InboxResource, WarehouseResource
from pipelines.versioning import extractor_fingerprint, extractor_version
from warehouse import load

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
    """The report files in the inbox, identified by the sha256 of their bytes."""
    found = {src.report_id: src for src in scan_inbox(inbox.reports)}
    rows, missing = [], []
    for key in progress.track("raw", context.partition_keys):
        src = found.get(key)
        if src is None:  # registered earlier, since removed from the inbox
            missing.append(key)
        else:
            load.stage_source(warehouse.staging, src)
            rows.append({"report_id": key, "file_name": src.file_name, "sha256": src.sha256,
                         "size_bytes": src.size_bytes})
    if missing:
        context.log.warning(f"{len(missing)} partitions have no file in {inbox.reports}: {missing}")
    df = pl.DataFrame(rows, schema={"report_id": pl.String(), "file_name": pl.String(),
                                    "sha256": pl.String(), "size_bytes": pl.Int64()})
    return dg.MaterializeResult(metadata={
        "files": len(rows), "bytes": int(df["size_bytes"].sum()), "missing": missing,
        "inbox": str(inbox.reports), "files_preview": md_table(df, rows=20, width=64),
    })


@dg.asset(**_per_report, deps=[raw_report_files], kinds={"python"})
def parsed_reports(context: dg.AssetExecutionContext, inbox: InboxResource,
                   warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Each file decoded with its locality, year and title, or set aside with a reason."""
    version, fingerprint = extractor_version(), extractor_fingerprint(inbox.seeds)
    rows = []
    for key in progress.track("parsed", context.partition_keys):
        src = load.staged_source(warehouse.staging, key)
        if src is None:
            continue
        try:
            result = read_report(src)
        except Exception as exc:  # a reader bug must not stop the other reports
            result = Rejection(file_name=src.file_name, path=src.path, sha256=src.sha256, stage="read",
                               reason=f"reader crashed: {type(exc).__name__}: {exc}")
        if isinstance(result, Rejection):
            load.stage_rejection(warehouse.staging, key, result, fingerprint)
            context.log.warning(f"rejected {src.file_name}: {result.reason}")
            rows.append({"report_id": key, "file_name": src.file_name, "status": "rejected",
                         "locality": None, "year": None, "reason": f"{result.stage}: {result.reason}"})
        else:
            load.stage_report(warehouse.staging, result, version, fingerprint)
            rows.append({"report_id": key, "file_name": src.file_name, "status": "read",
                         "locality": result.locality.name, "year": result.year, "reason": None})
    df = pl.DataFrame(rows, schema={"report_id": pl.String(), "file_name": pl.String(), "status": pl.String(),
                                    "locality": pl.String(), "year": pl.Int32(), "reason": pl.String()})
    rejected = df.filter(pl.col("status") == "rejected")
    return dg.MaterializeResult(metadata={
        "read": df.height - rejected.height, "rejected": rejected.height,
        "rejections": [f"{r['file_name']}: {r['reason']}" for r in rejected.iter_rows(named=True)],
        "extractor_version": version, "extractor_fingerprint": fingerprint,
        "reports_preview": md_table(df, rows=20),
    })


@dg.asset(**_per_report, deps=[parsed_reports], kinds={"python", "parquet"})
def indicator_mentions(context: dg.AssetExecutionContext, inbox: InboxResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The indicators found in each report, staged as one Parquet file per report."""
    fingerprint = extractor_fingerprint(inbox.seeds)
    counts, frames = [], []
    for key in progress.track("mentions", context.partition_keys):
        staged = load.staged_report(warehouse.staging, key)
        if staged is None:  # rejected or missing upstream: nothing to extract
            continue
        report = staged.report
        try:
            facts = load.stage_facts(warehouse.staging, report, extract_facts(report))
        except Exception as exc:  # an extractor bug must not stop the other reports
            src = load.staged_source(warehouse.staging, key)
            load.stage_rejection(warehouse.staging, key, Rejection(
                file_name=report.file_name, path=src.path if src else report.file_name, sha256=report.sha256,
                stage="extract", reason=f"extractor crashed: {type(exc).__name__}: {exc}"), fingerprint)
            context.log.error(f"extraction failed for {report.file_name}: {exc!r}")
            continue
        counts.append({"report_id": key, "file_name": report.file_name, "facts": facts.height,
                       "with_metric": facts["metric"].is_not_null().sum()})
        frames.append(facts)
    facts = pl.concat(frames) if frames else pl.DataFrame(schema=load.FACT_SCHEMA)
    per_report = pl.DataFrame(counts, schema={"report_id": pl.String(), "file_name": pl.String(),
                                              "facts": pl.Int64(), "with_metric": pl.Int64()})
    return dg.MaterializeResult(metadata={
        "facts": facts.height, "reports": per_report.height,
        "facts_per_report": md_table(per_report, rows=50, width=64),
        "preview": md_table(facts.select("report_id", "mention", "value", "unit", "qualifier", "kind",
                                         "metric_text", "metric"), rows=15),
    })
