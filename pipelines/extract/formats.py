"""Report files of every format to text: plain text, web pages, PDF, Word.

`extract(data, suffix)` turns a file's bytes into an `Extracted`: the text the
warehouse stores (every span refers to it), the format, the encoding (None
for PDF and DOCX, whose text is not in a character encoding of the file), and
the metadata fields a web page states about itself. It raises `Unreadable`,
with a stage and a reason an analyst can act on, for a file it cannot use.

- .txt / .md: the decoded bytes, exactly (`text.decode_bytes`).
- .html / .htm: the report body of a government page, one line per paragraph,
  without navigation, breadcrumbs, share buttons, related links and footers.
  The page's metadata block (发文机关, 成文日期, 发文字号, 索引号 …) is put on
  top of the text as "发文机关：…" lines, where `metadata.py` reads it and the
  extractor skips it as page chrome. Encoding: BOM, then <meta charset>, else
  UTF-8, then GB18030 or Big5 (text.decode_bytes).
- .pdf: the text layer (pypdf), lines wrapped by the layout joined back into
  paragraphs, page numbers dropped. No text layer: a scanned image, rejected.
- .docx: paragraphs and tables in document order (python-docx), one line each;
  table rows as "| a | b |".
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from models import RejectionStage
from pipelines.extract.text import decode_bytes

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".pdf", ".docx")


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str  # txt, md, html, pdf, docx
    encoding: str | None
    meta: dict[str, str] = field(default_factory=dict)  # fields a page states: 发文机关, 成文日期, …


class Unreadable(Exception):
    """A file that cannot be turned into text, with the stage and the reason."""

    def __init__(self, stage: RejectionStage, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


def extract(data: bytes, suffix: str) -> Extracted:
    """The text of a file's bytes, by its suffix (lower case, with the dot)."""
    if suffix in TEXT_SUFFIXES:
        text, encoding = _decode_text(data)
        return Extracted(text, "md" if suffix in (".md", ".markdown") else "txt", encoding)
    if suffix in HTML_SUFFIXES:
        return html_to_text(data)
    if suffix == ".pdf":
        return pdf_to_text(data)
    if suffix == ".docx":
        return docx_to_text(data)
    raise Unreadable("read", f"unsupported file type {suffix or '(none)'}; expected one of {SUPPORTED_SUFFIXES}")


# --------------------------------------------------------------------------- plain text


def _is_binary(data: bytes) -> bool:
    return b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _decode_text(data: bytes) -> tuple[str, str]:
    if _is_binary(data):
        raise Unreadable("decode", "binary content (NUL bytes) in a text file")
    try:
        return decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise Unreadable("decode", "undecodable bytes (tried UTF-8, UTF-16, GB18030): "
                                   f"{exc.reason} at byte {exc.start}") from None


# --------------------------------------------------------------------------- HTML

_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Chinese pages that declare GB2312 or GBK routinely use characters only GBK/GB18030 have.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
                    "cp936": "gb18030", "euc-cn": "gb18030", "utf8": "utf-8",
                    "big5": "cp950", "big-5": "cp950", "x-x-big5": "cp950"}  # (cp950: Big5 as Windows writes it)


