"""The Dagster code location: assembles assets, checks, resources, the build job, sensor and schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines import checks
from pipelines.assets import reports, warehouse
from pipelines.automation import BUILD_JOB, build_job, inbox_sensor, nightly_build
from pipelines.resources import make_resources

__all__ = ["BUILD_JOB", "build_definitions", "defs"]


def build_definitions(db: Path | None = None, reports_dir: Path | None = None, seeds: Path | None = None,
                      staging: Path | None = None, build: Path | None = None,
                      listing: Path | None = None) -> dg.Definitions:
    """Definitions over explicit paths (the CLI, tests) or the environment's settings (None)."""
    assets = dg.load_assets_from_modules([reports, warehouse])
    return dg.Definitions(
        assets=assets,
        # The checks of pipelines/checks.py, but for any an asset still evaluates inline.
        asset_checks=checks.asset_checks(declared=[k for a in assets for k in a.check_keys]),
        resources=make_resources(db=db, reports=reports_dir, seeds=seeds, staging=staging, build=build,
                                 listing=listing),
        jobs=[build_job],
        sensors=[inbox_sensor],
        schedules=[nightly_build],
        # One process per run: DuckDB allows one writer per file (notes trap 1),
        # and spawning a process per step costs ≈2 s each.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
