"""Report text as the extractor sees it: decoded, normalized, split into sentences.

The warehouse stores each report's decoded text and every span points into it.
The extractor works on a *normalized* copy (full-width digits folded, OCR page
breaks inside a sentence removed) and maps every position back through
`NormalizedText.offsets`, so spans always refer to the text as read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.extract.traditional import as_simplified

# Characters folded one-to-one so that patterns need to know only one form.
_FOLD = str.maketrans({
    "％": "%", "（": "(", "）": ")", "．": ".", "－": "-", "～": "~",
    "＋": "+", "：": ":", "\u3000": " ", "\xa0": " ",
})
SENTENCE_END = "。！？；!?;"

# A heading: markdown '#', 一、, （一）, (一), 1. / 1、 at a line's start, or a short bold line.
# What may stand before a heading's number: markdown, or the marks of a web or WeChat article (▌一、).
_HEADING_MARKS = "▌▍▎■□●◆◇★☆▶►◎※"
HEADING_RE = re.compile(
    rf"^\s*(?:#{{1,6}}\s*|\*\*|[{_HEADING_MARKS}]\s*)?\s*"
    r"(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.、](?!\d))"
)
# Sections that plan the coming year rather than report results.
PLAN_HEADING_RE = re.compile(r"(打算|安排|计划|思路|下一步|下步|下一阶段|下阶段|下一年度|新的一年|来年|今后|明年|努力方向|"
                             r"工作重点|重点工作|展望|谋划|工作目标|目标任务)")
# A year named in a heading: a top-level heading about a year after the report's own plans it
# ("三、2021年重点任务" in the 2020 report).
HEADING_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
UNNUMBERED_PLAN_RE = re.compile(  # (存在的问题和2024年工作打算: problems first, then the plan)
    rf"^[#*\s{_HEADING_MARKS}]*(?:(?:存在的?)?(?:问题|不足)(?:和|及|与|、)?)?"
    rf"(?:(?:19|20)\d{{2}}\s*年度?|下一步|下步|今后)[^。；;，,]{{0,16}}(打算|安排|计划|思路|重点|方向)[*\s:：]*$"
)
# A WeChat article numbers its sections on a line of their own (01, 02, PART 03): the short line
# after such a number is a top-level heading.
SECTION_NUMBER_RE = re.compile(r"^(?:PART|Part|part)?\s*0[1-9]\s*$")
PLAN_SUBHEADING_RE = re.compile(r"(下一步|下步|工作打算|工作安排|工作计划|工作思路|努力方向)")
# Lines of a web page's chrome: navigation, metadata blocks, footers, share buttons.
BOILERPLATE_RE = re.compile(
    r"(首页|当前位置|您的位置|政府信息公开|版权所有|Copyright|©|ICP|网站标识码|主办单位|承办单位|"
    r"技术支持|联系电话|联系我们|网站地图|浏览次数|访问量|点击数|阅读次数|分享到|打印本页|关闭窗口|"
    r"发文机关|成文日期|发布日期|公开发布日期|主题分类|文件类型|发文字号|所属单位|索引号|公安备案|"
    r"信息来源|来源:|字号|【|扫一扫|微信|微博|邮编|地址:|传真|上一篇|下一篇|责任编辑|编辑:|相关链接|"
    r"相关文章|相关附件|附件:|字体|点击率|阅读数|收藏|返回顶部|手机版|无障碍|登录|注册|"
    r"人阅读|人浏览|人看过|预计阅读|阅读时间|阅读全文)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NormalizedText:
    """A normalized copy of a text, with the original index of every character."""

    text: str
    offsets: list[int]  # offsets[i] = index in the original text of text[i]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text back to the original text."""
        return self.offsets[start], self.offsets[end - 1] + 1


def fold_char(ch: str) -> str:
    """Fold one character: full-width ASCII to half-width, a few punctuation variants to one form."""
    folded = ch.translate(_FOLD)
    if folded != ch:
        return folded
    if "\uff01" <= ch <= "\uff5e" and ch not in "，；：（）！？":
        return unicodedata.normalize("NFKC", ch)
    return ch


# fold_char for every character it changes. Folding is one character for one character, so a
# whole text is folded at once and positions (the offset map) are unchanged.
_FOLD_TABLE = {chr(c): fold_char(chr(c)) for c in [*_FOLD, *range(0xFF01, 0xFF5F)] if fold_char(chr(c)) != chr(c)}
_FOLDABLE_RE = re.compile("[" + re.escape("".join(_FOLD_TABLE)) + "]")


