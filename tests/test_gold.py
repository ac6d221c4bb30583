"""The extractor against the hand-made gold of the five sample reports (tests/gold)."""

from pathlib import Path

import pytest

from pipelines.evaluate import Scores, evaluate, format_report, predictions_from_reports

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scores() -> Scores:
    preds = predictions_from_reports(ROOT / "seeds" / "reports")
    s = evaluate(ROOT / "tests" / "gold", ROOT / "seeds" / "reports", preds)
    print(format_report(s))
    return s


def test_fact_f1(scores: Scores) -> None:
    assert scores.summary()["fact"]["f1"] >= 0.95  # type: ignore[index]


def test_full_f1(scores: Scores) -> None:
    assert scores.summary()["full"]["f1"] >= 0.98  # type: ignore[index]


def test_domain_agreement(scores: Scores) -> None:
    assert scores.summary()["agreement"]["domain"] >= 0.90  # type: ignore[index]


def test_locality_and_year_of_every_sample(scores: Scores) -> None:
    summary = scores.summary()
    assert summary["locality_ok"] == summary["docs"] == 5
    assert summary["year_ok"] == 5
