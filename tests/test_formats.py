"""Reports as they really arrive: the five samples as GBK, UTF-16, web pages, Word files and PDFs.

Every conversion is made here, in tmp_path (tests/conversions.py), and must give the same
facts — values, units and metric texts — and the same locality and year as the original text.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from conversions import to_docx, to_gov_page, to_old_gov_page, to_pdf

from models import Rejection, Report, SourceFile
from pipelines.extract import formats
from pipelines.extract.metadata import read_metadata
from pipelines.extract.report import extract_facts, read_report
from warehouse import dedupe

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "seeds" / "reports").glob("*.txt"))


def source(path: Path) -> SourceFile:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SourceFile(report_id=digest[:16], file_name=path.name, path=str(path), sha256=digest,
                      size_bytes=path.stat().st_size)


def read(path: Path) -> Report:
    report = read_report(source(path))
    assert not isinstance(report, Rejection), report.reason
    return report


def facts(report: Report) -> Counter:
    found = extract_facts(report)
    for m in found:  # spans point into the text the warehouse stores
        assert report.text[m.span_start:m.span_end] == m.mention
    return Counter((m.value, m.unit, m.metric_text) for m in found)


def page(text: str, charset: str = "utf-8") -> bytes:
    md = read_metadata(text)
    return to_gov_page(text, title=md.title or "", issuer=md.issuer, published=md.published,
                       doc_number=md.doc_number, charset=charset)


# name -> (file suffix, bytes from the original text, expected format, expected encoding)
CONVERSIONS = {
    "gbk": (".txt", lambda t: t.encode("gbk", errors="strict") if _gbk_ok(t) else t.encode("gb18030"),
            "txt", "gb18030"),
    "gbk-crlf": (".txt", lambda t: t.replace("\n", "\r\n").encode("gb18030"), "txt", "gb18030"),  # Windows Notepad
    "utf-16": (".txt", lambda t: t.encode("utf-16"), "txt", "utf-16"),
    "utf-8-bom": (".md", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "md", "utf-8-sig"),
    "html": (".html", page, "html", "utf-8"),
    "html-gbk": (".htm", lambda t: page(t, "gbk") if _gbk_ok(t) else page(t, "gb18030"), "html", "gb18030"),
    "html-old": (".shtml", lambda t: to_old_gov_page(t, title=read_metadata(t).title or ""), "html", "gb18030"),
    "docx": (".docx", to_docx, "docx", None),
    "pdf": (".pdf", to_pdf, "pdf", None),
}


def _gbk_ok(text: str) -> bool:
    """GBK proper where the text allows; 004 has a bullet and no-break spaces only GB18030 has."""
    try:
        text.encode("gbk")
        return True
    except UnicodeEncodeError:
        return False


@pytest.fixture(scope="module")
def originals() -> dict[str, tuple[Report, Counter]]:
    out = {}
    for path in SAMPLES:
        report = read(path)
        out[path.stem] = (report, facts(report))
    return out


@pytest.fixture(scope="module")
def unmarked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Counter]:
    """Facts of each sample with its markdown bold marks removed (see test_each_conversion_...)."""
    folder = tmp_path_factory.mktemp("unmarked")
    out = {}
    for path in SAMPLES:
        plain = folder / path.name
        plain.write_text(path.read_text(encoding="utf-8").replace("**", ""), encoding="utf-8")
        out[path.stem] = facts(read(plain))
    return out


@pytest.mark.parametrize("kind", list(CONVERSIONS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_each_conversion_gives_the_same_report_and_facts(sample: Path, kind: str, tmp_path: Path,
                                                         originals, unmarked) -> None:
    suffix, convert, fmt, encoding = CONVERSIONS[kind]
    text = sample.read_text(encoding="utf-8")
    converted = tmp_path / f"{sample.stem}{suffix}"
    converted.write_bytes(convert(text))
    original, original_facts = originals[sample.stem]

    report = read(converted)
    assert (report.format, report.encoding) == (fmt, encoding)
    assert report.locality == original.locality
    assert report.year == original.year
    assert report.title == original.title
    got = facts(report)
    if fmt in ("txt", "md"):
        # decoded exactly, line ends and all: spans are the file's
        assert report.text == (text.replace("\n", "\r\n") if kind.endswith("crlf") else text)
        assert got == original_facts
    else:
        # Web pages, Word and PDF render the markdown bold of 002 (**一是…。**) as formatting, so
        # their text is the report without the marks. (The .txt with the marks loses two metric
        # texts to them — '**全区申请…' and an OCR break after a bold lead that is not mended —
        # where the rendered formats agree with the gold.)
        assert got == unmarked[sample.stem]
        if "**" not in text:
            assert got == original_facts


def test_web_page_keeps_the_body_and_its_metadata_block_but_no_chrome(tmp_path: Path) -> None:
    text = (ROOT / "seeds" / "reports" / "003_58c1e1fb0637adbd.txt").read_text(encoding="utf-8")
    out = formats.extract(page(text), ".html")
    for chrome in ("当前位置", "首页", "政务服务", "版权所有", "ICP备", "网站标识码", "电话", "分享到", "微信",
                   "扫一扫", "打印本页", "关闭窗口", "相关文章", "上一篇", "下一篇", "浏览次数", "无障碍", "搜索",
                   "统计代码", "float"):
        assert chrome not in out.text, chrome
    assert out.meta["发文机关"] == "威海市环翠区人民政府"
    assert out.meta["索引号"] == "11371083MB2850923X/2022-00045"
    lines = out.text.splitlines()
    assert lines[:4] == ["索引号：11371083MB2850923X/2022-00045", "主题分类：综合政务",
                         "发文机关：威海市环翠区人民政府", "成文日期：2022-01-20"]
    # paragraphs stay paragraphs: every non-blank line of the original is one line of the page's text
    body = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert all(ln in lines for ln in body)


def test_web_page_metadata_feeds_the_report_identity() -> None:
    text = (ROOT / "seeds" / "reports" / "001_fb2aa03d20b13da8.txt").read_text(encoding="utf-8")
    out = formats.extract(to_gov_page(text, title="关于2021年度法治政府建设工作的报告",
                                      issuer="中共淄博市委淄博高新区工作委员会 淄博高新技术产业开发区管理委员会",
                                      published=None, doc_number="淄高新发〔2022〕3号"), ".html")
    md = read_metadata(out.text)
    assert md.issuer == "中共淄博市委淄博高新区工作委员会 淄博高新技术产业开发区管理委员会"
    assert md.doc_number == "淄高新发〔2022〕3号"
    assert str(md.published) == "2022-01-20"  # the page's 成文日期; the text's own date comes later
    assert (md.locality.name, md.year) == ("淄博高新技术产业开发区", 2021)


@pytest.mark.parametrize(("markup", "fields"), [
    # label and value in one element, several pairs on one line, label cell + value cell
    ("<ul><li>发文机关:乳山市人民政府</li><li>成文日期:2022-01-19</li><li>发文字号:乳政字〔2022〕4号</li></ul>",
     {"发文机关": "乳山市人民政府", "成文日期": "2022-01-19", "发文字号": "乳政字〔2022〕4号"}),
    ("<div class='info'>发布时间：2022-01-19 10:20&nbsp;&nbsp;来源：乳山市司法局&nbsp;&nbsp;浏览次数：33</div>",
     {"发布时间": "2022-01-19 10:20", "来源": "乳山市司法局"}),
    ("<table><tr><td><b>索 引 号：</b></td><td>0001/2022-1</td><td><b>发文机关：</b></td>"
     "<td>中共乳山市委 乳山市人民政府</td></tr></table>",
     {"索引号": "0001/2022-1", "发文机关": "中共乳山市委 乳山市人民政府"}),
    ("<dl><dt>发文字号：</dt><dd>乳政字〔2022〕4号</dd></dl>", {"发文字号": "乳政字〔2022〕4号"}),
])
def test_metadata_block_layouts(markup: str, fields: dict[str, str]) -> None:
    body = "".join(f"<p>2021年，乳山市办理行政复议案件{n}件，纠错{n}件，全力推进法治政府建设各项工作。</p>" for n in range(5))
    out = formats.extract(f"<html><body>{markup}<div>{body}</div></body></html>".encode(), ".html")
    assert {k: out.meta[k] for k in fields} == fields
    for label, value in fields.items():
        assert f"{label}：{value}" in out.text.splitlines()


def test_navigation_without_class_names_is_dropped_by_link_density() -> None:
    nav = "<div>" + " ".join(f"<a href='/{i}'>栏目{i}</a>" for i in range(12)) + "</div>"
    body = "<div>" + "".join(f"<p>全年办理行政复议案件{n}件，行政机关负责人出庭应诉率100%。</p>" for n in range(6)) + "</div>"
    out = formats.extract(f"<html><body>{nav}{body}<p>版权所有 某某县人民政府</p></body></html>".encode(), ".html")
    assert "栏目" not in out.text and "版权所有" not in out.text
    assert out.text.count("\n") == 7  # the six paragraphs, and whose site it is on top:
    assert out.text.startswith("主办单位：某某县人民政府\n") and out.meta["主办单位"] == "某某县人民政府"


@pytest.mark.parametrize("page", [
    "<head><meta name='SiteName' content='岳阳县人民政府'></head><body>{body}</body>",
    "<head><title>关于2022年法治政府建设情况的报告_岳阳县人民政府门户网站</title></head><body>{body}</body>",
    "<body>{body}<div class='footer'>主办：岳阳县人民政府办公室 湘ICP备05001234号</div></body>",
])
def test_a_report_naming_no_place_is_the_sites_government(page: str) -> None:
    """关于2022年…的报告 by 县人民政府: the page's site name, title suffix or footer says whose it is."""
    body = ("<h1>关于2022年法治政府建设工作情况的报告</h1><p>现将县人民政府2022年法治政府建设工作情况报告如下。</p>"
            + "<p>全年办理行政复议案件12件，组织执法人员培训3期，培训执法人员460人次。</p>" * 3)
    text = formats.extract(f"<html>{page.format(body=body)}</html>".encode(), ".html").text
    meta = read_metadata(text)
    assert meta.locality is not None and (meta.locality.name, meta.locality.code, meta.year) == ("岳阳县", "430621", 2022)


