"""The extractor on the development set: twelve reports the extractor was not written from.

tests/data/devset: reports written in the style of real ones from twelve provinces
(counties, a 自治县, county-level cities, districts, cities, development zones, a new
area; 2019–2024), as plain text, OCR markdown with page breaks, running headers, hard
wraps and tables, and web pages with navigation, metadata tables and footers, each
with a hand-made gold file following ../shared/gold/GUIDELINES.md (quotes index the
text the warehouse holds, so a web page's quotes are in its extracted text). The five
samples are what the rules were first written from; the first six reports here led
to general rules (fact F1 0.961 → 0.996), the second six then measured them on
unseen text (0.962 before their own fixes, tables being most of what is left), so a
change that only suits the samples shows up here.
"""

from pathlib import Path

import pytest

from pipelines.evaluate import Scores, evaluate, format_report, predictions_from_reports

DEVSET = Path(__file__).resolve().parent / "data" / "devset"


@pytest.fixture(scope="module")
def scores() -> Scores:
    s = evaluate(DEVSET / "gold", DEVSET / "reports", predictions_from_reports(DEVSET / "reports"))
    print(format_report(s))
    return s


def test_fact_f1(scores: Scores) -> None:
    assert scores.summary()["fact"]["f1"] >= 0.985  # type: ignore[index]


def test_full_f1(scores: Scores) -> None:
    assert scores.summary()["full"]["f1"] >= 0.975  # type: ignore[index]


def test_locality_and_year_of_every_report(scores: Scores) -> None:
    assert all(scores.locality_ok.values()) and len(scores.locality_ok) == 12
    assert all(scores.year_ok.values())