def decode_html(data: bytes) -> tuple[str, str]:
    """A page's text and encoding: BOM, then the declared charset, else UTF-8, then GB18030 or Big5."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return _decode_text(data)
    head = data[:4096]
    declared = _XML_ENCODING_RE.search(head) or _CHARSET_RE.search(head)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        codec = _CHARSET_ALIASES.get(name, name)
        try:
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration: detect instead
    return _decode_text(data)


# Elements never part of the text.
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "button", "input", "select", "textarea", "option", "head", "title", "meta", "link", "map"}
# Page chrome by tag, and by a word of its id or class.
_CHROME_TAGS = {"nav", "footer", "aside", "menu", "form"}
_CHROME_WORDS = re.compile(
    r"^(nav|navbar|navigation|menu|menus|submenu|breadcrumbs?|crumbs?|bread|position|location|curpos|"
    r"dqwz|weizhi|share|bshare|jiathis|social|footer|foot|ft|copyright|bottom|sidebar|side|"
    r"related|relate|xgwz|xglj|links?|friendlink|yqlj|print|tools?|toolbar|fontsize|login|search|"
    r"banner|qrcode|ewm|pager|pagination|prevnext|comment|comments|ad|ads|advert|skip|topbar|top|"
    r"header|head|logo|hidden|hide)$", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "li", "ul", "ol", "dl", "dt", "dd",
               "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tbody", "thead",
               "tfoot", "tr", "td", "th", "caption", "center", "hr", "address", "figure", "figcaption",
               "body", "html"}
_PARA_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "pre", "blockquote", "div", "span", "font"}

# The labels of a government information page's metadata block, as metadata.py reads them.
_META_LABELS = ("索引号", "发文机关", "发布机构", "成文日期", "发文日期", "印发日期", "发文字号", "文号",
                "公开发布日期", "发布日期", "发布时间", "公开日期", "主题分类", "文件类型", "所属单位", "标题",
                "信息来源", "来源")
_SP = r"[\s\u3000\xa0]*"
# A label may be spaced out ("索 引 号：", "标  题：").
_LABELS_RE = "|".join(_SP.join(label) for label in sorted(_META_LABELS, key=len, reverse=True))
_META_RE = re.compile(f"({_LABELS_RE}){_SP}[:：]{_SP}")
# Where an inline value ends: the next "标签：" or a wide gap.
_VALUE_END_RE = re.compile(r"\s+[\u4e00-\u9fff]{2,6}\s*[:：]|\s{2,}|[\u3000\xa0]{2,}|$")
_WS_RE = re.compile(r"[ \t\r\n\f\v]+")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _classes(el) -> list[str]:
    words = f"{el.get('id') or ''} {el.get('class') or ''}"
    return [w for w in re.split(r"[\s_\-]+", words) if w]


def _is_chrome(el) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    if el.tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors()):
        return True
    if el.get("hidden") is not None or re.search(r"display\s*:\s*none", el.get("style") or "", re.I):
        return True
    if el.get("role") in ("navigation", "banner", "contentinfo", "search"):
        return True
    # Class names mark blocks; a link or a span inside a paragraph is part of its sentence.
    return el.tag not in _INLINE_TAGS and any(_CHROME_WORDS.match(w) for w in _classes(el))


_INLINE_TAGS = {"a", "span", "font", "b", "strong", "em", "i", "u", "sup", "sub", "label", "small", "big",
                "code", "abbr", "img"}


def _link_heavy(el) -> bool:
    """Navigation written without class names: short blocks that are mostly links."""
    text = _WS_RE.sub("", el.text_content())
    if not text or len(text) > 200:
        return False
    links = sum(len(_WS_RE.sub("", a.text_content())) for a in el.iter("a"))
    return links / len(text) > 0.6


class _Renderer:
    """Text of an element tree, one line per block, whitespace collapsed as a browser does."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []

    def newline(self) -> None:
        line = "".join(self.cur)
        self.cur = []
        # Collapse runs of white space; one standing between two Chinese characters was a source line break.
        line = re.sub(r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])[ \t\r\n]+(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])",
                      lambda m: "" if "\n" in m.group(0) else " ", line)
        line = _WS_RE.sub(" ", line).strip(" \u3000\xa0\t")
        if line:
            self.lines.append(line)

    def add(self, s: str | None, pre: bool = False) -> None:
        if not s:
            return
        if pre:
            parts = s.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self.newline()
                self.cur.append(part)
        else:
            self.cur.append(s)

    def render(self, el, pre: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not tag:  # comments and processing instructions too
            self.add(el.tail, pre)
            return
        if tag == "tr" and _is_data_row(el):
            self.newline()
            cells = [_WS_RE.sub(" ", c.text_content()).strip(" \u3000\xa0") for c in el if c.tag in ("td", "th")]
            self.cur.append("| " + " | ".join(cells) + " |")
            self.newline()
            self.add(el.tail, pre)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.newline()
        if tag == "br":
            self.newline()
        pre = pre or tag == "pre"
        self.add(el.text, pre)
        for child in el:
            self.render(child, pre)
        if block:
            self.newline()
        self.add(el.tail, pre)


def _is_data_row(tr) -> bool:
    """A row of a data table (cells of short text), not a layout table holding the page."""
    cells = [c for c in tr if c.tag in ("td", "th")]
    if len(cells) < 2:
        return False
    for c in cells:
        if any(d.tag in ("p", "div", "table", "ul", "ol", "br") for d in c.iterdescendants()):
            return False
        if len(c.text_content()) > 200:
            return False
    return True


def _render(el) -> list[str]:
    r = _Renderer()
    r.render(el)
    r.newline()
    return r.lines


def _score(el) -> int:
    """How much report prose an element holds in its own paragraphs (not its descendants' blocks)."""
    score = 0
    if el.text:
        score += len(_CJK.findall(el.text))
    for child in el:
        if isinstance(child.tag, str) and child.tag in _PARA_TAGS:
            text = child.text_content()
            if child.tag in ("div", "span", "font", "td") and any(
                    d.tag in ("div", "table", "p") for d in child.iterdescendants()):
                text = child.text or ""  # a container: its own blocks count for itself
            n = len(_CJK.findall(text))
            score += n if n >= 10 else 0  # a paragraph, not a link or a label
        if child.tail:
            score += len(_CJK.findall(child.tail))
    return score


def _metadata_fields(root) -> tuple[dict[str, str], list]:
    """Label-value pairs of the page's metadata block, and the elements that held them.

    Three layouts: "发文机关：乳山市人民政府" in one element; a label cell (or <b>/<span>)
    followed by its value's cell; several pairs on one line ("发布日期：… 来源：…").
    """
    fields: dict[str, str] = {}
    holders = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or el.tag in ("html", "body"):
            continue
        text = el.text_content()
        if not _META_RE.match(text.strip(" \t\r\n\u3000\xa0")) or len(_WS_RE.sub("", text)) > 200:
            continue
        if any(isinstance(d.tag, str) and _META_RE.match(d.text_content().strip(" \t\r\n\u3000\xa0"))
               for d in el.iterdescendants()):
            continue  # the smallest element holding a label is the one to read
        flat = _WS_RE.sub(" ", text).strip(" \u3000\xa0")
        pairs = list(_META_RE.finditer(flat))
        found = {}
        for n, m in enumerate(pairs):
            stop = pairs[n + 1].start() if n + 1 < len(pairs) else len(flat)
            rest = flat[m.end():stop]
            end = _VALUE_END_RE.search(rest)  # (always matches: `$` at worst)
            value = rest[:end.start() if end else len(rest)].strip(" \u3000\xa0")
            label = re.sub(_SP, "", m.group(1))
            found[label] = value
        tail = (el.tail or "").strip(" \t\r\n\u3000\xa0")
        if len(pairs) == 1 and not found[label] and tail and not _META_RE.match(tail):
            found[label] = _WS_RE.sub(" ", tail)  # <li><span>发文字号：</span>郑经管〔2021〕7号</li>
        elif len(pairs) == 1 and not found[label]:
            # the value stands in the next cell: <td>发文机关：</td><td>乳山市人民政府</td>
            cell = el
            while cell.getnext() is None and cell.getparent() is not None and cell.getparent().tag in (
                    "b", "strong", "span", "label", "em", "font", "td", "th", "dt"):
                cell = cell.getparent()
            nxt = cell.getnext()
            if nxt is not None and not _META_RE.match(nxt.text_content().strip()):
                found[label] = _WS_RE.sub(" ", nxt.text_content()).strip(" \u3000\xa0")
                holders.append(nxt)
        for label, value in found.items():
            if value and len(value) <= 100:
                fields.setdefault(label, value)
        holders.append(el)
    return fields, holders


def _drop_chrome(el, total: int) -> None:
    """Drop navigation, breadcrumbs, share buttons, footers …, but never what holds most of the prose
    (a class or id is only a hint: <div class="main-top"> may wrap the report)."""
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        chrome = _is_chrome(child) or (child.tag in ("ul", "ol", "div", "table", "tr", "dl")
                                       and _link_heavy(child))
        if chrome and sum(_score(d) for d in child.iter() if isinstance(d.tag, str)) <= total / 2:
            child.drop_tree()
        else:
            _drop_chrome(child, total)


def _best(root):
    candidates = [el for el in root.iter() if isinstance(el.tag, str) and el.tag not in _SKIP_TAGS]
    best = max(candidates, key=_score, default=root)
    if _score(best) == 0:
        body = root.find("body")
        return body if body is not None else root
    return best


# The government a site belongs to, as its pages name it: the site's name (岳阳县人民政府门户网站) in a
# <meta name="SiteName">, after the page's title (…报告_岳阳县人民政府) or on a line of its own, and
# the footer's 主办/版权所有. Metadata falls back on it when a report names no place in its head.
GOVERNMENT = r"[\u4e00-\u9fff]{2,20}?(?:人民政府|管理委员会|管委会)"
SITE_NAME_RE = re.compile(rf"^\s*({GOVERNMENT})(?:门户网站|网站|门户网|政务网|网|官网)?\s*$")
SITE_FOOTER_RE = re.compile(rf"(?:主办单位|主办|主管单位|版权所有)\s*[:：©]?\s*(?:©\s*)?({GOVERNMENT})")


def _site_owner(root) -> str | None:
    """The government the page's site belongs to, if the page names it (before chrome is dropped)."""
    for el in root.xpath("//meta[@name]"):
        if el.get("name", "").lower().replace("_", "") == "sitename" and (
                m := SITE_NAME_RE.match(el.get("content", ""))):
            return m.group(1)
    for el in root.xpath("//title"):
        for part in re.split(r"[_|–—-]", el.text_content())[1:]:
            if m := SITE_NAME_RE.match(part):
                return m.group(1)
    body = root.find("body")
    m = SITE_FOOTER_RE.search(_WS_RE.sub(" ", (body if body is not None else root).text_content()))
    return m.group(1) if m else None


def _page_title(root) -> str | None:
    for xpath in ("//h1", "//title", "//*[contains(@class,'title') or contains(@id,'title')]"):
        for el in root.xpath(xpath):
            text = _WS_RE.sub(" ", el.text_content()).strip(" \u3000\xa0")
            if xpath == "//title":
                # "<title>_某某人民政府", "…报告-郑州经济技术开发区" (a hyphen between words, not 2021-2025)
                text = re.split(r"\s*[_|–—]\s*|\s+-\s+|(?<=[\u4e00-\u9fff）)])-(?=[\u4e00-\u9fff])", text)[0]
            if 6 <= len(text) <= 120 and re.search(r"报告|总结|情况|法治", text):
                return text
    return None


def html_to_text(data: bytes) -> Extracted:
    """The report body of a web page, with its metadata block on top."""
    from lxml import etree, html

    source, encoding = decode_html(data)
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)  # lxml refuses a str with an encoding declaration
    if not source.strip():
        raise Unreadable("decode", "no text after decoding")
    try:
        root = html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable("read", f"cannot parse HTML: {exc}") from None

    fields, holders = _metadata_fields(root)
    title = _page_title(root)
    if "主办单位" not in fields and (site := _site_owner(root)):
        fields["主办单位"] = site
    total = sum(_score(e) for e in root.iter() if isinstance(e.tag, str))
    _drop_chrome(root, total)
    for el in holders:
        if el.getparent() is not None:
            el.drop_tree()
    # The report body: the element with the most prose in its own paragraphs.
    best = _best(root)
    # Siblings holding a good share of prose too: a report split over several containers.
    parts = [best]
    parent = best.getparent()
    if parent is not None and best.tag not in ("body", "html"):
        top = _score(best)
        parts = [c for c in parent if c is best or (isinstance(c.tag, str) and _score(c) >= top / 4)]
    lines: list[str] = []
    for el in parts:
        lines += _render(el)

    head = [f"{label}：{value}" for label, value in fields.items()]
    if title and not any(_squash(title) in _squash(line) for line in lines[:8]):
        head.append(title)
    text = "\n".join(head + lines)
    if not text.strip():
        raise Unreadable("decode", "no text in the web page")
    return Extracted(text + "\n", "html", encoding, fields)


