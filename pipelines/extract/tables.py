"""Figures in tables: a number whose unit and meaning stand in other cells.

    | 指标 | 单位 | 2020年 | 2019年 | 增减 |
    | 行政复议案件受理量 | 件 | 217 | 248 | -12.5% |
    指标名称　　　　单位　　数值
    普法活动受众　　　万人次　5.2

A row of a table is no sentence: "217" says nothing until the header says it is
the 2020 value and the 单位 cell says 件. Tables come as markdown pipes (OCR
markdown, web pages' tables as the readers render them) or as columns set out
with runs of spaces or tabs (plain text). The header names each column's role —
what is counted (指标, 项目, 名称), its unit (单位), values (数值, a year, 完成 …),
changes (同比, 增减, 增幅 …) — and every number in a value or change column is a
fact, with the row's name as what it counts. A table of subjects and measures names its
measures in the header, each with its unit (| 执法部门 | 行政处罚案件（件） | 罚没金额（万元） |):
a number there is the row's subject's measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract.numerals import NumeralError, multiplier_power, parse_arabic, scale
from pipelines.extract.quantities import UNIT_FAMILY, find_quantities, normalize_unit

_PIPE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
_SPACED_CELL = re.compile(r"[^\s\u3000]+(?:[ \u3000]?[^\s\u3000]+)*")  # cells: runs split by 2+ spaces
_GAP = re.compile(r"(?:[ \u3000]{2,}|\t)")

_NAME_HEADER = re.compile(r"指标|项目|名称|内容|事项|类别")
_UNIT_HEADER = re.compile(r"^单位|计量单位")
_CHANGE_HEADER = re.compile(r"同比|增减|增幅|增长|变化|比上年|较上年|环比|升降")
_VALUE_HEADER = re.compile(r"数值|数量|数据|完成|实际|合计|总数|总量|本年|今年|结果|(?:19|20)\d{2}\s*年")
_UNIT_SUFFIX = re.compile(r"[（(]([^（()）]{1,6})[)）]\s*$")  # 受众人数（万人次）
_SIGNED = re.compile(r"^\s*([+\-－−↑↓]?)\s*(\d[\d,]*(?:\.\d+)?)\s*(%|个百分点|百分点)?\s*([↑↓]?)\s*$")


@dataclass(frozen=True)
class Table:
    roles: tuple[str, ...]  # per column: name / unit / value / change / measure / skip
    headers: tuple[str, ...]


@dataclass(frozen=True)
class CellFact:
    start: int  # in the row's line
    end: int
    raw_value: str
    raw_unit: str
    multiplier: int
    value: float
    unit: str
    kind: str
    metric_text: str


def _cells(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell of a row, positions in the line."""
    if (m := _PIPE_ROW.match(line)) is not None:
        out, pos = [], m.start(1)
        for part in m.group(1).split("|"):
            inner = part.strip()
            at = line.index(inner, pos) if inner else pos
            out.append((at, at + len(inner), inner))
            pos += len(part) + 1
        return out
    return [(c.start(), c.end(), c.group(0)) for c in _SPACED_CELL.finditer(line)]


def _is_row(line: str) -> bool:
    return bool(_PIPE_ROW.match(line)) or len(_GAP.findall(line.strip())) >= 1


def _roles(headers: list[str]) -> tuple[str, ...] | None:
    roles = []
    for h in headers:
        if _UNIT_HEADER.search(h):
            roles.append("unit")
        elif _CHANGE_HEADER.search(h):
            roles.append("change")
        elif _VALUE_HEADER.search(h):
            roles.append("value")
        elif _NAME_HEADER.search(h) and "name" not in roles:
            roles.append("name")
        elif _UNIT_SUFFIX.search(h) and roles:
            roles.append("measure")  # 行政处罚案件（件）: a measure of its own, its unit in the header
        else:
            roles.append("skip")
    if "name" not in roles and "measure" in roles and roles[0] == "skip":
        roles[0] = "name"  # | 执法部门 | 行政处罚案件（件） | 罚没金额（万元） |: each row is a subject
    if "name" not in roles or not {"value", "change", "measure"} & set(roles):
        return None  # not a table of figures this reader understands
    return tuple(roles)


