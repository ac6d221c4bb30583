"""Small helpers shared by the tests."""

from pathlib import Path

import duckdb

from pipelines.extract import formats


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run a query on a warehouse file, read-only, and return every row."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def report_text(path: Path) -> str:
    """A plain-text report as the warehouse reads it (UTF-8, GBK, Big5 …: the bytes tell)."""
    return formats.extract(path.read_bytes(), path.suffix.lower()).text
