"""Shared test setup: no ambient Dagster instance or warehouse settings leak into tests."""

import os
from pathlib import Path

import pytest

# Tests create their own instance (DagsterInstance.ephemeral) and paths under tmp_path
# (notes trap 5); an ambient DAGSTER_HOME or INDICATORS_* would point them elsewhere.
for _var in ("DAGSTER_HOME", "INDICATORS_DB", "INDICATORS_REPORTS", "INDICATORS_SEEDS"):
    os.environ.pop(_var, None)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the five sample reports, once per session: read it, never write it."""
    from pipelines.build import run_build

    db = tmp_path_factory.mktemp("samples") / "indicators.duckdb"
    result = run_build(ROOT / "seeds" / "reports", db, ROOT / "seeds")
    assert result.success, result.error
    return db
