"""warehouse/load.py on hand-made records: staging, idempotent builds, integrity."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from models import Locality, Mention, Rejection, Report
from warehouse import load

LOC = Locality(key="370404", name="峄城区", code="370404", level="county", city="枣庄市", city_code="3704",
               province="山东省", province_code="37")
TEXT = "一、主要成效\n今年以来，共收到行政复议申请 39 件，审结 25 件。"


def make_report(report_id: str = "a" * 16, text: str = TEXT, year: int = 2021, sha: str = "a" * 64) -> Report:
    return Report(report_id=report_id, file_name=f"{report_id}.txt", sha256=sha, size_bytes=len(text.encode()),
                  format="txt", encoding="utf-8", text=text, title="报告", locality=LOC, year=year,
                  ingested_at=datetime(2024, 1, 1, tzinfo=UTC))


def mention(text: str, needle: str, metric_text: str, value: float, metric: str | None = None) -> Mention:
    start = text.index(needle)
    return Mention(span_start=start, span_end=start + len(needle), mention=needle, raw_value=needle.split()[0],
                   raw_unit=needle.split()[-1], value=value, unit="件", qualifier="exact", kind="count",
                   metric_text=metric_text, sentence=text, sentence_start=0, domain="disputes", metric=metric)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    d = tmp_path / "seeds"
    d.mkdir()
    (d / "domains.csv").write_text("code,name_zh,name_en,description\ndisputes,矛盾纠纷化解,Disputes,x\n",
                                   encoding="utf-8")
    (d / "metrics.csv").write_text(
        "code,domain,name_zh,name_en,usual_unit,kind,covers\n"
        "reconsideration_cases,disputes,行政复议案件,Reconsideration cases,件,count,行政复议申请\n",
        encoding="utf-8")
    return d


def stage_sample(staging: Path, fingerprint: str = "fp") -> Report:
    report = load.stage_report(staging, make_report(), "v1", fingerprint)
    load.stage_facts(staging, report, [
        mention(TEXT, "39 件", "行政复议申请", 39, "reconsideration_cases"),
        mention(TEXT, "25 件", "审结", 25),
    ])
    return report


def dump(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in load.TABLES}
    finally:
        con.close()


def build(db: Path, staging: Path, seeds: Path, ids: list[str]) -> load.BuildSummary:
    con = duckdb.connect(str(db))
    try:
        summary = load.build_warehouse(con, staging, seeds, ids)
        load.create_views(con)
        return summary
    finally:
        con.close()


def test_fact_id_is_stable_and_depends_on_position_and_wording() -> None:
    a = load.fact_id("r1", 3, 7, "行政复议申请")
    assert a == load.fact_id("r1", 3, 7, "行政复议申请")
    assert len({a, load.fact_id("r1", 3, 8, "行政复议申请"), load.fact_id("r1", 3, 7, "审结")}) == 3


def test_same_fact_twice_is_kept_once() -> None:
    report = make_report()
    m = mention(TEXT, "39 件", "行政复议申请", 39)
    assert load.facts_frame(report, [m, m]).height == 1


def test_build_is_idempotent_and_spans_hold(tmp_path: Path, seeds: Path) -> None:
    staging = tmp_path / "w.staging"
    report = stage_sample(staging)
    summary = build(tmp_path / "w.duckdb", staging, seeds, [report.report_id])
    assert summary.row_counts["fact_indicator"] == 2 and summary.missing == []
    first = dump(tmp_path / "w.duckdb")
    build(tmp_path / "w.duckdb", staging, seeds, [report.report_id])
    assert dump(tmp_path / "w.duckdb") == first

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = con.execute("SELECT text, span_start, span_end, mention FROM fact_indicator JOIN dim_report "
                       "USING (report_id)").fetchall()
    assert all(text[s:e] == m for text, s, e, m in rows)
    row = con.execute("SELECT locality, locality_code, metric, value FROM indicator_facts "
                      "WHERE metric_text = '行政复议申请'").fetchall()
    assert row == [("峄城区", "370404", "reconsideration_cases", 39.0)]
    series = con.execute("SELECT value, n_facts, conflicting FROM metric_series").fetchall()
    assert series == [(39.0, 1, False)]
    con.close()


def test_restaging_unchanged_report_keeps_first_ingested_at(tmp_path: Path) -> None:
    staging = tmp_path / "s"
    first = load.stage_report(staging, make_report(), "v1", "fp")
    again = load.stage_report(staging, make_report().model_copy(update={"ingested_at": datetime.now(UTC)}),
                              "v1", "fp")
    assert again.ingested_at == first.ingested_at


def test_staleness_follows_fingerprint_and_completeness(tmp_path: Path) -> None:
    staging = tmp_path / "s"
    report = load.stage_report(staging, make_report(), "v1", "fp1")
    assert not load.is_staged(staging, report.report_id, "fp1")  # facts not extracted yet
    load.stage_facts(staging, report, [])
    assert load.is_staged(staging, report.report_id, "fp1")
    assert not load.is_staged(staging, report.report_id, "fp2")  # extractor changed


def test_rejection_replaces_earlier_reading(tmp_path: Path, seeds: Path) -> None:
    staging = tmp_path / "w.staging"
    report = stage_sample(staging)
    rejection = Rejection(file_name="x.txt", path="/in/x.txt", sha256=None, stage="metadata", reason="no locality")
    load.stage_rejection(staging, report.report_id, rejection, "fp")
    assert load.staged_report(staging, report.report_id) is None
    assert load.staged_facts(staging, report.report_id) is None
    build(tmp_path / "w.duckdb", staging, seeds, [report.report_id, "b" * 16])
    tables = dump(tmp_path / "w.duckdb")
    assert tables["fact_indicator"] == [] and tables["dim_report"] == []
    assert [r[:6] for r in tables["rejected_report"]] == [
        (report.report_id, "x.txt", "/in/x.txt", None, "metadata", "no locality")]


def test_unknown_metric_code_fails_loudly_and_keeps_the_old_tables(tmp_path: Path, seeds: Path) -> None:
    staging = tmp_path / "w.staging"
    report = stage_sample(staging)
    build(tmp_path / "w.duckdb", staging, seeds, [report.report_id])
    before = dump(tmp_path / "w.duckdb")
    load.stage_facts(staging, report, [mention(TEXT, "39 件", "行政复议申请", 39, "no_such_metric")])
    with pytest.raises(ValueError, match="no_such_metric"):
        build(tmp_path / "w.duckdb", staging, seeds, [report.report_id])
    assert dump(tmp_path / "w.duckdb") == before


def test_missing_reports_are_reported_not_invented(tmp_path: Path, seeds: Path) -> None:
    summary = build(tmp_path / "w.duckdb", tmp_path / "empty.staging", seeds, ["c" * 16])
    assert summary.missing == ["c" * 16]
    assert all(n == 0 for t, n in summary.row_counts.items() if t not in ("dim_domain", "dim_metric"))
