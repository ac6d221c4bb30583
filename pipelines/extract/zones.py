"""Functional zones no table lists: 南京江北新区, 天津经济技术开发区, 西安高新区.

The division codes list some zones and seeds/locality_aliases.csv a few more,
but there are hundreds of development zones, new areas and industrial parks,
each with its own administration and its own rule-of-law report. A report
from one that no table knows would be set aside for want of a locality, and
every fact in it lost. Zones are named by a small set of endings (开发区,
高新区, 新区, 园区 …) after a place name, so a title naming one is read as a
zone of its own: keyed `zone:<name>`, no official code, and the city (or
province) its name starts with as its parent (南京江北新区 → 南京市).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Longest first: 经济技术开发区 before 开发区.
ZONE_ENDINGS = ("高新技术产业开发区", "高技术产业开发区", "经济技术开发区", "自由贸易试验区", "综合保税区",
                "经济开发区", "技术开发区", "工业园区", "产业园区", "保税港区", "开发区", "高新区", "经开区", "新区",
                "园区", "保税区", "合作区", "管理区")
# Where a zone's name starts or ends in a title: organ words, dates, punctuation.
_BOUNDARY = re.compile(r"关于|中共|中国共产党|人民政府|管理委员会|管委会|党工委|工作委员会|工委|委员会|办公室|"
                       r"国家级|省级|[0-9〇零○一二三四五六七八九十]+年度?|[^\u4e00-\u9fff]")
_NAME = re.compile(rf"[\u4e00-\u9fff]{{2,12}}?(?:{'|'.join(ZONE_ENDINGS)})")
# A name that is only a kind of place, not one place: 开发区, 高新区, 新区 with a generic word before.
_GENERIC = re.compile(r"^(?:各|全|本|我|该|辖|城|市|县|区|省|国家|经济|重点|相关|试点)")


def zone_name(title: str) -> str | None:
    """The first zone a title names by its full name (place + ending), if any."""
    for part in _BOUNDARY.split(title):
        m = _NAME.search(part)
        if m is not None and m.start() == 0 and not _GENERIC.match(m.group(0)):
            return m.group(0)
    return None


def unlisted_zone(title: str, parents: Mapping[str, dict]) -> dict | None:
    """A locality row (as metadata.load_localities makes them) for the zone a title names.

    `parents`: city and province rows by the forms their names are written in (威海市, 威海);
    the longest form the zone's name starts with is its parent.
    """
    name = zone_name(title)
    if name is None:
        return None
    parent = _parent(name, parents)
    if parent is not None and parent["level"] == "province" and parent["code"] not in _MUNICIPALITIES:
        # 四川宜宾三江新区: the province before the city is not part of the zone's name
        rest = name[len(_form(name, parents)):]
        city = _parent(rest, parents)
        if city is not None and city["level"] == "city" and city["province_code"] == parent["code"]:
            name, parent = rest, city
    row = {"key": f"zone:{name}", "name": name, "code": None, "level": "zone",
           "city": None, "city_code": None, "province": None, "province_code": None}
    if parent is None:
        return row
    if parent["level"] == "city" or parent["code"] in _MUNICIPALITIES:  # a municipality is its own city
        row.update(city=parent["name"], city_code=parent["code"])
    row.update(province=parent["province"], province_code=parent["province_code"])
    return row


def _form(name: str, parents: Mapping[str, dict]) -> str:
    """The longest parent form `name` starts with (leaving at least two characters), or ""."""
    return max((f for f in parents if name.startswith(f) and len(name) > len(f) + 1), key=len, default="")


def _parent(name: str, parents: Mapping[str, dict]) -> dict | None:
    form = _form(name, parents)
    return parents[form] if form else None


_MUNICIPALITIES = ("11", "12", "31", "50")