@pytest.mark.parametrize(("data", "encoding"), [
    ('<meta charset="gb2312"><p>朱镕基 行政复议案件</p>'.encode("gbk"), "gb18030"),  # 镕 is GBK, not GB2312
    ("<p>行政复议案件 39 件</p>".encode("gb18030"), "gb18030"),  # no declaration: UTF-8 fails, GB18030 fits
    ("<p>行政复议案件 39 件</p>".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + '<meta charset="gbk"><p>行政复议案件 39 件</p>'.encode(), "utf-8-sig"),  # the BOM wins
    ('<meta charset="utf-8"><p>行政复议案件 39 件</p>'.encode("gbk"), "gb18030"),  # a false declaration
    ('<?xml version="1.0" encoding="GBK"?><html><p>行政复议案件 39 件</p></html>'.encode("gbk"), "gb18030"),
])
def test_web_page_encodings(data: bytes, encoding: str) -> None:
    out = formats.extract(data, ".html")
    assert out.encoding == encoding
    assert "行政复议案件" in out.text


def test_pdf_joins_lines_wrapped_by_the_layout_and_drops_page_numbers() -> None:
    text = (ROOT / "seeds" / "reports" / "001_fb2aa03d20b13da8.txt").read_text(encoding="utf-8")
    out = formats.extract(to_pdf(text), ".pdf")
    assert (out.format, out.encoding) == ("pdf", None)
    lines = out.text.splitlines()
    assert not [ln for ln in lines if ln.strip().startswith("- ")]  # "- 3 -" page numbers
    body = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert sum(ln in lines for ln in body) >= 0.9 * len(body)  # paragraphs come back whole


