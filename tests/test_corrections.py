"""seeds/corrections.csv: fix, remove and add facts by report and span, on every build."""

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from models import Locality, Mention, Report
from pipelines.cli import app
from pipelines.versioning import extractor_fingerprint
from warehouse import corrections, load

LOC = Locality(key="370404", name="峄城区", code="370404", level="county", city="枣庄市", city_code="3704",
               province="山东省", province_code="37")
TEXT = "一、主要成效\n今年以来，共收到行政复议申请 39 件，审结 25 件。满意率、办复率均达 100%。"
SHA = "ab12" + "c" * 60
RID = SHA[:16]


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def mention(needle: str, metric_text: str, value: float, metric: str | None = None, unit: str = "件",
            kind: str = "count") -> Mention:
    start, end = span(needle)
    return Mention(span_start=start, span_end=end, mention=needle, raw_value=needle.split()[0],
                   raw_unit=needle.split()[-1] if " " in needle else "%", value=value, unit=unit,
                   qualifier="exact", kind=kind, metric_text=metric_text, sentence=TEXT, sentence_start=0,
                   domain="disputes", metric=metric)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    d = tmp_path / "seeds"
    d.mkdir()
    (d / "domains.csv").write_text("code,name_zh,name_en,description\ndisputes,矛盾纠纷化解,Disputes,x\n"
                                   "education,普法,Education,x\n", encoding="utf-8")
    (d / "metrics.csv").write_text(
        "code,domain,name_zh,name_en,usual_unit,kind,covers\n"
        "reconsideration_received,disputes,收到行政复议申请,Received,件,count,\n"
        "reconsideration_concluded,disputes,审结行政复议案件,Concluded,件,count,\n"
        "law_exams,education,法治考试,Law exams,人,count,\n", encoding="utf-8")
    return d


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    staging = tmp_path / "w.staging"
    report = Report(report_id=RID, file_name="yicheng.txt", sha256=SHA, size_bytes=len(TEXT.encode()), format="txt",
                    encoding="utf-8", text=TEXT, title="报告", locality=LOC, year=2021,
                    ingested_at=datetime(2024, 1, 1, tzinfo=UTC))
    load.stage_report(staging, report, "v1", "fp")
    stage_facts(staging, report)
    return staging


def stage_facts(staging: Path, report: Report | None = None) -> None:
    report = report or load.staged_report(staging, RID).report  # type: ignore[union-attr]
    load.stage_facts(staging, report, [
        mention("39 件", "收到行政复议申请", 39, "reconsideration_received"),
        mention("25 件", "审结", 25),
        mention("100%", "满意率", 100, unit="%", kind="ratio"),
        mention("100%", "办复率", 100, unit="%", kind="ratio"),
    ])


def write(seeds: Path, *rows: dict[str, str]) -> None:
    with (seeds / corrections.FILE_NAME).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=corrections.COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({"reason": "checked against the report", "author": "analyst"} | row)


def row(action: str, needle: str, report: str = "yicheng.txt", **fields: str) -> dict[str, str]:
    start, end = span(needle)
    return {"action": action, "report": report, "span_start": str(start), "span_end": str(end), **fields}


