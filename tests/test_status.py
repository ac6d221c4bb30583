"""A number the report hedges (预计, 据不完全统计) is kept with its observation status."""

from pathlib import Path

from helpers import rows

from pipelines.build import run_build
from pipelines.extract.status import SentenceStatus

REPORT = """峄城区2021年法治政府建设情况报告

2021年，全区法治政府建设取得新成效。据不完全统计，全年开展普法活动300余场，发放资料2万份。全年共受理行政复议申请39件。预计全年办理行政执法案件1200件，据初步统计已办结1100件。
"""


def test_the_nearest_marker_before_a_number_decides() -> None:
    s = "据初步统计，共办结案件12件，预计全年办理20件"
    status = SentenceStatus(s)
    assert status.at(0) == "reported"
    assert status.at(s.index("12")) == "preliminary"
    assert status.at(s.index("20")) == "estimated"


def test_statuses_reach_the_warehouse(tmp_path: Path, root: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "report.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = run_build(inbox, db, root / "seeds")
    assert result.success, result.error
    got = rows(db, "SELECT mention, status FROM indicator_facts ORDER BY span_start")
    assert got == [("300余场", "preliminary"), ("2万份", "preliminary"), ("39件", "reported"),
                   ("1200件", "estimated"), ("1100件", "preliminary")]
