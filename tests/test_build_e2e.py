"""`indicators build` end to end on the sample reports, checked by SQL."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import rows
from typer.testing import CliRunner

from pipelines.cli import app
from warehouse import load

runner = CliRunner()
ENV = {"COLUMNS": "200"}  # rich wraps long lines at 80 columns otherwise


def indicators(*args: str):
    return runner.invoke(app, list(args), env=ENV)



def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {t: sorted(rows(db, f"SELECT * FROM {t}"), key=repr) for t in load.TABLES}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    db = tmp_path_factory.mktemp("wh") / "indicators.duckdb"
    result = indicators("build", "--reports", str(root / "seeds" / "reports"), "--db", str(db),
                        "--seeds", str(root / "seeds"))
    assert result.exit_code == 0, result.output
    assert "5 reports read, 0 rejected" in result.output
    return db


def test_yicheng_received_39_reconsideration_applications(built: Path) -> None:
    found = rows(built, """SELECT value FROM indicator_facts WHERE locality = '峄城区' AND year = 2021
                           AND value = 39 AND metric_text LIKE '%行政复议申请%'""")
    assert found, "峄城区 2021: 行政复议申请 39 件 missing"


def test_weihai_torch_zone_has_its_official_code(built: Path) -> None:
    assert rows(built, "SELECT code FROM dim_locality WHERE name = '威海火炬高技术产业开发区'") == [("371071",)]
    codes = rows(built, "SELECT DISTINCT locality_code FROM indicator_facts WHERE locality = '威海火炬高技术产业开发区'")
    assert codes == [("371071",)]


def test_all_sample_reports_are_in_dim_report(built: Path, root: Path) -> None:
    names = {r[0] for r in rows(built, "SELECT file_name FROM dim_report")}
    assert names == {p.name for p in (root / "seeds" / "reports").iterdir()}
    assert rows(built, "SELECT count(*) FROM rejected_report") == [(0,)]
    assert rows(built, "SELECT count(*) FROM dim_report WHERE extractor_version = '' OR sha256 = ''") == [(0,)]


def test_every_span_points_at_its_mention(built: Path) -> None:
    facts = rows(built, "SELECT r.text, f.span_start, f.span_end, f.mention "
                        "FROM fact_indicator f JOIN dim_report r USING (report_id)")
    assert facts
    bad = [(m, text[s:e]) for text, s, e, m in facts if text[s:e] != m]
    assert not bad, bad[:5]


def test_contract_view_has_the_scorer_columns(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    try:
        cols = {d[0] for d in con.execute("SELECT * FROM indicator_facts LIMIT 0").description}
        series_cols = {d[0] for d in con.execute("SELECT * FROM metric_series LIMIT 0").description}
    finally:
        con.close()
    assert {"report_file", "locality", "locality_code", "year", "domain", "metric", "metric_text", "value",
            "unit", "qualifier", "kind", "mention", "span_start", "span_end", "sentence", "raw_value",
            "raw_unit"} <= cols
    assert {"locality", "locality_code", "metric", "unit", "year", "value", "n_facts", "conflicting"} <= series_cols


def test_building_again_gives_the_same_rows(built: Path, root: Path) -> None:
    before = snapshot(built)
    for extra in ([], ["--full"]):  # nothing to re-read; then re-read everything
        result = indicators("build", "--reports", str(root / "seeds" / "reports"), "--db", str(built),
                            "--seeds", str(root / "seeds"), *extra)
        assert result.exit_code == 0, result.output
        assert snapshot(built) == before


def test_a_reader_holding_the_warehouse_does_not_block_a_build(built: Path, root: Path) -> None:
    reader = duckdb.connect(str(built), read_only=True)
    try:
        result = indicators("build", "--reports", str(root / "seeds" / "reports"), "--db", str(built),
                            "--seeds", str(root / "seeds"), "--full")
        assert result.exit_code == 0, result.output
        assert reader.execute("SELECT count(*) FROM dim_report").fetchall() == [(5,)]  # still the old file
    finally:
        reader.close()


def test_bad_files_are_rejected_without_stopping_the_others(tmp_path: Path, root: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(root / "seeds" / "reports", inbox)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (inbox / "nowhere.txt").write_text("关于2021年法治政府建设情况的报告\n\n全年共办理行政复议案件 12 件。\n",
                                       encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = indicators("build", "--reports", str(inbox), "--db", str(db), "--seeds", str(root / "seeds"))
    assert result.exit_code == 0, result.output
    rejected = dict(rows(db, "SELECT file_name, reason FROM rejected_report"))
    assert set(rejected) == {"empty.txt", "junk.txt", "nowhere.txt"}
    assert all(reason.strip() for reason in rejected.values())
    assert rows(db, "SELECT count(*) FROM dim_report") == [(5,)]
    assert "3 rejected" in result.output
    for name in rejected:
        assert name in result.output


def test_query_is_read_only(built: Path) -> None:
    result = indicators("query", "--db", str(built), "CREATE TABLE x(a INT)")
    assert result.exit_code != 0
    assert "read-only" in result.output
    assert rows(built, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'x'") == [(0,)]


def test_query_formats(built: Path) -> None:
    sql = "SELECT locality, year, count(*) AS n FROM indicator_facts GROUP BY ALL ORDER BY locality"
    as_json = indicators("query", "--db", str(built), "--format", "json", sql)
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert len(data) == 5 and set(data[0]) == {"locality", "year", "n"}
    as_csv = indicators("query", "--db", str(built), "--format", "csv", sql)
    assert as_csv.stdout.splitlines()[0] == "locality,year,n" and len(as_csv.stdout.splitlines()) == 6
    as_table = indicators("query", "--db", str(built), sql)
    assert as_table.exit_code == 0 and "峄城区" in as_table.stdout


def test_a_failed_run_exits_nonzero_and_leaves_the_warehouse_alone(tmp_path: Path, root: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = sorted((root / "seeds" / "reports").glob("*.txt"))[0]
    (inbox / sample.name).write_bytes(sample.read_bytes())
    db = tmp_path / "w.duckdb"
    ok = indicators("build", "--reports", str(inbox), "--db", str(db), "--seeds", str(root / "seeds"))
    assert ok.exit_code == 0, ok.output
    before = snapshot(db)
    broken_seeds = tmp_path / "seeds"  # a catalog without the metrics the facts name: the table build fails
    shutil.copytree(root / "seeds", broken_seeds, ignore=shutil.ignore_patterns("reports"))
    metrics = broken_seeds / "metrics.csv"
    metrics.write_text(metrics.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    failed = indicators("build", "--reports", str(inbox), "--db", str(db), "--seeds", str(broken_seeds))
    assert failed.exit_code == 1
    assert "build failed" in failed.output and "metrics.csv" in failed.output
    assert snapshot(db) == before
    assert not list(tmp_path.glob("*.tmp"))  # the half-built file is gone


def test_a_folder_that_is_not_a_seeds_folder_is_refused_before_any_work(tmp_path: Path, root: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = indicators("build", "--reports", str(root / "seeds" / "reports"), "--db", str(db),
                        "--seeds", str(tmp_path))
    assert result.exit_code == 2
    assert "not a seeds folder" in result.output and "domains.csv" in result.output
    assert not db.exists() and not load.staging_dir_for(db).exists()