def test_pdf_without_a_text_layer_is_rejected() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = __import__("io").BytesIO()
    writer.write(buf)
    with pytest.raises(formats.Unreadable, match=r"PDF has no text layer \(scanned image\?\)"):
        formats.extract(buf.getvalue(), ".pdf")


def test_broken_containers_are_rejected_with_a_reason() -> None:
    with pytest.raises(formats.Unreadable, match="cannot parse PDF"):
        formats.extract(b"%PDF-1.7\n this is not a pdf", ".pdf")
    with pytest.raises(formats.Unreadable, match="cannot open Word document"):
        formats.extract(b"PK\x03\x04 not a zip", ".docx")


def test_docx_tables_come_out_as_rows_in_document_order() -> None:
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph("某某县人民政府关于2021年度法治政府建设情况的报告")
    doc.add_paragraph("一、主要成效")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("指标", "数量", "单位"), ("行政复议案件", "39", "件"), ("合计", "", "")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 0).merge(table.cell(2, 2))
    doc.add_paragraph("特此报告。")
    buf = io.BytesIO()
    doc.save(buf)
    out = formats.extract(buf.getvalue(), ".docx")
    assert out.text.splitlines() == ["某某县人民政府关于2021年度法治政府建设情况的报告", "一、主要成效",
                                     "| 指标 | 数量 | 单位 |", "| 行政复议案件 | 39 | 件 |", "| 合计 |", "特此报告。"]


# --------------------------------------------------------------------------- one report, one set of facts


def test_all_copies_of_a_report_are_one_report(tmp_path: Path) -> None:
    reports = []
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        for kind, (suffix, convert, _, _) in CONVERSIONS.items():
            path = tmp_path / f"{sample.stem}.{kind}{suffix}"
            path.write_bytes(convert(text))
            reports.append(read(path))
        reports.append(read(sample))
    dups = dedupe.find_duplicates(reports)
    kept = {r.file_name for r in reports} - {d.report.file_name for d in dups}
    assert kept == {p.name for p in SAMPLES}  # the plain UTF-8 text is the most faithful copy
    for d in dups:
        assert d.kept.file_name == d.report.file_name.split(".")[0] + ".txt"
        assert d.reason.startswith(f"duplicate of {d.kept.file_name} (")
    # encodings and Word give the very same text once folded; so does the PDF
    prints = {r.file_name: dedupe.content_fingerprint(r.text) for r in reports}
    for sample in SAMPLES:
        for kind in ("gbk", "gbk-crlf", "utf-16", "utf-8-bom", "docx", "pdf"):
            suffix = CONVERSIONS[kind][0]
            assert prints[f"{sample.stem}.{kind}{suffix}"] == prints[sample.name], (sample.name, kind)


