"""The extraction rules compiled with mypyc (`make compiled`) find exactly what their source finds.

A copy of the extraction package is read twice in fresh interpreters, as source and
then compiled by scripts/compile_extractor.py, over the samples and the development
set: every field of every fact must be the same. The copy keeps the checkout as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT_DIRS = [ROOT / "seeds" / "reports", ROOT / "tests" / "data" / "devset" / "reports"]

pytest.importorskip("mypyc", reason="mypyc comes with the dev extra (mypy)")
if not shutil.which(str(sysconfig.get_config_var("CC") or "cc").split()[0]):
    pytest.skip("no C compiler to build the extensions with", allow_module_level=True)

DUMP = """
import json, sys
from pathlib import Path
import pipelines.extract.mentions as mentions
from models import Rejection
from pipelines.extract.report import extract_facts, read_report, scan_inbox

facts = []
for folder in sys.argv[1:]:
    for src in scan_inbox(Path(folder)):
        report = read_report(src)
        if not isinstance(report, Rejection):
            facts += [[src.file_name, m.model_dump(mode="json")] for m in extract_facts(report)]
print(json.dumps({"module": mentions.__file__, "facts": facts}, ensure_ascii=False))
"""


def _tree(dest: Path) -> Path:
    (dest / "pipelines").mkdir(parents=True)
    (dest / "pipelines" / "__init__.py").write_text("")
    shutil.copytree(ROOT / "pipelines" / "extract", dest / "pipelines" / "extract",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "compiled.json", "__pycache__"))
    shutil.copytree(ROOT / "models", dest / "models", ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "seeds").symlink_to(ROOT / "seeds")
    return dest


def _dump(tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", DUMP, *map(str, REPORT_DIRS)], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_compiled_rules_give_the_same_facts(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree")
    source = _dump(tree)
    assert source["module"].endswith(".py")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_extractor.py"), "--root", str(tree)],
                   check=True, capture_output=True)
    compiled = _dump(tree)
    assert compiled["module"].endswith(".so")
    assert len(source["facts"]) > 1800  # the five samples and the eighteen reports of the dev set
    assert compiled["facts"] == source["facts"]


def test_a_stale_build_refuses_to_load(tmp_path: Path) -> None:
    """An extension built from an older source would run old rules: the package says so instead."""
    folder = _tree(tmp_path / "tree") / "pipelines" / "extract"
    (folder / "mentions.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")  # (never imported)
    (folder / "compiled.json").write_text(json.dumps({"mentions": "0" * 64}))
    tree = folder.parents[1]
    out = subprocess.run([sys.executable, "-c", "import pipelines.extract"], env={**os.environ, "PYTHONPATH": str(tree)},
                         cwd=tree, capture_output=True, text=True)
    assert out.returncode != 0
    assert "compiled modules mentions" in out.stderr and "make compiled" in out.stderr
