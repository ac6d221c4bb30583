"""The warehouse published as year-partitioned Parquet reads back, in place, with the same rows."""

from pathlib import Path

import duckdb
import pytest

from warehouse import load
from warehouse.publish import BY_YEAR, publish_parquet


@pytest.fixture()
def warehouse_db(tmp_path: Path, root: Path) -> Path:
    """A small warehouse over three years, made with the real DDL, views and catalog."""
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    try:
        con.execute(load.sql_text("schema.sql"))
        con.register("domains", load.dim_domain_frame(root / "seeds").to_arrow())
        con.register("metrics", load.dim_metric_frame(root / "seeds").to_arrow())
        con.execute("INSERT INTO dim_domain BY NAME SELECT * FROM domains")
        con.execute("INSERT INTO dim_metric BY NAME SELECT * FROM metrics")
        con.execute("""INSERT INTO dim_locality VALUES
            ('370404', '峄城区', '370404', 'county', '枣庄市', '3704', '山东省', '37'),
            ('371002', '环翠区', '371002', 'county', '威海市', '3710', '山东省', '37')""")
        con.execute("INSERT INTO dim_year SELECT * FROM range(2020, 2023)")
        con.execute("""INSERT INTO dim_report
            SELECT 'r' || l || y, l || y || '.txt', 'sha', 'csha', 100, 'txt', 'utf-8', 'title', l, y,
                   NULL, NULL, NULL, '行政复议案件39件。', TIMESTAMPTZ '2026-01-01 00:00:00+00', 'v'
            FROM (VALUES ('370404'), ('371002')) AS t(l), range(2020, 2023) AS s(y)""")
        con.execute("""INSERT INTO fact_indicator
            SELECT 'f' || report_id || i, report_id, locality_key, year, 'disputes', 'reconsideration_received',
                   '行政复议案件', 39 + i, '件', '39', '件', 0, 'exact', 'count', 'reported', '39件', 6, 9,
                   '行政复议案件39件。', 0, NULL, NULL
            FROM dim_report, range(year - 2018) AS t(i)""")  # 2, 3 and 4 facts per report
        load.create_views(con)
    finally:
        con.close()
    return db


def test_year_partitions_read_back_with_the_same_rows(warehouse_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"
    con = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        rows = publish_parquet(con, out)
        expected = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in BY_YEAR}
        by_year = dict(con.execute("SELECT year, count(*) FROM fact_indicator GROUP BY year").fetchall())
    finally:
        con.close()

    assert sorted(p.name for p in (out / "fact_indicator").iterdir()) == ["year=2020", "year=2021", "year=2022"]
    assert (out / "dim_report.parquet").exists() and (out / "dim_locality.parquet").exists()
    reader = duckdb.connect()  # any engine, reading the files in place
    for table in BY_YEAR:
        glob = str(out / table / "*" / "*.parquet")
        (n,), = reader.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [glob]).fetchall()
        assert n == expected[table] == rows[table] > 0
    glob = str(out / "fact_indicator" / "*" / "*.parquet")
    assert dict(reader.execute("SELECT year, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY year",
                               [glob]).fetchall()) == by_year == {2020: 4, 2021: 6, 2022: 8}
    # Publishing again replaces the dataset whole.
    con = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        assert publish_parquet(con, out) == rows
    finally:
        con.close()
    assert not list(tmp_path.glob(".published*"))


