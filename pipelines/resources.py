"""Where things live: settings read from the environment, exposed as Dagster resources.

Paths are settings, not constants, so tests and the CLI point the same
assets at a temporary warehouse and inbox.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import TypeAdapter
from pydantic_settings import BaseSettings, SettingsConfigDict

from models import SourceFile
from pipelines.extract.report import scan_inbox
from warehouse.load import staging_dir_for

_SOURCES = TypeAdapter(list[SourceFile])


def write_listing(path: Path, sources: list[SourceFile]) -> None:
    """The listing InboxResource.listing_path reads."""
    path.write_bytes(_SOURCES.dump_json(sources))


class Settings(BaseSettings):
    """INDICATORS_DB, INDICATORS_REPORTS, INDICATORS_SEEDS; paths relative to the current directory."""

    model_config = SettingsConfigDict(env_prefix="INDICATORS_")

    db: Path = Path("warehouse/indicators.duckdb")
    reports: Path = Path("seeds/reports")
    seeds: Path = Path("seeds")


class WarehouseResource(dg.ConfigurableResource):
    """The published warehouse, the private file a run builds into, and the staging folder.

    Analysts open the published file read-only; a run never writes it. Assets
    write the build file, and the last asset publishes it with an atomic rename
    once the checks passed, so a reader never sees a half-built warehouse and a
    crash mid-build leaves the published file as it was.
    """

    db_path: str  # the published warehouse
    build_path: str = ""  # empty: <db>.building beside it
    staging_dir: str = ""  # empty: <db stem>.staging beside the database

    @property
    def db(self) -> Path:
        return Path(self.db_path)

    @property
    def build(self) -> Path:
        return Path(self.build_path) if self.build_path else self.db.with_name(self.db.name + ".building")

    @property
    def staging(self) -> Path:
        return Path(self.staging_dir) if self.staging_dir else staging_dir_for(self.db)

    @property
    def archive(self) -> Path:
        """Every report file read, by its sha256, never removed: <db stem>.archive/ (warehouse/archive.py)."""
        return self.db.with_name(self.db.stem + ".archive")

    @property
    def parquet_dir(self) -> Path:
        """Parquet copies of every table, beside the warehouse: <db stem>.parquet/."""
        return self.db.with_name(self.db.stem + ".parquet")

    def start_build(self) -> None:
        """Begin from a private copy of the published file (never a leftover of another run): its history
        carries on, and a build that finds the same code and seeds changes only what the inbox changed
        (warehouse/incremental.py). No published file yet: an empty one."""
        for leftover in (self.build, Path(f"{self.build}.wal")):
            leftover.unlink(missing_ok=True)
        if self.db.exists():
            shutil.copyfile(self.db, self.build)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The build file. Opened per asset and closed at once: one writer per file (notes trap 1)."""
        self.build.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.build), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def publish(self) -> None:
        # A WAL left by a crashed writer of the old file must not be replayed onto the new one.
        Path(f"{self.db}.wal").unlink(missing_ok=True)
        os.replace(self.build, self.db)


class InboxResource(dg.ConfigurableResource):
    """The folder new report files arrive in, and the reference data (seeds)."""

    reports_dir: str
    seeds_dir: str = "seeds"
    # The inbox as scanned by the caller for this run (a JSON list of SourceFile): `indicators build`
    # scans it once (a sha256 of every file) and its run's assets read that listing instead of scanning
    # again (twice: 1 s on 10,000 files). Empty: the assets scan the folder themselves.
    listing_path: str = ""

    def sources(self) -> list[SourceFile]:
        """The report files of the inbox: the caller's listing for this run, else a fresh scan."""
        if self.listing_path:
            return _SOURCES.validate_json(Path(self.listing_path).read_bytes())
        return scan_inbox(self.reports)

    @property
    def reports(self) -> Path:
        return Path(self.reports_dir)

    @property
    def seeds(self) -> Path:
        return Path(self.seeds_dir)


def make_resources(db: Path | None = None, reports: Path | None = None, seeds: Path | None = None,
                   staging: Path | None = None, build: Path | None = None,
                   listing: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    """Resources from explicit paths, falling back to the environment's settings."""
    s = Settings()
    return {
        "warehouse": WarehouseResource(db_path=str(db or s.db), staging_dir=str(staging or ""),
                                       build_path=str(build or "")),
        "inbox": InboxResource(reports_dir=str(reports or s.reports), seeds_dir=str(seeds or s.seeds),
                               listing_path=str(listing or "")),
    }