def _squash(s: str) -> str:
    return re.sub(r"[\s#*\u3000\xa0]+", "", s)


# --------------------------------------------------------------------------- PDF

_PAGE_NUMBER_RE = re.compile(
    r"^[\s\-—–－·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－·•]*$"
    r"|^[\s\-—–－]*[(（]?\s*[0-9]{1,4}\s*[)）]?[\s\-—–－]*$"
)
_HEADING_START_RE = re.compile(
    r"^\s*(#|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)|第[一二三四五六七八九十]+[章节部分])")


def _width(s: str) -> int:
    """Display width: Chinese, full-width and (in Chinese type) ambiguous characters such as “ count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in s)


def _fold_radicals(s: str) -> str:
    """Kangxi radicals and compatibility ideographs that some PDF fonts map to (⼈ for 人)."""
    return "".join(unicodedata.normalize("NFKC", c) if "\u2f00" <= c <= "\u2fdf" or "\uf900" <= c <= "\ufaff"
                   else c for c in s)


def pdf_to_text(data: bytes) -> Extracted:
    """The text layer of a PDF, its layout line breaks joined back into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("read", "PDF is encrypted with a password")
        pages = [_page_lines(page) for page in reader.pages]
    except Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise Unreadable("read", f"cannot parse PDF: {type(exc).__name__}: {exc}") from None
    if not any(line.strip() for lines in pages for line, _ in lines):
        raise Unreadable("read", "PDF has no text layer (scanned image?)")

    pages = [[(_fold_radicals(ln), size) for ln, size in lines if ln.strip()] for lines in pages]
    lines = [ln for lines in _drop_running_lines(pages) for ln in lines]
    # How far each line runs, in points, and the text column's width: the most common run of
    # the long lines (most lines of a report are wrapped lines of long paragraphs).
    runs = [_width(ln.strip()) * size / 2 for ln, size in lines]
    long = [round(r / 6) * 6 for r in runs if r >= max(runs, default=0) / 2]
    full = Counter(long).most_common(1)[0][0] if long else 0
    out: list[str] = []
    for i, (line, _) in enumerate(lines):
        piece = line.strip()
        prev = lines[i - 1][0] if i else ""
        if i and _continues(prev, runs[i - 1], lines[i - 1][1], line, full):
            words = prev.rstrip()[-1:].isascii() and prev.rstrip()[-1:].isalpha() and piece[:1].isascii() \
                and piece[:1].isalpha()
            out[-1] += (" " if words or prev[-1:].isspace() else "") + piece
        else:
            out.append(piece)
    return Extracted("\n".join(out) + "\n", "pdf", None, {})


