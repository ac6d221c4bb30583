"""A report from another province, as scraped from a web page with navigation and footer.

Written for the tests (not one of the annotated samples), so it checks that the
rules hold outside the five samples: chrome, dates, document numbers, phone
numbers and the plan section give no facts.
"""

from pathlib import Path

import pytest

from pipelines.extract.mentions import find_indicators
from pipelines.extract.metadata import read_metadata

PAGE = Path(__file__).parent / "data" / "pages" / "xihu_2021_webpage.txt"


@pytest.fixture(scope="module")
def facts() -> dict[str, tuple[float, str, str, str]]:
    text = PAGE.read_text(encoding="utf-8")
    norm, found = find_indicators(text)
    out = {}
    for f in found:
        a, b = norm.span(f.start, f.end)
        out[text[a:b]] = (f.value, f.unit, f.qualifier, f.kind)
    return out


def test_identity() -> None:
    meta = read_metadata(PAGE.read_text(encoding="utf-8"))
    assert meta.locality is not None
    assert (meta.locality.name, meta.locality.code, meta.locality.city) == ("西湖区", "330106", "杭州市")
    assert meta.year == 2021
    assert meta.doc_number == "西政〔2022〕7号"


def test_results_are_read(facts: dict) -> None:
    assert facts["2.3万户"] == (23_000, "户", "exact", "count")
    assert facts["12.5%"] == (12.5, "%", "exact", "change")
    assert facts["1,268次"] == (1268, "次", "exact", "count")
    assert facts["1.27亿元"] == (127_000_000, "元", "exact", "amount")
    assert facts["2.1个百分点"] == (-2.1, "个百分点", "exact", "change")
    assert facts["8,450余件"] == (8450, "件", "approx", "count")
    assert facts["15万件"] == (150_000, "件", "approx", "count")
    assert facts["10万人次"] == (100_000, "人次", "over", "count")
    assert facts["95%"] == (95, "%", "over", "ratio")


def test_chrome_dates_and_plans_give_nothing(facts: dict) -> None:
    values = {v for v, *_ in facts.values()}
    for noise in (3562, 2022, 2021, 87654321, 12345678, 10, 5, 15):
        assert noise not in values, noise
    assert len(facts) == 29


def test_another_county_in_plain_text() -> None:
    """Breakdowns, levels reached (由…下降到), 共有, periods and rankings in a plain-text county report."""
    text = (Path(__file__).parent / "data" / "pages" / "county_2022_plain.txt").read_text(encoding="utf-8")
    norm, found = find_indicators(text)
    got = {}
    for f in found:
        a, b = norm.span(f.start, f.end)
        got.setdefault(text[a:b], (f.value, f.unit, f.qualifier, f.kind, f.metric_text))
    assert got["4.1%"][:4] == (4.1, "%", "exact", "ratio")  # the level reached, a rate; 由8.3% is not a fact
    assert "8.3%" not in got
    assert got["56名"][4] == "法律顾问"
    assert got["3.2亿元"][:4] == (320_000_000, "元", "exact", "amount")
    assert got["1200万元"][:4] == (12_000_000, "元", "approx", "amount")
    assert got["12个"][:4] == (-12, "个", "exact", "change")
    assert got["1200余家"][:4] == (1200, "家", "approx", "count")
    assert "2位" not in got and "1500人次" not in got  # a ranking; next year's plan
    assert len(found) == 35
