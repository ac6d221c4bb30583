"""A report's identity: title, reporting locality, year covered, date, document number, issuer.

Plain functions over the decoded text (no Dagster). The locality comes from the
official division codes in `seeds/divisions` plus the hand-kept alias table
`seeds/locality_aliases.csv` (zones without a code, short forms, OCR errors,
former names). Only the report's own header — title, issuer, opening lines and
signature — is searched for it: the body names many other places.

`locality_aliases.csv` (alias,name,city,kind,reason), by kind:
  zone    a locality of its own without a statistical code, keyed "zone:<name>",
          under `city`;
  short   a short form; a `name` written "*suffix" means "the zone of the city
          named next to it (or in the header) whose name ends with suffix";
  ocr     an OCR misreading (also corrected in titles and issuers);
  alias   another name of the same place;
  former  the name before a change (撤县设区). Unknown 某某县/某某市 in a title are
          also tried as 某某区/某某市 of the same city without a row.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict

from models.records import Locality
from pipelines.extract.formats import GOVERNMENT, SITE_FOOTER_RE, SITE_NAME_RE
from pipelines.extract.traditional import as_simplified
from pipelines.extract.zones import unlisted_zone

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "zone": 3}
# cities.csv fills the city slot of municipalities and of counties run by the
# province itself with these placeholder names; they are not places.
_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = {"11", "12", "31", "50"}

LOCALITY_COLUMNS = ["key", "name", "code", "level", "city", "city_code", "province", "province_code"]


class ReportMetadata(BaseModel):
    """What `read_metadata` finds in a report's text."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    locality: Locality | None = None
    year: int | None = None
    published: date | None = None
    doc_number: str | None = None
    issuer: str | None = None


# --------------------------------------------------------------------------- localities


@functools.cache
def load_localities(divisions_dir: Path | None = None, aliases_csv: Path | None = None) -> pl.DataFrame:
    """Every locality a report can come from: provinces, cities, counties, zones.

    Keys are the official code (2/4/6 digits), or "zone:<name>" for the zones of
    the alias table that have no statistical code.
    """
    divisions_dir = divisions_dir or SEEDS_DIR / "divisions"
    aliases_csv = aliases_csv or SEEDS_DIR / "locality_aliases.csv"
    read = functools.partial(pl.read_csv, infer_schema=False)  # codes stay strings
    provinces = {r["code"]: r["name"] for r in read(divisions_dir / "provinces.csv").iter_rows(named=True)}
    cities = read(divisions_dir / "cities.csv").iter_rows(named=True)
    areas = read(divisions_dir / "areas.csv").iter_rows(named=True)

    rows: list[dict[str, str | None]] = []
    for code, name in provinces.items():
        rows.append(dict(key=code, name=name, code=code, level="province", city=None, city_code=None,
                         province=name, province_code=code))
    city_of: dict[str, tuple[str | None, str | None]] = {}  # city code -> (name, code) as a parent
    for r in cities:
        pcode = r["provinceCode"]
        if r["name"] in _PLACEHOLDER_CITIES:
            # A municipality is its own city (北京市 朝阳区 -> city 北京市); counties run by a
            # province (仙桃市) have no parent city.
            city_of[r["code"]] = (provinces[pcode], pcode) if pcode in _MUNICIPALITIES else (None, None)
            continue
        city_of[r["code"]] = (r["name"], r["code"])
        rows.append(dict(key=r["code"], name=r["name"], code=r["code"], level="city", city=r["name"],
                         city_code=r["code"], province=provinces[pcode], province_code=pcode))
    for r in areas:
        city, city_code = city_of[r["cityCode"]]
        if r["name"] == city:
            continue  # cities without counties (东莞市 441900) repeat themselves as an area
        # NBS codes 71-79 in the county slot are functional zones (开发区, 新区, 园区).
        level = "zone" if r["code"][4] == "7" else "county"
        rows.append(dict(key=r["code"], name=r["name"], code=r["code"], level=level, city=city,
                         city_code=city_code, province=provinces[r["provinceCode"]],
                         province_code=r["provinceCode"]))

    by_city_name = {r["name"]: r for r in rows if r["level"] == "city"}
    by_city_name.update({r["name"]: r for r in rows if r["level"] == "province" and r["code"] in _MUNICIPALITIES})
    for a in read(aliases_csv).iter_rows(named=True):
        if a["kind"] != "zone":
            continue
        parent = by_city_name[a["city"]]
        rows.append(dict(key=f"zone:{a['name']}", name=a["name"], code=None, level="zone", city=parent["name"],
                         city_code=parent["code"], province=parent["province"],
                         province_code=parent["province_code"]))
    frame = pl.DataFrame(rows, schema=dict.fromkeys(LOCALITY_COLUMNS, pl.String))
    if frame["key"].is_duplicated().any():  # a duplicate key would silently merge two places
        raise ValueError(f"duplicate locality keys: {frame.filter(pl.col('key').is_duplicated())['key'].to_list()}")
    return frame


