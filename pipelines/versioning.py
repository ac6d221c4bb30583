"""What version of the extraction produced a staged report.

A staged report is stale when the extractor's code, the pydantic records or
the reference data (seeds) changed, not only when EXTRACTOR_VERSION is
bumped: developers edit the parser all day and must never see old results.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import models
import pipelines.extract

_SEED_SUFFIXES = {".csv", ".json", ".yaml", ".yml", ".toml"}
# Applied when the tables are built, not by the extractor: editing them must not re-read every report.
_LOAD_TIME_SEEDS = {"corrections.csv"}


def extractor_version() -> str:
    from pipelines.extract.report import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def _files(seeds_dir: Path) -> list[Path]:
    code = [*Path(pipelines.extract.__file__).parent.rglob("*.py"), *Path(models.__file__).parent.rglob("*.py")]
    seeds = [p for p in seeds_dir.rglob("*")
             if p.is_file() and p.suffix in _SEED_SUFFIXES and p.name not in _LOAD_TIME_SEEDS
             and "reports" not in p.relative_to(seeds_dir).parts]
    return sorted(code) + sorted(seeds)


@cache
def _fingerprint(seeds_dir: Path, stamp: tuple[tuple[str, str, float, int], ...]) -> str:
    h = hashlib.sha256(extractor_version().encode())
    for path, name, _, _ in stamp:
        h.update(name.encode())
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def _name(p: Path, seeds_dir: Path) -> str:
    """A file's name relative to its folder (extract/, models/, seeds/): the fingerprint must not
    change with where the checkout lives or how the seeds path is spelled (that re-read everything)."""
    for root, label in ((Path(pipelines.extract.__file__).parent, "extract"),
                        (Path(models.__file__).parent, "models"), (seeds_dir, "seeds")):
        if p.is_relative_to(root):
            return f"{label}/{p.relative_to(root).as_posix()}"
    return p.name


def extractor_fingerprint(seeds_dir: Path) -> str:
    """Hash of EXTRACTOR_VERSION, the extraction code and the seeds (cached while files are unchanged)."""
    files = _files(seeds_dir)
    stamp = tuple((str(p), _name(p, seeds_dir), p.stat().st_mtime, p.stat().st_size) for p in files)
    return _fingerprint(seeds_dir, stamp)


def warehouse_fingerprint(seeds_dir: Path) -> str:
    """Hash of what the tables depend on beyond the staged reports: the extractor's fingerprint, the
    warehouse code and SQL, and the seeds read when tables are built (corrections.csv). A warehouse built
    with another one is rebuilt in full; with the same one, a build takes only the changed reports."""
    import warehouse

    h = hashlib.sha256(extractor_fingerprint(seeds_dir).encode())
    root = Path(warehouse.__file__).parent
    for p in sorted([*root.glob("*.py"), *root.glob("*.sql")]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    for name in sorted(_LOAD_TIME_SEEDS):
        h.update(name.encode())
        if (seeds_dir / name).is_file():
            h.update((seeds_dir / name).read_bytes())
    return h.hexdigest()[:16]
