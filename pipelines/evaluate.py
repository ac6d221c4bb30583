"""Measure extracted facts against hand-annotated gold files.

Gold files follow tests/gold/GUIDELINES.md: one JSONL per report (`<stem>.jsonl`)
whose records give a verbatim `quote` holding the `mention`, the value, unit,
qualifier, kind and domain; `<stem>.meta.json` gives locality and year. A
prediction *finds* a gold record when its span overlaps the mention; it is a
*correct fact* with the same value and unit family, and a *full* match when the
qualifier and kind agree too. Gold marked "optional" neither rewards nor costs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from pipelines.extract import formats

UNIT_FAMILIES: dict[str, str] = {
    **dict.fromkeys(("%", "％", "‰", "百分点", "个百分点"), "percent"),
    **dict.fromkeys(("工作日", "个工作日", "天", "日", "小时", "个小时", "分钟", "学时", "课时",
                     "年", "个月", "月", "周", "秒"), "duration"),
}


def unit_family(unit: str | None) -> str:
    u = (unit or "").strip()
    if u.endswith("元"):
        return "money"
    return UNIT_FAMILIES.get(u, "count")


class GoldRecord(BaseModel):
    doc: str
    quote: str
    mention: str
    metric_text: str = ""
    value: float
    unit: str
    qualifier: str
    kind: str
    domain: str | None = None
    metric: str | None = None
    status: str = "include"


class Prediction(BaseModel):
    report_file: str
    span_start: int
    span_end: int
    value: float | None
    unit: str | None
    qualifier: str | None = None
    kind: str | None = None
    domain: str | None = None
    metric: str | None = None
    metric_text: str | None = None
    mention: str | None = None
    locality: str | None = None
    year: int | None = None


@dataclass
class Scores:
    gold: int = 0
    pred: int = 0
    found: int = 0  # gold records found (recall side)
    correct: int = 0
    full: int = 0
    found_p: int = 0  # predictions that found a gold record (precision side)
    correct_p: int = 0
    full_p: int = 0
    agreement: dict[str, list[int]] = field(default_factory=dict)
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_positives: list[tuple[str, str, float | None, str | None]] = field(default_factory=list)
    wrong: list[tuple[str, str, float, str, float | None, str | None]] = field(default_factory=list)
    locality_ok: dict[str, bool | None] = field(default_factory=dict)
    year_ok: dict[str, bool | None] = field(default_factory=dict)

    @staticmethod
    def _prf(hit_p: int, pred: int, hit_g: int, gold: int) -> dict[str, float]:
        p = hit_p / pred if pred else 0.0
        r = hit_g / gold if gold else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

    def summary(self) -> dict[str, object]:
        return {
            "gold": self.gold, "pred": self.pred,
            "detection": self._prf(self.found_p, self.pred, self.found, self.gold),
            "fact": self._prf(self.correct_p, self.pred, self.correct, self.gold),
            "full": self._prf(self.full_p, self.pred, self.full, self.gold),
            "agreement": {k: (a / n if n else None) for k, (a, n) in self.agreement.items()},
            "locality_ok": sum(1 for v in self.locality_ok.values() if v),
            "year_ok": sum(1 for v in self.year_ok.values() if v),
            "docs": len(self.locality_ok),
        }


def _report_text(reports_dir: Path, stem: str) -> tuple[str, str]:
    """The report file a gold file names (any format), and its text as the warehouse holds it
    (`dim_report.text`: for a web page, PDF or Word file the extracted text, which spans index)."""
    if (reports_dir / f"{stem}.txt").is_file():  # (a .txt in GBK or Big5 is decoded as the warehouse decodes it)
        path = reports_dir / f"{stem}.txt"
        return path.name, formats.extract(path.read_bytes(), ".txt").text
    found = sorted(p for p in reports_dir.glob(f"{stem}.*") if p.suffix.lower() in formats.SUPPORTED_SUFFIXES)
    if not found:
        raise FileNotFoundError(f"no report {stem}.* in {reports_dir}")
    return found[0].name, formats.extract(found[0].read_bytes(), found[0].suffix.lower()).text


def load_gold(gold_dir: Path, reports_dir: Path) -> tuple[dict[str, list[tuple[GoldRecord, list[tuple[int, int]]]]], dict[str, dict]]:
    """Gold records per report file, each with every span its mention can occupy in the text."""
    gold: dict[str, list[tuple[GoldRecord, list[tuple[int, int]]]]] = {}
    meta: dict[str, dict] = {}
    for path in sorted(Path(gold_dir).glob("*.jsonl")):
        doc, text = _report_text(Path(reports_dir), path.stem)
        # A web page's &nbsp; is U+00A0 in its text and a plain space in a quote copied from the
        # browser: the two are one character either way, so the spans found are the text's own.
        text = text.replace("\xa0", " ")
        meta_path = path.with_suffix(".meta.json")
        if meta_path.exists():
            meta[doc] = json.loads(meta_path.read_text(encoding="utf-8"))
        records = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = GoldRecord.model_validate({**json.loads(line), "doc": doc})
            quote, mention = rec.quote.replace("\xa0", " "), rec.mention.replace("\xa0", " ")
            offset = quote.find(mention)
            spans, at = [], text.find(quote)
            while at != -1 and offset != -1:
                spans.append((at + offset, at + offset + len(mention)))
                at = text.find(quote, at + 1)
            if not spans:
                raise ValueError(f"{path.name}: quote not found in {doc}: {rec.quote!r}")
            records.append((rec, spans))
        gold[doc] = records
    return gold, meta


def _same_value(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _fold_zone(name: str) -> str:
    for long, short in (("火炬高技术产业开发区", "高新区"), ("高新技术产业开发区", "高新区"),
                        ("高技术产业开发区", "高新区"), ("经济技术开发区", "经开区")):
        name = name.replace(long, short)
    return name


def evaluate(gold_dir: Path, reports_dir: Path, predictions: list[Prediction]) -> Scores:
    gold, meta = load_gold(gold_dir, reports_dir)
    by_doc: dict[str, list[Prediction]] = {}
    for p in predictions:
        by_doc.setdefault(Path(p.report_file).name, []).append(p)
    s = Scores()
    for doc, records in gold.items():
        preds = by_doc.get(doc, [])
        # Candidate pairs, best first: full match, then correct fact, then same metric text.
        cands = []
        for gi, (g, spans) in enumerate(records):
            for pi, p in enumerate(preds):
                if not any(p.span_start < e and st < p.span_end for st, e in spans):
                    continue
                correct = _same_value(p.value, g.value) and unit_family(p.unit) == unit_family(g.unit)
                full = correct and p.qualifier == g.qualifier and p.kind == g.kind
                hint = bool(p.metric_text and g.metric_text and
                            (p.metric_text in g.metric_text or g.metric_text in p.metric_text))
                cands.append(((not full, not correct, not hint, gi, pi), correct, full))
        cands.sort()
        used_g: dict[int, tuple[int, bool, bool]] = {}
        used_p: set[int] = set()
        for (_, _, _, gi, pi), correct, full in cands:
            if gi not in used_g and pi not in used_p:
                used_g[gi] = (pi, correct, full)
                used_p.add(pi)
        optional_hits = sum(1 for gi in used_g if records[gi][0].status == "optional")
        s.pred += len(preds) - optional_hits
        for gi, (g, _) in enumerate(records):
            hit = used_g.get(gi)
            if g.status == "optional":
                continue
            s.gold += 1
            if hit is None:
                s.misses.append((doc, g.quote))
                continue
            pi, correct, full = hit
            s.found += 1
            s.found_p += 1
            s.correct += correct
            s.correct_p += correct
            s.full += full
            s.full_p += full
            p = preds[pi]
            for key in ("domain", "qualifier", "kind", "metric"):
                want = getattr(g, key)
                if want is not None:
                    a, n = s.agreement.setdefault(key, [0, 0])
                    s.agreement[key] = [a + (getattr(p, key) == want), n + 1]
            if not correct:
                s.wrong.append((doc, g.mention, g.value, g.unit, p.value, p.unit))
        s.false_positives += [(doc, p.mention or "", p.value, p.unit) for i, p in enumerate(preds) if i not in used_p]
        m = meta.get(doc)
        if m and preds:
            localities = Counter(_fold_zone(p.locality or "") for p in preds)
            s.locality_ok[doc] = len(localities) == 1 and _fold_zone(m["locality"]) in next(iter(localities))
            s.year_ok[doc] = {p.year for p in preds} == {m["year"]}
        else:
            s.locality_ok[doc] = s.year_ok[doc] = None
    return s


def format_report(s: Scores, show: int = 20) -> str:
    summary = s.summary()
    lines = []
    for label, rows in (("missed", s.misses), ("false positive", s.false_positives), ("wrong value/unit", s.wrong)):
        lines += [f"{label}: {row}" for row in rows[:show]]
    for key, value in summary["agreement"].items():  # type: ignore[union-attr]
        lines.append(f"{key} agreement on found facts: {value:.3f}" if value is not None else f"{key}: n/a")
    d, f, u = summary["detection"], summary["fact"], summary["full"]
    lines.append(f"locality right {summary['locality_ok']}/{summary['docs']}, year right {summary['year_ok']}/{summary['docs']}")
    lines.append(
        f"detection P={d['precision']:.3f} R={d['recall']:.3f} F1={d['f1']:.3f} | "  # type: ignore[index]
        f"fact P={f['precision']:.3f} R={f['recall']:.3f} F1={f['f1']:.3f} | full F1={u['f1']:.3f}"  # type: ignore[index]
    )
    return "\n".join(lines)


def predictions_from_reports(reports_dir: Path) -> list[Prediction]:
    """Extract facts straight from report files (no warehouse needed)."""
    from models import Rejection
    from pipelines.extract.report import extract_facts, read_report, scan_inbox

    preds: list[Prediction] = []
    for src in scan_inbox(reports_dir):
        report = read_report(src)
        if isinstance(report, Rejection):
            continue
        for m in extract_facts(report):
            preds.append(Prediction(
                report_file=report.file_name, locality=report.locality.name, year=report.year,
                **m.model_dump(include={"span_start", "span_end", "value", "unit", "qualifier", "kind",
                                        "domain", "metric", "metric_text", "mention"}),
            ))
    return preds


def predictions_from_db(db_path: Path) -> list[Prediction]:
    """Read predictions from a warehouse's `indicator_facts` view, read-only."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cur = con.execute("SELECT * FROM indicator_facts")
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    fields = set(Prediction.model_fields)
    return [Prediction.model_validate({k: v for k, v in r.items() if k in fields}) for r in rows]