def fold_text(text: str) -> str:
    """fold_char on every character, done by a C scan and one str.replace per character present
    (str.translate on CJK text goes through a dict lookup per character: ten times slower)."""
    for ch in set(_FOLDABLE_RE.findall(text)):
        text = text.replace(ch, _FOLD_TABLE[ch])  # folded forms are ASCII or space: never folded again
    return text


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_COLUMN_GAP_RE = re.compile(r"\S(?:[ \u3000]{3,}|\t)\S")  # cells of a row set out with spaces or tabs
# "**（四）依法化解矛盾纠纷。**全年收到行政复议申请145件，受理132": a heading, then its paragraph.
_BODY_AFTER_HEADING_RE = re.compile(r"[。！？；:：][*\s]*[\u4e00-\u9fff\d]")


# What follows a number's digits and starts no line of its own: a multiplier, a percent sign.
_NUMBER_RUNS_ON = frozenset("万亿%")


def _joins_next_line(line: str, next_line: str) -> bool:
    """True when a line break is an OCR/page break inside a sentence, not a paragraph end.

    A wrapped paragraph line is long and stops on a character that cannot end a
    sentence; a heading or a short title line is not joined to what follows.
    """
    stripped = line.rstrip()
    nxt = next_line.lstrip()
    if not stripped or not nxt:
        return False
    if len(stripped) < 25 and not (stripped[-1].isdigit() and nxt[0] in _NUMBER_RUNS_ON and not HEADING_RE.match(line)):
        return False  # (a short line ends a paragraph, unless a number runs on: …经营主体1.05⏎万户)
    last = stripped[-1]
    decimal_cut = last == "." and stripped[-2:-1].isdigit() and nxt[:1].isdigit()  # 咨询1.⏎3万人次
    if not (_is_cjk(last) or last.isdigit() or last in "”、“《，,%％" or decimal_cut):
        return False  # a sentence end (。) ends most lines: tested before the regexes below
    if HEADING_RE.match(next_line) or nxt.startswith(("·", "•", "【")) or LINK_ITEM_RE.match(stripped.lstrip()):
        return False  # (a list of other articles, each ending in its date, is one item per line)
    if HEADING_RE.match(line) and not _BODY_AFTER_HEADING_RE.search(stripped):
        return False  # a heading ends its line, unless its paragraph runs on after it
    if stripped.lstrip().startswith(("#", "|")) or stripped.endswith(("报告", "情况", "**")):
        return False  # markdown headings, table rows and title lines end where they end
    if _COLUMN_GAP_RE.search(stripped) or _COLUMN_GAP_RE.search(nxt):
        return False  # rows of a table set out with spaces: each row ends where it ends
    return not nxt.startswith(("#", "|"))


# A page's furniture between two halves of a sentence: "- 3 -", "第 1 页 共 5 页", "12/40".
PAGE_LINE_RE = re.compile(r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?"
                          r"[\s\-—–－·•]*$")
_MAX_FURNITURE = 2  # page number and running header: more is not a page break


def _running_lines(lines: list[str]) -> frozenset[str]:
    """Short lines repeated on several pages (a running header: the report's title, the issuer)."""
    seen: dict[str, int] = {}
    for line in lines:
        s = line.strip()
        if 4 <= len(s) <= 40:
            seen[s] = seen.get(s, 0) + 1
    return frozenset(s for s, n in seen.items() if n >= 2)


def normalize(text: str) -> NormalizedText:
    """Fold character variants and remove line breaks that split a sentence.

    A break may carry a page's furniture (blank lines, a page number, a running header): a
    sentence split across two pages is joined with it cut out. A text in traditional characters
    is read in simplified ones (traditional.py: same length, so offsets hold)."""
    source = as_simplified(text)
    lines = source.split("\n")
    running: list[frozenset[str]] = []  # worked out only once a page number is met

    def is_furniture(s: str, after_page_number: bool) -> bool:
        if PAGE_LINE_RE.match(s):
            return True
        if not after_page_number:
            return False  # a running header counts only beside a page number
        if not running:
            running.append(_running_lines(lines))
        return s in running[0]

    # For every line, whether the break after it (and blank lines that follow) is spurious.
    join_after: dict[int, int] = {}  # index of line -> index of the line it continues into
    i = 0
    while i < len(lines):
        j, furniture = i + 1, 0
        while j < len(lines):
            s = lines[j].strip()
            if s and not (furniture < _MAX_FURNITURE and is_furniture(s, furniture > 0)):
                break
            furniture += bool(s)
            j += 1
        if j < len(lines) and j - i <= 3 + 2 * furniture and _joins_next_line(lines[i], lines[j]):
            join_after[i] = j
        i = j if j > i + 1 and i in join_after else i + 1

    folded = fold_text(source)
    if not join_after:
        return NormalizedText(folded, list(range(len(text))), text)
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    # A joined break drops the spaces ending its line, the line break and blank lines, and the
    # indentation of the line it continues on; everything else is kept as it stands, so the
    # normalized text is the folded text with those stretches cut out.
    out: list[str] = []
    offsets: list[int] = []
    kept_from = 0
    for i, j in join_after.items():  # in line order
        cut_from = line_starts[i] + len(lines[i].rstrip())
        out.append(folded[kept_from:cut_from])
        offsets.extend(range(kept_from, cut_from))
        kept_from = line_starts[j] + len(lines[j]) - len(lines[j].lstrip())
    out.append(folded[kept_from:])
    offsets.extend(range(kept_from, len(text)))
    return NormalizedText("".join(out), offsets, text)


