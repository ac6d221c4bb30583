"""Reading a report and finding its indicators: plain modules, no Dagster.

The rule modules may be compiled with mypyc (`make compiled`, scripts/compile_extractor.py).
Python imports a module's extension before its source, so an extension built from an
older source would quietly run old rules: refuse to load instead, and say what to do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def _check_compiled(folder: Path) -> None:
    extensions = [*folder.glob("*.so"), *folder.glob("*.pyd")]
    if not extensions:
        return
    manifest_path = folder / "compiled.json"
    fix = "run `make compiled` to rebuild them, or `make clean-compiled` for pure Python"
    if not manifest_path.exists():
        raise ImportError(f"{folder} holds compiled modules but no compiled.json: {fix}")
    manifest: dict[str, str] = json.loads(manifest_path.read_text(encoding="utf-8"))
    stale = [m for m, sha in manifest.items()
             if not (folder / f"{m}.py").exists()
             or hashlib.sha256((folder / f"{m}.py").read_bytes()).hexdigest() != sha]
    if stale:
        raise ImportError(f"compiled modules {', '.join(stale)} in {folder} are older than their source: {fix}")


_check_compiled(Path(__file__).resolve().parent)
