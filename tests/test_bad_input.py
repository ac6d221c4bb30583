"""Bad input is set aside with a reason, never stops the run, is never touched, and is picked up once fixed.

The small bad files live in tests/data/bad; the scanned PDF and the oversize file are made here
(the size limit is lowered for the test instead of committing a 20 MB file).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from conversions import to_pdf
from helpers import rows
from typer.testing import CliRunner

from models import Rejection, SourceFile
from pipelines.cli import app
from pipelines.extract import report as report_module
from pipelines.extract.report import read_report

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
LIMIT = 30_000  # bytes, for the test: the real limit is 20 MB

# file -> (stage, words of the reason)
EXPECTED = {
    "empty.txt": ("read", "empty file"),
    "binary.txt": ("decode", "binary content (NUL bytes) in a text file"),
    "undecodable.txt": ("decode", "undecodable bytes (tried UTF-8, UTF-16, GB18030)"),
    "no_locality.txt": ("metadata", "no recognizable reporting locality"),
    "no_year.txt": ("metadata", "no year found"),
    "scanned.pdf": ("read", "PDF has no text layer (scanned image?)"),
    "oversize.txt": ("read", f"over the {LIMIT}-byte limit"),
}


def report_text(county: str, body: str = "") -> str:
    return (f"{county}人民政府关于2021年度法治政府建设情况的报告\n\n2021年，{county}坚持以习近平法治思想为指导，"
            f"全年共办理行政复议案件 12 件，行政机关负责人出庭应诉率100%。\n{body}\n特此报告。\n")


# What an analyst puts in place of each bad file: the same name, fixed content.
FIXED = {
    "empty.txt": report_text("沂南县").encode(),
    "binary.txt": report_text("兰陵县").encode("gbk"),
    "undecodable.txt": report_text("沂水县").encode(),
    "no_locality.txt": report_text("莒南县").encode(),  # the issuer added to the title
    "no_year.txt": report_text("临沭县").encode(),  # the year added
    "scanned.pdf": None,  # OCR'd: a PDF with a text layer (made below)
    "oversize.txt": report_text("平邑县").encode(),  # the appendix cut
}


def scanned_pdf() -> bytes:
    """A page that is only a picture of text, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (420, 594), 255)
    draw = ImageDraw.Draw(img)
    for y in range(60, 560, 14):  # rows of "print"
        draw.rectangle([40, y, 380 if y % 98 else 220, y + 6], fill=40)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def oversize() -> bytes:
    appendix = "附件：2021年度行政执法案卷评查情况明细表，逐项列明了各执法单位的案卷数量和评查结果。\n" * 400
    data = report_text("平邑县", appendix).encode()
    assert len(data) > LIMIT
    return data


def make_inbox(folder: Path) -> Path:
    inbox = folder / "inbox"
    shutil.copytree(BAD, inbox)
    (inbox / "scanned.pdf").write_bytes(scanned_pdf())
    (inbox / "oversize.txt").write_bytes(oversize())
    shutil.copy(ROOT / "seeds" / "reports" / "003_58c1e1fb0637adbd.txt", inbox)  # a good report beside them
    return inbox


def sha256s(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}



@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_module, "MAX_BYTES", LIMIT)


def test_the_bad_files_are_all_there() -> None:
    assert {p.name for p in BAD.iterdir()} == set(EXPECTED) - {"scanned.pdf", "oversize.txt"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_rejected_with_a_clear_reason(name: str, tmp_path: Path, small_limit: None) -> None:
    inbox = make_inbox(tmp_path)
    path = inbox / name
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    result = read_report(SourceFile(report_id=digest[:16], file_name=name, path=str(path), sha256=digest,
                                    size_bytes=len(data)))
    assert isinstance(result, Rejection)
    stage, words = EXPECTED[name]
    assert result.stage == stage
    assert words in result.reason
    assert path.read_bytes() == data


def test_bad_files_are_set_aside_left_untouched_and_picked_up_once_fixed(tmp_path: Path,
                                                                           small_limit: None) -> None:
    inbox = make_inbox(tmp_path)
    db = tmp_path / "w.duckdb"
    before = sha256s(inbox)
    runner = CliRunner()
    first = runner.invoke(app, ["build", "--reports", str(inbox), "--db", str(db), "--seeds", str(ROOT / "seeds")],
                          env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output

    # set aside, each with its stage and reason, in the warehouse and in the command's summary
    rejected = {name: (stage, reason) for name, stage, reason in
                rows(db, "SELECT file_name, stage, reason FROM rejected_report")}
    assert set(rejected) == set(EXPECTED)
    for name, (stage, words) in EXPECTED.items():
        assert rejected[name][0] == stage and words in rejected[name][1], (name, rejected[name])
        assert name in first.output
    assert f"{len(EXPECTED)} rejected" in first.output
    # the rest of the run went on
    assert rows(db, "SELECT file_name FROM dim_report") == [("003_58c1e1fb0637adbd.txt",)]
    assert rows(db, "SELECT count(*) FROM fact_indicator")[0][0] > 0
    # the raw files are exactly as they were, none moved or added
    assert sha256s(inbox) == before

    # the analyst fixes them in place; the next run picks them up
    for name, data in FIXED.items():
        (inbox / name).write_bytes(data if data is not None else to_pdf(report_text("费县")))
    second = runner.invoke(app, ["build", "--reports", str(inbox), "--db", str(db), "--seeds", str(ROOT / "seeds")],
                           env={"COLUMNS": "200"})
    assert second.exit_code == 0, second.output
    assert rows(db, "SELECT count(*) FROM rejected_report") == [(0,)]
    read = dict(rows(db, "SELECT r.file_name, l.name FROM dim_report r JOIN dim_locality l USING (locality_key)"))
    assert read == {"003_58c1e1fb0637adbd.txt": "环翠区", "empty.txt": "沂南县", "binary.txt": "兰陵县",
                    "undecodable.txt": "沂水县", "no_locality.txt": "莒南县", "no_year.txt": "临沭县",
                    "scanned.pdf": "费县", "oversize.txt": "平邑县"}
    formats = dict(rows(db, "SELECT file_name, format || '/' || coalesce(encoding, '-') FROM dim_report"))
    assert formats["binary.txt"] == "txt/gb18030" and formats["scanned.pdf"] == "pdf/-"
    assert formats["empty.txt"] == "txt/utf-8"