def _short_names(name: str | None) -> list[str]:
    """The forms a city or province is named by in running text: 威海市 -> 威海, 广西壮族自治区 -> 广西."""
    if not name:
        return []
    forms = [name]
    short = re.sub(r"(省|市|地区|盟|特别行政区)$", "", name)
    short = re.sub(r"(壮族|回族|维吾尔|朝鲜族|藏族|彝族|苗族|土家族|蒙古族|哈尼族|傣族|白族|布依族|侗族|"
                   r"哈萨克|柯尔克孜|景颇族|傈僳族)+.*自治(区|州)$", "", short)
    short = re.sub(r"自治(区|州)$", "", short)
    if short != name and len(short) >= 2:
        forms.append(short)
    return forms


@dataclass(frozen=True)
class _Cand:
    kind: str  # name | alias | stem | short | former
    keys: tuple[str, ...] = ()
    suffix: str = ""  # short forms: the ending of the zone's full name


@dataclass
class _Index:
    rows: dict[str, dict]
    patterns: dict[str, list[_Cand]]
    zones_of_city: dict[str, list[dict]]
    by_name: dict[str, list[str]]
    city_forms: dict[str, list[dict]]  # 威海市 / 威海 -> the city (municipalities too)
    lengths_at: dict[str, list[int]]  # first two characters -> lengths of the patterns so beginning, longest first
    one_char: frozenset[str]  # one-character patterns (none in the seeds)


# The peoples named in an autonomous county's or banner's name: 布依族苗族自治县, 木垒哈萨克自治县.
_PEOPLES = [
    "乌孜别克", "柯尔克孜", "维吾尔", "哈萨克", "塔吉克", "达斡尔", "鄂温克", "鄂伦春", "塔塔尔", "俄罗斯", "蒙古", "布依", "朝鲜", "土家",
    "哈尼", "傈僳", "高山", "拉祜", "东乡", "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂",
    "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣",
    "黎", "佤", "畲", "水", "土", "羌", "怒", "京",
]
_AUTONOMOUS_RE = re.compile(f"(?:(?:{'|'.join(_PEOPLES)})族?)+自治(县|旗)$")


@functools.cache
def _index(divisions_dir: Path | None = None, aliases_csv: Path | None = None) -> _Index:
    frame = load_localities(divisions_dir, aliases_csv)
    rows = {r["key"]: r for r in frame.iter_rows(named=True)}
    patterns: dict[str, list[_Cand]] = {}
    by_name: dict[str, list[str]] = {}
    for key, r in rows.items():
        by_name.setdefault(r["name"], []).append(key)
    for name, keys in by_name.items():
        patterns.setdefault(name, []).append(_Cand("name", tuple(keys)))

    # An autonomous county is written without its peoples as often as with them: 镇宁布依族苗族
    # 自治县 → 镇宁自治县, 镇宁县 (a form that is some other place's own name is left to it).
    for key, r in rows.items():
        m = _AUTONOMOUS_RE.search(r["name"]) if r["level"] == "county" else None
        if m is None or m.start() < 2:
            continue
        stem = r["name"][:m.start()]
        for form in (f"{stem}自治{m.group(1)}", f"{stem}{m.group(1)}"):
            if form not in by_name:
                patterns.setdefault(form, []).append(_Cand("alias", (key,)))

    # Zones are often written with the city split off: 中共威海市委火炬高技术产业开发区工作委员会.
    # Their name minus the province/city prefix matches when the city is named nearby.
    zones_of_city: dict[str, list[dict]] = {}
    for r in rows.values():
        if r["level"] != "zone":
            continue
        zones_of_city.setdefault(r["city_code"] or "", []).append(r)
        stem = r["name"]
        for prefix in _short_names(r["province"]) + _short_names(r["city"]):
            if stem.startswith(prefix):
                stem = stem[len(prefix):]
        if stem != r["name"] and len(stem) >= 4:
            patterns.setdefault(stem, []).append(_Cand("stem", (r["key"],)))

    aliases_csv = aliases_csv or SEEDS_DIR / "locality_aliases.csv"
    for a in pl.read_csv(aliases_csv, infer_schema=False).iter_rows(named=True):
        if a["kind"] == "zone":
            continue  # already a row of its own
        if a["name"].startswith("*"):
            patterns.setdefault(a["alias"], []).append(_Cand("short", suffix=a["name"][1:]))
            continue
        keys = [k for k in by_name.get(a["name"], []) if not a["city"] or rows[k]["city"] == a["city"]]
        if not keys:
            raise ValueError(f"locality_aliases.csv: {a['alias']} -> {a['name']} ({a['city']}) is no known locality")
        patterns.setdefault(a["alias"], []).append(_Cand("alias", tuple(keys)))
    city_forms: dict[str, list[dict]] = {}
    for r in rows.values():
        if r["level"] == "city" or (r["level"] == "province" and r["code"] in _MUNICIPALITIES):
            for form in _short_names(r["name"]):
                city_forms.setdefault(form, []).append(r)
    lengths_at: dict[str, set[int]] = {}
    for p in patterns:
        if len(p) > 1:
            lengths_at.setdefault(p[:2], set()).add(len(p))
    return _Index(rows, patterns, zones_of_city, by_name, city_forms,
                  {k: sorted(v, reverse=True) for k, v in lengths_at.items()},
                  frozenset(p for p in patterns if len(p) == 1))


