"""Chinese and Arabic numerals → numbers.

Written by hand rather than with cn2an: the extractor needs to parse the exact
substring its own regex found (mixed forms such as "18.9" + "万", "3" + "千",
"一万二千三百四十五", "两", "〇"), with the multiplier kept apart so that the
warehouse can store it (SDMX UNIT_MULT). cn2an converts whole strings, adds a
dependency, and raises on the mixed forms its strict mode does not know.
"""

from __future__ import annotations

import math

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# Powers of ten of the multipliers that may follow a number ("18.9万", "3千余").
MULTIPLIER_POWER: dict[str, int] = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8}


class NumeralError(ValueError):
    """A string that looked like a numeral but is not one."""


def parse_chinese_integer(text: str) -> int:
    """Parse a Chinese integer numeral: 三千二百 → 3200, 一万二千三百四十五 → 12345, 十五 → 15.

    Also reads digit-by-digit forms (二〇二一 → 2021) and Arabic digits mixed in
    (3千2百 is unusual but harmless to accept).
    """
    s = text.strip()
    if not s:
        raise NumeralError("empty numeral")
    if all(ch in DIGITS or ch.isdigit() for ch in s):
        # 二〇二一 / 一二三: read positionally
        return int("".join(str(DIGITS[ch]) if ch in DIGITS else ch for ch in s))
    yi = 0  # everything closed by 亿
    wan = 0  # the group closed by 万
    section = 0  # the group below 万
    digit = 0
    seen_digit = False
    for ch in s:
        if ch in DIGITS or ch.isdigit():
            digit = DIGITS[ch] if ch in DIGITS else int(ch)
            seen_digit = True
        elif ch in SMALL_UNITS:
            section += (digit if seen_digit else 1) * SMALL_UNITS[ch]  # 十五: a bare 十 is 10
            digit, seen_digit = 0, False
        elif ch in BIG_UNITS:
            group = section + digit
            if group == 0 and not seen_digit and (ch in "万萬" or wan == 0):
                group = 1  # a bare 万 or 亿 (上万) is one of it; 万亿 is not
            if BIG_UNITS[ch] == 10_000:
                wan = group * 10_000
            else:
                yi = (yi + wan + group) * 100_000_000
                wan = 0
            section, digit, seen_digit = 0, 0, False
        else:
            raise NumeralError(f"not a Chinese numeral character: {ch!r} in {text!r}")
    return yi + wan + section + digit


def parse_arabic(text: str) -> float:
    """Parse Arabic digits with optional thousands separators and decimals: "1,268" → 1268."""
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise NumeralError(f"not an Arabic number: {text!r}") from exc
    if math.isnan(value) or math.isinf(value):
        raise NumeralError(f"not a finite number: {text!r}")
    return value


def scale(value: float, power: int) -> float:
    """value × 10**power read as decimal text, so 18.6亿 is 1860000000.0, not the binary product
    1860000000.0000002 that analysts would see in the warehouse."""
    return float(f"{value!r}e{power}") if power else value


def parse_number(text: str) -> float:
    """Parse a number in any form this project meets: Arabic, Chinese, or Arabic followed by multipliers."""
    s = text.strip()
    if not s:
        raise NumeralError("empty number")
    if s[0].isdigit():
        # Arabic mantissa, maybe followed by multipliers: 18.9万, 3千, 1.2亿, 5万亿
        i = 0
        while i < len(s) and (s[i].isdigit() or s[i] in ".,"):
            i += 1
        power = 0
        for ch in s[i:]:
            if ch not in MULTIPLIER_POWER:
                raise NumeralError(f"unexpected {ch!r} after a number in {text!r}")
            power += MULTIPLIER_POWER[ch]
        return scale(parse_arabic(s[:i]), power)
    if s == "半":
        return 0.5
    if "点" in s:  # 九十九点六: the decimals are read digit by digit
        whole, _, decimals = s.partition("点")
        digits = "".join(str(parse_chinese_integer(ch)) for ch in decimals)
        if not whole or not digits:
            raise NumeralError(f"no digits around 点 in {text!r}")
        return float(f"{parse_chinese_integer(whole)}.{digits}")
    return float(parse_chinese_integer(s))


def multiplier_power(multiplier: str) -> int:
    """The power of ten of a multiplier string: "万" → 4, "亿" → 8, "万亿" → 12, "" → 0."""
    return sum(MULTIPLIER_POWER[ch] for ch in multiplier)