class Sentence(NamedTuple):
    """A sentence of the normalized text (a named tuple: a report has a hundred of them)."""

    start: int  # in the normalized text
    end: int
    text: str
    heading: str | None  # nearest heading above
    in_plan: bool  # inside a section that plans the coming year
    boilerplate: bool  # a line of page chrome


_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]?")
_HEADING_END_RE = re.compile(r"[。；;]")
_TOP_LEVEL_RE = re.compile(rf"^\s*(?:#{{1,6}}\s*|[{_HEADING_MARKS}]\s*)?[一二三四五六七八九十]+、")


def _heading_text(stripped: str) -> str:
    """A heading line up to its first sentence end: "（一）依法全面履行政府职能。依法承接了…" → its first sentence."""
    return _HEADING_END_RE.split(stripped, maxsplit=1)[0]


# A list of other articles: "· 全市开展宪法宣传活动86场 发放资料12万份  2018-12-05" (no sentence ends).
LINK_ITEM_RE = re.compile(r"^[·•\-\d.、\s]*[^。；;！？]{4,80}?\s*[\[【(（]?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
                          r"[\]】)）]?$")


def _is_boilerplate(line: str, stripped: str) -> bool:
    """Page chrome: a short line with one chrome word (not a sentence of the report), a long footer
    line with several, or an item of a list of articles ending in its date."""
    if LINK_ITEM_RE.match(stripped):
        return True
    if len(stripped) < 80 or "|" in line:
        # the length test first: the regex scan of every long paragraph line was the hot spot
        # (no chrome word at all here means none for the second test either)
        if BOILERPLATE_RE.search(line) is None:
            return False
        # "政府信息公开申请平均答复时间为12个工作日。": a sentence that names a chrome word is prose
        return not (stripped.endswith(("。", "；")) and len(BOILERPLATE_RE.findall(line)) == 1
                    and not line.lstrip().startswith(("【", "|")))
    return "。" not in line and len(BOILERPLATE_RE.findall(line)) >= 2


# "三、存在的问题和2022年工作安排": a section that reports shortcomings before it plans. Its plan
# starts with the first sentence that opens one (下一步, 2022年，我县将…); what comes before it
# describes the state of things, numbers included (仍有11个乡镇执法人员少于5名).
PROBLEMS_RE = re.compile(r"问题|不足|短板|差距|困难")
PLAN_OPENING_RE = re.compile(r"^\s*(?:下一步|下步|下一阶段|下阶段|今后|新的一年|明年|(?:我们|我[县区市旗州]|全[县区市旗州])将|"
                             r"(?:19|20)\d{2}\s*年度?[，,]?[^，,。；]{0,12}?(?:将|要|计划|拟))")
_YEAR_OPENING_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*年")


def _opens_plan(sentence: str, year: int | None) -> bool:
    """A sentence that starts a plan: 下一步…, 我们将…, or one that opens with a later year (2025年是…)."""
    if PLAN_OPENING_RE.match(sentence):
        return True
    m = _YEAR_OPENING_RE.match(sentence)
    return m is not None and year is not None and int(m.group(1)) > year


def _is_plan_heading(head_text: str, year: int | None) -> bool:
    if PLAN_HEADING_RE.search(head_text):
        return True
    return year is not None and any(int(y) > year for y in HEADING_YEAR_RE.findall(head_text))


# What a republished article (a WeChat account, a news site) puts around the report: the editor's
# note before it, and lists of other articles after it.
_EDITOR_NOTE = ("编者按", "【编者按】", "编者的话", "小编")
_LINK_LIST_HEAD_RE = re.compile(r"^[【\[]?(往期推荐|往期回顾|推荐阅读|相关阅读|延伸阅读|相关文章|相关链接|相关新闻|热点推荐|"
                                r"猜你喜欢|更多阅读)[】\]]?[:：]?$")


