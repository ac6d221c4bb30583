"""Quantities in a sentence: number + multiplier + qualifier + unit, normalized.

This module knows how quantities are *written*; which of them are indicators
(not dates, names, slogans …) is decided in `mentions.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract.numerals import (
    NumeralError,
    multiplier_power,
    parse_number,
)

# Units, longest first so that 人次 wins over 人 and 个工作日 over 个.
# A lookahead after some measure words keeps them from eating a following word (个月, 项目, 处理).
MONEY_UNITS = ["万亿元", "亿元", "万元", "千元", "百万元", "元", "万美元", "亿美元", "美元"]
PERCENT_UNITS = ["个百分点", "百分点", "%", "‰", "成"]
RATIO_UNITS = ["倍"]
DURATION_UNITS = ["个工作日", "工作日", "个小时", "小时", "分钟", "学时", "课时", "天"]
COUNT_UNITS = [
    "人(次)", "户(次)", "条(次)", "件(次)", "家(次)", "场(次)",
    "人/次", "户/次", "条/次", "件/次", "家/次", "场/次",
    "人次", "户次", "件次", "条次", "家次", "场次", "批次", "车次", "架次",
    "平方米", "平方公里", "公里", "千米", "万人",
    "人", "名", "位", "户", "家", "个", "项", "件", "条", "场", "批", "轮", "期", "篇", "份",
    "张", "处", "所", "起", "块", "台", "套", "辆", "间", "座", "本", "册", "支", "例", "宗",
    "笔", "封", "类", "种", "组", "次", "亩", "吨", "门", "卷", "册", "课", "节", "分",
]
_NOT_AFTER: dict[str, str] = {
    "个": "月体性别案人", "项": "目制", "处": "理置罚分室", "起": "诉草到来", "所": "有属在得以",
    "条": "例件款", "场": "所景地", "期": "间限", "台": "账", "组": "织建成", "门": "户槛", "家": "庭长属",
    "类": "型似", "种": "植养类", "名": "单称义录", "位": "于置列居", "套": "餐", "本": "级地单",
    "件": "事", "分": "之钟局区队院析类别管批布散工解流", "成": "立为功员果本绩效熟长交年都品型全就片批套效", "次": "日", "天": "然", "间": "接", "座": "谈", "节": "点约", "课": "题程堂",
    "笔": "录", "支": "持付部", "户": "籍口外", "批": "准复评示", "轮": "流", "张": "贴",
}

UNIT_FAMILY: dict[str, str] = {
    **{u: "money" for u in MONEY_UNITS},
    **{u: "percent" for u in PERCENT_UNITS},
    **{u: "duration" for u in DURATION_UNITS},
    "倍": "ratio",
}


def _unit_pattern() -> str:
    parts = []
    for unit in sorted({*MONEY_UNITS, *PERCENT_UNITS, *RATIO_UNITS, *DURATION_UNITS, *COUNT_UNITS},
                       key=len, reverse=True):
        esc = re.escape(unit)
        not_after = _NOT_AFTER.get(unit)
        parts.append(f"{esc}(?![{not_after}])" if not_after else esc)
    return "|".join(parts)


_CN = "[零〇一二两三四五六七八九十百千万亿]"
NUMBER_RE = re.compile(
    r"(?P<pre>上)?"  # 上万人: "over ten thousand"
    r"(?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|百分之" + _CN + r"+|" + _CN + r"+|半)"
    r"(?P<gap>\s*)"
    r"(?P<approx1>[余多])?"
    r"(?P<mult>(?:[十千万亿]|百(?!分))*)"
    r"(?P<approx2>[余多])?"
    r"(?P<ugap>\s*)"
    rf"(?P<unit>{_unit_pattern()})?"
)


@dataclass(frozen=True)
class Quantity:
    """A number as written, with its normalized value, in a sentence's coordinates."""

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

    @property
    def family(self) -> str:
        return UNIT_FAMILY.get(self.unit, "count")


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
    if unit.startswith("个") and len(unit) > 1:
        return unit[1:], 0  # 个工作日 → 工作日, 个小时 → 小时
    if unit == "万人":
        return "人", 4
    return unit, 0


RANGE_MARKS = ("-", "~", "至", "到", "—")


def find_quantities(sentence: str) -> list[Quantity]:
    """Every number-like token in a sentence, parsed. Tokens that do not parse are skipped."""
    found: list[Quantity] = []
    for m in NUMBER_RE.finditer(sentence):
        num = m.group("num")
        if not num:
            continue
        chinese = not num[0].isdigit()
        mult = m.group("mult") or ""
        unit_raw = m.group("unit") or ""
        if chinese and not unit_raw and not num.startswith("百分之") and sentence[m.end():m.end() + 1] not in RANGE_MARKS:
            continue  # 一是, 统一, 十四五: Chinese numerals count only with a measure word (or as a range bound)
        if chinese and num.startswith("百分之"):
            num, unit_raw = num[3:], "%"
        try:
            base = parse_number(num)
        except NumeralError:
            continue
        unit, unit_power = normalize_unit(unit_raw) if unit_raw else ("", 0)
        power = multiplier_power(mult) + unit_power
        end = m.end() if unit_raw else max(m.end(g) for g in ("num", "approx1", "mult", "approx2"))
        start = m.start()
        found.append(Quantity(
            start=start,
            end=end,
            raw_value=num if not m.group("num").startswith("百分之") else m.group("num"),
            raw_unit=sentence[m.end("num"):end],
            multiplier=power,
            value=base * 10**power,
            unit=unit,
            approx=bool(m.group("approx1") or m.group("approx2")),
            over=bool(m.group("pre")),
            chinese=chinese,
        ))
    return found


__all__ = ["RANGE_MARKS", "UNIT_FAMILY", "Quantity", "find_quantities", "normalize_unit"]
