"""The analyst's layer: views, macros, and the series / export / chart / query commands."""

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import matplotlib
import polars as pl
import pytest
from helpers import rows
from typer.testing import CliRunner

from models import Locality, Mention, Report
from pipelines import analyst, chart
from pipelines.assets import reports as report_assets
from pipelines.cli import app
from pipelines.definitions import BUILD_JOB, build_definitions
from pipelines.extract.report import scan_inbox
from warehouse import history, load

runner = CliRunner()
ENV = {"COLUMNS": "200"}
VIEWS = {"indicator_facts", "metric_series", "coverage", "review_queue", "unclassified_metric_texts",
         *history.VIEWS}
REASONS = {"no_metric", "no_counted_thing", "kind_mismatch", "unusual_unit", "ratio_over_100", "negative_value",
           "conflicting"}


def indicators(*args: str):
    return runner.invoke(app, list(args), env=ENV)



# ---------------------------------------------------------------- views and macros on the samples


def test_views_and_macros_exist(sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall()}
        assert views == VIEWS
        assert set(load.macro_names(con)) >= {"metric_by_locality", "locality_profile", "yoy_change"}
    finally:
        con.close()


def test_metric_series_has_the_issue_columns_and_yicheng_received_39(sample_db: Path) -> None:
    got = rows(sample_db, """SELECT locality, locality_code, unit, value, n_facts, conflicting FROM metric_series
                             WHERE metric = 'reconsideration_received' AND year = 2021 AND locality = '峄城区'""")
    assert got == [("峄城区", "370404", "件", 39.0, 1, False)]


def test_metric_by_locality(sample_db: Path) -> None:
    got = rows(sample_db, "SELECT locality, value FROM metric_by_locality('mediation_cases', 2021)")
    assert ("峄城区", 1367.0) in got and len(got) == 4  # the four 2021 reports; 环翠区 reports 2023
    assert [v for _, v in got] == sorted((v for _, v in got), reverse=True)


def test_locality_profile_by_name_or_code(sample_db: Path) -> None:
    by_name = rows(sample_db, "SELECT metric, year, value FROM locality_profile('峄城区')")
    assert by_name == rows(sample_db, "SELECT metric, year, value FROM locality_profile('370404')")
    assert ("reconsideration_received", 2021, 39.0) in by_name
    assert rows(sample_db, "SELECT count(*) FROM locality_profile('nowhere')") == [(0,)]


def test_coverage_shows_gaps(sample_db: Path) -> None:
    n_metrics, n_localities, n_years = rows(sample_db, """SELECT (SELECT count(*) FROM dim_metric),
        (SELECT count(*) FROM dim_locality), (SELECT count(*) FROM dim_year)""")[0]
    assert rows(sample_db, "SELECT count(*) FROM coverage") == [(n_metrics * n_localities * n_years,)]
    cells = dict(((loc, y), (rep, data)) for loc, y, rep, data in rows(sample_db, """
        SELECT locality, year, has_report, has_data FROM coverage WHERE metric = 'reconsideration_received'"""))
    assert cells[("峄城区", 2021)] == (True, True)
    assert cells[("峄城区", 2022)] == (False, False)  # no report: a gap, shown as a row
    assert cells[("环翠区", 2021)] == (False, False)
    (with_data,), = rows(sample_db, "SELECT count(*) FROM coverage WHERE has_data")
    (series_cells,), = rows(sample_db, "SELECT count(DISTINCT (locality_key, metric, year)) FROM metric_series")
    assert with_data == series_cells


def test_review_queue_lists_unsure_facts_with_reasons(sample_db: Path) -> None:
    queue = rows(sample_db, "SELECT fact_id, metric, metric_text, reason, detail FROM review_queue")
    assert queue and len({q[0] for q in queue}) == len(queue)  # one row per fact
    assert all(q[3] and q[4] and set(q[3].split(", ")) <= REASONS for q in queue)
    assert {q[0] for q in queue if "no_metric" in q[3]} == {r[0] for r in rows(
        sample_db, "SELECT fact_id FROM fact_indicator WHERE metric IS NULL")}
    # a metric_text too short to say what is counted is queued, and only then
    assert {q[0] for q in queue if "no_counted_thing" in q[3]} == {r[0] for r in rows(
        sample_db, "SELECT fact_id FROM fact_indicator WHERE length(trim(metric_text)) < 2")}
    assert all(q[1] is not None for q in queue if "unusual_unit" in q[3] or "kind_mismatch" in q[3])


def test_unclassified_metric_texts(sample_db: Path) -> None:
    top = rows(sample_db, "SELECT metric_text, n_facts FROM unclassified_metric_texts")
    (unclassified,), = rows(sample_db, "SELECT count(*) FROM fact_indicator WHERE metric IS NULL")
    assert sum(n for _, n in top) == unclassified
    assert [n for _, n in top] == sorted((n for _, n in top), reverse=True)
    assert top[0][1] >= 2


# ---------------------------------------------------------------- views on hand-made data

LOC = Locality(key="370404", name="峄城区", code="370404", level="county", city="枣庄市", city_code="3704",
               province="山东省", province_code="37")