@dataclass
class _Hit:
    start: int
    end: int
    text: str
    cands: list[_Cand]


def _squash(text: str) -> str:
    """Text as names are matched in it: NFKC-folded, without whitespace or markdown marks."""
    return re.sub(r"[\s#*>•·]+", "", unicodedata.normalize("NFKC", text))


def _scan(s: str, idx: _Index) -> list[_Hit]:
    """All pattern occurrences in s, minus those lying inside a longer one (城区 inside 峄城区).

    A shorter pattern starting where a longer one starts lies inside it, so only the longest
    pattern at each position is a candidate, and only the lengths of the patterns that begin
    with the position's two characters are tried (`idx.lengths_at`).
    """
    kept: list[_Hit] = []
    reach = -1  # the furthest end of the hits so far: a hit ending within it lies inside a longer one
    patterns, lengths_at = idx.patterns, idx.lengths_at
    end = len(s)
    for start in range(end):
        lengths = lengths_at.get(s[start:start + 2], ())  # most positions start no pattern at all
        if idx.one_char and s[start] in idx.one_char:
            lengths = [*lengths, 1]  # the shortest, tried last
        for n in lengths:
            if reach < start + n <= end and s[start:start + n] in patterns:
                kept.append(_Hit(start, start + n, s[start:start + n], patterns[s[start:start + n]]))
                reach = start + n
                break
    return kept


_ORGAN_AFTER = ("人民政府", "政府", "委", "党委", "县委", "区委", "市委", "旗委", "党工委", "管委会", "管理委员会")


def _two_char_ok(s: str, hit: _Hit, row: dict) -> bool:
    """Two-character names (单县, 城区, 新县) are words too: accept them only as a name."""
    before = s[:hit.start]
    if any(before.endswith(p) for p in _short_names(row["city"]) + _short_names(row["province"])):
        return True
    at_start = hit.start == 0 or before.endswith("中共")
    return at_start and s[hit.end:].startswith(_ORGAN_AFTER)


