"""One report from file to facts: scan the inbox, read a file, extract its facts.

These are the three calls the Dagster assets make; they know nothing of Dagster
and never raise on bad input: a file that cannot be used becomes a `Rejection`
with a reason an analyst can act on.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter

from models import Locality, Mention, Rejection, RejectionStage, Report, SourceFile
from pipelines.extract import formats
from pipelines.extract.mentions import SEEDS, find_indicators
from pipelines.extract.status import SentenceStatus

SUPPORTED_SUFFIXES = formats.SUPPORTED_SUFFIXES  # .txt .md .markdown .text .html .htm .shtml .xhtml .pdf .docx
MAX_BYTES = 20 * 1024 * 1024  # a report is tens of KB; anything this large is not a report


# Bumped by hand when what a fact means changes. Any edit of the extraction code or the seeds is
# caught by the fingerprint (pipelines/versioning.py), recorded beside it in dim_report.
EXTRACTOR_VERSION = "0.1.0"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan_inbox(reports_dir: Path) -> list[SourceFile]:
    """Every candidate report file in a folder (not recursive), sorted by name.

    The report id is the first 16 hex digits of the content's sha256, so that a
    renamed file keeps its id and the same bytes twice are one report.
    """
    files: list[SourceFile] = []
    root = Path(reports_dir).resolve()  # once: resolve() per file was a third of a 10,000-file scan
    entries = sorted((e for e in os.scandir(reports_dir) if e.is_file() and not e.name.startswith(".")),
                     key=lambda e: e.name)
    for entry in entries:
        path = Path(entry.path)
        digest = file_sha256(path)
        files.append(SourceFile(
            report_id=digest[:16], file_name=entry.name,
            path=str(path.resolve() if entry.is_symlink() else root / entry.name),
            sha256=digest, size_bytes=entry.stat().st_size,
        ))
    return files


def _reject(src: SourceFile, stage: RejectionStage, reason: str) -> Rejection:
    return Rejection(file_name=src.file_name, path=src.path, sha256=src.sha256, stage=stage, reason=reason)


def read_text(src: SourceFile) -> tuple[str, str, str | None] | Rejection:
    """(text, format, encoding) of a file, or why it cannot be read (formats: `formats.extract`)."""
    path = Path(src.path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return _reject(src, "read", f"unsupported file type {suffix or '(none)'}; expected one of {SUPPORTED_SUFFIXES}")
    if src.size_bytes == 0:
        return _reject(src, "read", "empty file")
    if src.size_bytes > MAX_BYTES:
        return _reject(src, "read", f"file is {src.size_bytes} bytes, over the {MAX_BYTES}-byte limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _reject(src, "read", f"cannot read file: {exc}")
    try:
        got = formats.extract(data, suffix)
    except formats.Unreadable as exc:
        return _reject(src, exc.stage, exc.reason)
    if not got.text.strip():
        return _reject(src, "decode", "no text after decoding")
    return got.text, got.format, got.encoding


def read_report(src: SourceFile) -> Report | Rejection:
    """Read a file and establish the report's identity (locality, year, title)."""
    from pipelines.extract.metadata import read_metadata  # reference tables load on first use

    read = read_text(src)
    if isinstance(read, Rejection):
        return read
    text, fmt, encoding = read
    meta = read_metadata(text)
    if meta.locality is None:
        return _reject(src, "metadata", "no recognizable reporting locality in the title or opening lines")
    if meta.year is None:
        return _reject(src, "metadata", "no year found in the title, the opening, or a publication date")
    locality: Locality = meta.locality
    return Report(
        report_id=src.report_id, file_name=src.file_name, sha256=src.sha256, size_bytes=src.size_bytes,
        format=fmt, encoding=encoding, text=text, title=meta.title, locality=locality, year=meta.year,
        published=meta.published, doc_number=meta.doc_number, issuer=meta.issuer,
        ingested_at=datetime.now(UTC),
    )


@cache
def _classifier():
    from pipelines.extract.classify import Classifier

    return Classifier.from_seeds(SEEDS)


# All of a report's mentions are validated in one call: the same checks as Mention(**fields)
# one by one, for half the cost per record.
_MENTIONS = TypeAdapter(list[Mention])


def extract_facts(report: Report) -> list[Mention]:
    """Every indicator of a report, classified, with spans into `report.text`."""
    text = report.text
    norm, found = find_indicators(text, report.year)
    classes = _classifier().classify_all(
        (f.metric_text, f.sentence.text, f.sentence.heading, f.unit, f.kind) for f in found)
    records: list[dict] = []
    sentence = None
    span = norm.span
    for f, (domain, metric) in zip(found, classes, strict=True):
        if f.sentence is not sentence:  # a sentence's facts come together: its text is cut once
            sentence = f.sentence
            s_start, s_end = span(sentence.start, sentence.end)
            raw_sentence = text[s_start:s_end]
            sentence_text = raw_sentence.strip()
            sentence_start = s_start + len(raw_sentence) - len(raw_sentence.lstrip())
            status = SentenceStatus(sentence.text)
        start, end = span(f.start, f.end)
        records.append({
            "span_start": start, "span_end": end, "mention": text[start:end],
            "raw_value": f.raw_value, "raw_unit": f.raw_unit.strip(), "multiplier": f.multiplier,
            "value": f.value, "unit": f.unit, "qualifier": f.qualifier, "kind": f.kind,
            "status": status.at(f.start - sentence.start), "metric_text": f.metric_text, "sentence": sentence_text, "sentence_start": sentence_start,
            "heading": sentence.heading, "domain": domain, "metric": metric,
        })
    return _MENTIONS.validate_python(records)
