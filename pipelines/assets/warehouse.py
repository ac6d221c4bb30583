"""Warehouse assets: one asset key per table, then the analyst views.

The tables are built by one multi-asset because they are one unit of
consistency: DuckDB enforces the foreign keys, so a dimension cannot be
replaced under existing facts. Each table is still its own asset, with its
own upstream edges and metadata, so the lineage graph shows it.
"""


from collections.abc import Iterator

import dagster as dg

from pipelines import progress
from pipelines.assets._metadata import md_table
from pipelines.assets.reports import indicator_mentions, parsed_reports
from pipelines.extract.report import scan_inbox
from pipelines.resources import InboxResource, WarehouseResource
from warehouse import load

_GROUP = "warehouse"
_TABLE_DEPS: dict[str, list] = {
    "dim_domain": [],
    "dim_metric": ["dim_domain"],
    "dim_locality": [parsed_reports],
    "dim_year": [parsed_reports],
    "dim_report": [parsed_reports, "dim_locality", "dim_year"],
    "fact_indicator": [indicator_mentions, "dim_report", "dim_locality", "dim_year", "dim_domain", "dim_metric"],
    "rejected_report": [parsed_reports, indicator_mentions],
}
_DESCRIPTIONS = {
    "dim_domain": "The ten domains of rule-of-law work (seeds/domains.csv).",
    "dim_metric": "The metric catalog (seeds/metrics.csv): stable codes analysts query by.",
    "dim_locality": "The localities the reports cover, with official division codes and parents.",
    "dim_year": "Every year from the first to the last a report covers.",
    "dim_report": "Each report read: file, sha256, locality, year, full text, extractor version.",
    "fact_indicator": "One row per indicator found, with its span in the report's text.",
    "rejected_report": "Files set aside, with the stage and reason.",
}
_PREVIEW_COLUMNS = {  # wide text columns left out of previews
    "dim_report": "report_id, file_name, title, locality_key, year, format, extractor_version",
    "fact_indicator": "report_id, mention, value, unit, qualifier, kind, metric_text, metric, domain",
}

TABLES = tuple(_TABLE_DEPS)
FACT_SPANS_CHECK = "spans_match_text"


@dg.multi_asset(
    specs=[dg.AssetSpec(t, deps=d, description=_DESCRIPTIONS[t], group_name=_GROUP, kinds={"duckdb"})
           for t, d in _TABLE_DEPS.items()],
    check_specs=[dg.AssetCheckSpec(FACT_SPANS_CHECK, asset="fact_indicator",
                                   description="text[span_start:span_end] == mention for every fact")],
    pool="duckdb_writer",
)
def warehouse_tables(context: dg.AssetExecutionContext, inbox: InboxResource,
                     warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    # The warehouse holds the reports now in the inbox, as staged by the per-report assets.
    report_ids = [src.report_id for src in scan_inbox(inbox.reports)]
    with warehouse.connect() as con:
        summary = load.build_warehouse(con, warehouse.staging, inbox.seeds, report_ids)
        if summary.missing:
            context.log.warning(f"{len(summary.missing)} inbox reports not staged yet: {summary.missing}")
        for table in _TABLE_DEPS:
            cols = _PREVIEW_COLUMNS.get(table, "*")
            preview = load.frame(con, f"SELECT {cols} FROM {table} LIMIT 10")
            meta = {"dagster/row_count": summary.row_counts[table], "preview": md_table(preview)}
            if table == "dim_report":
                meta["not_staged_yet"] = summary.missing
            yield dg.MaterializeResult(asset_key=table, metadata=meta)
            progress.advance("table", table)
        bad = load.scalar(con, """
            SELECT count(*) FROM fact_indicator f JOIN dim_report r USING (report_id)
            WHERE substr(r.text, f.span_start + 1, f.span_end - f.span_start) <> f.mention
        """)
    yield dg.AssetCheckResult(check_name=FACT_SPANS_CHECK, asset_key="fact_indicator", passed=bad == 0,
                              metadata={"mismatched_spans": bad})


@dg.asset(deps=list(TABLES), group_name=_GROUP, kinds={"duckdb"}, pool="duckdb_writer")
def analyst_views(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """indicator_facts (the flat contract analysts and the evaluation read) and metric_series."""
    with warehouse.connect() as con:
        views = load.create_views(con)
        counts = {v: load.scalar(con, f"SELECT count(*) FROM {v}") for v in views}
        preview = load.frame(con, "SELECT report_file, locality, year, metric_text, value, unit, kind "
                                  "FROM indicator_facts ORDER BY report_file, span_start LIMIT 10")
    progress.advance("table", "analyst_views")
    return dg.MaterializeResult(metadata={
        "views": views, **{f"rows/{v}": n for v, n in counts.items()},
        "indicator_facts_preview": md_table(preview),
    })
