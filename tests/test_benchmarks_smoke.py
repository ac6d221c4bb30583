"""The benchmarks stay runnable: a tiny corpus, a build on it, a tiny query warehouse.

The benchmarks themselves (benchmarks/README.md) take minutes and are not run here.
"""

import csv
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_extract  # noqa: E402
import bench_queries  # noqa: E402
from generate_corpus import generate  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(5, out, seed=7)
    return out


def test_generator_is_deterministic_and_grows(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(3, again, seed=7)
    generate(2, again, seed=7, start=3)  # the next two: the same five files as one run of five
    names = sorted(p.name for p in corpus.glob("*.txt"))
    assert names == sorted(p.name for p in again.glob("*.txt")) and len(names) == 5
    assert all((corpus / n).read_bytes() == (again / n).read_bytes() for n in names)
    with (again / ".manifest.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 5


def test_a_build_reads_every_generated_report_as_written(corpus: Path, tmp_path: Path, root: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(app, ["build", "--reports", str(corpus), "--db", str(db),
                                      "--seeds", str(root / "seeds")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "5 reports read, 0 rejected" in result.output
    with (corpus / ".manifest.csv").open(encoding="utf-8") as f:
        expected = {(r["file_name"], r["code"], int(r["year"])) for r in csv.DictReader(f)}
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = set(con.execute("""SELECT r.file_name, l.code, r.year FROM dim_report r
                                 JOIN dim_locality l USING (locality_key)""").fetchall())
        per_report = con.execute("SELECT count(*) FROM fact_indicator GROUP BY report_id").fetchall()
    finally:
        con.close()
    assert got == expected
    assert all(n >= 20 for (n,) in per_report)  # numbers in every section, as the samples have


def test_extraction_bench_counts_the_same_corpus(corpus: Path) -> None:
    from pipelines.extract.report import scan_inbox

    sources = scan_inbox(corpus)
    reports, facts = bench_extract.extract(sources)
    texts = [Path(s.path).read_text(encoding="utf-8") for s in sources]
    assert reports == 5 and facts > 100 and bench_extract.digit_scan(texts) > facts


def test_query_bench_warehouse_has_the_real_schema_and_answers(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    bench_queries.build(db, facts=2000, localities=20)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (n,), = con.execute("SELECT count(*) FROM fact_indicator").fetchall()
        (metric,), = con.execute("SELECT metric FROM fact_indicator WHERE metric IS NOT NULL LIMIT 1").fetchall()
        times, rows = bench_queries.timed(con, "SELECT * FROM yoy_change(?)", [metric], repeat=1)
    finally:
        con.close()
    assert n == 2000 and rows > 0 and len(times) == 1