def _page_lines(page) -> list[tuple[str, float]]:
    """A page's text lines (pypdf's plain mode), each with its font size in points."""
    chunks: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        chunks.append((text, float(size or 0) * (scale or 1.0)))

    text = page.extract_text(visitor_text=visit) or ""
    sizes = [size for t, size in chunks for _ in t] if "".join(t for t, _ in chunks) == text else []
    lines, pos = [], 0
    for line in text.split("\n"):
        seg = [s for s in sizes[pos:pos + len(line)] if s > 0]
        pos += len(line) + 1
        lines.append((line, Counter(seg).most_common(1)[0][0] if seg else 12.0))
    return lines


def _continues(line: str, run: float, size: float, nxt: str, full: float) -> bool:
    """Whether a line break in a PDF's text only wraps a paragraph at the column's edge.

    The line reaches the right margin (`run`, in points), give or take the two-character
    indent of a first line and one character pushed over (one that may not open a line), and
    the next line does not open a heading. A next line that starts further right (pypdf writes
    that as a leading space) opens a new paragraph, unless the line stopped mid-sentence: then
    it is the next line of a centred title.
    """
    if full < 120 or run < full - 3 * size or _HEADING_START_RE.match(nxt):
        return False
    return not nxt[:1].isspace() or line.rstrip()[-1:] not in _SENTENCE_END


