"""Re-runs, vintages, retired facts, the run's diff, Parquet copies and safe publishing."""

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from helpers import rows

from pipelines.build import run_build
from warehouse.archive import archived_path

CHANGED = "002_adafdf633ac46994.txt"
REMOVED = "003_58c1e1fb0637adbd.txt"


def table_checksums(db: Path) -> dict[str, str]:
    """A checksum of every table's content (rows sorted), so two warehouses can be compared whole."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            rows = sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall()))
            out[t] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()



@pytest.fixture
def inbox(tmp_path: Path, root: Path) -> Path:
    folder = tmp_path / "inbox"
    shutil.copytree(root / "seeds" / "reports", folder)
    return folder


def build(inbox: Path, db: Path, root: Path):
    result = run_build(inbox, db, root / "seeds")
    assert result.success, result.error
    return result


def test_rebuilding_unchanged_inputs_changes_nothing(inbox: Path, tmp_path: Path, root: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = build(inbox, db, root)
    before = table_checksums(db)
    second = build(inbox, db, root)
    assert second.processed == 0 and second.diff == []
    assert table_checksums(db) == before
    assert len(first.diff) == 5 and sum(d["added"] for d in first.diff) == first.total_facts


def test_a_changed_report_replaces_its_facts_and_keeps_the_old_vintage(inbox: Path, tmp_path: Path,
                                                                        root: Path) -> None:
    db = tmp_path / "w.duckdb"
    build(inbox, db, root)
    text = (inbox / CHANGED).read_text(encoding="utf-8")
    (inbox / CHANGED).write_text(text.replace("共收到行政复议申请 39 件", "共收到行政复议申请 41 件"), encoding="utf-8")
    result = build(inbox, db, root)

    assert result.diff == [{"report_file": CHANGED, "added": 0, "changed": 1, "removed": 0}]
    current = rows(db, "SELECT value FROM indicator_facts WHERE report_file = ? AND metric_text = '收到行政复议申请'",
                    [CHANGED])
    assert current == [(41.0,)]
    # The old report's facts are retired, not silently kept or lost.
    retired = rows(db, "SELECT count(*), min(retired_reason), max(retired_reason) FROM fact_history")
    assert retired[0][0] == 71 and retired[0][1] == retired[0][2] == "report_changed"
    # As of just before the change, the warehouse said 39.
    (changed_at,), = rows(db, "SELECT max(valid_to) FROM fact_history")
    as_of = rows(db, "SELECT value FROM facts_as_of(?::TIMESTAMPTZ - INTERVAL 1 MICROSECOND) "
                      "WHERE report_file = ? AND metric_text = '收到行政复议申请'", [changed_at, CHANGED])
    assert as_of == [(39.0,)]
    assert rows(db, "SELECT count(*) FROM build_log WHERE report_file = ?", [CHANGED]) == [(2,)]
    # Both versions' bytes are archived by their sha256, the old one as its retired facts name it.
    (old_sha,), = rows(db, "SELECT DISTINCT report_sha256 FROM fact_history")
    (new_sha,), = rows(db, "SELECT sha256 FROM dim_report WHERE file_name = ?", [CHANGED])
    archive = tmp_path / "w.archive"
    assert archived_path(archive, old_sha, CHANGED).read_text(encoding="utf-8") == text
    assert archived_path(archive, new_sha, CHANGED).read_bytes() == (inbox / CHANGED).read_bytes()
    assert len(list(archive.rglob("*.txt"))) == 6


def test_a_removed_report_has_its_facts_retired(inbox: Path, tmp_path: Path, root: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = build(inbox, db, root)
    n_removed = dict((f, n) for f, _, _, n in first.facts_per_report)[REMOVED]
    (inbox / REMOVED).unlink()
    result = build(inbox, db, root)
    assert result.diff == [{"report_file": REMOVED, "added": 0, "changed": 0, "removed": n_removed}]
    assert rows(db, "SELECT count(*) FROM indicator_facts WHERE report_file = ?", [REMOVED]) == [(0,)]
    assert rows(db, "SELECT count(*) FROM retired_facts WHERE report_file = ? AND retired_reason = 'report_removed'",
                 [REMOVED]) == [(n_removed,)]


def test_parquet_copies_of_every_table(inbox: Path, tmp_path: Path, root: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = build(inbox, db, root)
    parquet = tmp_path / "w.parquet"
    con = duckdb.connect()
    (n,), = con.execute(f"SELECT count(*) FROM read_parquet('{parquet}/fact_indicator/*/*.parquet', "
                        "hive_partitioning = true)").fetchall()
    assert n == result.total_facts
    for table in ("dim_report", "dim_locality", "dim_metric", "rejected_report", "build_log"):
        assert (parquet / f"{table}.parquet").exists(), table


def test_a_build_killed_midway_leaves_the_published_warehouse_intact(inbox: Path, tmp_path: Path,
                                                                    root: Path) -> None:
    db = tmp_path / "w.duckdb"
    build(inbox, db, root)
    published = hashlib.sha256(db.read_bytes()).hexdigest()
    # Force a full re-read so the run lasts long enough to be killed while it writes its private file.
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "build", "--reports", str(inbox), "--db", str(db),
         "--seeds", str(root / "seeds"), "--full"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob("w.duckdb.*.tmp")) and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == published
    assert rows(db, "SELECT count(*) FROM indicator_facts")[0][0] > 300
