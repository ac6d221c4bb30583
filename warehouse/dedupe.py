"""One report, one set of facts: the same report in several files is kept once.

A report reaches the inbox as a text dump, a web page, a PDF and a Word file,
in UTF-8 or GBK: different bytes (so different report ids), the same report.
Two files are the same report when

- their texts are equal once folded (`content_fingerprint`: simplified characters,
  NFKC, letters and digits only, page-chrome lines dropped), or
- they name the same locality and year and share most of their text (Jaccard
  similarity of 5-character shingles ≥ `SIMILAR`): a web page adds a metadata
  block and a title line, a PDF loses paragraph breaks, a dump keeps a footer.

Of each group the most faithful file is kept (plain text first, then Word,
web page, PDF; UTF-8 before other encodings; then by file name), the others
are set aside in rejected_report as "duplicate of <file>". Deterministic, and
computed from the staged texts on every build, so adding or removing a copy
changes which files are set aside without re-reading anything.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models import Report
from pipelines.extract.text import BOILERPLATE_RE
from pipelines.extract.traditional import as_simplified

SIMILAR = 0.8  # a revised report restating a year differs by more than this: it stays a vintage of its own
SHINGLE = 5
FORMAT_PREFERENCE = ("txt", "md", "docx", "html", "pdf")
ENCODING_PREFERENCE = ("utf-8", "utf-8-sig", None, "utf-16", "gb18030")
_NOT_WORD = re.compile(r"[\W_]+")  # all but letters and digits: white space, punctuation, symbols, markup
_FIELD_LINE = re.compile(r"^\s*[\u4e00-\u9fff\s]{2,10}[:：]")


def _folded(text: str) -> str:
    """Letters and digits of the text's body: no white space, punctuation, markdown or page chrome."""
    kept = []
    # (a copy in traditional characters, from a site's big5 gateway, is the same report)
    for line in unicodedata.normalize("NFKC", as_simplified(text)).splitlines():
        short = len(line.strip()) < 80
        if short and (BOILERPLATE_RE.search(line) or _FIELD_LINE.match(line)):
            continue
        kept.append(line)
    return _NOT_WORD.sub("", "".join(kept))


def content_fingerprint(text: str) -> str:
    """sha256 of the folded text: equal for the same report decoded or extracted from another file."""
    return hashlib.sha256(_folded(text).encode("utf-8")).hexdigest()


def _shingles(folded: str) -> set[str]:
    return {folded[i:i + SHINGLE] for i in range(max(1, len(folded) - SHINGLE + 1))}


def _rank(r: Report) -> tuple:
    fmt = FORMAT_PREFERENCE.index(r.format) if r.format in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
    enc = ENCODING_PREFERENCE.index(r.encoding) if r.encoding in ENCODING_PREFERENCE else len(ENCODING_PREFERENCE)
    return fmt, enc, r.file_name, r.report_id


@dataclass(frozen=True)
class Duplicate:
    report: Report  # the copy set aside
    kept: Report  # the file whose facts count
    similarity: float  # 1.0: the same folded text

    @property
    def reason(self) -> str:
        how = ("the same text" if self.similarity >= 1.0 else
               f"the same locality and year, {self.similarity:.1%} of the text in common")
        return (f"duplicate of {self.kept.file_name} ({how}); its facts are counted once, "
                f"from the {self.kept.format} file")


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def find_duplicates(reports: Sequence[Report], digests: Mapping[str, str] | None = None) -> list[Duplicate]:
    """The reports that repeat another one, each with the report kept in its place.

    `digests`: content_fingerprint of reports by report_id, when known (computed when the
    report was staged): a text is then folded only to compare it with another report of
    its locality and year.
    """
    parent = {r.report_id: r.report_id for r in reports}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    text = {r.report_id: r.text for r in reports}
    shingles: dict[str, set[str]] = {}

    def shingled(k: str) -> set[str]:
        if k not in shingles:
            shingles[k] = _shingles(_folded(text[k]))
        return shingles[k]

    known = digests or {}
    digest = {k: known.get(k) or content_fingerprint(t) for k, t in text.items()}

    first_with: dict[str, str] = {}
    groups: dict[tuple[str, int], list[str]] = {}
    for r in sorted(reports, key=_rank):
        k = r.report_id
        if digest[k] in first_with:
            parent[root(k)] = root(first_with[digest[k]])
        else:
            first_with[digest[k]] = k
        groups.setdefault((r.locality.key, r.year), []).append(k)
    for keys in groups.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if root(a) != root(b) and _jaccard(shingled(a), shingled(b)) >= SIMILAR:
                    parent[root(b)] = root(a)

    members: dict[str, list[Report]] = {}
    for r in reports:
        members.setdefault(root(r.report_id), []).append(r)
    out = []
    for group in members.values():
        kept, *rest = sorted(group, key=_rank)
        for r in rest:
            same = digest[r.report_id] == digest[kept.report_id]
            out.append(Duplicate(r, kept, 1.0 if same else _jaccard(shingled(r.report_id), shingled(kept.report_id))))
    return sorted(out, key=lambda d: d.report.report_id)
