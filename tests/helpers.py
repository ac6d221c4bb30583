"""Small helpers shared by the tests."""

from pathlib import Path

import duckdb


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run a query on a warehouse file, read-only, and return every row."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