def build(tmp_path: Path, staging: Path, seeds: Path) -> tuple[load.BuildSummary, duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    summary = load.build_warehouse(con, staging, seeds, [RID])
    load.create_views(con)
    return summary, con


def test_fix_changes_fields_keeps_the_fact_id_and_records_who(tmp_path: Path, staging: Path, seeds: Path) -> None:
    write(seeds, row("fix", "25 件", metric="reconsideration_concluded", metric_text="审结行政复议案件",
                     value="26", reason="审结 25 件 is a typo in the report; 26 per the annual statistics"))
    before = load.fact_id(RID, *span("25 件"), "审结")
    summary, con = build(tmp_path, staging, seeds)
    fact = con.execute("SELECT fact_id, metric, domain, metric_text, value, raw_value, corrected_by "
                       "FROM fact_indicator WHERE mention = '25 件'").fetchall()
    log = con.execute("SELECT correction_id, status, fact_id, changes, reason FROM correction").fetchall()
    assert summary.corrections_applied == 1 and summary.corrections_not_applied.is_empty()
    assert fact == [(before, "reconsideration_concluded", "disputes", "审结行政复议案件", 26.0, "25",
                     log[0][0])]
    cid, status, fid, changes, reason = log[0]
    assert (status, fid) == ("applied", before)
    assert "value: 25.0 → 26.0" in changes and "metric: None → reconsideration_concluded" in changes
    assert reason.startswith("审结 25 件 is a typo")
    series = con.execute("SELECT value FROM metric_series WHERE metric = 'reconsideration_concluded'").fetchall()
    assert series == [(26.0,)]


def test_remove_and_add(tmp_path: Path, staging: Path, seeds: Path) -> None:
    write(seeds,
          row("remove", "100%", match_metric_text="满意率"),
          row("add", "39 件", report=SHA[:10], metric_text="行政复议申请(补录)", value="39", unit="件",
              kind="count", metric="reconsideration_received", mention="39 件"))
    summary, con = build(tmp_path, staging, seeds)
    assert summary.corrections_applied == 2, summary.corrections
    texts = {r[0] for r in con.execute("SELECT metric_text FROM fact_indicator").fetchall()}
    assert "满意率" not in texts and "办复率" in texts
    added = con.execute("""SELECT fact_id, mention, raw_value, raw_unit, domain, qualifier, sentence, year,
                                  locality_key, corrected_by IS NOT NULL
                           FROM fact_indicator WHERE metric_text = '行政复议申请(补录)'""").fetchall()
    assert added == [(load.fact_id(RID, *span("39 件"), "行政复议申请(补录)"), "39 件", "39", "件", "disputes",
                      "exact", "今年以来，共收到行政复议申请 39 件，审结 25 件。", 2021, "370404", True)]
    start = con.execute("SELECT sentence_start FROM fact_indicator WHERE metric_text = '行政复议申请(补录)'")
    assert TEXT[start.fetchall()[0][0]:].startswith("今年以来")
    # Both facts now stand behind the received cell: same value, so not conflicting.
    assert con.execute("SELECT value, n_facts, conflicting FROM metric_series").fetchall() == [(39.0, 2, False)]


def test_corrections_that_no_longer_match_are_listed_not_fatal(tmp_path: Path, staging: Path,
                                                               seeds: Path) -> None:
    write(seeds,
          {"action": "fix", "report": "yicheng.txt", "span_start": "1", "span_end": "3", "value": "1"},
          row("fix", "39 件", report="gone.txt", value="40"),
          row("remove", "100%"),  # two facts share the span
          row("fix", "25 件", metric="no_such_metric"),
          row("fix", "25 件", kind="lots"),
          row("fix", "25 件", reason=""),
          row("undo", "25 件"),
          row("fix", "39 件", mention="38 件"),
          row("add", "39 件", metric_text="收到行政复议申请", value="39", unit="件", kind="count",
              domain="disputes"),  # the extractor already has it
          row("fix", "25 件", metric="reconsideration_concluded"))
    summary, con = build(tmp_path, staging, seeds)
    log = con.execute("SELECT line, status, detail FROM correction ORDER BY line").fetchall()
    assert summary.corrections_applied == 1
    assert [s for _, s, _ in log] == ["unmatched", "unmatched", "unmatched", "invalid", "invalid", "invalid",
                                      "invalid", "unmatched", "unmatched", "applied"]
    details = [d for *_, d in log]
    assert "no fact at 1-3" in details[0] and "gone.txt" in details[1]
    assert "2 facts share span" in details[2] and "match_metric_text" in details[2]
    assert "no_such_metric" in details[3] and "kind must be one of" in details[4]
    assert "reason and author" in details[5] and "action must be" in details[6]
    assert "38 件" in details[7] and "use fix" in details[8]
    assert con.execute("SELECT count(*) FROM fact_indicator").fetchall() == [(4,)]  # nothing else changed


def test_corrections_survive_re_extraction(tmp_path: Path, staging: Path, seeds: Path) -> None:
    write(seeds, row("fix", "25 件", metric="reconsideration_concluded"))
    _, con = build(tmp_path, staging, seeds)
    con.close()
    stage_facts(staging)  # the report is extracted again: staging holds the raw reading once more
    assert load.staged_facts(staging, RID).filter(pl.col("mention") == "25 件")["metric"].to_list() == [None]
    _, con = build(tmp_path, staging, seeds)
    assert con.execute("SELECT metric FROM fact_indicator WHERE mention = '25 件'").fetchall() == [
        ("reconsideration_concluded",)]


def test_reviewed_facts_leave_the_review_queue(tmp_path: Path, staging: Path, seeds: Path) -> None:
    _, con = build(tmp_path, staging, seeds)
    queued = {r[0] for r in con.execute("SELECT metric_text FROM review_queue").fetchall()}
    assert "审结" in queued and "收到行政复议申请" not in queued
    con.close()
    write(seeds, row("fix", "25 件", reason="reviewed: 审结 counts concluded cases; no catalog change needed"))
    _, con = build(tmp_path, staging, seeds)
    queued = {r[0] for r in con.execute("SELECT metric_text FROM review_queue").fetchall()}
    assert "审结" not in queued
    assert con.execute("SELECT changes FROM correction").fetchall() == [("reviewed, unchanged",)]


def test_a_file_without_the_required_columns_stops_the_build(tmp_path: Path, staging: Path, seeds: Path) -> None:
    (seeds / corrections.FILE_NAME).write_text("action,report,span_start\nremove,x,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="span_end, reason, author"):
        build(tmp_path, staging, seeds)


def test_shipped_file_is_a_header_and_not_part_of_the_extractor_fingerprint(root: Path, tmp_path: Path) -> None:
    with (root / "seeds" / corrections.FILE_NAME).open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert lines[0].split(",") == list(corrections.COLUMNS)
    seeds = tmp_path / "seeds"
    shutil.copytree(root / "seeds", seeds, ignore=shutil.ignore_patterns("reports"))
    before = extractor_fingerprint(seeds)
    write(seeds, row("remove", "25 件"))
    assert extractor_fingerprint(seeds) == before  # editing corrections must not re-read every report


# ---------------------------------------------------------------- on the samples

runner = CliRunner()


def test_corrections_on_the_samples_are_applied_reported_and_kept(tmp_path: Path, root: Path,
                                                                   sample_db: Path) -> None:
    ro = duckdb.connect(str(sample_db), read_only=True)
    try:
        (start, end, text), = ro.execute("""SELECT span_start, span_end, metric_text FROM indicator_facts
            WHERE locality = '峄城区' AND year = 2021 AND mention = '25 件'""").fetchall()
        (r_start, r_end, r_text, sha), = ro.execute("""SELECT f.span_start, f.span_end, f.metric_text, r.sha256
            FROM indicator_facts f JOIN dim_report r USING (report_id)
            WHERE f.locality = '乳山市' ORDER BY f.span_start LIMIT 1""").fetchall()
    finally:
        ro.close()
    seeds = tmp_path / "seeds"
    shutil.copytree(root / "seeds", seeds, ignore=shutil.ignore_patterns("reports"))
    with (seeds / corrections.FILE_NAME).open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["fix", "002_adafdf633ac46994.txt", start, end, text, "", "", "", "", "reconsideration_concluded",
                    "", "审结行政复议案件", "25 件", "审结 25 件 follows 受理 27 件: concluded cases", "qa"])
        w.writerow(["remove", sha[:12], r_start, r_end, r_text, *[""] * 8, "not an indicator", "qa"])
        w.writerow(["remove", "002_adafdf633ac46994.txt", 1, 2, "", *[""] * 8, "stale", "qa"])
    db = tmp_path / "w.duckdb"
    args = ["build", "--reports", str(root / "seeds" / "reports"), "--db", str(db), "--seeds", str(seeds)]
    for extra in ([], ["--full"]):  # and again after re-extracting every report
        result = runner.invoke(app, args + extra, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "corrections: 2 applied, 1 not applied" in result.output
        assert "line 4 remove 002_adafdf633ac46994.txt — unmatched: no fact at 1-2" in result.output
        con = duckdb.connect(str(db), read_only=True)
        try:
            assert con.execute("""SELECT value FROM metric_series WHERE locality = '峄城区' AND year = 2021
                                  AND metric = 'reconsideration_concluded'""").fetchall() == [(25.0,)]
            assert con.execute("""SELECT count(*) FROM fact_indicator f JOIN dim_report r USING (report_id)
                                  WHERE r.sha256 = ? AND f.span_start = ? AND f.metric_text = ?""",
                               [sha, r_start, r_text]).fetchall() == [(0,)]
            assert con.execute("SELECT count(*) FROM indicator_facts WHERE corrected_by IS NOT NULL").fetchall() \
                == [(1,)]
        finally:
            con.close()