def find_tables(text: str) -> dict[int, Table]:
    """The data rows of the tables of a text: line start → its table."""
    rows: dict[int, Table] = {}
    table: Table | None = None
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip() or _RULE_ROW.match(line):
            continue
        if not _is_row(line):
            table = None
            continue
        cells = [c for _, _, c in _cells(line)]
        if table is None or len(cells) != len(table.roles):
            roles = _roles(cells)
            if roles and len(cells) >= 2:
                table = Table(roles, tuple(cells))  # a header: a new table starts
            # else a row that does not fit its table's columns (an empty cell lost): skipped, not guessed
            continue
        rows[start] = table
    return rows


def _unit_of(name: str, unit_cell: str | None) -> str:
    if unit_cell:
        return unit_cell.strip()
    m = _UNIT_SUFFIX.search(name)
    return m.group(1) if m else ""


def _normalized(unit: str) -> tuple[str, int]:
    if unit and unit[0] in "万千百亿" and len(unit) > 1 and not unit.endswith("元"):
        base, power = normalize_unit(unit[1:])
        return base, power + multiplier_power(unit[0])
    return normalize_unit(unit) if unit else ("", 0)


def row_facts(line: str, table: Table) -> list[CellFact]:
    """The facts of one data row."""
    cells = _cells(line)
    by_role = {role: cells[i] for i, role in enumerate(table.roles) if role in ("name", "unit")}
    if "name" not in by_role or not by_role["name"][2]:
        return []
    name = by_role["name"][2]
    metric_text = _UNIT_SUFFIX.sub("", name).strip()
    unit_cell = by_role["unit"][2] if "unit" in by_role else None
    out: list[CellFact] = []
    for (start, _end, cell), role, header in zip(cells, table.roles, table.headers, strict=True):
        if role not in ("value", "change", "measure") or not cell:
            continue
        if (m := _SIGNED.match(cell)) is not None:  # a bare number, maybe signed: its unit is elsewhere
            sign_mark, digits, pct, arrow = m.groups()
            try:
                number = parse_arabic(digits)
            except NumeralError:
                continue
            if role == "measure":  # the row's subject and the column's measure: 区城管执法局 + 行政处罚案件
                unit_raw = pct or _unit_of(header, None)
                unit, power = _normalized(unit_raw)
                d0 = start + cell.index(digits)
                out.append(CellFact(d0, d0 + len(digits), digits, "", power, scale(number, power), unit,
                                    _kind(unit), metric_text + _UNIT_SUFFIX.sub("", header).strip()))
                continue
            unit_raw = pct or ("" if role == "change" and not unit_cell else _unit_of(name, unit_cell))
            unit, power = _normalized(unit_raw)
            negative = sign_mark in ("-", "－", "−", "↓") or arrow == "↓"
            kind = "change" if role == "change" else _kind(unit)
            value = scale(number, power) * (-1 if negative and kind == "change" else 1)
            d0 = start + cell.index(digits)
            out.append(CellFact(d0, start + len(cell.rstrip()), digits, cell[cell.index(digits) + len(digits):].strip(),
                                power, value, unit or "", kind, metric_text))
            continue
        for q in find_quantities(cell):  # a number written with its unit: 98.6%, 386件, 5.2个工作日
            if not q.unit:
                continue
            negative = cell[:q.start].rstrip().endswith(_DOWN_MARKS)  # "-3件", "下降10.0%"
            kind = "change" if role == "change" else _kind(q.unit)
            out.append(CellFact(start + q.start, start + q.end, q.raw_value, q.raw_unit, q.multiplier,
                                q.value * (-1 if negative and kind == "change" else 1), q.unit, kind, metric_text))
            break
    return out


# What a change cell writes before a decrease: a minus sign or arrow, or the word (下降10.0%, 减少3件).
_DOWN_MARKS = ("-", "－", "−", "↓", "下降", "减少", "降低", "减", "降", "少")


def _kind(unit: str) -> str:
    family = UNIT_FAMILY.get(unit, "count")
    return {"money": "amount", "percent": "ratio", "duration": "duration", "ratio": "ratio"}.get(family, "count")
