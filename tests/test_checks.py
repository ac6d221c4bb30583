"""The warehouse checks pass on the sample reports and fail on deliberately broken data.

DuckDB enforces the schema's keys, so most corruptions cannot be written into
a file built by warehouse/load.py: the broken files here are copies whose
tables lost their constraints (as a Parquet export or a careless migration
would), then damaged one way each.
"""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import checks
from pipelines.automation import WAREHOUSE_ASSETS
from pipelines.build import run_build
from pipelines.definitions import BUILD_JOB, build_definitions
from pipelines.extract.report import scan_inbox
from warehouse import load


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    db = tmp_path_factory.mktemp("checks") / "w.duckdb"
    result = run_build(root / "seeds" / "reports", db, seeds=root / "seeds")
    assert result.success, result.error
    return db


def unconstrained_copy(src: Path, dst: Path) -> None:
    """Every table of `src` copied into a new file as plain tables: no keys, no NOT NULL, no CHECK."""
    con = duckdb.connect(str(dst))
    try:
        con.execute(f"ATTACH '{src}' AS built (READ_ONLY)")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'built' AND schema_name = 'main'").fetchall()]
        for t in tables:
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM built.{t}")
        con.execute("DETACH built")
    finally:
        con.close()


def failing(db: Path) -> dict[str, checks.Outcome]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: o for name, o in checks.evaluate(con).items() if not o.passed}
    finally:
        con.close()