class _Body:
    """The whole text NFKC-folded, where a parent's name is counted. Folded on first use: only
    same-named places (朝阳区) need it, and folding a whole report was most of reading one."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._folded: str | None = None

    def count(self, name: str) -> int:
        if self._folded is None:
            self._folded = unicodedata.normalize("NFKC", self._text)
        return self._folded.count(name)


def _most_tied(options: list[dict], near: str, header: str, body: _Body) -> dict:
    """The option the text ties most strongly to its parents (the first on a tie)."""
    if len(options) == 1:
        return options[0]  # nothing to tell apart: the body is not read
    return max(options, key=lambda r: _context_score(r, near, header, body))


def _context_score(row: dict, near: str, header: str, body: _Body) -> int:
    """How strongly the text ties a locality to its parent city and province (for 朝阳区, 河东区)."""
    score = 0
    for name in _short_names(row["city"]) + _short_names(row["province"]):
        score += 4 * (name in near) + 2 * (name in header) + min(3, body.count(name))
    return score


def _resolve_hits(s: str, idx: _Index, header: str, body: _Body, former: bool = False) -> list[tuple[dict, int]]:
    """The localities named in one stretch of header text, each with its position.

    `former`: also read unknown 某某县/某某市 as a renamed county (title and issuer only:
    running text is full of words ending in 市).
    """
    hits = _scan(s, idx)
    city_hits = [(h.start, idx.rows[k]) for h in hits for c in h.cands if c.kind in ("name", "alias")
                 for k in c.keys if idx.rows[k]["level"] == "city"
                 or (idx.rows[k]["level"] == "province" and k in _MUNICIPALITIES)]
    found: list[tuple[dict, int]] = []
    for h in hits:
        options: list[dict] = []
        for c in h.cands:
            if c.kind == "name":
                options += [idx.rows[k] for k in c.keys if len(h.text) > 2 or _two_char_ok(s, h, idx.rows[k])]
            elif c.kind == "alias":
                options += [idx.rows[k] for k in c.keys]
            elif c.kind == "stem":
                row = idx.rows[c.keys[0]]
                if any(n in s or n in header for n in _short_names(row["city"])):
                    options.append(row)
            elif c.kind == "short":
                options += _short_form(c.suffix, s, h.start, city_hits, header, idx)
        if not options:
            continue
        # Same-name places (朝阳区 in 北京市 and 长春市) are told apart by their parents.
        found.append((_most_tied(options, s, header, body), h.start))
    if former and not any(LEVEL_RANK[r["level"]] >= 2 for r, _ in found):
        found += _former_names(s, idx, header, body, hits)
    return found


def _short_form(suffix: str, s: str, pos: int, city_hits: list[tuple[int, dict]], header: str,
                idx: _Index) -> list[dict]:
    """高新区 in a title: the zone of the city named just before it (威海高区), else elsewhere in the header."""
    cities = [r for n in (4, 3, 2) if pos >= n for r in idx.city_forms.get(s[pos - n:pos], [])][:1]
    before = [r for p, r in city_hits if p < pos]
    cities = cities or before[-1:] or [r for _, r in city_hits]
    if not cities:
        in_header = sorted((header.find(f), r["key"]) for f, rs in idx.city_forms.items() for r in rs if f in header)
        cities = [idx.rows[k] for _, k in in_header[:1]]
    for city in cities:
        zones = [z for z in idx.zones_of_city.get(city["code"], []) if z["name"].endswith(suffix)]
        exact = [z for z in zones if any(z["name"] == n + suffix for n in _short_names(city["name"]))]
        if exact or len(zones) == 1:
            return (exact or zones)[:1]
        if zones:
            return [min(zones, key=lambda z: len(z["name"]))]
    return []


def _former_names(s: str, idx: _Index, header: str, body: _Body, hits: list[_Hit]) -> list[tuple[dict, int]]:
    """撤县设区: a title naming 即墨市 or 某县 that is now 即墨区 / 某区 of the same city."""
    found = []
    for m in re.finditer(r"[\u4e00-\u9fff]{1,4}[县市]", s):
        if any(h.start <= m.start() < h.end or h.start < m.end() <= h.end for h in hits):
            continue
        word = m.group(0)
        for k in range(len(word) - 2):  # the longest stem first: 中共即墨市 -> 即墨
            stem = word[k:-1]
            for new in (stem + "区", stem + "市"):
                keys = [key for key in idx.by_name.get(new, []) if idx.rows[key]["level"] == "county"]
                if keys:
                    found.append((_most_tied([idx.rows[key] for key in keys], s, header, body), m.start() + k))
                    break
            else:
                continue
            break
    return found


def _pick(found: list[tuple[dict, int]]) -> dict | None:
    """The most specific locality named; among equals the one named most often, then first."""
    if not found:
        return None
    counts: dict[str, int] = {}
    for r, _ in found:
        counts[r["key"]] = counts.get(r["key"], 0) + 1
    return max(found, key=lambda f: (LEVEL_RANK[f[0]["level"]], counts[f[0]["key"]], -f[1]))[0]


def resolve_locality(text: str, title: str | None = None) -> Locality | None:
    """The reporting locality, from the title first, then the issuer, signature and opening lines.

    Places named in the body ("与沂南县、河东区等80余个地区") are never candidates; they only
    count as evidence when two places share a name.
    """
    return _locality(text, _layout(text), title)


_SELF_RE = re.compile(r"我(县|区|旗)")


def _locality(text: str, layout: _Layout, title: str | None) -> Locality | None:
    idx = _index()
    title = title or layout.title or ""
    regions = [title, layout.fields.get("发文机关", ""), layout.signature, layout.opening]
    header = _squash(" ".join(regions))
    body = _Body(text)
    chosen = None
    for i, region in enumerate(regions):
        best = _pick(_resolve_hits(_squash(region), idx, header, body, former=i < 2))
        if best is None:
            continue
        if chosen is None:
            chosen = best
            if LEVEL_RANK[best["level"]] >= 2 or i >= 2:
                break
        # A title naming only the city (中共威海市委 …) may be refined by the issuer or
        # signature, but only to a place inside it.
        elif i < 3 and LEVEL_RANK[best["level"]] > LEVEL_RANK[chosen["level"]] and chosen["key"] in (
                best["city_code"], best["province_code"]):
            # (not by the opening: a city's report names its counties there, 诸暨市、新昌县入选…)
            chosen = best
            break
        if i >= 2:
            break
    # "现将2017年我县…报告如下" with only the city named in the head (in the names of the city's
    # documents it follows): the author is the one county of that city its first paragraphs name.
    if chosen is not None and LEVEL_RANK[chosen["level"]] < 2 and (me := _SELF_RE.search(layout.opening)):
        named = {r["key"]: r for r, _ in _resolve_hits(_squash(text[:3000]), idx, header, body)
                 if LEVEL_RANK[r["level"]] >= 2 and r["name"].endswith(me.group(1))
                 and chosen["key"] in (r["city_code"], r["province_code"])}
        if len(named) == 1:
            chosen = next(iter(named.values()))
    # A zone no table lists (南京江北新区): named in the title or by the issuer, it is a zone of its
    # own rather than no locality at all, or the city or province it belongs to (pipelines/extract/zones.py).
    if chosen is None or LEVEL_RANK[chosen["level"]] < 2:
        for region in regions[:2]:
            zone = unlisted_zone(unicodedata.normalize("NFKC", region), _parent_forms())
            if zone is not None and (chosen is None or chosen["key"] in (zone["city_code"], zone["province_code"])):
                chosen = zone
                break
            if zone is not None and zone["province_code"] is None and chosen is not None:
                # 西咸新区, 火炬高新区: a name that does not start with its city's; the city or province
                # the report names (陕西省, 中山市) is where it is. Names like 火炬高新区 recur in other
                # cities, so the key carries the city's (zone:中山火炬高新区); the name stays as written.
                in_city = chosen["level"] == "city" or chosen["code"] in _MUNICIPALITIES
                chosen = {**zone, "province": chosen["province"], "province_code": chosen["province_code"],
                          **({"city": chosen["name"], "city_code": chosen["code"],
                              "key": f"zone:{_short_names(chosen['name'])[-1]}{zone['name']}"} if in_city else {})}
                break
    # Last, a web page whose report names no place in its head (关于2022年…的报告, 县人民政府…):
    # the government whose site it stands on.
    if chosen is None and (site := _site(layout.lines, layout.fields)):
        chosen = _pick(_resolve_hits(_squash(site), idx, header, body))
    if chosen is None:
        return None
    return Locality(**{k: chosen[k] for k in LOCALITY_COLUMNS})


@functools.cache
def _parent_forms() -> dict[str, dict]:
    """Cities and provinces by the forms their names are written in (威海市, 威海; 河北省, 河北)."""
    forms: dict[str, dict] = {}
    for r in _index().rows.values():
        if r["level"] in ("city", "province"):
            for form in _short_names(r["name"]):
                forms.setdefault(form, r)
    return forms


# --------------------------------------------------------------------------- layout

# Page chrome of government sites: breadcrumbs, buttons, footers.
_CHROME_RE = re.compile(
    r"^(首页|当前位置|您的位置|您当前的位置|位置)|[>»›＞]|^(打印|关闭|分享|收藏|返回|字号|【)|"
    r"(版权所有|Copyright|ICP|网站标识码|主办单位|承办单位|技术支持|联系我们|网站地图|浏览次数|访问量|"
    r"点击数|阅读次数|分享到|打印本页|关闭窗口|扫一扫|公安备案)",
    re.IGNORECASE,
)
# "发文机关:乳山市人民政府" — a metadata field of a government information page.
_FIELD_RE = re.compile(r"^([\u4e00-\u9fff]{2,8})\s*[:：]\s*(.+)$")
# Every character whose NFKC form holds a colon (checked over all code points): a line without
# one cannot match _FIELD_RE once folded, so it is not folded at all.
_COLON_RE = re.compile("[:\u2a74\ufe13\ufe55\uff1a]")
_ORGAN_RE = re.compile(r"(人民政府|政府|委员会|管委会|党工委|工委|委|办公室|局|厅|院|司法部|法院|检察院|办事处)$")
_TITLE_CORE = re.compile(r"法治|依法|法制|情况|(?:19|20)\d{2}")


_LEADING_MARK_RE = re.compile(r"^(#{1,6}|[*•·\-]|\*\*)\s*")


def _clean(line: str) -> str:
    """A line without indentation, markdown marks and list bullets."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
    line = _LEADING_MARK_RE.sub("", line)
    return line.replace("**", "").strip()


