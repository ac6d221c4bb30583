"""A report in traditional characters (a site's big5 gateway, a copy site) reads as its simplified twin."""

from pathlib import Path

from helpers import report_text

from pipelines.extract.mentions import find_indicators
from pipelines.extract.metadata import read_metadata
from pipelines.extract.traditional import is_traditional, to_simplified

ROOT = Path(__file__).resolve().parents[1]
REPORTS = [ROOT / "seeds" / "reports", ROOT / "tests" / "data" / "devset" / "reports"]

TRADITIONAL = ("南京市人民政府關於2018年度法治政府建設工作的報告\n\n江蘇省人民政府：\n"
               "2018年，南京市堅持依法行政。全年辦理行政復議案件126件，減免法律服務費用65萬餘元，"
               "培訓執法人員1200人次，調解成功率達98%，出庭應訴率同比提高12個百分點。\n")


def test_a_traditional_report_gives_its_facts_with_spans_on_what_was_written() -> None:
    norm, found = find_indicators(TRADITIONAL)
    got = []
    for f in found:
        a, b = norm.span(f.start, f.end)
        got.append((TRADITIONAL[a:b], f.value, f.unit, f.kind))
    assert got == [("126件", 126, "件", "count"), ("65萬餘元", 650_000, "元", "amount"),
                   ("1200人次", 1200, "人次", "count"), ("98%", 98, "%", "ratio"),
                   ("12個百分點", 12, "个百分点", "change")]
    assert found[0].metric_text == "办理行政复议案件"  # what it counts, as the catalog writes it


def test_its_locality_and_year_are_found() -> None:
    meta = read_metadata(TRADITIONAL)
    assert meta.locality is not None and meta.locality.name == "南京市" and meta.year == 2018


def test_conversion_keeps_every_offset() -> None:
    assert len(to_simplified(TRADITIONAL)) == len(TRADITIONAL)


def test_simplified_reports_are_left_as_they_are() -> None:
    texts = [report_text(p) for d in REPORTS for p in sorted(d.glob("*")) if p.suffix in (".txt", ".md")]
    assert len(texts) >= 20
    assert not any(is_traditional(t) for t in texts)
    assert is_traditional(TRADITIONAL)


def test_every_sample_written_in_traditional_characters_gives_the_same_facts() -> None:
    """The samples turned into traditional characters with OpenCC's own table, then read back."""
    from pipelines.extract.traditional import opencc_pairs

    to_traditional = str.maketrans(opencc_pairs("STCharacters.txt"))
    for path in sorted((ROOT / "seeds" / "reports").glob("*.txt")):
        text = report_text(path)
        written = text.translate(to_traditional)
        assert is_traditional(written), path.name

        def facts(t: str) -> list[tuple]:
            return [(f.start, f.end, f.value, f.unit, f.qualifier, f.kind) for f in find_indicators(t)[1]]

        assert facts(written) == facts(text), path.name
        a, b = read_metadata(text), read_metadata(written)
        assert (b.locality, b.year) == (a.locality, a.year), path.name


def test_a_copy_in_traditional_characters_is_the_same_report() -> None:
    from pipelines.extract.traditional import opencc_pairs
    from warehouse.dedupe import content_fingerprint

    text = (ROOT / "seeds" / "reports" / "003_58c1e1fb0637adbd.txt").read_text(encoding="utf-8")
    written = text.translate(str.maketrans(opencc_pairs("STCharacters.txt")))
    assert written != text and content_fingerprint(written) == content_fingerprint(text)


def test_a_big5_file_is_decoded_as_big5_and_a_gbk_file_as_gbk(tmp_path: Path) -> None:
    from models import Rejection
    from pipelines.extract.report import extract_facts, read_report, scan_inbox
    from pipelines.extract.traditional import opencc_pairs

    text = (ROOT / "seeds" / "reports" / "003_58c1e1fb0637adbd.txt").read_text(encoding="utf-8")
    written = text.translate(str.maketrans(opencc_pairs("STCharacters.txt")))
    (tmp_path / "big5.txt").write_bytes(written.encode("cp950", errors="replace"))
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    reports = {s.file_name: read_report(s) for s in scan_inbox(tmp_path)}
    assert not any(isinstance(r, Rejection) for r in reports.values())
    assert reports["big5.txt"].encoding == "big5" and reports["gbk.txt"].encoding == "gb18030"  # type: ignore[union-attr]
    values = {name: [(f.value, f.unit) for f in extract_facts(r)] for name, r in reports.items()}  # type: ignore[arg-type]
    assert values["big5.txt"] == values["gbk.txt"] and len(values["gbk.txt"]) > 30
