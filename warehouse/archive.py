"""Raw report files kept by their content: government pages disappear or change, the bytes a fact
was read from stay.

    <archive>/<sha256[:2]>/<sha256><suffix>

Each file is written once (through a temporary file, its sha256 checked against the inbox scan),
made read-only, and never changed or removed: a report replaced in the inbox or removed from it
keeps its bytes here, as its retired facts keep their rows in fact_history (`report_sha256`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from models import SourceFile
from pipelines.extract.report import file_sha256


def archived_path(archive: Path, sha256: str, file_name: str) -> Path:
    return archive / sha256[:2] / f"{sha256}{Path(file_name).suffix.lower()}"


def archive_source(archive: Path, src: SourceFile) -> Path | None:
    """Keep a copy of the source file; None when it changed since it was scanned (the next run keeps it)."""
    target = archived_path(archive, src.sha256, src.file_name)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(src.path, tmp)
        if file_sha256(tmp) != src.sha256:
            return None
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except OSError:
        return None
    finally:
        tmp.unlink(missing_ok=True)
    return target
