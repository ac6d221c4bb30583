"""The Dagster code location loads, and its asset graph reads raw files → … → views."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.assets import reports as report_assets
from pipelines.definitions import BUILD_JOB, build_definitions, defs
from pipelines.extract.report import scan_inbox
from warehouse import load

TABLES = {"dim_locality", "dim_year", "dim_domain", "dim_metric", "dim_report", "fact_indicator", "rejected_report"}


def parents(graph, key: str) -> set[str]:
    return {k.to_user_string() for k in graph.get(dg.AssetKey(key)).parent_keys}


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def(BUILD_JOB)
    assert job.executor_def is dg.in_process_executor


def test_asset_graph_lineage() -> None:
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw_report_files", "parsed_reports", "indicator_mentions", "analyst_views"} | TABLES <= keys
    assert parents(graph, "parsed_reports") == {"raw_report_files"}
    assert parents(graph, "indicator_mentions") == {"parsed_reports"}
    assert "indicator_mentions" in parents(graph, "fact_indicator")
    assert {"dim_report", "dim_locality", "dim_year", "dim_domain", "dim_metric"} <= parents(graph, "fact_indicator")
    assert "parsed_reports" in parents(graph, "dim_report")
    assert parents(graph, "analyst_views") >= TABLES


def test_per_report_assets_are_partitioned_and_warehouse_writers_share_a_pool() -> None:
    graph = defs.resolve_asset_graph()
    for key in ("raw_report_files", "parsed_reports", "indicator_mentions"):
        node = graph.get(dg.AssetKey(key))
        assert node.partitions_def == report_assets.reports_partitions
        assert node.backfill_policy == dg.BackfillPolicy.single_run()
    for key in ("fact_indicator", "analyst_views"):
        assert defs.get_assets_def(key).op.pool == "duckdb_writer"


def test_one_report_materializes_through_all_assets(tmp_path: Path, root: Path) -> None:
    """The notes' recipe: an ephemeral instance with the dynamic partition added explicitly."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = sorted((root / "seeds" / "reports").glob("*.txt"))[2]
    (inbox / sample.name).write_bytes(sample.read_bytes())
    key = scan_inbox(inbox)[0].report_id
    db = tmp_path / "w.duckdb"
    test_defs = build_definitions(db=db, reports_dir=inbox, seeds=root / "seeds")
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(report_assets.reports_partitions.name, [key])

    job = test_defs.resolve_job_def(BUILD_JOB)
    result = job.execute_in_process(instance=instance, partition_key=key)
    assert result.success
    assert load.staged_report(load.staging_dir_for(db), key) is not None
    con = duckdb.connect(str(db), read_only=True)
    try:
        (n_reports,), = con.execute("SELECT count(*) FROM dim_report").fetchall()
        (n_facts,), = con.execute("SELECT count(*) FROM indicator_facts").fetchall()
    finally:
        con.close()
    assert n_reports == 1 and n_facts > 0