def test_only_the_years_that_changed_are_rewritten(warehouse_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"

    def publish() -> dict[str, int]:
        con = duckdb.connect(str(warehouse_db), read_only=True)
        try:
            return publish_parquet(con, out)
        finally:
            con.close()

    def inodes(table: str) -> dict[str, int]:
        return {p.parent.name: p.stat().st_ino for p in (out / table).glob("*/*.parquet")}

    publish()
    before = {t: inodes(t) for t in BY_YEAR}
    con = duckdb.connect(str(warehouse_db))
    try:
        con.execute("UPDATE fact_indicator SET value = value + 1 WHERE year = 2021")
        load.create_views(con)  # metric_series is stored: recompute it as a build would
    finally:
        con.close()
    rows = publish()
    after = {t: inodes(t) for t in BY_YEAR}
    for table in BY_YEAR:  # 2021 written anew, the other years the same files
        assert after[table]["year=2021"] != before[table]["year=2021"]
        assert {y: i for y, i in after[table].items() if y != "year=2021"} == \
               {y: i for y, i in before[table].items() if y != "year=2021"}
    reader = duckdb.connect()
    glob = str(out / "fact_indicator" / "*" / "*.parquet")
    got = reader.execute("SELECT year, sum(value) FROM read_parquet(?, hive_partitioning = true) GROUP BY year "
                         "ORDER BY year", [glob]).fetchall()
    con = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        assert got == con.execute("SELECT year, sum(value) FROM fact_indicator GROUP BY year ORDER BY year").fetchall()
        assert rows == {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in rows}
    finally:
        con.close()
    # A year whose files went missing is written again, not lost.
    for f in (out / "fact_indicator" / "year=2020").iterdir():
        f.unlink()
    publish()
    assert len(list((out / "fact_indicator" / "year=2020").glob("*.parquet"))) == 1


def _add_report(db: Path, locality: str, year: int) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute("""INSERT INTO dim_report
            SELECT 'n' || ? || ?, ? || ? || '-new.txt', 'sha', 'csha', 100, 'txt', 'utf-8', 'title', ?, ?,
                   NULL, NULL, NULL, '行政复议案件39件。', TIMESTAMPTZ '2026-02-01 00:00:00+00', 'v'""",
                    [locality, year, locality, year, locality, year])
        con.execute("""INSERT INTO fact_indicator
            SELECT 'g' || report_id, report_id, locality_key, year, 'disputes', 'reconsideration_received',
                   '行政复议案件', 7, '件', '7', '件', 0, 'exact', 'count', 'reported', '39件', 6, 9, '行政复议案件39件。', 0,
                   NULL, NULL FROM dim_report WHERE report_id = 'n' || ? || ?""", [locality, year])
        load.create_views(con)
    finally:
        con.close()


def test_a_new_report_adds_a_file_and_leaves_the_others(warehouse_db: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "published"

    def publish() -> None:
        con = duckdb.connect(str(warehouse_db), read_only=True)
        try:
            publish_parquet(con, out)
        finally:
            con.close()

    def files(year: int) -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in (out / "fact_indicator" / f"year={year}").glob("*.parquet")}

    publish()
    before = {y: files(y) for y in (2020, 2021, 2022)}
    _add_report(warehouse_db, "371002", 2021)
    publish()
    assert files(2020) == before[2020] and files(2022) == before[2022]
    new = {name: ino for name, ino in files(2021).items() if name not in before[2021]}
    assert {n: files(2021)[n] for n in before[2021]} == before[2021]  # the year's file, linked
    (name,), reader = new, duckdb.connect()
    path = str(out / "fact_indicator" / "year=2021" / name)
    assert reader.execute("SELECT report_id, value FROM read_parquet(?)", [path]).fetchall() == [("n3710022021", 7.0)]
    glob = str(out / "indicator_facts" / "*" / "*.parquet")
    assert reader.execute("SELECT count(*), sum(value) FROM read_parquet(?, hive_partitioning = true) "
                          "WHERE year = 2021", [glob]).fetchall() == [(7, 39 * 6 + 3 * 2 + 7)]
    # Past MAX_FILES_PER_YEAR files, the year is compacted into one.
    monkeypatch.setattr("warehouse.publish.MAX_FILES_PER_YEAR", 2)
    _add_report(warehouse_db, "370404", 2021)
    publish()
    assert len(files(2021)) == 1
    assert reader.execute("SELECT count(*) FROM read_parquet(?)", [str(out / "fact_indicator" / "year=2021" / "*")]
                          ).fetchall() == [(8,)]
