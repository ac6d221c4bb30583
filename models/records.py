"""The records that flow between the pipeline's stages.

Each stage hands the next one of these models, so a malformed record fails at
the boundary with a message naming the field instead of deep inside SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Qualifier = Literal["exact", "approx", "over", "under", "at_least"]
Kind = Literal["count", "amount", "ratio", "change", "duration"]
# As counted, or hedged by the report itself (预计…, 据不完全统计…): pipelines/extract/status.py.
ObsStatus = Literal["reported", "estimated", "preliminary"]
Domain = Literal[
    "functions", "rules", "decisions", "enforcement", "oversight",
    "disputes", "education", "leadership", "governance", "digital",
]
LocalityLevel = Literal["province", "city", "county", "zone"]
# Where a file was set aside: reading, decoding, metadata, extraction, or as a duplicate.
RejectionStage = Literal["read", "decode", "metadata", "extract", "duplicate"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Locality(_Record):
    """A reporting locality, keyed by its official code or, for zones without one, a stable slug."""

    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    code: str | None = None  # official NBS division code (2/4/6 digits), or None
    level: LocalityLevel
    city: str | None = None
    city_code: str | None = None
    province: str | None = None
    province_code: str | None = None


class SourceFile(_Record):
    """A raw report file as found in the inbox, before it is read."""

    report_id: str = Field(min_length=1)  # stable: derived from the content's sha256
    file_name: str
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(ge=0)


class Report(_Record):
    """A report read and decoded, with its identity established."""

    report_id: str
    file_name: str
    sha256: str
    size_bytes: int
    format: str  # txt, md, html, pdf, docx
    encoding: str | None
    text: str  # the decoded text; every span refers to it
    title: str | None
    locality: Locality
    year: int = Field(ge=1990, le=2100)
    published: date | None = None
    doc_number: str | None = None
    issuer: str | None = None
    ingested_at: datetime


class Mention(_Record):
    """One indicator found in a report's text: the number, what it counts, and where it stands."""

    span_start: int = Field(ge=0)
    span_end: int
    mention: str = Field(min_length=1)  # text[span_start:span_end]
    raw_value: str  # the number as written, e.g. "65", "三千二百", "18.9"
    raw_unit: str  # multiplier, qualifier suffix and unit as written, e.g. "万余元"
    multiplier: int = 0  # power of ten folded in (SDMX UNIT_MULT): 万 = 4, 亿 = 8
    value: float
    unit: str
    qualifier: Qualifier
    kind: Kind
    status: ObsStatus = "reported"
    metric_text: str
    sentence: str
    sentence_start: int = Field(ge=0)
    heading: str | None = None  # the section heading the sentence stands under
    domain: Domain | None = None
    metric: str | None = None

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Mention:
        if self.span_end <= self.span_start:
            raise ValueError(f"span_end {self.span_end} must be after span_start {self.span_start}")
        return self


class Rejection(_Record):
    """A file set aside, with the reason an analyst can act on."""

    file_name: str
    path: str
    sha256: str | None
    stage: RejectionStage
    reason: str
