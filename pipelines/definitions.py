"""The Dagster code location: assembles assets, resources and the build job."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.assets import reports, warehouse
from pipelines.resources import make_resources

BUILD_JOB = "build_warehouse"

build_job = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.all(),
    description="Read, extract and stage the selected reports, then rebuild the tables and views.",
)


def build_definitions(db: Path | None = None, reports_dir: Path | None = None, seeds: Path | None = None,
                      staging: Path | None = None) -> dg.Definitions:
    """Definitions over explicit paths (the CLI, tests) or the environment's settings (None)."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules([reports, warehouse]),
        resources=make_resources(db=db, reports=reports_dir, seeds=seeds, staging=staging),
        jobs=[build_job],
        # One process per run: DuckDB allows one writer per file (notes trap 1),
        # and spawning a process per step costs ≈2 s each.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
