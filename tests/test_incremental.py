"""An incremental build gives the same warehouse as a full rebuild of the same staging.

The nightly build starts from a copy of the published warehouse and takes again
only the reports whose staging changed (warehouse/incremental.py). Here a night
adds a report, changes one, removes one whose copy then takes its place
(duplicates), drops a rejected file, and unsettles a correction; every table,
the stored series and every view must then equal a full rebuild's.
"""

import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import rows

from pipelines.build import run_build
from pipelines.extract.report import extract_facts, read_report, scan_inbox
from pipelines.versioning import warehouse_fingerprint
from warehouse import incremental, load

SAMPLES = ["000_299da4dc5cc6442c.txt", "001_fb2aa03d20b13da8.txt", "002_adafdf633ac46994.txt",
           "003_58c1e1fb0637adbd.txt", "004_46a643f0f0fd39d3.txt"]


def contents(db: Path) -> dict[str, list[str]]:
    """Every table (main and build.input), the stored series and every main view, as sorted rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [f'"{t}"' for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal").fetchall()]
        out = {}
        for name in [*sorted(names), "build.input", "derived.metric_series"]:
            out[name] = sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall()))
        return out
    finally:
        con.close()


def rebuilt_in_full(db: Path, tmp: Path, inbox: Path, seeds: Path) -> Path:
    """A copy of the warehouse whose tables and views are rebuilt in full from the same staging."""
    copy = tmp / "full.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        ids = [s.report_id for s in scan_inbox(inbox)]
        load.build_warehouse(con, load.staging_dir_for(db), seeds, ids)  # no fingerprint: in full
        load.create_views(con)
    finally:
        con.close()
    return copy


def mode(db: Path) -> str:
    return rows(db, "SELECT mode FROM build.meta")[0][0]


@pytest.fixture
def night(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    """A warehouse of four samples, a GBK copy of one, a file that cannot be read and two corrections."""
    # Five reports: any night changes more than a fifth of them; the rule is tested on its own below.
    monkeypatch.setattr(incremental, "MAX_CHANGED_SHARE", 1.0)
    inbox, seeds = tmp_path / "inbox", tmp_path / "seeds"
    shutil.copytree(root / "seeds", seeds, ignore=shutil.ignore_patterns("reports"))
    inbox.mkdir()
    for name in SAMPLES[:4]:
        shutil.copy(root / "seeds" / "reports" / name, inbox / name)
    (inbox / "001_copy_gbk.txt").write_bytes((inbox / SAMPLES[1]).read_text(encoding="utf-8").encode("gb18030"))
    (inbox / "broken.txt").write_bytes(b"")
    # A correction by file name on 001 (which leaves tonight) and one by sha256 on 000 (which stays).
    src = {s.file_name: s for s in scan_inbox(inbox)}
    first = {name: extract_facts(read_report(src[name]))[0] for name in (SAMPLES[0], SAMPLES[1])}
    with (seeds / "corrections.csv").open("a", encoding="utf-8") as f:
        m = first[SAMPLES[1]]
        f.write(f"remove,{SAMPLES[1]},{m.span_start},{m.span_end},,,,,,,,,,a test,qa\n")
        m = first[SAMPLES[0]]
        f.write(f"fix,{src[SAMPLES[0]].sha256[:12]},{m.span_start},{m.span_end},,12345,,,,,,,,a test,qa\n")
    db = tmp_path / "w" / "indicators.duckdb"
    result = run_build(inbox, db, seeds)
    assert result.success, result.error
    return inbox, seeds, db


def test_a_night_of_changes_gives_the_full_rebuild(night, tmp_path: Path, root: Path) -> None:
    inbox, seeds, db = night
    assert mode(db) == "full"
    assert rows(db, "SELECT count(*) FROM correction WHERE status = 'applied'") == [(2,)]
    assert rows(db, "SELECT file_name, stage FROM rejected_report ORDER BY 1") == [
        ("001_copy_gbk.txt", "duplicate"), ("broken.txt", "read")]

    (inbox / SAMPLES[1]).unlink()  # its GBK copy now stands for it
    (inbox / "broken.txt").unlink()
    shutil.copy(root / "seeds" / "reports" / SAMPLES[4], inbox / SAMPLES[4])  # a new report
    revised = inbox / SAMPLES[2]  # a revised report: one more sentence in its first section
    text = revised.read_text(encoding="utf-8")
    cut = text.index("。", 400) + 1
    revised.write_text(text[:cut] + "全年新增法律顾问12名。" + text[cut:], encoding="utf-8")
    result = run_build(inbox, db, seeds)
    assert result.success, result.error
    assert mode(db) == "incremental"

    assert rows(db, "SELECT file_name FROM dim_report ORDER BY 1") == [
        (SAMPLES[0],), ("001_copy_gbk.txt",), (SAMPLES[2],), (SAMPLES[3],), (SAMPLES[4],)]
    assert rows(db, "SELECT count(*) FROM rejected_report") == [(0,)]
    assert rows(db, "SELECT line, status FROM correction ORDER BY line") == [(2, "unmatched"), (3, "applied")]
    assert rows(db, "SELECT value FROM fact_indicator WHERE corrected_by IS NOT NULL") == [(12345.0,)]
    assert rows(db, "SELECT count(*) FROM fact_indicator WHERE metric_text LIKE '%法律顾问%' AND value = 12 "
                    "AND report_id IN (SELECT report_id FROM dim_report WHERE file_name = ?)", [SAMPLES[2]]) == [(1,)]

    assert contents(db) == contents(rebuilt_in_full(db, tmp_path, inbox, seeds))


def test_a_night_with_nothing_new_changes_nothing(night) -> None:
    inbox, seeds, db = night
    before = contents(db)
    result = run_build(inbox, db, seeds)
    assert result.success, result.error
    assert mode(db) == "incremental"
    assert contents(db) == before


def test_new_code_or_seeds_rebuild_in_full(night) -> None:
    inbox, seeds, db = night
    fingerprint = warehouse_fingerprint(seeds)
    with (seeds / "corrections.csv").open("a", encoding="utf-8") as f:
        f.write(f"remove,{SAMPLES[3]},0,1,,,,,,,,,,a test,qa\n")
    assert warehouse_fingerprint(seeds) != fingerprint
    result = run_build(inbox, db, seeds)
    assert result.success, result.error
    assert mode(db) == "full"
    assert rows(db, "SELECT count(*) FROM correction") == [(3,)]


def test_a_large_change_rebuilds_in_full(night, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    inbox, seeds, db = night
    monkeypatch.setattr(incremental, "MAX_CHANGED_SHARE", 0.2)
    shutil.copy(root / "seeds" / "reports" / SAMPLES[4], inbox / SAMPLES[4])  # 1 of 7 files: under a fifth
    assert run_build(inbox, db, seeds).success
    assert mode(db) == "incremental"
    for name in SAMPLES[2:]:
        (inbox / name).unlink()
    assert run_build(inbox, db, seeds).success
    assert mode(db) == "full"
    assert rows(db, "SELECT count(*) FROM dim_report") == [(2,)]