def report(year: int, text: str) -> Report:
    sha = f"{year:04d}" + "a" * 60
    return Report(report_id=sha[:16], file_name=f"{year}.txt", sha256=sha, size_bytes=len(text.encode()),
                  format="txt", encoding="utf-8", text=text, title="报告", locality=LOC, year=year,
                  ingested_at=datetime(2024, 1, 1, tzinfo=UTC))


def fact(text: str, needle: str, value: float, metric: str | None, unit: str = "件", kind: str = "count",
         metric_text: str = "调解纠纷") -> Mention:
    start = text.index(needle)
    return Mention(span_start=start, span_end=start + len(needle), mention=needle, raw_value=needle, raw_unit="",
                   value=value, unit=unit, qualifier="exact", kind=kind, metric_text=metric_text, sentence=text,
                   sentence_start=0, domain="disputes", metric=metric)


@pytest.fixture
def two_years(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "domains.csv").write_text("code,name_zh,name_en,description\ndisputes,矛盾纠纷化解,Disputes,x\n",
                                       encoding="utf-8")
    (seeds / "metrics.csv").write_text(
        "code,domain,name_zh,name_en,usual_unit,kind,covers\n"
        "mediation_cases,disputes,调解矛盾纠纷,Disputes mediated,件,count,\n"
        "mediation_success_rate,disputes,调解成功率,Success rate,%,ratio,\n", encoding="utf-8")
    staging = tmp_path / "s"
    t20, t21 = "调解纠纷 100 件。", "调解纠纷 120 件，另调解 7 人，成功率 120%，纠纷 130 件。"
    for r, facts in ((report(2020, t20), [fact(t20, "100 件", 100, "mediation_cases")]),
                     (report(2021, t21), [fact(t21, "120 件", 120, "mediation_cases"),
                                          fact(t21, "7 人", 7, "mediation_cases", unit="人"),
                                          fact(t21, "120%", 120, "mediation_success_rate", "%", "ratio", "成功率"),
                                          fact(t21, "130 件", 130, "mediation_cases", metric_text="纠纷")])):
        load.stage_facts(staging, load.stage_report(staging, r, "v1", "fp"), facts)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load.build_warehouse(con, staging, seeds, [report(2020, t20).report_id, report(2021, t21).report_id])
    load.create_views(con)
    yield con
    con.close()


def test_yoy_change(two_years: duckdb.DuckDBPyConnection) -> None:
    got = two_years.execute("SELECT unit, year, value, previous_value, change, change_pct "
                            "FROM yoy_change('mediation_cases')").fetchall()
    assert got == [("人", 2021, 7.0, None, None, None),  # another unit is another series
                   ("件", 2020, 100.0, None, None, None),
                   ("件", 2021, 120.0, 100.0, 20.0, 20.0)]


def test_conflicting_values_in_one_report_are_flagged(two_years: duckdb.DuckDBPyConnection) -> None:
    got = two_years.execute("SELECT year, value, n_facts, min_value, max_value, conflicting, vintages_differ "
                            "FROM metric_series WHERE metric = 'mediation_cases' AND unit = '件' "
                            "ORDER BY year").fetchall()
    assert got == [(2020, 100.0, 1, 100.0, 100.0, False, False), (2021, 120.0, 2, 120.0, 130.0, True, False)]


def test_review_reasons(two_years: duckdb.DuckDBPyConnection) -> None:
    got = dict(two_years.execute("SELECT mention, reason FROM review_queue").fetchall())
    assert got == {"7 人": "unusual_unit", "120%": "ratio_over_100",
                   "120 件": "conflicting", "130 件": "conflicting"}


# ---------------------------------------------------------------- CLI


