"""Analysts' corrections (seeds/corrections.csv), applied to the facts on every build.

A correction names a fact by where it stands — its report (file name, or a
prefix of the file's sha256) and its span — never by a row number or a fact
id, so it survives re-extraction as long as the extractor still reads the same
span. Actions:

* fix:    change some fields of the fact at the span (an empty cell keeps the
          field; `null` in `metric` clears it). A fix with no field changes
          marks the fact as reviewed, which takes it off the review queue.
* remove: drop the fact at the span.
* add:    a fact the extractor missed; the mention is the report's text at the span.

When several facts share a span (one "100%" read as two rates),
`match_metric_text` says which one is meant. A correction that no longer
matches (report gone, span moved, ambiguous) or is malformed is not applied,
and is recorded with the reason in the `correction` table, never a crash:
the build summary lists it so someone can update the file.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import polars as pl

from models import Kind, Qualifier

FILE_NAME = "corrections.csv"
REQUIRED = ("action", "report", "span_start", "span_end", "reason", "author")
OPTIONAL = ("match_metric_text", "value", "unit", "qualifier", "kind", "metric", "domain", "metric_text", "mention")
COLUMNS = (*REQUIRED[:4], OPTIONAL[0], *OPTIONAL[1:], *REQUIRED[4:])  # the shipped header's order
FIELDS = ("value", "unit", "qualifier", "kind", "metric", "domain", "metric_text")  # what a fix may change
CLEAR = "null"  # in `metric`: set it to NULL

LOG_SCHEMA: dict[str, pl.DataType] = {
    "correction_id": pl.String(), "line": pl.Int32(), "action": pl.String(), "report": pl.String(),
    "report_id": pl.String(), "span_start": pl.Int32(), "span_end": pl.Int32(), "fact_id": pl.String(),
    "status": pl.String(), "detail": pl.String(), "changes": pl.String(), "reason": pl.String(),
    "author": pl.String(),
}

# Splits an added mention into the number and the unit as written ("18.9 万件" → "18.9", "万件").
_NUMBER = re.compile(r"^\s*([0-9０-９.．,，零〇一二三四五六七八九十百千两]+)\s*(.*?)\s*$")
_SENTENCE_END = "。！？；;\n"

FactIdOf = Callable[[str, int, int, str], str]  # load.fact_id: (report_id, start, end, metric_text) → id


class CorrectionError(ValueError):
    """A row that cannot be applied; the message is what the analyst reads.

    status "invalid": the row itself is wrong; "unmatched": it no longer fits the facts.
    """

    def __init__(self, message: str, status: str = "invalid") -> None:
        super().__init__(message)
        self.status = status


def _unmatched(message: str) -> CorrectionError:
    return CorrectionError(message, "unmatched")


@dataclass(frozen=True)
class ReportText:
    """What a correction needs to know about a report."""

    report_id: str
    file_name: str
    sha256: str
    text: str
    locality_key: str
    year: int


@dataclass(frozen=True)
class Catalog:
    metric_domain: Mapping[str, str]  # metric code → its domain
    domains: frozenset[str]


def read_corrections(seeds_dir: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of each correction; no file means no corrections."""
    path = seeds_dir / FILE_NAME
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:  # a malformed reviewed file must stop the build, not be half-applied
            raise ValueError(f"seeds/{FILE_NAME} lacks the columns {', '.join(missing)}")
        rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    return [(line, row) for line, row in rows if any(row.values())]


def correction_id(row: Mapping[str, str]) -> str:
    """Stable id of a correction: its content, not its line (lines move when rows are added)."""
    key = "\x1f".join(row.get(c, "") for c in COLUMNS)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _named(ref: str, reports: Sequence[ReportText]) -> list[ReportText]:
    """The reports a correction's `report` cell names: by file name, or by a sha256 prefix of 8+ digits."""
    ref_l = ref.lower()
    by_sha = len(ref_l) >= 8 and re.fullmatch(r"[0-9a-f]+", ref_l) is not None
    return [r for r in reports if r.file_name == ref or (by_sha and r.sha256.startswith(ref_l))]


