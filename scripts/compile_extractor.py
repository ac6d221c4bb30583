"""Compile the extraction rules with mypyc: the same source, about 1.35× faster.

    python scripts/compile_extractor.py            # build the modules in place (make compiled)
    python scripts/compile_extractor.py --clean    # back to pure Python (make clean-compiled)
    python scripts/compile_extractor.py --root DIR # build a copy of the tree in DIR (tests)

The extraction's time is Python work spread over many small rule functions (no one
function takes more than 7 %: benchmarks/README.md), so the fix is at the level of the
interpreter, not one function. mypyc turns the type-annotated modules into C extensions,
as black and mypy ship themselves; the rules stay readable Python and one source serves
both builds. Python imports a module's extension before its `.py`, so a stale build
would run old rules: the build records each source's sha256 in `compiled.json`, and
`pipelines.extract` refuses to load when a source no longer matches (see its __init__).

Needs a C compiler and the dev extra (mypy, setuptools); a fresh checkout is pure Python.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The rule modules: the per-number and per-sentence work. The file readers (formats,
# metadata) run once per report and spend their time in lxml, pypdf and the codecs.
MODULES = ("numerals", "quantities", "mentions", "classify", "text", "status", "tables", "report")
PACKAGE = Path("pipelines") / "extract"
MANIFEST = "compiled.json"


def sources(root: Path) -> list[Path]:
    return [root / PACKAGE / f"{m}.py" for m in MODULES]


def built_files(root: Path) -> list[Path]:
    """The extensions and the manifest a build leaves in the package folder."""
    folder = root / PACKAGE
    return sorted([*folder.glob("*.so"), *folder.glob("*.pyd"), *folder.glob(MANIFEST)])


def clean(root: Path) -> int:
    gone = built_files(root)
    for path in gone:
        path.unlink()
    return len(gone)


def build(root: Path) -> dict[str, str]:
    """Compile MODULES in place under `root`; returns the manifest written (module → sha256)."""
    from mypyc.build import mypycify
    from setuptools import setup

    clean(root)
    # From scratch each time: mypy's incremental cache crashed mypyc after an edit of one module.
    work = root / "build" / "mypyc"
    shutil.rmtree(work, ignore_errors=True)
    cwd = Path.cwd()
    os.chdir(root)  # mypyc names modules by their paths relative to the working directory
    try:
        # separate=True: one extension per module, each beside its source (a shared group
        # library would land at the root of the checkout and change __file__).
        # (the type checker follows imports into lxml, pypdf, …: their missing stubs are no error)
        paths = [str(PACKAGE / f"{m}.py") for m in MODULES]
        extensions = mypycify(["--ignore-missing-imports", "--cache-dir", str(work / "cache"), *paths],
                              opt_level="3", separate=True)
        setup(name="indicator-warehouse-extract", ext_modules=extensions,
              script_args=["--quiet", "build_ext", "--inplace", "--build-temp", str(work)])
    finally:
        os.chdir(cwd)
    manifest = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources(root)}
    (root / PACKAGE / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout to build in (default: this one)")
    ap.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = ap.parse_args()
    root = args.root.resolve()
    if args.clean:
        print(f"removed {clean(root)} compiled files from {root / PACKAGE}")
        return 0
    manifest = build(root)
    print(f"compiled {len(manifest)} modules with mypyc in {root / PACKAGE}: {', '.join(manifest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