class _Lines:
    """A report's lines, each cleaned (`_clean`) when first read.

    The layout reads the head, the opening and the tail of a report, not the hundreds
    of lines between; blank lines are kept as "".
    """

    def __init__(self, raw: list[str]) -> None:
        self._raw = raw
        self._cleaned: list[str | None] = [None] * len(raw)

    def __len__(self) -> int:
        return len(self._raw)

    def raw(self, i: int) -> str:
        return self._raw[i]

    def __getitem__(self, i: int) -> str:
        line = self._cleaned[i]
        if line is None:
            line = self._cleaned[i] = _clean(self._raw[i])
        return line

    def span(self, start: int, stop: int | None = None) -> Iterator[str]:
        """Lines start … stop-1 (to the end when stop is None), cleaned as they are read."""
        for i in range(*slice(start, stop).indices(len(self._raw))):
            yield self[i]


def _is_organ(line: str) -> bool:
    """An issuing body's name on a line of its own (中共峄城区委 峄城区人民政府)."""
    parts = line.split()
    return bool(parts) and len(line) <= 60 and not re.search(r"[。，,:：；]", line) and all(
        _ORGAN_RE.search(p) for p in parts)


def _is_title_line(line: str) -> bool:
    """A report title: '…关于2021年度法治政府建设情况的报告', '…2021年法治政府建设工作总结'."""
    if len(line) > 100 or re.search(r"[。，,；;！？]|如下|[:：]$", line):
        return False
    if re.match(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])", line):
        return False  # a section heading
    if "报告" in line:  # (but a page's column name, 工作报告 or 年度报告, is no title)
        return bool(_TITLE_CORE.search(line.replace("报告", "")))
    return bool(re.search(r"(法治|依法行政).*(总结|情况)$", line))