def test_series_prints_locality_by_year(sample_db: Path) -> None:
    result = indicators("series", "reconsideration_received", "--db", str(sample_db))
    assert result.exit_code == 0, result.output
    assert "峄城区" in result.output and "39" in result.output and "2022" in result.output
    as_csv = indicators("series", "收到行政复议申请", "--locality", "370404", "--db", str(sample_db), "-f", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout.splitlines() == ["locality,locality_code,unit,2021,2022,2023", "峄城区,370404,件,39.0,,"]
    as_json = indicators("series", "mediation_cases", "--db", str(sample_db), "-f", "json")
    assert {r["locality"] for r in json.loads(as_json.stdout)} >= {"峄城区", "环翠区"}


def test_series_refuses_unknown_names(sample_db: Path) -> None:
    bad = indicators("series", "reconsideration", "--db", str(sample_db))
    assert bad.exit_code == 1 and "reconsideration_received" in bad.output  # suggested
    nowhere = indicators("series", "mediation_cases", "--locality", "北京市", "--db", str(sample_db))
    assert nowhere.exit_code == 1 and "峄城区" in nowhere.output
    missing = indicators("series", "mediation_cases", "--db", str(sample_db.parent / "none.duckdb"))
    assert missing.exit_code == 1 and "indicators build" in missing.output


def test_a_metric_without_data_is_said_so(sample_db: Path, tmp_path: Path) -> None:
    (empty,), = rows(sample_db, "SELECT metric FROM coverage GROUP BY metric HAVING NOT bool_or(has_data) "
                                "ORDER BY metric LIMIT 1")
    series = indicators("series", empty, "--db", str(sample_db))
    assert series.exit_code == 0 and "no data" in series.output
    drawn = indicators("chart", empty, "-o", str(tmp_path / "x.png"), "--db", str(sample_db))
    assert drawn.exit_code == 1 and not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table_and_view(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    result = indicators("export", "--format", fmt, str(tmp_path / "out"), "--db", str(sample_db))
    assert result.exit_code == 0, result.output
    names = {p.stem for p in (tmp_path / "out").iterdir()}
    assert names == set(load.TABLES) | set(history.TABLES) | VIEWS
    def read(path: Path) -> pl.DataFrame:
        return pl.read_parquet(path) if fmt == "parquet" else pl.read_csv(path, infer_schema=False)

    for name in ("fact_indicator", "metric_series", "coverage"):
        (n,), = rows(sample_db, f"SELECT count(*) FROM {name}")
        assert read(tmp_path / "out" / f"{name}.{fmt}").height == n
    facts = read(tmp_path / "out" / f"indicator_facts.{fmt}")
    assert facts.filter((pl.col("locality") == "峄城区") & (pl.col("value").cast(pl.Float64) == 39)).height >= 1


def test_chart_draws_a_png_with_chinese_labels(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "c" / "mediation.png"
    result = indicators("chart", "mediation_cases", "-o", str(out), "--db", str(sample_db))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "5 localities" in result.output
    assert chart.find_cjk_font() is not None  # pylopdf-fonts-zh-cn is a dependency
    one = indicators("chart", "mediation_cases", "-o", str(tmp_path / "one.png"), "-l", "峄城区",
                     "--db", str(sample_db))
    assert one.exit_code == 0 and "1 localities" in one.output


def test_chart_falls_back_to_ascii_labels_quietly(sample_db: Path, tmp_path: Path) -> None:
    con = analyst.connect_readonly(sample_db)
    try:
        long = analyst.series_long(con, "mediation_cases")
    finally:
        con.close()
    latin = chart.CjkFont("DejaVu Sans", Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing-glyph warning would fail the test
        for font in (None, latin):
            res = chart.draw_series(long, "mediation_cases", "调解矛盾纠纷", "Disputes mediated", "件",
                                    tmp_path / "ascii.png", font)
            assert res.cjk_font is None and res.lines == 5
    zone = long.filter(pl.col("locality_code").is_null()).row(0, named=True)
    assert chart.ascii_locality(zone) == "3703-zone"


@pytest.mark.parametrize("sql", [
    "INSERT INTO dim_year VALUES (1999)",
    "UPDATE fact_indicator SET value = 0",
    "DELETE FROM fact_indicator",
    "DROP TABLE fact_indicator",
    "DROP VIEW metric_series",
    "CREATE TABLE x (a INT)",
    "CREATE OR REPLACE MACRO yoy_change(m) AS TABLE SELECT 1",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "COPY fact_indicator TO '{tmp}/facts.csv'",
    "SET enable_external_access = true",
    "SELECT 1; DROP TABLE dim_year",
])
def test_query_can_never_change_the_warehouse(sample_db: Path, tmp_path: Path, sql: str) -> None:
    def state() -> list:
        return rows(sample_db, """SELECT (SELECT count(*) FROM fact_indicator), (SELECT sum(value) FROM fact_indicator),
            (SELECT count(*) FROM duckdb_tables() WHERE NOT internal),
            (SELECT count(*) FROM duckdb_views() WHERE NOT internal), (SELECT count(*) FROM dim_year)""")

    before = state()
    result = indicators("query", "--db", str(sample_db), sql.format(tmp=tmp_path))
    assert result.exit_code != 0, result.output
    assert "refused" in result.output or "query failed" in result.output
    assert state() == before
    assert list(tmp_path.iterdir()) == []  # nothing written elsewhere either


# ---------------------------------------------------------------- Dagster


def test_unclassified_metric_texts_asset_reports_the_top_rows(tmp_path: Path, root: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = sorted((root / "seeds" / "reports").glob("*.txt"))[2]  # 峄城区 2021
    (inbox / sample.name).write_bytes(sample.read_bytes())
    key = scan_inbox(inbox)[0].report_id
    defs = build_definitions(db=tmp_path / "w.duckdb", reports_dir=inbox, seeds=root / "seeds")
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey("unclassified_metric_texts")).parent_keys}
    assert parents == {"analyst_views"}
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(report_assets.reports_partitions.name, [key])
    result = defs.resolve_job_def(BUILD_JOB).execute_in_process(instance=instance, partition_key=key)
    assert result.success
    (mat,) = result.asset_materializations_for_node("unclassified_metric_texts")
    meta = mat.metadata
    (n_texts,), = rows(tmp_path / "w.duckdb", "SELECT count(*) FROM unclassified_metric_texts")
    assert meta["dagster/row_count"].value == n_texts > 0
    assert 0 < meta["share_with_metric"].value < 1
    assert "| metric_text |" in meta["top"].value
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["spans_match_text"] and checks["corrections_all_applied"]