# Text copied from a page that lost its line breaks runs whole sections into one line, headings
# included ("…有待进一步提高。三、2020年工作打算　　2020年是…"): a long line is read as the
# lines it was, cut before each top-level heading that follows a sentence end.
_COLLAPSED_LINE = 300
_INLINE_HEADING_RE = re.compile(r"(?<=[。；！？])[ \u3000]*(?=[一二三四五六七八九十]{1,3}、)")


def _lines(text: str) -> Iterator[tuple[str, int]]:
    """(line, offset) of every line of text, long lines cut before their inline headings."""
    pos = 0
    for line in text.split("\n"):
        if len(line) > _COLLAPSED_LINE and _INLINE_HEADING_RE.search(line):
            cut = 0
            for m in _INLINE_HEADING_RE.finditer(line):
                yield line[cut:m.end()], pos + cut
                cut = m.end()
            yield line[cut:], pos + cut
        else:
            yield line, pos
        pos += len(line) + 1


def sentences(norm: NormalizedText, year: int | None = None) -> list[Sentence]:
    """Split normalized text into sentences, each knowing its heading and section kind.

    `year`: the year the report covers, when known: a section headed by a later year is a plan."""
    result: list[Sentence] = []
    heading: str | None = None
    in_plan = False
    plan_ahead = False  # in a section of problems, then plans: its plan has not started yet
    in_links = False
    numbered = False  # the line before was a section number alone (01)
    for line, line_start in _lines(norm.text):
        stripped = line.strip()
        if not stripped:
            continue
        after_number, numbered = numbered, SECTION_NUMBER_RE.match(stripped) is not None
        # A heading may open a paragraph: "（一）依法全面履行政府职能。依法承接了…" → its first sentence.
        if HEADING_RE.match(line) and len(head_text := _heading_text(stripped)) < 60:
            is_heading, top_level = True, _TOP_LEVEL_RE.match(line) is not None
        elif after_number and len(stripped) <= 40 and not _HEADING_END_RE.search(stripped):
            head_text, is_heading, top_level = stripped, True, True
        elif UNNUMBERED_PLAN_RE.match(stripped):
            # "2022年工作打算" / "下一步工作计划" standing alone: a plan section without a number
            head_text, is_heading, top_level = _heading_text(stripped), True, True
        else:
            is_heading = False
        if is_heading:
            heading = head_text.strip("#* " + _HEADING_MARKS).replace("**", "").strip()
            if top_level:
                in_plan = _is_plan_heading(head_text, year)
                plan_ahead = in_plan and PROBLEMS_RE.search(head_text) is not None
                in_plan = in_plan and not plan_ahead
            elif PLAN_SUBHEADING_RE.search(head_text):
                in_plan, plan_ahead = True, False  # a plan sub-section runs to the next top-level heading
        if stripped.startswith(("附件", "附表")):
            in_plan = False  # what is attached reports results, whatever section came before
        if _LINK_LIST_HEAD_RE.match(stripped):
            in_links = True  # 往期推荐, 相关阅读: the titles of other articles follow
        elif in_links and (len(stripped) >= 80 or stripped.endswith(("。", "；"))):
            in_links = False  # prose again
        boiler = in_links or stripped.startswith(_EDITOR_NOTE) or _is_boilerplate(line, stripped)
        # Sentences inside the line, with their offsets.
        for m in _SENTENCE_RE.finditer(line):
            chunk = m.group(0)
            if not chunk.strip():
                continue
            start = line_start + m.start()
            if plan_ahead and _opens_plan(chunk, year):
                in_plan, plan_ahead = True, False
            plan_sentence = in_plan or chunk.lstrip().startswith(("下一步", "下步"))
            result.append(Sentence(start, start + len(chunk), chunk, heading, plan_sentence, boiler))
    return result


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file of unknown encoding: BOMs first, then UTF-8, then GB18030 or Big5.

    Returns (text, encoding). Raises UnicodeDecodeError when no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # GB18030 is a superset of GBK and GB2312, so one attempt covers all three. A page saved from
    # a site's traditional-character gateway is Big5, which GB18030 also decodes, into nonsense:
    # of the two readings, the one with more of the commonest characters of these reports wins.
    gb = data.decode("gb18030")
    try:
        big5 = data.decode("cp950")
    except UnicodeDecodeError:
        return gb, "gb18030"
    return (big5, "big5") if _common_chars(big5) > _common_chars(gb) else (gb, "gb18030")


# Characters written the same in both scripts and frequent in every report.
_COMMON = dict.fromkeys(map(ord, "的一是在了和有人年法治政府行件工作建设設"))


def _common_chars(text: str) -> int:
    return len(text) - len(text.translate(_COMMON))