def _is_title_start(line: str) -> bool:
    """The first half of a title broken over two lines (关于2021年度法治政府建设 / 情况的报告)."""
    return len(line) <= 60 and bool(re.search(r"关于|法治|(19|20)\d{2}\s*年", line)) and not re.search(
        r"[。，,；;:：>|»›]|门户网站|首页|政务公开|信息公开|当前位置|\S\s{2,}\S", line)


@dataclass(frozen=True)
class _Layout:
    title: str | None
    title_line: int  # index in `lines` of the title's last line, -1 if none
    lines: _Lines  # cleaned lines, blank ones kept as ""
    fields: dict[str, str]
    opening: str  # the first lines after the title, up to the first section heading
    signature: str  # the issuer lines standing above the closing date
    signature_date: date | None


def _join_title(parts: list[str]) -> str:
    """One title from its lines, spaced as the issuer wrote it (meta: '… 管理委员会关于2021年…')."""
    out = ""
    for part in parts:
        part = re.sub(r"\s+", " ", part)
        if out:
            glue = " " if _is_organ(out.split(" ")[-1]) and _is_organ(part) else ""
            out += glue + part
        else:
            out = part
    out = re.sub(r"\s*(\d+)\s*", r"\1", out)  # "关于 2021 年" -> "关于2021年"
    out = re.sub(r"\s+(关于|\d)", r"\1", out)
    # Keep a space only where it separates two issuing bodies.
    tokens = out.split(" ")
    joined = tokens[0]
    for tok in tokens[1:]:
        head = re.split(r"关于|\d", tok)[0]
        joined += (" " if _ORGAN_RE.search(joined) and head and _is_organ(head) else "") + tok
    return _fix_ocr(joined.strip())


def _fix_ocr(s: str) -> str:
    """Undo the OCR confusions of the alias table (峰城区 -> 峄城区) in a title or issuer."""
    for wrong, right in _ocr_fixes().items():
        s = s.replace(wrong, right)
    return s


@functools.cache
def _ocr_fixes() -> dict[str, str]:
    aliases = pl.read_csv(SEEDS_DIR / "locality_aliases.csv", infer_schema=False)
    return {a["alias"]: a["name"] for a in aliases.iter_rows(named=True) if a["kind"] == "ocr"}


_LOST_BREAK_RE = re.compile(r"\s{2,}|[•·]|(?<=[。！？])")
_LOST_BREAKS_LINE = 3000  # characters: no paragraph runs this long; a report run into one line does


def _layout(text: str) -> _Layout:
    raw_lines = text.splitlines()
    if len(text) > 2000 and len(raw_lines) < len(text) / 500:
        # Text extracted without line breaks (some HTML/PDF tools): fall back on runs of
        # spaces, bullets and sentence ends as line breaks.
        raw_lines = _LOST_BREAK_RE.split(text)
    elif any(len(line) > _LOST_BREAKS_LINE for line in raw_lines):
        # … or only the report lost them, between lines of a page's chrome that kept theirs
        raw_lines = [part for line in raw_lines
                     for part in (_LOST_BREAK_RE.split(line) if len(line) > _LOST_BREAKS_LINE else [line])]
    lines = _Lines(raw_lines)
    fields = _fields(lines)
    title, title_line = _title(lines)
    if "标题" in fields and not title:
        title = fields["标题"]
    opening = _opening(lines, title_line)
    signature, sig_date = _signature(lines)
    # Cut long: text without line breaks would otherwise hand the whole body in as "opening".
    return _Layout(title, title_line, lines, fields, opening[:500], signature, sig_date)


# A page's site named by the government it belongs to (formats.py: a web page's <meta>, title and
# footer give a 主办单位 field): a "发布机构" field, "岳阳县人民政府门户网站" on a line of its own in
# the head, "主办：岳阳县人民政府办公室 湘ICP备…" in the tail of text copied from a page.
_SITE_FIELDS = ("主办单位", "主办", "发布机构", "发文机构")
_SITE_LINES = 12  # lines looked at in the head and in the tail of a page


def _site(lines: _Lines, fields: dict[str, str]) -> str:
    """Who the page's site belongs to, as the page's chrome names it ("" when it does not)."""
    for label in _SITE_FIELDS:
        if m := re.match(GOVERNMENT, fields.get(label, "")):
            return m.group(0)
    n = len(lines)
    for i in [*range(min(n, _SITE_LINES)), *range(max(_SITE_LINES, n - _SITE_LINES), n)]:
        line = lines.raw(i).strip()
        if len(line) > 200:
            continue
        if (m := SITE_NAME_RE.match(line)) or (m := SITE_FOOTER_RE.search(line)):
            return m.group(1)
    return ""