def reports_named(ref: str, reports: Sequence[ReportText]) -> set[str]:
    """Ids of every report `ref` names (more than one: the correction is ambiguous and not applied)."""
    return {r.report_id for r in _named(ref, reports)}


def _find_report(ref: str, reports: Sequence[ReportText]) -> ReportText:
    hits = _named(ref, reports)
    if not hits:
        raise _unmatched(f"no report in the warehouse is named {ref!r} or has a sha256 starting with it")
    if len(hits) > 1:
        raise _unmatched(f"{ref!r} names {len(hits)} reports; give a longer sha256 prefix")
    return hits[0]


def _int(row: Mapping[str, str], col: str) -> int:
    try:
        return int(row[col])
    except (KeyError, ValueError):
        raise CorrectionError(f"{col} must be an integer, got {row.get(col)!r}") from None


def _changes(row: Mapping[str, str], catalog: Catalog) -> dict[str, object]:
    """The fields a row sets, checked against the catalog and the record types."""
    out: dict[str, object] = {}
    for col in FIELDS:
        raw = row.get(col, "")
        if raw == "":
            continue
        if col == "value":
            try:
                out[col] = float(raw)
            except ValueError:
                raise CorrectionError(f"value must be a number, got {raw!r}") from None
        elif col == "metric" and raw.lower() == CLEAR:
            out[col] = None
        else:
            out[col] = raw
    if "kind" in out and out["kind"] not in get_args(Kind):
        raise CorrectionError(f"kind must be one of {', '.join(get_args(Kind))}")
    if "qualifier" in out and out["qualifier"] not in get_args(Qualifier):
        raise CorrectionError(f"qualifier must be one of {', '.join(get_args(Qualifier))}")
    if out.get("metric") is not None and out["metric"] not in catalog.metric_domain:
        raise CorrectionError(f"metric {out['metric']!r} is not in seeds/metrics.csv")
    if "domain" in out and out["domain"] not in catalog.domains:
        raise CorrectionError(f"domain {out['domain']!r} is not in seeds/domains.csv")
    if out.get("metric") is not None and "domain" not in out:  # a metric brings its domain along
        out["domain"] = catalog.metric_domain[out["metric"]]  # type: ignore[index]
    return out


def _describe(before: Mapping[str, object], changes: Mapping[str, object]) -> str:
    diffs = [f"{k}: {before.get(k)} → {v}" for k, v in changes.items() if before.get(k) != v]
    return "; ".join(diffs) if diffs else "reviewed, unchanged"


def _target(facts: pl.DataFrame, rep: ReportText, start: int, end: int, match: str) -> pl.DataFrame:
    at = facts.filter((pl.col("report_id") == rep.report_id) & (pl.col("span_start") == start)
                      & (pl.col("span_end") == end))
    if match:
        at = at.filter(pl.col("metric_text") == match)
    if at.is_empty():
        what = f" with metric_text {match!r}" if match else ""
        raise _unmatched(f"no fact at {start}-{end}{what} in {rep.file_name} (re-extracted or span moved?)")
    if at.height > 1:
        texts = " | ".join(at["metric_text"].to_list())
        raise _unmatched(f"{at.height} facts share span {start}-{end} ({texts}); set match_metric_text")
    return at


def _sentence(text: str, start: int, end: int) -> tuple[str, int]:
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    segment = text[left:right]
    return segment.strip(), left + len(segment) - len(segment.lstrip())


