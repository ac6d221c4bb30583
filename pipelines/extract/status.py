"""Observation status (SDMX's OBS_STATUS): a number as counted, or an estimate or a preliminary count.

"预计全年办理案件1200件" and "据不完全统计，共培训3000余人次" are results the report
itself hedges; analysts weigh them differently, and a later report often restates
them. The status comes from the words of the sentence before the number: the
nearest marker wins ("据初步统计，…预计…" is an estimate).
"""

from __future__ import annotations

import re

from models import ObsStatus

_MARKERS = re.compile(r"(?P<estimated>预计|预估|估计|估算)|(?P<preliminary>初步统计|初步核算|初步测算|不完全统计|快报数)")


class SentenceStatus:
    """The status markers of one sentence, found once for all its numbers."""

    __slots__ = ("_marks",)

    def __init__(self, sentence: str) -> None:
        self._marks = [(m.start(), m.lastgroup) for m in _MARKERS.finditer(sentence)]

    def at(self, offset: int) -> ObsStatus:
        """The status of a number starting at `offset` in the sentence."""
        status: ObsStatus = "reported"
        for pos, kind in self._marks:
            if pos >= offset:
                break
            status = kind  # type: ignore[assignment]
        return status