def _fields(lines: _Lines) -> dict[str, str]:
    """The "标签:值" metadata lines among the first 80 (发文机关, 成文日期 …), first one of a label kept."""
    fields: dict[str, str] = {}
    for i in range(min(len(lines), 80)):
        if not _COLON_RE.search(lines.raw(i)):  # (cleaning a line leaves its colons: the raw line tells)
            continue  # not a "标签:值" line, folded or not (NFKC of every long line was the hot spot)
        norm = unicodedata.normalize("NFKC", lines[i])
        m = _FIELD_RE.match(norm.replace(" ", ""))
        if m and len(m.group(1)) <= 6:
            # The value keeps its spaces: "发文机关:中共某某区委 某某区人民政府" names two bodies.
            value = re.sub(r"\s+", " ", re.split(r"[:：]", norm, maxsplit=1)[-1]).strip()
            fields.setdefault(m.group(1), value or m.group(2).strip())
    return fields


def _usable(line: str) -> bool:
    """A line that may belong to the title: not blank, not page chrome, not a metadata field."""
    return bool(line) and not _CHROME_RE.search(line) and not (_COLON_RE.search(line) and _FIELD_RE.match(
        unicodedata.normalize("NFKC", line).replace(" ", "")))


class _TitleWindow:
    """The usable lines among the first 80, found only as far as they are asked for: the title
    is nearly always within the first few, and testing every long paragraph line for page chrome
    was most of the layout's time."""

    def __init__(self, lines: _Lines) -> None:
        self._lines = lines
        self._found: list[int] = []  # indices in `lines` of the usable lines seen so far
        self._next = 0
        self._stop = min(len(lines), 80)

    def get(self, n: int) -> int | None:
        """The index of the n-th usable line, or None when there are not that many."""
        while len(self._found) <= n and self._next < self._stop:
            if _usable(self._lines[self._next]):
                self._found.append(self._next)
            self._next += 1
        return self._found[n] if n < len(self._found) else None


_SITE_SUFFIX_RE = re.compile(r"[_|]|\s-\s|[-－—](?=[^-－—]*网站?[^-－—]*$)")


def _title(lines: _Lines) -> tuple[str | None, int]:
    """The first report-like line near the top, with the issuer lines above it, and the index
    of its last line (-1 if none)."""
    window = _TitleWindow(lines)
    for n in itertools.count():
        i = window.get(n)
        if i is None:
            break
        # "<title>_某某政府网", "<title> - 某某网", "<title>-某某官方网站": a page's <title> and its site
        line = _SITE_SUFFIX_RE.split(lines[i])[0].strip()
        following = window.get(n + 1)
        parts: list[str] = []
        if _is_title_line(line):
            parts, last = [line], i
            nxt = lines[following] if following is not None else ""
            if following is not None and not line.endswith(("报告", "总结")) and len(nxt) <= 8 and re.fullmatch(r"[的之]?(工作)?(报告|总结)", nxt):
                parts, last = [line, nxt], following  # "…建设情况" / "的报告"
        elif _is_title_start(line) and following is not None and following - i <= 2 and \
                _is_title_line(lines[following]) and len(lines[following]) <= 30:
            parts, last = [line, lines[following]], following
        if not parts:
            continue
        k = n - 1
        while k >= 0 and n - k <= 3:
            above = window.get(k)  # (an earlier line: always there)
            if above is None or i - above > 3 or not _is_organ(lines[above]):
                break
            parts.insert(0, lines[above])
            k -= 1
        return _join_title(parts), last
    return None, -1


def _opening(lines: _Lines, title_line: int) -> str:
    """What follows the title until the first section heading (about 400 characters at most)."""
    opening: list[str] = []
    for line in lines.span(title_line + 1):
        if not line or _CHROME_RE.search(line) or (len(line) <= 30 and re.search(r"[:：]$", line)):
            continue  # the salutation (威海市人民政府：) names the addressee, not the author (a long
            # line ending in 报告如下： is the opening paragraph)
        if re.match(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])", line) and opening:
            break
        opening.append(line)
        if sum(map(len, opening)) > 400:
            break
    return "\n".join(opening)


def _signature(lines: _Lines) -> tuple[str, date | None]:
    """The issuer lines and the date at the end (web pages may add a footer after them)."""
    # the non-blank lines among the last 39, from the end, cleaned only as far as they are read
    tail = (i for i in range(len(lines) - 1, max(-1, len(lines) - 40), -1) if lines[i])
    for i in tail:
        d = _parse_date(lines[i], whole=True)
        if d is None:
            continue
        organs: list[str] = []
        for j in itertools.islice(tail, 3):  # the (up to) three non-blank lines above the date
            if not _is_organ(lines[j]):
                break
            organs.insert(0, lines[j])
        return " ".join(organs), d
    return "", None


# --------------------------------------------------------------------------- title, dates, numbers