def test_different_reports_of_one_place_and_year_stay_apart(tmp_path: Path) -> None:
    text = SAMPLES[3].read_text(encoding="utf-8")
    half = len(text) // 2
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text[:half] + "\n二、其他\n" + "全年新办理行政复议案件 7 件。\n" * 3,
                                    encoding="utf-8")  # a report restating the year, rewritten by half
    assert dedupe.find_duplicates([read(tmp_path / "a.txt"), read(tmp_path / "b.txt")]) == []


def test_a_report_in_several_files_counts_once_in_the_warehouse(tmp_path: Path) -> None:
    import shutil

    import duckdb
    from typer.testing import CliRunner

    from pipelines.cli import app
    from warehouse import load

    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "seeds" / "reports", inbox)
    web = SAMPLES[4].read_text(encoding="utf-8")  # 004, 乳山市
    zibo = SAMPLES[1].read_text(encoding="utf-8")  # 001, 淄博高新区
    (inbox / "rushan.html").write_bytes(page(web))
    (inbox / "rushan.pdf").write_bytes(to_pdf(web))
    (inbox / "rushan-gbk.txt").write_bytes(web.encode("gb18030"))
    (inbox / "zibo.docx").write_bytes(to_docx(zibo))
    expected_facts = sum(load.facts_frame(r, extract_facts(r)).height for r in map(read, SAMPLES))

    def build() -> tuple[dict, dict, int]:
        db = tmp_path / "w.duckdb"
        result = CliRunner().invoke(app, ["build", "--reports", str(inbox), "--db", str(db),
                                          "--seeds", str(ROOT / "seeds")], env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        con = duckdb.connect(str(db), read_only=True)
        try:
            kept = {r[0]: r[1:] for r in con.execute(
                "SELECT file_name, format, encoding, content_sha256 FROM dim_report").fetchall()}
            rejected = dict(con.execute("SELECT file_name, stage || ': ' || reason FROM rejected_report").fetchall())
            n = con.execute("SELECT count(*) FROM fact_indicator").fetchall()[0][0]
        finally:
            con.close()
        for name, reason in rejected.items():
            assert name in result.output and reason.split(": ", 1)[1][:40] in result.output
        return kept, rejected, n

    kept, rejected, n = build()
    assert set(kept) == {p.name for p in SAMPLES} and n == expected_facts
    assert all(len(sha) == 64 for *_, sha in kept.values())
    assert {name: reason.split(" (")[0] for name, reason in rejected.items()} == {
        "rushan.html": "duplicate: duplicate of 004_46a643f0f0fd39d3.txt",
        "rushan.pdf": "duplicate: duplicate of 004_46a643f0f0fd39d3.txt",
        "rushan-gbk.txt": "duplicate: duplicate of 004_46a643f0f0fd39d3.txt",
        "zibo.docx": "duplicate: duplicate of 001_fb2aa03d20b13da8.txt",
    }

    # Without the UTF-8 originals, the next most faithful copies stand in, with the same facts.
    (inbox / SAMPLES[4].name).unlink()
    (inbox / SAMPLES[1].name).unlink()
    kept, rejected, n = build()
    assert kept["rushan-gbk.txt"][:2] == ("txt", "gb18030") and kept["zibo.docx"][:2] == ("docx", None)
    assert set(rejected) == {"rushan.html", "rushan.pdf"}
    assert all("duplicate of rushan-gbk.txt" in reason for reason in rejected.values())
    assert n == expected_facts


def test_a_metadata_value_after_its_label_span_and_a_site_name_after_a_hyphen() -> None:
    page = ("<html><head><title>某某区2022年法治政府建设情况的报告-某某区人民政府</title></head><body>"
            "<ul><li><span>发文字号：</span>某政〔2023〕7号</li><li><span>成文日期：</span>2023年02月05日</li></ul>"
            "<div><p>某某区2022年法治政府建设情况的报告</p><p>2022年，全区办理行政复议案件39件。</p></div>"
            "</body></html>").encode()
    got = formats.extract(page, ".html")
    assert got.meta.get("发文字号") == "某政〔2023〕7号" and got.meta.get("成文日期") == "2023年02月05日"
    assert read_metadata(got.text).title == "某某区2022年法治政府建设情况的报告"
