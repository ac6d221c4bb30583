"""Which quantities in a report are indicators, and what each one counts.

The rules follow the annotation guidelines (tests/gold/GUIDELINES.md): a number
with what it counts is an indicator unless it is a date, a document number, an
ordinal, part of a name or slogan, a phone number, page chrome, or part of the
plan for the coming year. Each rule is written from how Chinese official prose
works, not from particular sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pipelines.extract.quantities import RANGE_MARKS, Quantity, find_quantities
from pipelines.extract.text import NormalizedText, Sentence, normalize, sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

CLAUSE_DELIMS = "，,；;：:。！？!?\n"
# Qualifier words before a number, longest first within each group.
PREFIX_QUALIFIERS: list[tuple[str, str]] = [
    ("不少于", "at_least"), ("不低于", "at_least"), ("至少", "at_least"),
    ("超过", "over"), ("多于", "over"), ("高于", "over"), ("逾", "over"), ("超", "over"),
    ("不足", "under"), ("不到", "under"), ("少于", "under"), ("低于", "under"), ("将近", "under"),
    ("接近", "under"), ("近", "under"),
    ("大约", "approx"), ("约", "approx"),
]
SUFFIX_QUALIFIERS: list[tuple[str, str]] = [
    ("以上", "over"), ("之多", "over"), ("多", "approx"), ("余", "approx"),
    ("左右", "approx"), ("上下", "approx"), ("以下", "under"), ("以内", "under"),
]
CHANGE_DOWN = ("下降", "减少", "降低", "压缩", "精减", "精简", "缩短", "缩减", "削减", "压减", "减", "降",
               "节约", "节省", "下滑", "回落")
CHANGE_UP = ("提升", "提高", "增长", "增加", "上升", "增幅", "增速", "扩大", "攀升", "同比")
# Words that make a clause a plan or a requirement rather than a result.
# (not 争取: "争取上级资金500万元" reports money obtained; not a bare 拟, which is in 模拟)
PLAN_WORDS = ("力争", "计划于", "拟于", "目标是", "预期目标")
# Before a number: ranks, ordinals and deadlines, not quantities.
REJECT_BEFORE = ("第", "前", "排名", "位居", "位列", "电话", "热线", "传真", "邮编", "编号", "代码")
LEADING_FILLERS = re.compile(
    r"^(?:其中|另外|此外|同时|目前|截至目前|截至|今年以来|全年|年内|当年|本年度|"
    r"全区|全市|全县|全镇|全省|全旗|共计|共有|现有|共|累计|合计|总计|先后|已经|已|均|并|还|"
    r"上半年|下半年|第[一二三四]季度|[一二三四]季度|[①-⑳]|\(\d{1,2}\)|（\d{1,2}）|\(|（|"
    r"\d{4}\s*年度?(?:以来)?|(?:\d{1,2}-)?\d{1,2}\s*月(?:份|底|末|中旬|上旬|下旬)?(?:以来)?|以来|和|及|与|、|\s)+"
)
TRAILING_FILLERS = re.compile(
    r"(?:均|都|分别|共计|共|累计|合计|总计|达到了|达到|达|为|是|(?<![签预合节制契条公履违特])约|"
    r"(?<![最附临就])近|超过|逾|不少于|至少|不足|不到|同比|比去年|比上年|较去年|较上年|了|有|\s)+$"
)
# People and organizations counted without a measure word: 600余科级干部 → 名.
PERSON_NOUN = re.compile(r"^\s*(?:名|位)?[\u4e00-\u9fff]{0,6}?(干部|人员|学生|群众|家长|职工|律师|党员|代表|委员|人)")
ORG_NOUN = re.compile(r"^\s*[\u4e00-\u9fff]{0,4}?(企业|商户|单位|商家|机构)")
VIEW_WORDS = ("阅读量", "播放量", "浏览量", "点击量", "访问量", "观看量", "转发量", "关注量")


@cache
def not_indicator_phrases() -> tuple[str, ...]:
    """Names and slogans that contain numerals (seeds/not_indicators.csv, one per row)."""
    path = SEEDS / "not_indicators.csv"
    if not path.exists():
        return ()
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return tuple(sorted({r.split(",")[0].strip() for r in rows if r.strip()}, key=len, reverse=True))


@dataclass(frozen=True)
class Found:
    """An indicator in normalized-text coordinates, before it becomes a `Mention`."""

    start: int
    end: int
    raw_value: str
    raw_unit: str
    multiplier: int
    value: float
    unit: str
    qualifier: str
    kind: str
    metric_text: str
    sentence: Sentence


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Short quoted names (“三联办”, 《…》): numbers inside them are part of a name."""
    pattern = r"“[^”]{1,16}”|\"[^\"]{1,16}\"|《[^》]*》|「[^」]{1,16}」"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _clause_start(text: str, pos: int) -> int:
    for i in range(pos - 1, -1, -1):
        if text[i] in CLAUSE_DELIMS:
            return i + 1
    return 0


