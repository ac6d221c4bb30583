"""docs/analysts.md runs as written: every SQL block, the Python snippets and the example corrections."""

import contextlib
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.build import run_build
from warehouse import corrections

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
EMPTY_OK = "-- may return no rows"  # first line of a block that may rightly return nothing on the samples


def blocks(lang: str) -> list[str]:
    return [b.strip() for b in re.findall(rf"^```{lang}\n(.*?)^```", DOC, flags=re.M | re.S)]


SQL = blocks("sql")


@pytest.fixture
def db(sample_db: Path) -> Path:
    """Every example only reads: the session's warehouse of the samples (conftest) serves."""
    return sample_db


def test_the_page_has_ten_example_queries() -> None:
    assert len(SQL) >= 10
    assert len([b for b in SQL if not b.startswith(EMPTY_OK)]) >= 10


@pytest.mark.parametrize("sql", SQL, ids=[f"sql{i + 1}" for i in range(len(SQL))])
def test_sql_block_runs_and_returns_rows(db: Path, sql: str) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    if not sql.startswith(EMPTY_OK):
        assert rows, f"no rows from:\n{sql}"


def test_series_examples_return_the_samples_values(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        by_locality = con.execute(next(b for b in SQL if "metric_by_locality" in b)).fetchall()
    finally:
        con.close()
    assert any(r[0] == "峄城区" and 39.0 in r for r in by_locality)


@pytest.mark.parametrize("code", blocks("python"), ids=lambda c: "polars" if "polars" in c else "duckdb")
def test_python_snippets_run(db: Path, code: str) -> None:
    code = code.replace('"warehouse/indicators.duckdb"', repr(str(db)))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/analysts.md", "exec"), {})
    assert "峄城区" in printed.getvalue()


def test_example_corrections_apply_to_the_samples(tmp_path: Path) -> None:
    (example,) = blocks("csv")
    assert example.splitlines()[0].split(",") == list(corrections.COLUMNS)
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds, ignore=shutil.ignore_patterns("reports"))
    (seeds / corrections.FILE_NAME).write_text(example + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = run_build(ROOT / "seeds" / "reports", db, seeds)
    assert result.success, result.error
    assert result.corrections_not_applied == []
    assert result.corrections_applied == len(example.splitlines()) - 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        fixed = con.execute("""SELECT metric FROM indicator_facts WHERE report_file = '002_adafdf633ac46994.txt'
                               AND mention = '25 件' AND corrected_by IS NOT NULL""").fetchall()
        queued = con.execute("SELECT count(*) FROM review_queue WHERE fact_id IN "
                             "(SELECT fact_id FROM correction)").fetchall()
    finally:
        con.close()
    assert fixed == [("reconsideration_concluded",)]
    assert queued == [(0,)]
