"""Pydantic records exchanged between pipeline stages."""

from models.records import (
    Domain,
    Kind,
    Locality,
    Mention,
    ObsStatus,
    Qualifier,
    Rejection,
    RejectionStage,
    Report,
    SourceFile,
)

__all__ = ["Domain", "Kind", "Locality", "Mention", "ObsStatus", "Qualifier", "Rejection", "RejectionStage", "Report", "SourceFile"]