def _clause_end(text: str, pos: int) -> int:
    for i in range(pos, len(text)):
        if text[i] in CLAUSE_DELIMS:
            return i
    return len(text)


# Words that end in a qualifier character without being one (签约 is not "about").
QUALIFIER_LOOKALIKES = ("签约", "预约", "合约", "节约", "制约", "契约", "条约", "公约", "履约", "违约",
                        "特约", "最近", "附近", "临近", "就近", "赶超")


def _qualifier(q: Quantity, before: str, after: str, clause_prefix: str) -> str:
    tail = re.sub(r"(?:达到|达|为)?\s*$", "", before)
    for word, qual in PREFIX_QUALIFIERS:
        if tail.endswith(word) and not tail.endswith(QUALIFIER_LOOKALIKES):
            return qual
    if q.over:
        return "over"
    for word, qual in SUFFIX_QUALIFIERS:
        if after.startswith(word) and not (word in ("多", "余") and q.approx):
            return qual
    if q.approx or "预计" in clause_prefix or "左右" in after[:3]:
        return "approx"
    return "exact"


def _kind_and_sign(q: Quantity, clause_prefix: str, before: str) -> tuple[str, int]:
    family = q.family
    tail = before.rstrip()
    if family == "money":
        return "amount", 1
    if family == "ratio":  # 3倍: a multiple is a change when something grew by it
        return ("change", 1) if any(w in clause_prefix for w in CHANGE_UP) else ("ratio", 1)
    down = any(w in clause_prefix for w in CHANGE_DOWN if len(w) > 1)
    up = any(w in clause_prefix for w in CHANGE_UP)
    if re.search(r"(压缩|缩短|减少|降低|下降|降|减|提高|提升|增加|增长|上升)(至|到)\s*$", tail):
        return "change", 1  # "压缩至2个工作日", "下降到4.1%": the level reached, reported as a change
    if family == "percent":
        if q.unit == "个百分点" or down or up or re.search(r"(比|较)(去年|上年|上一年|同期)", clause_prefix):
            return "change", (-1 if down else 1)
        return "ratio", 1
    if down and not re.search(r"(至|到)\s*$", tail):
        return "change", -1
    if family == "duration":
        return "duration", 1
    return "count", 1


def _infer_unit(q: Quantity, clause_prefix: str, after: str) -> str | None:
    """The unit of a number written without a measure word, or None when it is not a quantity."""
    if q.unit:
        return q.unit
    if q.multiplier and any(w in clause_prefix for w in VIEW_WORDS):
        return "次"  # 阅读量1.5万 → 15,000 views
    if q.approx or q.multiplier:
        if PERSON_NOUN.match(after):
            return "名"
        if ORG_NOUN.match(after):
            return "家"
    return None


FROM_VALUE = re.compile(r"[由从][^由从，,]*?(?=(?:压缩|缩短|减少|降低|下降|提高|提升|增加|增长|上升)?[至到]\s*$)")


YEAR_IN_TEXT = re.compile(r"(?:比|较|与)?(?:19|20)\d{2}\s*年度?(?:同期)?")


