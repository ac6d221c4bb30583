"""Zones no table lists are read from the title as zones of their own, with their parent city."""

import pytest

from pipelines.extract.metadata import read_metadata
from pipelines.extract.zones import zone_name


@pytest.mark.parametrize(("title", "name"), [
    ("南京江北新区管理委员会2023年法治政府建设工作报告", "南京江北新区"),
    ("天津经济技术开发区2021年度法治政府建设工作情况报告", "天津经济技术开发区"),
    ("西安高新区管委会2022年度法治政府建设工作报告", "西安高新区"),
    ("关于苏州工业园区2022年法治政府建设情况的报告", "苏州工业园区"),
    ("中共合肥高新区工委 合肥高新区管委会关于2022年度法治政府建设情况的报告", "合肥高新区"),
    ("河北雄安新区管理委员会2022年法治政府建设年度报告", "河北雄安新区"),
    ("某某市人民政府关于2022年法治政府建设情况的报告", None),
    ("2022年度各开发区法治建设工作报告", None),
    ("关于全市经济开发区2022年法治政府建设情况的报告", None),
])
def test_zone_names_in_titles(title: str, name: str | None) -> None:
    assert zone_name(title) == name


@pytest.mark.parametrize(("text", "key", "city", "province"), [
    ("南京江北新区管理委员会2023年法治政府建设工作报告\n\n2023年，新区深入学习贯彻习近平法治思想。",
     "zone:南京江北新区", "南京市", "江苏省"),
    ("天津经济技术开发区2021年度法治政府建设工作情况报告\n\n2021年，开发区坚持依法行政。",
     "zone:天津经济技术开发区", "天津市", "天津市"),
    ("西安高新区管委会2022年度法治政府建设工作报告\n\n2022年，高新区全面推进依法行政。",
     "zone:西安高新区", "西安市", "陕西省"),
    ("河北雄安新区管理委员会2022年法治政府建设年度报告\n\n2022年，新区坚持依法治区。",
     "zone:河北雄安新区", None, "河北省"),
    ("四川宜宾三江新区2024年法治政府建设情况报告\n\n2024年，新区依法行政。",  # the province is no part of the name
     "zone:宜宾三江新区", "宜宾市", "四川省"),
    # a name that does not start with its city's: where it is, is the place the report names
    ("西咸新区2023年度法治政府建设情况报告\n\n2023年，在陕西省委、省政府的坚强领导下，新区依法行政。",
     "zone:西咸新区", None, "陕西省"),
    ("赣江新区2023年度法治政府建设情况报告\n\n2023年，在江西省委和南昌市委的领导下，新区依法行政。",
     "zone:南昌赣江新区", "南昌市", "江西省"),
    ("火炬高新区2022年法治政府建设工作报告\n\n2022年，在中山市委、市政府的领导下，火炬开发区依法行政。",
     "zone:中山火炬高新区", "中山市", "广东省"),  # (厦门 has a 火炬高新区 too: the key names the city)
])
def test_an_unlisted_zone_is_a_locality_of_its_own(text: str, key: str, city: str | None, province: str) -> None:
    meta = read_metadata(text)
    assert meta.locality is not None and meta.year is not None
    assert (meta.locality.key, meta.locality.level, meta.locality.code) == (key, "zone", None)
    assert (meta.locality.city, meta.locality.province) == (city, province)


def test_listed_places_are_not_read_as_new_zones() -> None:
    # A county whose title also names a zone keeps the county (广州开发区 is run with 黄埔区).
    meta = read_metadata("广州市黄埔区 广州开发区2022年法治政府建设年度报告\n\n2022年，全区依法行政。")
    assert meta.locality is not None and meta.locality.name == "黄埔区"
    # Zones of the alias table keep their rows.
    meta = read_metadata("淄博高新区2021年法治政府建设情况报告\n\n2021年，高新区依法行政。")
    assert meta.locality is not None and meta.locality.key == "zone:淄博高新技术产业开发区"
