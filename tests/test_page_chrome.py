"""Every plain-text report of the samples and the development set, wrapped in the chrome of a
web page copied with Ctrl+A, gives the same facts, locality and year as without it.

The chrome is what government sites put around an article: date and accessibility bars,
menus, a breadcrumb, publication and view counters, print and share buttons, a list of
related articles each ending in its date (some titles hold numbers), previous/next links
and a footer with registration numbers, phone, postcode and visitor counter.
"""

from pathlib import Path

import pytest
from helpers import report_text

from pipelines.extract.mentions import find_indicators
from pipelines.extract.metadata import read_metadata

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted(p for d in (ROOT / "seeds" / "reports", ROOT / "tests" / "data" / "devset" / "reports")
                 for p in d.iterdir() if p.suffix in (".txt", ".md"))

HEAD = """今天是：2019年10月31日 星期三 农历十月初七
无障碍 简体| 繁体 | 长者模式 | 登录 | 注册
• 设为首页
  • 加入收藏
  • 无障碍阅读
网站首页 | 政务公开 | 政务服务 | 互动交流 | 走进本区
当前位置：首页 > 政务公开 > 法治政府建设 > 年度报告
发布时间：2022-03-15 09:18  来源：区司法局  浏览次数：1362  字体：[大 中 小]  打印
"""
FOOT = """【我要纠错】【打印本页】【关闭窗口】
扫一扫在手机打开当前页
分享到：
相关文章
· 全区开展宪法宣传周活动86场 2021-12-05
· 区司法局召开2022年第1次局务会 2022-01-10
· 关于公布第二批28项证明事项取消目录的通知 2021-08-19
上一篇：关于2020年度法治政府建设情况的报告
下一篇：区政府召开第12次常务会议
主办单位：区人民政府办公室  承办单位：区大数据中心  技术支持：某某网络科技有限公司
版权所有 Copyright 2015-2022  ICP备12345678号-1  网站标识码：3702000012  公网安备 37020202000123号
联系电话：0531-12345678  邮编：250000  您是本站第 1234567 位访客  总访问量：18726354
建议使用1920×1080分辨率 IE10以上浏览器
"""


def _read(text: str) -> tuple[list[tuple[float, str, str]], tuple[str | None, int | None]]:
    facts = [(f.value, f.unit, f.metric_text) for f in find_indicators(text)[1]]
    meta = read_metadata(text)
    return facts, (meta.locality.name if meta.locality else None, meta.year)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_chrome_around_a_report_changes_nothing(path: Path) -> None:
    text = report_text(path)
    assert _read(f"{HEAD}\n{text}\n{FOOT}") == _read(text)


def test_there_are_reports_to_wrap() -> None:
    assert len(REPORTS) >= 20


def test_a_report_republished_by_a_wechat_account() -> None:
    """The editor's note before the report, ▌-marked headings, the plan section, and the list of
    other articles after it."""
    text = ("编者按：近日，某某区人民政府公开发布了2022年法治政府建设情况报告，全文约8000字，阅读需要10分钟。\n\n"
            "某某区人民政府关于2022年法治政府建设情况的报告\n\n"
            "▌一、主要成效\n全年办理行政复议案件56件。\n\n"
            "▌三、2023年工作安排\n组织培训班12期，培训500名执法人员。\n\n"
            "往期推荐\n\n全区开展法律进乡村活动120场\n\n第3期培训班开班 86名学员参训\n\n阅读 2345\n")
    assert [f.value for f in find_indicators(text)[1]] == [56]
    # an article's counters and reading time are chrome; a sentence of the report saying 人阅读 is not
    chrome = "本文共3580字，预计阅读时间9分钟\n已有 1286 人阅读\n"
    assert [f.value for f in find_indicators(chrome + text)[1]] == [56]
    assert [f.value for f in find_indicators("推送普法信息860余条，已有12万人阅读。\n")[1]] == [860, 120_000]