def _clean_metric(text: str) -> str:
    text = text.replace("**", "").replace("__", "")  # markdown emphasis is not part of the words
    text = FROM_VALUE.sub("", text.strip())  # 时限由15个工作日压缩至 → 时限压缩至
    text = YEAR_IN_TEXT.sub("", text)  # 组织开展2021年度…培训: the year is a dimension, not the metric
    text = LEADING_FILLERS.sub("", text)
    text = TRAILING_FILLERS.sub("", text)
    return text.lstrip(" 、和及与的").rstrip(" 、和及的")  # a trailing 与 is 参与/给与, not a conjunction


AFTER_NUMBER = re.compile(r"^\s*(?:以上|左右|之多|余|多)?")
# Where the noun after a number ends: a list, another number, or a preposition that starts what is done to it.
AFTER_CUT = re.compile(  # not inside “…”; 和/与/及 only where they join, not in 和谐, 参与, 及时
    r"(?:[、\d]|和(?!谐)|(?<![参给授赋])与|及(?!时))(?![^“”]*”)|(?<=..)(?:为|对|向|在|将|均|全部)")
MAX_AFTER = 24


def _metric_text(sent: str, q: Quantity, q_start: int, clause_start: int, prev_end: int) -> str:
    start = max(clause_start, prev_end)
    raw_before = sent[start:q_start]
    if prev_end > clause_start and raw_before.rstrip().endswith(("、", "和", "及", "与")):
        # "2 个重大行政决策、7 个规范性文件": the words before belong to the previous number
        raw_before = ""
    before = _clean_metric(raw_before)
    # Chinese puts the counted noun after a number that opens its phrase ("选聘 10 位律师担任…",
    # "组织全市24个执法部门…") and before a number that closes it ("承接省级权力事项 47 项，").
    after = AFTER_NUMBER.sub("", sent[q.end:_clause_end(sent, q.end)])
    noun = _clean_metric(AFTER_CUT.split(after)[0])[:MAX_AFTER] if after[:1] > "\u4dff" or after[:1] in "“《" else ""
    if noun and len(noun) >= 2:
        return f"{before}{noun}"
    if len(before) >= 2:
        return before
    text = (before + _clean_metric(re.split(r"[、\d]", after)[0])).strip()
    # "来区访213起646人次": the second number counts the same thing as the first
    return text or _clean_metric(re.sub(r"[\d.]+\S?", "", sent[clause_start:q_start]))


def _rate_names(prefix: str) -> list[str]:
    """Names of rates sharing one number: 报备及时率和规范率均为100% → [报备及时率, 规范率]."""
    cleaned = TRAILING_FILLERS.sub("", prefix)
    pieces = [p.strip() for p in re.split(r"[、和与]|及(?!时)", cleaned) if p.strip()]
    names = [p for p in pieces if p.endswith("率")]
    return names if len(names) >= 2 and pieces[-1].endswith("率") else []


def _is_rejected(sent: str, q: Quantity, before: str, after: str, quoted: list[tuple[int, int]]) -> bool:
    tail = before.rstrip()
    if any(s <= q.start and q.end <= e for s, e in quoted):
        return True
    if tail.endswith(REJECT_BEFORE) or re.search(r"(第|前)\s*$", tail):
        return True
    # 5G, G20, 1+2+N, 2022-01-19, 09:18, 3.2.1 section numbers
    if re.search(r"[A-Za-z+\-/#.:]$", before) or re.match(r"[A-Za-z+/#:\-]", after):
        return True
    if q.chinese:
        if q.raw_value in ("一", "半") or not q.unit:
            return True  # 一批, 一次办好: a bare 一 is almost always part of a phrase
        if re.search(r"[数几若]$", before):
            return True  # 数十人, 几百家, 若干: vague quantities with no number
        # 三个一, 四个100%, 两个“…”: a numbered slogan
        if re.match(r"[\d零〇一二两三四五六七八九十“\"]", after):
            return True
    if q.raw_unit.endswith("成") and not (q.chinese and q.value <= 100):
        return True  # 成 is a tenth only after a Chinese digit: 五成
    if q.unit == "%" and re.search(r"[一二三四五六七八九十两]个\s*$", tail):
        return True  # 四个100%
    window = sent[max(0, q.start - 6): q.end + 6]
    if any(p in window for p in not_indicator_phrases()):
        return True
    clause_prefix = sent[_clause_start(sent, q.start):q.start]
    return any(w in clause_prefix for w in PLAN_WORDS)


