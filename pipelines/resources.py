"""Where things live: settings read from the environment, exposed as Dagster resources.

Paths are settings, not constants, so tests and the CLI point the same
assets at a temporary warehouse and inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic_settings import BaseSettings, SettingsConfigDict

from warehouse.load import staging_dir_for


class Settings(BaseSettings):
    """INDICATORS_DB, INDICATORS_REPORTS, INDICATORS_SEEDS; paths relative to the current directory."""

    model_config = SettingsConfigDict(env_prefix="INDICATORS_")

    db: Path = Path("warehouse/indicators.duckdb")
    reports: Path = Path("seeds/reports")
    seeds: Path = Path("seeds")


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file and the staging folder the per-report assets write to."""

    db_path: str
    staging_dir: str = ""  # empty: <db stem>.staging beside the database

    @property
    def db(self) -> Path:
        return Path(self.db_path)

    @property
    def staging(self) -> Path:
        return Path(self.staging_dir) if self.staging_dir else staging_dir_for(self.db)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        # Opened per asset and closed at once: DuckDB allows one writer per file (notes trap 1).
        self.db.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.db), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class InboxResource(dg.ConfigurableResource):
    """The folder new report files arrive in, and the reference data (seeds)."""

    reports_dir: str
    seeds_dir: str = "seeds"

    @property
    def reports(self) -> Path:
        return Path(self.reports_dir)

    @property
    def seeds(self) -> Path:
        return Path(self.seeds_dir)


def make_resources(db: Path | None = None, reports: Path | None = None, seeds: Path | None = None,
                   staging: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    """Resources from explicit paths, falling back to the environment's settings."""
    s = Settings()
    return {
        "warehouse": WarehouseResource(db_path=str(db or s.db), staging_dir=str(staging or "")),
        "inbox": InboxResource(reports_dir=str(reports or s.reports), seeds_dir=str(seeds or s.seeds)),
    }