def find_title(text: str) -> str | None:
    """The report's title, its lines joined, without markdown or page navigation."""
    return _layout(text).title


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(s: str) -> int | None:
    """Small Chinese numerals of dates: 二〇二二 -> 2022, 二十九 -> 29, 十二 -> 12."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGITS.get(tens) if tens else 1
        o = _CN_DIGITS.get(ones) if ones else 0
        return None if t is None or o is None else 10 * t + o
    digits = [_CN_DIGITS.get(c) for c in s]
    return None if not digits or None in digits else int("".join(map(str, digits)))


_NUM = r"[0-9〇零○一二三四五六七八九十]"
_DATE_RE = re.compile(
    rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,2}})\s*月\s*({_NUM}{{1,3}})\s*日"
    r"|((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
)


def _parse_date(s: str, whole: bool = False) -> date | None:
    """A date written as 2022年1月29日, 二〇二二年一月二十九日 or 2022-01-19; None if there is none."""
    s = unicodedata.normalize("NFKC", s).strip()
    m = _DATE_RE.fullmatch(s.strip("()（） ")) if whole else _DATE_RE.search(s)
    if not m:
        return None
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    parts = [_cn_number(x) for x in (y, mo, d)]
    if None in parts:
        return None
    try:
        return date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def find_published(text: str) -> date | None:
    """The report's date: the page's 成文日期/发布日期, else the date under the signature."""
    return _published(_layout(text))


def _published(layout: _Layout) -> date | None:
    for key in ("成文日期", "发文日期", "印发日期", "公开发布日期", "发布日期", "发布时间", "公开日期"):
        if key in layout.fields and (d := _parse_date(layout.fields[key])):
            return d
    if layout.signature_date:
        return layout.signature_date
    # Some reports give the date under the title: "（2022年1月29日）".
    for line in layout.lines.span(layout.title_line + 1, layout.title_line + 4):
        if d := _parse_date(line, whole=True):
            return d
    return None


_DOC_NO_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号")


def find_doc_number(text: str) -> str | None:
    """The report's own document number (乳政字〔2022〕4号), never one it cites in the body."""
    return _doc_number(_layout(text))


def _doc_number(layout: _Layout) -> str | None:
    for key in ("发文字号", "文号"):
        if key in layout.fields and (m := _DOC_NO_RE.search(layout.fields[key])):
            return re.sub(r"\s+", "", m.group(0))
    # Only the header: the body cites other documents' numbers.
    head_end = layout.title_line + 1 + len(layout.opening.splitlines()) + 3
    head = "\n".join(layout.lines.span(0, max(head_end, 1)))
    if m := _DOC_NO_RE.search(head):
        return re.sub(r"\s+", "", m.group(0))
    return None


def find_issuer(text: str) -> str | None:
    """The issuing bodies: the page's 发文机关, else the signature, else the title's issuer part."""
    return _issuer(_layout(text))


def _issuer(layout: _Layout) -> str | None:
    if layout.fields.get("发文机关"):
        return _fix_ocr(layout.fields["发文机关"])
    if layout.signature:
        return _fix_ocr(layout.signature)
    if layout.title:
        head = re.split(r"关于|(?:19|20)\d{2}年", layout.title)[0].strip()
        if head and all(_ORGAN_RE.search(p) for p in head.split()):
            return head
    return None


_NAMED_RE = re.compile(r"《[^》]*》|[（(][^）)]*[）)]")
_YEAR_RE = re.compile(rf"((?:19|20)\d{{2}}|[二][〇零○][一二三四五六七八九〇零○][〇零○一二三四五六七八九])\s*年(?!\s*{_NUM}{{1,2}}\s*月)")


def _years(s: str) -> list[int]:
    return [y for m in _YEAR_RE.finditer(unicodedata.normalize("NFKC", s)) if (y := _cn_number(m.group(1)))]


def find_year(text: str, title: str | None = None, published: date | None = None) -> int | None:
    """The year the report covers: from the title, else the opening, else the publication date.

    The publication date is the last resort: a report published in January covers
    the year before ("2022年1月29日" -> 2021).
    """
    return _year(_layout(text), title, published)


def _year(layout: _Layout, title: str | None, published: date | None) -> int | None:
    title = title or layout.title
    if title and (years := _years(title)):
        return years[0]  # "2021年…情况和2022年工作安排": the first year is the one reported on
    # (years inside a document's name or brackets, 《…实施方案（2017-2020年）》, are not the report's)
    if years := _years(_NAMED_RE.sub("", layout.opening)) or _years(layout.opening):
        return years[0]
    published = published or _published(layout)
    if published:
        return published.year - 1 if published.month <= 6 else published.year
    return None


def read_metadata(text: str) -> ReportMetadata:
    """Everything a report says about itself (its layout read once for all of it); a text in
    traditional characters is read in simplified ones, as place names are written."""
    text = as_simplified(text)
    layout = _layout(text)
    title = layout.title
    published = _published(layout)
    return ReportMetadata(
        title=title,
        locality=_locality(text, layout, title),
        year=_year(layout, title, published),
        published=published,
        doc_number=_doc_number(layout),
        issuer=_issuer(layout),
    )