def _new_fact(row: Mapping[str, str], rep: ReportText, start: int, end: int, changes: Mapping[str, object],
              fact_id_of: FactIdOf) -> dict[str, object]:
    missing = [c for c in ("value", "unit", "kind", "metric_text") if c not in changes]
    if "domain" not in changes:
        missing.append("metric or domain")
    if missing:
        raise CorrectionError(f"add needs {', '.join(missing)}")
    if not 0 <= start < end <= len(rep.text):
        raise CorrectionError(f"span {start}-{end} is outside {rep.file_name} (length {len(rep.text)})")
    mention = rep.text[start:end]
    if row.get("mention") and row["mention"] != mention:
        raise _unmatched(f"the text at {start}-{end} is {mention!r}, not {row['mention']!r}")
    m = _NUMBER.match(mention)
    raw_value, raw_unit = (m.group(1), m.group(2)) if m else (mention, "")
    sentence, sentence_start = _sentence(rep.text, start, end)
    return {
        "fact_id": fact_id_of(rep.report_id, start, end, str(changes["metric_text"])),
        "report_id": rep.report_id, "locality_key": rep.locality_key, "year": rep.year,
        "domain": changes["domain"], "metric": changes.get("metric"), "metric_text": changes["metric_text"],
        "value": changes["value"], "unit": changes["unit"], "raw_value": raw_value, "raw_unit": raw_unit,
        "multiplier": 8 if raw_unit.startswith("亿") else 4 if raw_unit.startswith("万") else 0,
        "qualifier": changes.get("qualifier", "exact"), "kind": changes["kind"], "status": "reported",
        "mention": mention,
        "span_start": start, "span_end": end, "sentence": sentence, "sentence_start": sentence_start,
        "heading": None,
    }


def apply_corrections(facts: pl.DataFrame, rows: Sequence[tuple[int, dict[str, str]]],
                      reports: Sequence[ReportText], catalog: Catalog,
                      fact_id_of: FactIdOf) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the rows in file order; returns the corrected facts and one log row per correction.

    `facts` must have a `corrected_by` column; `fact_id_of` is load.fact_id (passed in
    to keep this module free of the loader).
    """
    log: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        cid = correction_id(row)
        action = row.get("action", "").lower()
        entry: dict[str, object] = {
            "correction_id": cid, "line": line, "action": action, "report": row.get("report", ""),
            "report_id": None, "span_start": None, "span_end": None, "fact_id": None, "status": "applied",
            "detail": None, "changes": None, "reason": row.get("reason", ""), "author": row.get("author", ""),
        }
        try:
            if cid in seen:
                # Same content, same id: only the first can be recorded (and applied).
                entry["correction_id"] = f"{cid}@{line}"
                raise CorrectionError(f"duplicate of line {seen[cid]}")
            seen[cid] = line
            if action not in ("fix", "remove", "add"):
                raise CorrectionError(f"action must be fix, remove or add, got {action!r}")
            if not row.get("reason") or not row.get("author"):
                raise CorrectionError("reason and author are required")
            start, end = _int(row, "span_start"), _int(row, "span_end")
            entry["span_start"], entry["span_end"] = start, end
            rep = _find_report(row.get("report", ""), reports)
            entry["report_id"] = rep.report_id
            changes = _changes(row, catalog)
            if action == "add":
                new = _new_fact(row, rep, start, end, changes, fact_id_of)
                if new["fact_id"] in set(facts["fact_id"].to_list()):
                    raise _unmatched("this fact is already there; use fix")
                facts = pl.concat([facts, pl.DataFrame([new | {"corrected_by": cid}], schema=facts.schema)])
                entry["fact_id"], entry["changes"] = new["fact_id"], f"added {new['mention']!r}"
                continue
            hit = _target(facts, rep, start, end, row.get("match_metric_text", ""))
            fid = hit["fact_id"][0]
            entry["fact_id"] = fid
            if row.get("mention") and row["mention"] != hit["mention"][0]:
                raise _unmatched(f"the fact's mention is {hit['mention'][0]!r}, not {row['mention']!r}")
            if action == "remove":
                facts = facts.filter(pl.col("fact_id") != fid)
                entry["changes"] = f"removed {hit['mention'][0]!r} ({hit['metric_text'][0]})"
                continue
            # fix: the fact keeps its id, so links to it (and its place in a diff) stay stable.
            entry["changes"] = _describe(hit.row(0, named=True), changes)
            is_it = pl.col("fact_id") == fid
            facts = facts.with_columns(
                *[pl.when(is_it).then(pl.lit(v, dtype=facts.schema[k])).otherwise(pl.col(k)).alias(k)
                  for k, v in changes.items()],
                pl.when(is_it).then(pl.lit(cid)).otherwise(pl.col("corrected_by")).alias("corrected_by"),
            )
        except CorrectionError as exc:
            entry["status"], entry["detail"] = exc.status, str(exc)
        finally:
            log.append(entry)
    return facts, pl.DataFrame(log, schema=LOG_SCHEMA)
