"""Report metadata: locality, year, title, date, document number, issuer."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from pipelines.extract.mentions import find_indicators
from pipelines.extract.metadata import (
    find_doc_number,
    find_issuer,
    find_published,
    find_title,
    find_year,
    load_localities,
    read_metadata,
    resolve_locality,
)

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "seeds" / "reports"
GOLD = ROOT / "tests" / "gold"
SAMPLES = sorted(p.stem for p in GOLD.glob("*.meta.json"))

# Official codes the samples must get (None: a zone without one, keyed under its parent city).
EXPECTED_CODE = {
    "000_299da4dc5cc6442c": "371071",  # 威海火炬高技术产业开发区
    "001_fb2aa03d20b13da8": None,  # 淄博高新技术产业开发区
    "002_adafdf633ac46994": "370404",  # 峄城区, written 峰城区 by the OCR
    "003_58c1e1fb0637adbd": "371002",  # 环翠区
    "004_46a643f0f0fd39d3": "371083",  # 乳山市, a web page with navigation
}


def _text(stem: str) -> str:
    return (REPORTS / f"{stem.removesuffix('.meta')}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", SAMPLES)
def test_samples_match_their_meta(stem: str) -> None:
    meta = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    md = read_metadata(_text(stem))
    assert md.locality is not None
    assert md.locality.name == meta["locality"]
    assert md.locality.city == meta["city"]
    assert md.locality.province == meta["province"]
    assert md.locality.code == EXPECTED_CODE[stem.removesuffix(".meta")]
    assert md.year == meta["year"]
    assert md.title == meta["title"]
    assert md.published == (date.fromisoformat(meta["published"]) if meta["published"] else None)


def test_zone_without_code_has_its_own_key_and_parent_city() -> None:
    loc = read_metadata(_text("001_fb2aa03d20b13da8")).locality
    assert loc is not None
    assert (loc.key, loc.level, loc.city_code, loc.province_code) == (
        "zone:淄博高新技术产业开发区", "zone", "3703", "37")


def test_web_page_sample_skips_navigation_and_reads_its_metadata_block() -> None:
    text = _text("004_46a643f0f0fd39d3")
    assert text.lstrip().startswith("首页")
    assert find_title(text) == "乳山市人民政府2021年度法治政府建设情况报告"
    assert find_doc_number(text) == "乳政字〔2022〕4号"
    assert find_issuer(text) == "乳山市人民政府"
    assert find_published(text) == date(2022, 1, 19)
    # The body names 沂南县 and 河东区 ("与沂南县、河东区等80余个地区"): they must not win.
    loc = resolve_locality(text, None)
    assert loc is not None and loc.name == "乳山市"


def test_a_sample_wrapped_in_a_government_page_keeps_its_metadata() -> None:
    text = _text("003_58c1e1fb0637adbd")
    page = (
        "首页 > 政务公开 > 法治政府建设 > 正文\n当前位置：首页\n"
        "威海市环翠区人民政府关于2023年法治政府建设情况的报告_威海市环翠区人民政府\n"
        "发布日期：2024-01-26    来源：区司法局    浏览次数：312\n【字体：大 中 小】 打印本页 关闭窗口\n\n"
        + text + "\n\n分享到：\n版权所有：威海市环翠区人民政府 主办单位：威海市环翠区人民政府办公室\n"
        "鲁ICP备05019853号 网站标识码3710020001\n"
    )
    md = read_metadata(page)
    assert md.title == "威海市环翠区人民政府关于2023年法治政府建设情况的报告"
    assert md.locality is not None and md.locality.code == "371002"
    assert md.year == 2023
    assert md.published == date(2024, 1, 26)


def test_text_without_line_breaks() -> None:
    # some HTML/PDF extractors lose the line breaks; runs of spaces and bullets stand in for them
    md = read_metadata(_text("004_46a643f0f0fd39d3").replace("\n", " "))
    assert md.title == "乳山市人民政府2021年度法治政府建设情况报告"
    assert md.locality is not None and md.locality.name == "乳山市"
    assert (md.year, md.published) == (2021, date(2022, 1, 19))


def test_signature_lines_and_date() -> None:
    text = _text("001_fb2aa03d20b13da8")
    assert find_published(text) == date(2022, 1, 29)
    assert find_issuer(text) == "中共淄博市委淄博高新区工作委员会 淄博高新技术产业开发区管理委员会"
    # the body cites 淄高新管办字〔2021〕12号: that is not this report's number
    assert find_doc_number(text) is None


def test_metadata_block_of_a_web_page_names_issuer_and_place() -> None:
    # formats.py puts a page's 发文机关/成文日期/发文字号 block on top of the text; the title names no place
    text = ("索引号：11370404MB2850923X/2022-00012\n发文机关：中共峰城区委 峰城区人民政府\n成文日期：2022-01-20\n"
            "发文字号：峄政发〔2022〕3号\n关于2021年度法治政府建设情况的报告\n"
            "2021年，我区坚持以习近平法治思想为指导，全年办理行政复议案件39件。\n")
    assert find_issuer(text) == "中共峄城区委 峄城区人民政府"  # two bodies, the OCR error mended
    assert find_doc_number(text) == "峄政发〔2022〕3号"
    assert find_published(text) == date(2022, 1, 20)
    loc = resolve_locality(text, None)
    assert loc is not None and loc.code == "370404"


def test_issuer_from_title_fixes_ocr() -> None:
    assert find_issuer(_text("002_adafdf633ac46994")) == "中共峄城区委 峄城区人民政府"


# --------------------------------------------------------------------------- the resolver

TRICKY = [
    # same-name districts, told apart by the parent named in the title or the text
    ("北京市朝阳区人民政府关于2021年法治政府建设情况的报告", "110105", "北京市"),
    ("长春市朝阳区人民政府关于2021年法治政府建设情况的报告", "220104", "长春市"),
    ("朝阳区人民政府关于2022年法治政府建设情况的报告\n2022年，在长春市委、市政府的领导下，朝阳区坚持……",
     "220104", "长春市"),
    ("临沂市河东区人民政府关于2021年度法治政府建设情况的报告", "371312", "临沂市"),
    ("河东区人民政府关于2021年度法治政府建设情况的报告\n2021年，在天津市委、市政府领导下，河东区……",
     "120102", "天津市"),
    ("济南市中区人民政府关于2021年法治政府建设情况的报告", "370103", "济南市"),
    ("枣庄市市中区人民政府关于2021年法治政府建设情况的报告", "370402", "枣庄市"),
    # OCR variants
    ("峯城区人民政府关于2022年度法治政府建设情况的报告", "370404", "枣庄市"),
    ("中共峰城区委 峰城区人民政府\n关于2021年度法治政府建设情况的报告", "370404", "枣庄市"),
    # zones: long forms, the city prefix split off, short forms with the city in the title
    ("中共威海市委经济技术开发区工作委员会关于2021年法治政府建设情况的报告", "371072", "威海市"),
    ("中共威海高区工委 威海高区管委会\n关于2022年法治政府建设情况的报告", "371071", "威海市"),
    ("中共淄博高新区工委 高新区管委会关于2022年度法治政府建设情况的报告", None, "淄博市"),
    ("长春净月高新技术产业开发区管委会2021年法治政府建设情况报告", "220172", "长春市"),
    ("苏州工业园区管委会2021年法治政府建设情况报告", "320576", "苏州市"),
    # former names (撤县设区) and other aliases
    ("即墨市人民政府关于2016年法治政府建设情况的报告", "370215", "青岛市"),
    ("高淳县人民政府关于2012年依法行政工作情况的报告", "320118", "南京市"),
    ("青岛西海岸新区2021年法治政府建设情况报告", "370211", "青岛市"),
    # two-character names only as names
    ("中共单县县委 单县人民政府\n关于2021年法治政府建设情况的报告", "371722", "菏泽市"),
    ("湖南省南县2021年度法治政府建设情况报告", "430921", "益阳市"),
    # cities, provinces, municipalities and province-run counties
    ("中共济南市委 济南市人民政府\n关于2021年法治政府建设情况的报告", "3701", "济南市"),
    ("山东省人民政府关于2021年法治政府建设情况的报告", "37", None),
    ("北京市人民政府关于2021年法治政府建设情况的报告", "11", None),
    ("重庆市万州区人民政府关于2021年法治政府建设情况的报告", "500101", "重庆市"),
    ("仙桃市人民政府关于2021年法治政府建设情况的报告", "429004", None),
    ("东莞市人民政府关于2021年法治政府建设情况的报告", "4419", "东莞市"),
    # no locality in the title: the opening names it; other places in the body do not count
    ("关于2021年度法治政府建设情况的报告\n\n2021年，沂南县坚持以习近平法治思想为指导，与兰山区等地合作……",
     "371321", "临沂市"),
    ("中共威海市委火炬高技术产业开发区工作委员会\n威海火炬高技术产业开发区管理委员会\n"
     "关于2021年法治政府建设情况的报告\n2021年，在市委市政府领导下，与环翠区、文登区……", "371071", "威海市"),
]


@pytest.mark.parametrize(("text", "code", "city"), TRICKY)
def test_resolver_on_tricky_names(text: str, code: str | None, city: str | None) -> None:
    loc = resolve_locality(text, None)
    assert loc is not None
    assert loc.code == code
    assert loc.city == city


def test_a_city_department_report_names_its_counties_in_the_opening() -> None:
    text = ("绍兴市司法局2021年法治政府建设情况报告\n一、聚焦高位统筹\n一是创示范。诸暨市、新昌县入选全省首批"
            "法治政府建设示范县（市、区），市四套班子领导参加。\n")
    assert read_metadata(text).locality.name == "绍兴市"  # type: ignore[union-attr]
    assert [f.value for f in find_indicators(text)[1]] == []  # 四套班子: the four leading bodies


def test_an_autonomous_county_named_without_its_peoples() -> None:
    text = "2022年，镇宁自治县坚持依法行政，获评省级平安建设示范县。\n一、工作开展情况\n梳理证明事项36项。"
    loc = read_metadata(text).locality
    assert loc is not None and (loc.name, loc.code) == ("镇宁布依族苗族自治县", "520423")


def test_a_report_without_a_title_is_read_from_its_opening_paragraph() -> None:
    text = ("2022年度，巴楚县坚持依法行政，依法履职尽责，规范公正文明执法。现将2022年度法治建设工作情况报告如下：\n"
            "一、推进法治政府建设主要举措\n专门召开会议3次。")
    md = read_metadata(text)
    assert md.locality is not None and md.locality.name == "巴楚县" and md.year == 2022


def test_a_county_report_without_title_that_names_only_its_citys_documents() -> None:
    """"我县" in the opening, the city in the names of the documents followed, the county further on."""
    text = ("按照《达州市法治政府建设实施方案（2017-2020年）》要求，现将2017年我县法治政府建设工作有关情况报告如下。\n"
            "一、高度重视\n印发《大竹县法治政府建设实施方案》，全年刊登信息71条。\n")
    md = read_metadata(text)
    assert md.locality is not None and md.locality.name == "大竹县" and md.year == 2017


def test_no_locality_when_none_is_named() -> None:
    text = "关于2021年法治政府建设情况的报告\n\n我区坚持以习近平法治思想为指导，新县城区建设取得进展。"
    assert resolve_locality(text, None) is None


def test_load_localities_table() -> None:
    df = load_localities()
    assert df.columns == ["key", "name", "code", "level", "city", "city_code", "province", "province_code"]
    assert df["key"].is_unique().all()
    assert "市辖区" not in df["name"].to_list()  # placeholders of municipalities are not places
    rows = {r["key"]: r for r in df.iter_rows(named=True)}
    assert rows["110105"]["city"] == "北京市" and rows["110105"]["city_code"] == "11"
    assert rows["371071"]["level"] == "zone" and rows["371002"]["level"] == "county"
    assert rows["zone:淄博高新技术产业开发区"]["code"] is None
    assert load_localities() is load_localities()  # reference data, loaded once


# --------------------------------------------------------------------------- year, dates

@pytest.mark.parametrize(("text", "year"), [
    ("某某区人民政府关于 2021 年度法治政府建设情况的报告\n正文", 2021),
    ("某某区人民政府关于二〇二二年度法治政府建设情况的报告\n正文", 2022),
    ("关于法治政府建设情况的报告\n\n2021年以来，我区坚持……", 2021),
    ("关于法治政府建设情况的报告\n\n2020 年，我区坚持……\n特此报告。\n2021年1月29日", 2020),
    # only the publication date: a report published in January covers the year before
    ("关于法治政府建设情况的报告\n\n今年以来，我区坚持……\n特此报告。\n某某区人民政府\n2022年1月29日", 2021),
    ("关于法治政府建设情况的报告\n\n今年以来，我区坚持……\n特此报告。\n二〇二二年十二月五日", 2022),
])
def test_find_year(text: str, year: int) -> None:
    assert find_year(text, None, None) == year


def test_year_is_not_taken_from_the_publication_date_when_the_title_has_one() -> None:
    assert find_year("x", "关于2021年度法治政府建设情况的报告", date(2023, 3, 1)) == 2021


def test_title_split_over_two_lines() -> None:
    text = "\n# 某某县人民政府\n\n## 关于2021年度法治政府建设\n情况的报告\n\n2021年，某某县……"
    assert find_title(text) == "某某县人民政府关于2021年度法治政府建设情况的报告"


def test_a_site_name_after_a_hyphen_is_not_part_of_the_title() -> None:
    text = "某某县2023年度法治政府建设情况-某某官方网站\n\n某某县2023年度法治政府建设情况\n来源：县政府 时间：2024-04-03\n\n2023年，"
    assert find_title(text) == "某某县2023年度法治政府建设情况"


def test_a_page_column_named_like_a_report_is_not_the_title() -> None:
    text = ("今天是：2021年3月1日 星期一\n工作报告\n\n您所在的位置：政务公开 > 工作报告\n\n"
            "2020年某某县法治政府建设情况报告\n来源：司法局 更新时间：2021/03/01\n\n2020年，某某县……")
    assert find_title(text) == "2020年某某县法治政府建设情况报告"


@pytest.mark.parametrize(("head", "tail"), [
    ("岳阳县人民政府门户网站\n首页 > 政务公开 > 法治政府建设\n", ""),
    ("", "\n主办单位：岳阳县人民政府办公室  湘ICP备05001234号\n"),
    ("发布机构：岳阳县人民政府办公室\n", ""),
])
def test_text_copied_from_a_page_naming_no_place_is_the_sites_government(head: str, tail: str) -> None:
    body = "关于2022年法治政府建设工作情况的报告\n现将县人民政府2022年法治政府建设工作情况报告如下。\n全年办理行政复议案件12件。\n"
    assert read_metadata(body).locality is None  # nothing to go by: set aside, not guessed
    meta = read_metadata(head + body + tail)
    assert meta.locality is not None and meta.locality.code == "430621"
    # a place the report names itself wins over the site it stands on
    named = read_metadata(head + body.replace("关于2022年", "平江县人民政府关于2022年") + tail)
    assert named.locality is not None and named.locality.name == "平江县"


def test_resolving_is_fast() -> None:
    load_localities()
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    start = time.perf_counter()
    for t in texts:
        read_metadata(t + " ")  # a new string: no cached layout
    assert time.perf_counter() - start < 1.0
