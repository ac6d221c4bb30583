"""The numeral parser reads every way reports write a number."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.extract.numerals import NumeralError, parse_chinese_integer, parse_number

DIGIT_CHARS = "零一二三四五六七八九"


def to_chinese(n: int, *, liang: bool = False) -> str:
    """Write n in Chinese numerals the way official prose does (with 零 for gaps)."""
    if n == 0:
        return "零"

    def below_10k(x: int, leading: bool) -> str:
        out, zero = "", False
        for power, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // power % 10
            if d == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            digit = "两" if liang and d == 2 and power >= 100 else DIGIT_CHARS[d]
            out += ("" if (d == 1 and power == 10 and not out and leading) else digit) + name
        return out

    groups = []
    for name, power in (("亿", 10**8), ("万", 10**4), ("", 1)):
        groups.append((n // power % (10**4 if power < 10**8 else 10**8), name))
    text, started = "", False
    for value, name in groups:
        if value == 0:
            if started:
                text += "零" if not text.endswith("零") else ""
            continue
        text += (to_chinese(value) if value >= 10**4 else below_10k(value, not started)) + name
        started = True
    return text.rstrip("零")


@pytest.mark.parametrize(
    ("text", "value"),
    [("三千二百", 3200), ("一万二千三百四十五", 12345), ("两", 2), ("十五", 15), ("十", 10),
     ("一千零五", 1005), ("一亿零五百万", 105_000_000), ("二〇二一", 2021), ("万", 10_000),
     ("两千三百万", 23_000_000), ("一万亿", 10**12), ("零", 0)],
)
def test_chinese_integers(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("18.9万", 189_000), ("3千", 3000), ("1.2亿", 120_000_000), ("1,268", 1268), ("0.5", 0.5),
     ("半", 0.5), ("5000万", 50_000_000)],
)
def test_mixed_numbers(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_garbage_is_an_error() -> None:
    with pytest.raises(NumeralError):
        parse_chinese_integer("三个")


@given(st.integers(min_value=0, max_value=10**12))
def test_every_integer_written_in_chinese_parses_back(n: int) -> None:
    assert parse_chinese_integer(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_with_liang_parses_back(n: int) -> None:
    assert parse_chinese_integer(to_chinese(n, liang=True)) == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from([("万", 10**4), ("亿", 10**8), ("千", 10**3)]))
def test_arabic_with_multiplier(n: int, mult: tuple[str, int]) -> None:
    assert parse_number(f"{n}{mult[0]}") == n * mult[1]


def test_multipliers_give_the_decimal_value_not_a_binary_product() -> None:
    # 18.6 * 10**8 is 1860000000.0000002 in binary floating point; the warehouse shows what was written
    assert parse_number("18.6亿") == 1_860_000_000.0
    assert parse_number("1.15亿") == 115_000_000.0
    assert parse_number("6231.5万") == 62_315_000.0
