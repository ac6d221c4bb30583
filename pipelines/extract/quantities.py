"""Quantities in a sentence: number + multiplier + qualifier + unit, normalized.

This module knows how quantities are *written*; which of them are indicators
(not dates, names, slogans …) is decided in `mentions.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from pipelines.extract.numerals import (
    NumeralError,
    multiplier_power,
    parse_arabic,
    parse_number,
    scale,
)

# Units, longest first so that 人次 wins over 人 and 个工作日 over 个.
# A lookahead after some measure words keeps them from eating a following word (个月, 项目, 处理).
MONEY_UNITS = ["万亿元", "亿元", "万元", "千元", "百万元", "元", "万美元", "亿美元", "美元"]
PERCENT_UNITS = ["个百分点", "百分点", "%", "‰", "成"]
RATIO_UNITS = ["倍"]
DURATION_UNITS = ["个工作日", "工作日", "个小时", "小时", "分钟", "秒钟", "秒", "个学时", "学时", "个课时", "课时", "天",
                  "个月", "日"]
COUNT_UNITS = [
    "人(次)", "户(次)", "条(次)", "件(次)", "家(次)", "场(次)",
    "人/次", "户/次", "条/次", "件/次", "家/次", "场/次",
    "人次", "户次", "件次", "条次", "家次", "场次", "批次", "车次", "架次",
    "平方米", "平方公里", "公里", "千米", "万人",
    "人", "名", "位", "户", "家", "个", "项", "件", "条", "场", "批", "轮", "期", "篇", "份",
    "张", "处", "所", "起", "块", "台", "套", "辆", "间", "座", "本", "册", "支", "例", "宗",
    "笔", "封", "类", "种", "组", "次", "亩", "吨", "门", "卷", "册", "课", "节", "分", "部",
    "幅", "堂", "通", "单", "位次",
]
_NOT_AFTER: dict[str, str] = {
    "个": "月体性别案人", "项": "目制", "处": "理置罚分室", "起": "诉草到来", "所": "有属在得以",
    "条": "例件款", "场": "所景地", "期": "间限", "台": "账", "组": "织建成", "门": "户槛", "家": "庭长属",
    "类": "型似", "种": "植养类", "名": "单称义录", "位": "于置列居", "套": "餐", "本": "级地单",
    "件": "事", "分": "之钟局区队院析类别管批布散工解流", "成": "立为功员果本绩效熟长交年都品型全就片批套效", "次": "日", "天": "然", "间": "接", "座": "谈", "节": "点约", "课": "题程堂",
    "笔": "录", "支": "持付部", "户": "籍口外", "批": "准复评示", "轮": "流", "张": "贴",
    "部": "门署分长队位委属级署", "幅": "度员", "通": "过知报讯用信道行畅告关报", "单": "位独一项个元据纯",
    "堂": "兄", "日": "常期报益前后起至均夜", "秒": "批办级",
}
# Where a character class is not enough: 个人 (a person), 个案 (a single case) are no measure words, but
# 个人民调解委员会, 个人大代表, 个案例 are 个 + what is counted.
_NOT_AFTER_PATTERN: dict[str, str] = {"个": "[月体性别]|案(?![例件卷])|人(?![民大才社])"}

UNIT_FAMILY: dict[str, str] = {
    **{u: "money" for u in MONEY_UNITS},
    **{u: "percent" for u in PERCENT_UNITS},
    **{u: "duration" for u in DURATION_UNITS},
    "倍": "ratio",
}


ALL_UNITS = {*MONEY_UNITS, *PERCENT_UNITS, *RATIO_UNITS, *DURATION_UNITS, *COUNT_UNITS}


def _unit_pattern() -> str:
    parts = []
    for unit in sorted(ALL_UNITS, key=len, reverse=True):
        esc = re.escape(unit)
        if unit in _NOT_AFTER_PATTERN:
            parts.append(f"{esc}(?!{_NOT_AFTER_PATTERN[unit]})")
        elif not_after := _NOT_AFTER.get(unit):
            parts.append(f"{esc}(?![{not_after}])")
        else:
            parts.append(esc)
    return "|".join(parts)


_CN = "[零〇一二两三四五六七八九十百千万亿]"
# The characters a number's digits can start with (every alternative of `num` below).
NUMBER_START = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿半]")
NUMBER_RE = re.compile(
    r"(?P<pre>上)?"  # 上万人: "over ten thousand"
    # OCR reads a thousands separator as a full-width comma (1，236人次: only before a word, so
    # never in a list of numbers), puts a space after a separator (1, 287件; 98. 6%) or in the
    # middle of a number (2 845件, 4 12件): read through it where the digits run on into a word
    # (a unit), so never in a list
    r"(?P<num>\d+(?:, ?\d{3})+(?:\.\d+)?|\d{1,3}(?:，\d{3})+(?=\s*[^\W\d_])|\d{1,3}(?: \d{1,3})+(?=[^\W\d_年月日号时])|\d+(?:\.\d+|\. \d{1,2}(?=\s*%))?|百分之" + _CN + r"+(?:点[零〇一二三四五六七八九]+)?|"
    + _CN + r"+|半)"
    r"(?P<gap>\s*)"
    r"(?P<approx1>[余多])?"
    r"(?P<mult>(?:[十千万亿]|百(?!分))*)"
    r"(?P<approx2>[余多])?"
    r"(?P<ugap>\s*)"
    rf"(?P<unit>{_unit_pattern()})?"
)


class Quantity(NamedTuple):
    """A number as written, with its normalized value, in a sentence's coordinates.

    A named tuple rather than a frozen dataclass: a report has hundreds, and making a
    frozen dataclass (an object.__setattr__ per field) cost more than parsing the number.
    """

    start: int
    end: int  # end of the mention: number, multiplier, qualifier suffix and unit
    raw_value: str
    raw_unit: str  # everything after the number in the mention: 万余元, " 项"
    multiplier: int  # power of ten folded in (万 = 4)
    value: float
    unit: str  # normalized: 元 for money, % for percent, the measure word otherwise
    approx: bool  # 余/多 written inside the mention
    over: bool  # 上万
    chinese: bool  # written in Chinese numerals
    family: str  # what the unit measures: money, percent, duration, ratio or count (UNIT_FAMILY)


def normalize_unit(unit: str) -> tuple[str, int]:
    """A unit as written → (normalized unit, extra power of ten). 万元 → (元, 4); 个工作日 → (工作日, 0)."""
    if unit.endswith("元"):
        prefix = unit[: -len("美元")] if unit.endswith("美元") else unit[:-1]
        base = "美元" if unit.endswith("美元") else "元"
        return base, multiplier_power(prefix)
    if unit in ("%", "‰"):
        return unit, 0
    if unit in ("个百分点", "百分点"):
        return "个百分点", 0
    if unit == "成":
        return "%", 1  # 五成 = 50 %
    if unit == "个月":
        return unit, 0  # a duration in months: 个月, not the month 月
    if unit.startswith("个") and len(unit) > 1:
        return unit[1:], 0  # 个工作日 → 工作日, 个小时 → 小时
    if unit == "万人":
        return "人", 4
    if unit == "秒钟":
        return "秒", 0
    return unit, 0


RANGE_MARKS = ("-", "~", "至", "到", "—")
# A multiplier standing alone is a number only with 上/余/多 (上万人, 万余人); 十 alone is ten.
_BARE_MULTIPLIERS = frozenset("百千万亿")
# A magnitude alone (万, 千万): a number when a qualifier says how near it is (逾千万, 近万).
BARE_MAGNITUDES = frozenset({"万", "十万", "百万", "千万", "亿"})
_QUALIFIED_BEFORE = ("逾", "近", "超", "过", "约", "超过", "将近", "接近")  # 逾千名, 近百家, 超万人
# normalize_unit of every unit NUMBER_RE can match, worked out once.
_NORMAL_UNIT: dict[str, tuple[str, int]] = {u: normalize_unit(u) for u in ALL_UNITS}
# Group numbers of NUMBER_RE, for m.group(i) / m.end(i) without a name lookup per call.
_NUM, _MULT, _APPROX2 = (NUMBER_RE.groupindex[g] for g in ("num", "mult", "approx2"))


def _number_matches(sentence: str) -> Iterator[re.Match[str]]:
    """NUMBER_RE.finditer(sentence), found faster.

    NUMBER_RE opens with an optional 上, so the regex engine tries a full match at every
    character; NUMBER_START is a plain character class, which it skips through in a tight
    loop. A match starts at the first digit after the previous match, or at the 上 just
    before it, and always succeeds there: the same matches, in about half the time.
    """
    pos = 0
    while (digit := NUMBER_START.search(sentence, pos)) is not None:
        start = digit.start()
        if start > pos and sentence[start - 1] == "上":
            start -= 1
        m = NUMBER_RE.match(sentence, start)
        if m is None:  # cannot happen (see above); kept so a future edit of NUMBER_RE fails safe
            pos = start + 1
            continue
        yield m
        pos = m.end()


def find_quantities(sentence: str) -> list[Quantity]:
    """Every number-like token in a sentence, parsed. Tokens that do not parse are skipped."""
    found: list[Quantity] = []
    for m in _number_matches(sentence):
        pre, num, _, approx1, mult, approx2, _, unit_raw = m.groups()
        written = num  # the numeral as written, 百分之 included
        chinese = not num[0].isdigit()
        if chinese:
            if not unit_raw and not num.startswith("百分之") and sentence[m.end():m.end() + 1] not in RANGE_MARKS \
                    and not (num in BARE_MAGNITUDES and sentence[:m.start()].endswith(_QUALIFIED_BEFORE)):
                # 一是, 统一, 十四五: Chinese numerals count only with a measure word (or as a range
                # bound), or as a magnitude a qualifier measures (阅读量逾千万)
                continue
            if num in _BARE_MULTIPLIERS and not (pre or approx1 or approx2 or mult or (
                    (unit_raw or num in BARE_MAGNITUDES) and sentence[:m.start()].endswith(_QUALIFIED_BEFORE))):
                continue  # 千家万户, 百花齐放, a 万户 cut from its digits by a page break: words, not numbers
            if num.startswith("百分之"):
                num, unit_raw = num[3:], "%"
        try:
            base = parse_number(num) if chinese else parse_arabic(num.replace(" ", ""))  # digits, commas, a point
        except NumeralError:
            continue
        unit, unit_power = _NORMAL_UNIT[unit_raw] if unit_raw else ("", 0)
        power = (multiplier_power(mult) if mult else 0) + unit_power
        # without a unit the mention ends with the last of number, 余/多 and multiplier (not the spaces after)
        end = m.end() if unit_raw else max(m.end(_MULT), m.end(_APPROX2))
        found.append(Quantity(
            m.start(), end,
            written if written.startswith("百分之") else num,
            sentence[m.end(_NUM):end],
            power,
            scale(base, power),
            unit,
            bool(approx1 or approx2),
            bool(pre),
            chinese,
            UNIT_FAMILY.get(unit, "count"),  # stored: the rules ask it several times per number
        ))
    return found


__all__ = ["RANGE_MARKS", "UNIT_FAMILY", "Quantity", "find_quantities", "normalize_unit"]