_SENTENCE_END = set("。！？!?；;：:”’」』）)》】…")


def _drop_running_lines(pages: list[list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
    """Page numbers, and headers or footers repeated at the top or bottom of most pages."""
    edge: Counter[str] = Counter()
    for lines in pages:
        for ln in {ln for ln, _ in (*lines[:2], *lines[-2:])}:
            edge[_WS_RE.sub("", ln)] += 1
    running = {k for k, n in edge.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out = []
    for lines in pages:
        keep = []
        for i, (ln, size) in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (_PAGE_NUMBER_RE.match(ln) or _WS_RE.sub("", ln) in running):
                continue
            keep.append((ln, size))
        out.append(keep)
    return out


# --------------------------------------------------------------------------- DOCX


def docx_to_text(data: bytes) -> Extracted:
    """Paragraphs and table rows of a Word document, in document order, one line each."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable("read", f"cannot open Word document (.docx): {type(exc).__name__}: {exc}") from None
    lines: list[str] = []
    _docx_blocks(doc.element.body, doc, lines)
    text = "\n".join(lines)
    if not text.strip():
        raise Unreadable("decode", "no text in the Word document")
    return Extracted(text + "\n", "docx", None, {})


def _docx_blocks(container, parent, lines: list[str]) -> None:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, parent).text.rstrip())
        elif child.tag == qn("w:tbl"):
            for row in Table(child, parent).rows:
                cells: list[str] = []
                seen: list[object] = []
                for cell in row.cells:  # a merged cell is returned once per grid column it spans
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
                lines.append("| " + " | ".join(cells) + " |")
        elif child.tag == qn("w:sdt"):  # a content control wrapping paragraphs
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _docx_blocks(content, parent, lines)
