"""Warehouse assets: one asset key per table, then the analyst views.

The tables are built by one multi-asset because they are one unit of
consistency: they are replaced together, in one transaction, and the facts'
keys are checked against the dimensions built with them (fact_keys_resolve). Each table is still its own asset, with its
own upstream edges and metadata, so the lineage graph shows it.
"""


from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg

from pipelines import progress
from pipelines.assets._metadata import md_table
from pipelines.assets.reports import indicator_mentions, parsed_reports
from pipelines.resources import InboxResource, WarehouseResource
from pipelines.versioning import warehouse_fingerprint
from warehouse import history, load
from warehouse.publish import publish_parquet

_GROUP = "warehouse"
_TABLE_DEPS: dict[str, list] = {
    "dim_domain": [],
    "dim_metric": ["dim_domain"],
    "dim_locality": [parsed_reports],
    "dim_year": [parsed_reports],
    "dim_report": [parsed_reports, "dim_locality", "dim_year"],
    # The corrections shape the facts, so the log comes first in the lineage.
    "correction": [indicator_mentions, "dim_report", "dim_metric", "dim_domain"],
    "fact_indicator": [indicator_mentions, "dim_report", "dim_locality", "dim_year", "dim_domain", "dim_metric",
                       "correction"],
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
    "correction": "Each row of seeds/corrections.csv and what it did on this build (applied / unmatched / invalid).",
}
_PREVIEW_COLUMNS = {  # wide text columns left out of previews
    "dim_report": "report_id, file_name, title, locality_key, year, format, extractor_version",
    "fact_indicator": "report_id, mention, value, unit, qualifier, kind, metric_text, metric, domain",
}

TABLES = tuple(_TABLE_DEPS)
# The warehouse assets after the tables, in run order (the build's progress counts them).
AFTER_TABLES = ("analyst_views", "unclassified_metric_texts", "warehouse_history", "published_warehouse")
CORRECTIONS_CHECK = "corrections_all_applied"


