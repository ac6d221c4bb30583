"""The extractor on the development set: thirty-eight reports the extractor was not written from.

tests/data/devset: reports written in the style of real ones from twenty-nine provinces
(counties, a 自治县, a 旗, county-level cities, districts, cities, development zones,
a new area; 2018–2024), as plain text (some copied from web pages, chrome and all),
OCR markdown with page breaks, running headers, hard wraps and tables, and web pages
from several site layouts with navigation, metadata grids, related-article lists,
share bars and footers, each with a hand-made gold file following
../shared/gold/GUIDELINES.md (quotes index the text the warehouse holds, so a web
page's quotes are in its extracted text). The five samples are what the rules were
first written from; each later batch measured the rules on text they were not written
from before its own misses became rules (fact F1 as received: 0.961, 0.962, 0.986 for
three sixes, then 0.998, 0.983, 0.976, 0.995, 1.000, 0.986, 0.987, 0.995, 1.000 and 0.973 for ten pairs), so a change that only suits
the samples shows up here.
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
    assert all(scores.locality_ok.values()) and len(scores.locality_ok) == 56
    assert all(scores.year_ok.values())