def _range_lower(sent: str, qs: list[Quantity], i: int) -> Quantity | None:
    """The lower bound of a range written "3-5个" / "三至五个", when qs[i] is its upper bound."""
    if i == 0:
        return None
    prev = qs[i - 1]
    between = sent[prev.end:qs[i].start]
    if prev.unit == "" and between.strip() in RANGE_MARKS:
        return prev
    return None


def find_in_sentence(sent: Sentence) -> list[Found]:
    text = sent.text
    qs = find_quantities(text)
    quoted = _quoted_spans(text)
    found: list[Found] = []
    prev_end = 0
    # the lower bound of a range "3-5个" is read with its upper bound
    lowers = [_range_lower(text, qs, i) for i in range(len(qs))]
    range_lowers = {i - 1 for i, lower in enumerate(lowers) if lower is not None}
    for i, q in enumerate(qs):
        if i in range_lowers:
            continue
        lower = lowers[i]
        start = lower.start if lower else q.start
        # Every rule reads only the end of what precedes the number: a window keeps them O(1).
        before, after = text[max(0, start - 24):start], text[q.end:q.end + 40]
        if _is_rejected(text, q, before, after, quoted):
            continue
        unit = _infer_unit(q, text[_clause_start(text, start):start], after)
        if unit is None:
            continue
        # 由20个工作日压缩至2个工作日: the starting point is not a result
        if re.search(r"[由从]\s*$", before) and re.match(r"[^，,；;。]*?(至|到)", after):
            continue
        c_start = _clause_start(text, start)
        clause_prefix = text[c_start:start]
        qualifier = "at_least" if lower else _qualifier(q, before, after, clause_prefix)
        kind, sign = _kind_and_sign(q, clause_prefix, before)
        value = (lower.value if lower else q.value) * sign
        metric = _metric_text(text, q, start, c_start, prev_end if prev_end > c_start else c_start)
        base = Found(start, q.end, q.raw_value if not lower else text[start:q.start] + q.raw_value,
                     q.raw_unit, q.multiplier, value, unit, qualifier, kind, metric, sent)
        found.extend(_expand_shared(base, clause_prefix, found))
        prev_end = q.end
    return found


def _expand_shared(base: Found, clause_prefix: str, earlier: list[Found]) -> list[Found]:
    """One number shared by several things is several indicators (报备及时率和规范率均为100%)."""
    if base.kind not in ("ratio", "change") or base.unit != "%":
        return [base]
    names = _rate_names(clause_prefix)
    if names:
        return [replace(base, metric_text=n) for n in names]
    if re.search(r"(均|都)\s*(为|达到|达|是)?\s*$", clause_prefix):
        # 均 says "each of them": the subjects are the things counted just before.
        same_sentence = [f for f in earlier if f.sentence is base.sentence and f.kind == "count"]
        subjects = [f.metric_text for f in same_sentence[-3:]] if len(same_sentence) >= 2 else []
        if len(subjects) >= 2:
            return [replace(base, metric_text=f"{s}{base.metric_text}") for s in subjects]
        return [replace(base, metric_text=f"{base.metric_text}（{k}）") for k in (1, 2)]
    return [base]


def find_indicators(text: str) -> tuple[NormalizedText, list[Found]]:
    """All indicators of a report's text, in normalized coordinates."""
    norm = normalize(text)
    result: list[Found] = []
    for sent in sentences(norm):
        if sent.in_plan or sent.boilerplate:
            continue
        for f in find_in_sentence(sent):
            result.append(replace(f, start=f.start + sent.start, end=f.end + sent.start))
    return norm, result