def test_checks_pass_on_the_sample_reports(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    try:
        outcomes = checks.evaluate(con)
    finally:
        con.close()
    assert set(outcomes) == {c.name for c in checks.CHECKS}
    assert all(o.passed for o in outcomes.values()), {n: o.sample for n, o in outcomes.items() if not o.passed}
    per_report = outcomes["reports_have_facts"].summary
    assert per_report is not None and per_report.height == 5 and per_report["facts"].min() > 0


def test_an_unconstrained_copy_still_passes(built: Path, tmp_path: Path) -> None:
    unconstrained_copy(built, tmp_path / "copy.duckdb")
    assert failing(tmp_path / "copy.duckdb") == {}


# Each corruption, and the checks it must fail (and no others).
CORRUPTIONS = {
    "span shifted off its mention": (
        "UPDATE fact_indicator SET span_start = span_start + 1, span_end = span_end + 1 "
        "WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator)",
        {"spans_match_text"}),
    "span past the end of the text": (
        "UPDATE fact_indicator SET span_end = 10000000 WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator)",
        {"spans_match_text"}),
    "the same fact twice": (
        "INSERT INTO fact_indicator SELECT * FROM fact_indicator WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator)",
        {"no_duplicate_facts"}),
    "one mention, two fact ids": (
        "INSERT INTO fact_indicator SELECT * REPLACE ('x' || fact_id AS fact_id) FROM fact_indicator "
        "WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator)",
        {"no_duplicate_facts"}),
    "a ratio of 150 %": (
        "UPDATE fact_indicator SET value = 150 "
        "WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator WHERE kind = 'ratio')",
        {"ratios_within_0_100"}),
    "a locality missing from dim_locality": (
        "UPDATE fact_indicator SET locality_key = '999999' WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator)",
        {"fact_keys_resolve"}),
    "a metric missing from the catalog": (
        "UPDATE fact_indicator SET metric = 'no_such_metric' "
        "WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator WHERE metric IS NOT NULL)",
        {"fact_keys_resolve"}),
    "a fact of a report that is gone": (
        "DELETE FROM dim_report WHERE report_id = (SELECT min(report_id) FROM dim_report)",
        {"fact_keys_resolve", "spans_match_text"}),
    "a fact filed under another report's year": (
        "UPDATE fact_indicator SET year = (SELECT max(year) FROM dim_year) "
        "WHERE fact_id = (SELECT min(fact_id) FROM fact_indicator f JOIN dim_report r USING (report_id) "
        "                 WHERE r.year < (SELECT max(year) FROM dim_year))",
        {"fact_keys_resolve"}),
    "a report without a locality": (
        "UPDATE dim_report SET locality_key = NULL WHERE report_id = (SELECT min(report_id) FROM dim_report)",
        # its facts now disagree with it too
        {"reports_have_locality_and_year", "fact_keys_resolve"}),
    "a report without a year, and no facts": (
        "DELETE FROM fact_indicator WHERE report_id = (SELECT min(report_id) FROM dim_report);"
        "UPDATE dim_report SET year = NULL WHERE report_id = (SELECT min(report_id) FROM dim_report)",
        {"reports_have_locality_and_year", "reports_have_facts"}),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_checks_fail_on_broken_data(built: Path, tmp_path: Path, corruption: str) -> None:
    sql, expected = CORRUPTIONS[corruption]
    broken = tmp_path / "broken.duckdb"
    unconstrained_copy(built, broken)
    con = duckdb.connect(str(broken))
    try:
        con.execute(sql)
    finally:
        con.close()

    failed = failing(broken)
    assert set(failed) == expected
    for outcome in failed.values():
        assert outcome.failures >= 1
        assert outcome.sample.height >= 1 and outcome.sample["problem"].null_count() == 0


# ---------------------------------------------------------------- through Dagster


def _run_on_tampered_staging(root: Path, tmp_path: Path, tamper) -> tuple[dg.ExecuteInProcessResult, Path]:
    """Stage two reports, tamper with the first one's staged facts, rebuild the tables from staging."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted((root / "seeds" / "reports").iterdir())[:2]:
        shutil.copy(sample, inbox / sample.name)
    keys = [src.report_id for src in scan_inbox(inbox)]
    db = tmp_path / "w.duckdb"
    defs = build_definitions(db=db, reports_dir=inbox, seeds=root / "seeds")
    job = defs.resolve_job_def(BUILD_JOB)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("reports", keys)
    first = job.execute_in_process(instance=instance, tags={
        "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]})
    assert first.success

    staged = load.staging_dir_for(db) / "facts" / f"{keys[0]}.parquet"
    other = load.staged_facts(load.staging_dir_for(db), keys[1])
    tamper(staged, other)
    result = job.execute_in_process(instance=instance, asset_selection=WAREHOUSE_ASSETS, raise_on_error=False)
    return result, db


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def _evaluation(result: dg.ExecuteInProcessResult, name: str) -> dg.AssetCheckEvaluation:
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == name)


def test_a_failing_blocking_check_stops_the_run_before_the_views(root: Path, tmp_path: Path) -> None:
    def other_locality(staged: Path, other: pl.DataFrame) -> None:
        # Keys that exist (DuckDB accepts them) but are another report's: only a check can tell.
        df = pl.read_parquet(staged).with_columns(pl.lit(other["locality_key"][0]).alias("locality_key"))
        df.write_parquet(staged)

    result, _ = _run_on_tampered_staging(root, tmp_path, other_locality)
    assert not result.success
    evaluation = _evaluation(result, "fact_keys_resolve")
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.metadata["offending_rows"].value > 0
    assert "fact_indicator" in materialized(result)
    assert "analyst_views" not in materialized(result)


def test_a_warning_check_fails_without_stopping_the_run(root: Path, tmp_path: Path) -> None:
    def ratio_150(staged: Path, other: pl.DataFrame) -> None:
        df = pl.read_parquet(staged)
        first_ratio = df.with_row_index().filter(pl.col("kind") == "ratio")["index"][0]
        df = df.with_row_index().with_columns(
            pl.when(pl.col("index") == first_ratio).then(150.0).otherwise(pl.col("value")).alias("value")
        ).drop("index")
        df.write_parquet(staged)

    result, _ = _run_on_tampered_staging(root, tmp_path, ratio_150)
    assert result.success
    evaluation = _evaluation(result, "ratios_within_0_100")
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "analyst_views" in materialized(result)


def test_the_code_location_runs_every_check_once() -> None:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    declared = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {(c.asset, c.name) for c in checks.CHECKS} <= declared
    blocking = {(d.asset_key.to_user_string(), d.name): d.blocking
                for a in defs.asset_checks or [] for d in a.check_specs}
    for c in checks.CHECKS:
        if (c.asset, c.name) in blocking:  # not declared inline by an asset instead
            assert blocking[(c.asset, c.name)] == c.blocking