@dg.multi_asset(
    specs=[dg.AssetSpec(t, deps=d, description=_DESCRIPTIONS[t], group_name=_GROUP, kinds={"duckdb"})
           for t, d in _TABLE_DEPS.items()],
    check_specs=[dg.AssetCheckSpec(CORRECTIONS_CHECK, asset="correction",
                                   description="every correction still matches a fact (else update the file)")],
    pool="duckdb_writer",
)
def warehouse_tables(context: dg.AssetExecutionContext, inbox: InboxResource,
                     warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    # The warehouse holds the reports now in the inbox, as staged by the per-report assets.
    report_ids = [src.report_id for src in inbox.sources()]
    warehouse.start_build()
    with warehouse.connect() as con:
        summary = load.build_warehouse(con, warehouse.staging, inbox.seeds, report_ids,
                                       fingerprint=warehouse_fingerprint(inbox.seeds))
        if summary.missing:
            context.log.warning(f"{len(summary.missing)} inbox reports not staged yet: {summary.missing}")
        for table in _TABLE_DEPS:
            cols = _PREVIEW_COLUMNS.get(table, "*")
            preview = load.frame(con, f"SELECT {cols} FROM {table} LIMIT 10")
            meta = {"dagster/row_count": summary.row_counts[table], "preview": md_table(preview)}
            if table == "dim_report":
                meta["not_staged_yet"] = summary.missing
            if table == "correction":
                meta["applied"] = summary.corrections_applied
            yield dg.MaterializeResult(asset_key=table, metadata=meta)
            progress.advance("table", table)
    stale = summary.corrections_not_applied
    # A warning, not an error: the build is right without them; the file needs a look.
    yield dg.AssetCheckResult(check_name=CORRECTIONS_CHECK, asset_key="correction", passed=stale.is_empty(),
                              severity=dg.AssetCheckSeverity.WARN,
                              metadata={"not_applied": stale.height,
                                        "rows": md_table(stale.select("line", "action", "report", "status",
                                                                      "detail"))})


# Row counts of the views, for the metadata, without computing every row (1.9 s of every build).
# Both are exact given the keys of the tables: coverage is metric × locality × year (every join after
# the cross joins is on a unique key); review_queue has one row per fact with a reason (it groups by
# every column of the fact, fact_id the primary key of fact_indicator, each dimension joined on its own).
_COUNT_SQL = {
    "coverage": "SELECT (SELECT count(*) FROM dim_metric) * (SELECT count(*) FROM dim_locality) "
                "* (SELECT count(*) FROM dim_year)",
    "review_queue": "SELECT count(DISTINCT fact_id) FROM review_queue",
}


@dg.asset(deps=list(TABLES), group_name=_GROUP, kinds={"duckdb"}, pool="duckdb_writer")
def analyst_views(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """indicator_facts (the flat contract analysts and the evaluation read), metric_series, coverage,
    review_queue, unclassified_metric_texts, and the table macros (warehouse/macros.sql)."""
    with warehouse.connect() as con:
        views = load.create_views(con)
        macros = load.macro_names(con)
        counts = {v: load.scalar(con, _COUNT_SQL.get(v, f"SELECT count(*) FROM {v}")) for v in views}
        preview = load.frame(con, "SELECT report_file, locality, year, metric_text, value, unit, kind "
                                  "FROM indicator_facts ORDER BY report_file, span_start LIMIT 10")
    progress.advance("table", "analyst_views")
    return dg.MaterializeResult(metadata={
        "views": views, "macros": macros, **{f"rows/{v}": n for v, n in counts.items()},
        "indicator_facts_preview": md_table(preview),
    })


@dg.asset(deps=[analyst_views], group_name=_GROUP, kinds={"duckdb"}, pool="duckdb_writer")
def unclassified_metric_texts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The most frequent metric_texts that fit no catalog metric: the evidence for growing
    seeds/metrics.csv and seeds/metric_rules.csv (the view of the same name holds them all)."""
    with warehouse.connect(read_only=True) as con:
        top = load.frame(con, "SELECT metric_text, n_facts, n_reports, units, domains, example_mention "
                              "FROM unclassified_metric_texts ORDER BY n_facts DESC, n_reports DESC, metric_text")
        total, with_metric = load.frame(con, "SELECT count(*), count(metric) FROM fact_indicator").row(0)
    progress.advance("table", "unclassified_metric_texts")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": top.height,
        "facts": total, "facts_with_metric": with_metric,
        "share_with_metric": round(with_metric / total, 4) if total else 0.0,
        "top": md_table(top, rows=25, width=48),
    })


@dg.asset(deps=[analyst_views], group_name=_GROUP, kinds={"duckdb"}, pool="duckdb_writer")
def warehouse_history(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Vintages and the run's diff: facts retired since the published warehouse (report changed or
    removed), when each fact first appeared, and per report the facts added, changed and removed."""
    now = datetime.now(UTC)
    with warehouse.connect() as con:
        diff = history.carry_history(con, warehouse.db, now)
        history.create_vintage_views(con)
        retired = con.execute("SELECT count(*) FROM fact_history WHERE valid_to = ?", [now]).fetchall()[0][0]
    rows = [{"report_file": d.report_file, "added": d.added, "changed": d.changed, "removed": d.removed}
            for d in diff]
    progress.advance("table", "warehouse_history")
    return dg.MaterializeResult(metadata={
        "reports_changed": len(diff), "facts_added": sum(d.added for d in diff),
        "facts_changed": sum(d.changed for d in diff), "facts_removed": sum(d.removed for d in diff),
        "facts_retired": retired, "diff": dg.MetadataValue.json(rows),
    })


@dg.asset(deps=[warehouse_history, unclassified_metric_texts], group_name=_GROUP, kinds={"duckdb", "parquet"},
          pool="duckdb_writer")
def published_warehouse(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The checked build, published: Parquet copies of every table, then an atomic rename of the
    private build file over the warehouse analysts open. Blocking checks upstream stop a bad build here."""
    with warehouse.connect(read_only=True) as con:
        rows = publish_parquet(con, warehouse.parquet_dir)
    warehouse.publish()
    progress.advance("table", "published_warehouse")
    return dg.MaterializeResult(metadata={
        "path": str(warehouse.db), "parquet": str(warehouse.parquet_dir),
        **{f"rows/{name}": n for name, n in rows.items()},
    })
