"""Which quantities in a report are indicators, and what each one counts.

The rules follow the annotation guidelines (tests/gold/GUIDELINES.md): a number
with what it counts is an indicator unless it is a date, a document number, an
ordinal, part of a name or slogan, a phone number, page chrome, or part of the
plan for the coming year. Each rule is written from how Chinese official prose
works, not from particular sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pipelines.extract.quantities import BARE_MAGNITUDES, NUMBER_START, RANGE_MARKS, Quantity, find_quantities
from pipelines.extract.tables import Table, find_tables, row_facts
from pipelines.extract.text import NormalizedText, Sentence, normalize, sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

CLAUSE_DELIMS = "，,；;：:。！？!?\n"
# Qualifier words before a number, longest first within each group.
PREFIX_QUALIFIERS: list[tuple[str, str]] = [
    ("不超过", "under"), ("不高于", "under"), ("不多于", "under"),  # (before 超过, 高于, 多于: at most)
    ("不少于", "at_least"), ("不低于", "at_least"), ("至少", "at_least"),
    ("超过", "over"), ("多于", "over"), ("高于", "over"), ("突破", "over"), ("逾", "over"), ("超", "over"),
    ("不足", "under"), ("不到", "under"), ("少于", "under"), ("低于", "under"), ("将近", "under"),
    ("接近", "under"), ("近", "under"),
    ("大约", "approx"), ("约", "approx"),
]
SUFFIX_QUALIFIERS: list[tuple[str, str]] = [
    ("以上", "over"), ("之多", "over"), ("多", "approx"), ("余", "approx"),
    ("左右", "approx"), ("上下", "approx"), ("以下", "under"), ("以内", "under"),
]
CHANGE_DOWN = ("下降", "减少", "降低", "压缩", "精减", "精简", "缩短", "缩减", "削减", "压减", "减", "降",
               "节约", "节省", "下滑", "回落", "取消")
CHANGE_UP = ("提升", "提高", "增长", "增加", "上升", "增幅", "增速", "扩大", "攀升", "同比")
# Words that make a clause a plan or a requirement rather than a result.
# (not 争取: "争取上级资金500万元" reports money obtained; not a bare 拟, which is in 模拟)
PLAN_WORDS = ("力争", "计划于", "拟于", "目标是", "预期目标", "计划开展", "计划新建", "计划完成", "计划组织", "计划实现")
# Before a number: ranks, ordinals and deadlines, not quantities.
REJECT_BEFORE = ("第", "前", "排名", "位居", "位列", "传真", "邮编", "编号", "代码", "每")  # 每3个月: a period
# A number right after these is a phone number or a hotline unless it counts something (接听电话4.2万个).
CONTACT_BEFORE = ("电话", "热线")
# 和, 及, 与 where they join two things, not the first character of 和解, 及时, 与会 …
_JOINER = "和(?![解谐睦])|及(?![时格])|与(?![会论])"
LEADING_FILLERS = re.compile(
    r"^(?:其中|另外|此外|同时|目前|截至目前|截至|今年以来|全年|年内|当年|本年度|"
    r"全区|全市|全县|全镇|全省|全旗|共计|共有|现有|共|累计|合计|总计|先后|已经|已|均|并|还|"
    r"上半年|下半年|第[一二三四]季度|[一二三四]季度|[①-⑳]|\(\d{1,2}\)|（\d{1,2}）|\(|（|"
    r"\d{4}\s*年度?(?:以来)?|(?:\d{1,2}-)?\d{1,2}\s*月(?:\d{1,2}\s*[日号])?(?:份|底|末|中旬|上旬|下旬)?(?:以来)?|以来|" + _JOINER + r"|、|\s)+"
)
# Words between what a number counts and the number: "办理案件共计", "满意率达到了".
TRAILING_FILLER_WORDS = ("均", "都", "分别", "共计", "共", "累计", "合计", "总计", "达到了", "达到", "达", "为", "是",
                         "约", "近", "不超过", "超过", "逾", "不少于", "至少", "不足", "不到", "同比", "比去年", "比上年",
                         "较去年", "较上年", "了", "有", "保持在", "稳定在", "维持在")
# ... but not the 约 of 签约, 预约 … nor the 近 of 最近, 附近 …
_FILLER_NOT_AFTER = {"约": "签预合节制契条公履违特", "近": "最附临就"}
TRAILING_FILLERS = re.compile(
    "(?:" + "|".join(f"(?<![{_FILLER_NOT_AFTER[w]}]){w}" if w in _FILLER_NOT_AFTER else w
                     for w in TRAILING_FILLER_WORDS) + r"|\s)+$")
# A trailing filler ends the text, so a text that does not end in one of these characters has none.
_FILLER_LAST_CHARS = frozenset(w[-1] for w in TRAILING_FILLER_WORDS)
# People and organizations counted without a measure word: 600余科级干部 → 名.
PERSON_NOUN = re.compile(r"^\s*(?:名|位)?[\u4e00-\u9fff]{0,6}?(干部|人员|学生|群众|家长|职工|律师|党员|代表|委员|人)")
ORG_NOUN = re.compile(r"^\s*[\u4e00-\u9fff]{0,4}?(企业|商户|单位|商家|机构)")
VIEW_WORDS = ("阅读量", "播放量", "浏览量", "点击量", "访问量", "观看量", "转发量", "关注量")


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds any of `words`: one C scan instead of a Python `in` test per word."""
    return re.compile("|".join(map(re.escape, words)))


PLAN_RE = _any_of(PLAN_WORDS)
CHANGE_UP_RE = _any_of(CHANGE_UP)
# (a bare 减/降 is in too many words; 取消调整…27项, 取消和下放…47项 count the items cancelled or
# adjusted, cancelled or devolved)
CHANGE_DOWN_RE = re.compile("|".join(re.escape(w) + ("(?![和、及]?(?:调整|下放))" if w == "取消" else "")
                                     for w in CHANGE_DOWN if len(w) > 1))
# A list item with a verb of its own does not share the change verb of the items before it:
# 其中取消11项、下放7项、合并9项 (but 精简材料326份、办理环节148个: both cut).
OWN_ACTION_RE = re.compile(r"下放|合并|保留|承接|新增|调整|划转|整合|委托|延伸|赋予")
COMPARED_RE = re.compile(r"(比|较)(去年|上年|上一年|同期|(?:19|20)\d{2}\s*年)")
# Verbs right before a number that make it the change itself when the clause compares (较上年增加47人).
GREW_BY = ("增加", "增长", "增加了", "增长了", "多", "上升", "提高", "提升", "提高了", "提升了")
SHRANK_BY = ("减少", "下降", "降低", "减少了", "下降了", "降低了", "少", "节约", "节省")
# 取消审批、审批改备案…共106项: the total of a list; 精简率34.9%: a rate named after a change.
LIST_TOTAL_RE = re.compile(r"、[^，,；;。]*(?:共|合计|共计|总计|累计)\s*$")
RATE_BEFORE_RE = re.compile(r"率\s*(?:为|达到|达|是)?\s*$")
VIEW_RE = _any_of(VIEW_WORDS)
# "压缩至2个工作日", "下降到4.1%", "精简为8支": a change verb and 至/到/为 just before the number.
REACHED_BEFORE = tuple(f"{verb}{to}" for verb in ("压缩", "缩短", "减少", "降低", "下降", "降", "减", "提高", "提升",
                                                   "增加", "增长", "上升", "精简", "精减", "压减", "缩减", "削减")
                       for to in "至到为")
_LIST_JOINERS = ("、", "和", "及", "与")
REACHED_LIST_RE = re.compile("(?:" + "|".join(REACHED_BEFORE) + r")(?:\s*[\d.]+\s*[^\s\d，,；;。、和及与]{0,5}\s*[、和及与])+$")
# Before or after a number, part of a code or a name: 5G, G20, 1+2+N, 2022-01-19, 09:18, 3.2.1 section numbers.
SYMBOLS_BEFORE = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-/#.:×*")
SYMBOLS_AFTER = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/#:-×*")
# A time that names a programme or a service, not a result: 15分钟公共法律服务圈, 半小时政务服务圈,
# 24小时自助服务区, 24小时不打烊, 24小时政务服务自助终端.
PROGRAMME_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,10}?圈|[\u4e00-\u9fff]{0,6}?(?:自助|不打烊|在线|值守|值班|全天候|服务热线|服务区|热线)")
# Rankings (排名前移3位), thresholds of a category (过亿元项目), a duration in a rate's name (30日内办结率).
RANK_RE = re.compile(r"排名|排位|位次|名次|前移|后移|跻身|位列")
THRESHOLD_AFTER_RE = re.compile(r"\s*(?:以上|以下)?(?:的)?(?:重大)?(?:项目|企业|工程)")
RATE_NAME_AFTER_RE = re.compile(r"\s*(?:以内|内)?[\u4e00-\u9fff]{0,8}?率")
# A clause that sets a rule rather than reports a result (规定 opening a clause is the verb: 规定分值
# 占比不低于5%; not the noun of 违反防疫规定案件46起).
REQUIREMENT_RE = re.compile(r"必须|应当|须在|须于|要求(?:各|每)|(?<![^，,；;：:])规定(?![时期的])|每[一二两三四五六七八九十\d]*个?(?:日|天|周|星期|月|季度|季|年|半年)至少|一般(?:不少于|不超过|不得|应)|原则上|"
                            r"之日起(?!平均|实际)")  # 在作出之日起7个工作日内公开: the rule's time limit
# 期限一般不少于30日的规定, 30日内报送备案的规定: the number is what a rule says, not a result
RULE_AFTER_RE = re.compile(r"[^，,；;。！？\d]{0,12}?的(?:规定|要求|时限|标准)")
THRESHOLD_WORDS = ("少于", "不足", "低于", "不到", "超过", "高于", "多于")
COUNTED_PLACES_RE = re.compile(rf"有\d+个[^，,；;。\d]{{1,16}}?(?:{'|'.join(THRESHOLD_WORDS)})$")
BACK_REFERENCE_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:占|均|合计|共计|总计)")
BACK_REFERENCE_BEFORE_RE = re.compile(r"\s*(?:上述|以上|前述|这|该)?")  # (fullmatch: the numeral opens its clause)
SESSION_BEFORE_RE = re.compile(r"届[\u4e00-\u9fff]{0,4}$")
NUMERAL_AFTER_RE = re.compile(r"[\d零〇一二两三四五六七八九十“\"]")
NUMBERED_SLOGAN_BEFORE = tuple(f"{n}个" for n in "一二三四五六七八九十两")  # 四个100%
YEAR_OF_RE = re.compile(r"(?:19|20)\d{2}\s*年(?:度|底|初|末)?的?$")  # "2021年的" before a number
# 由20个…, 由法定24.1个…, 由原来的33个…: the starting point of a change (a few words may stand between)
FROM_BEFORE_RE = re.compile(r"[由从](?:(?:19|20)\d{2}\s*年(?:度|底|初|末)?)?[^，,；;。\d]{0,4}$")  # 由2020年的8.3%
FROM_TO_AFTER_RE = re.compile(r"[^，,；;。]*?(至|到|(?:压缩|缩短|减少|降低|下降|精简|精减|压减|缩减|削减|提高|提升|增加|增长|上升)为)")
CLAUSE_DELIM_RE = re.compile(f"[{re.escape(CLAUSE_DELIMS)}]")
QUOTED_RE = re.compile(r"“[^”]{1,16}”|\"[^\"]{1,16}\"|《[^》]*》|「[^」]{1,16}」")
QUOTE_OPENER_RE = re.compile(r"[“\"《「]")  # what every QUOTED_RE alternative starts with
PREFIX_WORDS = tuple(w for w, _ in PREFIX_QUALIFIERS)
SUFFIX_WORDS = tuple(w for w, _ in SUFFIX_QUALIFIERS)
SHARED_BY_ALL_RE = re.compile(r"(均|都)\s*(为|达到|达|是|保持在|稳定在|维持在)?\s*$")  # 均为100%: "each of them"
RATE_JOINERS_RE = re.compile(r"[、与]|和(?![解谐])|及(?!时)")  # (和解率 is one name)
LIST_OR_DIGIT_RE = re.compile(r"[、\d]")
NUMBER_WITH_MARK_RE = re.compile(r"[\d.]+\S?")


@cache
def not_indicator_phrases() -> tuple[str, ...]:
    """Names and slogans that contain numerals (seeds/not_indicators.csv, one per row)."""
    path = SEEDS / "not_indicators.csv"
    if not path.exists():
        return ()
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return tuple(sorted({r.split(",")[0].strip() for r in rows if r.strip()}, key=len, reverse=True))


@cache
def _not_indicator_re() -> re.Pattern[str]:
    return _any_of(not_indicator_phrases()) if not_indicator_phrases() else re.compile("(?!)")


class Found(NamedTuple):
    """An indicator in normalized-text coordinates, before it becomes a `Mention`.

    A named tuple: cheap to make, and `_replace` gives the copies of a shared number.
    """

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
    if QUOTE_OPENER_RE.search(text) is None:
        return []  # most sentences quote nothing
    return [(m.start(), m.end()) for m in QUOTED_RE.finditer(text)]


class _Clauses:
    """Where the clauses of a sentence begin and end (between CLAUSE_DELIMS), from one scan for
    the delimiters: every rule that reads "the clause before the number" asks this."""

    __slots__ = ("_delims", "_len")

    def __init__(self, text: str) -> None:
        self._delims = [m.start() for m in CLAUSE_DELIM_RE.finditer(text)]
        self._len = len(text)

    def start(self, pos: int) -> int:
        """Just after the last delimiter before pos (0 if none)."""
        k = bisect_left(self._delims, pos)
        return self._delims[k - 1] + 1 if k else 0

    def end(self, pos: int) -> int:
        """The first delimiter at or after pos (the text's end if none)."""
        k = bisect_left(self._delims, pos)
        return self._delims[k] if k < len(self._delims) else self._len


# Words that end in a qualifier character without being one (签约 is not "about").
QUALIFIER_LOOKALIKES = ("签约", "预约", "合约", "节约", "制约", "契约", "条约", "公约", "履约", "违约",
                        "特约", "最近", "附近", "临近", "就近", "赶超")


def _without_reached(tail: str) -> str:
    """The words before a number without a final 达到/达/为 ("超过 … 达" → "超过 …")."""
    if tail.endswith("达到"):
        return tail[:-2]
    return tail[:-1] if tail.endswith(("达", "为")) else tail


def _qualifier(q: Quantity, tail: str, after: str, clause_prefix: str) -> str:
    """How the number is qualified; `tail` is the text before it without trailing spaces."""
    words = _without_reached(tail)
    if words.endswith(PREFIX_WORDS) and not words.endswith(QUALIFIER_LOOKALIKES):
        for word, qual in PREFIX_QUALIFIERS:  # the first in list order, as written there
            if words.endswith(word):
                return qual
    if q.over:
        return "over"
    after = after.lstrip(" \u3000")  # "达 96% 以上": a space before the suffix changes nothing
    if q.family == "duration" and after.startswith("内"):
        return "under"  # 控制在50个工作日内: within
    if after.startswith(SUFFIX_WORDS):
        for word, qual in SUFFIX_QUALIFIERS:
            if after.startswith(word) and not (word in ("多", "余") and q.approx):
                return qual
    if q.approx or "预计" in clause_prefix or "左右" in after[:3]:
        return "approx"
    return "exact"


# A bare 减/降 opening what a percentage measures: 平均减材料58%、减时间71% (a cut by that share).
_BARE_CUT_RE = re.compile(r"(?:^|[、\d%]|平均)[减降](?![少低免])[\u4e00-\u9fff]{1,6}$")


def _kind_and_sign(q: Quantity, clause_prefix: str, tail: str, item: str) -> tuple[str, int]:
    """`item`: the words since the number before in the clause (the clause prefix if none)."""
    family = q.family
    compared = COMPARED_RE.search(clause_prefix) is not None or "同比" in clause_prefix
    if family == "money":
        if compared and tail.endswith(SHRANK_BY):
            return "change", -1  # 较上年减少38.6万元
        if compared and tail.endswith(GREW_BY):
            return "change", 1
        return "amount", 1
    if family == "ratio":  # 3倍: a multiple is a change when something grew by it
        return ("change", 1) if CHANGE_UP_RE.search(clause_prefix) else ("ratio", 1)
    verbs = item if item is not clause_prefix and OWN_ACTION_RE.search(item) else clause_prefix
    down = CHANGE_DOWN_RE.search(verbs) is not None
    up = CHANGE_UP_RE.search(verbs) is not None
    if LIST_TOTAL_RE.search(tail) or RATE_BEFORE_RE.search(tail):
        # "取消审批、审批改备案、实行告知承诺事项共106项": the total of a list, whatever its first verb;
        # "精简率34.9%": a rate named after a change is a rate
        down = up = False
    elif family == "percent" and _BARE_CUT_RE.search(clause_prefix):
        down = True
    reached = tail  # (each test below is one C call first: this runs for every number)
    if reached.endswith(("的", "年", "度", "底", "初", "末")):
        reached = YEAR_OF_RE.sub("", reached)  # 压缩至2021年的8个工作日
    if reached.endswith(PREFIX_WORDS):  # 压缩至不足40天: a qualifier may stand between 至 and the number
        word = next(w for w in PREFIX_WORDS if reached.endswith(w))
        reached = reached[:-len(word)].rstrip()
    if reached.endswith(REACHED_BEFORE) or (reached.endswith(_LIST_JOINERS) and REACHED_LIST_RE.search(reached)):
        # "压缩至2个工作日", "下降到4.1%", "精简为8支": the number is the level reached, not the change
        # (the change would be the difference): it is what its unit measures. So is each level of a
        # list of them: 分别压缩至3个工作日和1个工作日.
        return {"percent": "ratio", "duration": "duration"}.get(family, "count"), 1
    if family == "percent":
        if q.unit == "个百分点" or down or up or COMPARED_RE.search(clause_prefix):
            return "change", (-1 if down else 1)
        return "ratio", 1
    if down and not reached.endswith(("至", "到")):
        return "change", -1
    if family == "count" and "净增" in clause_prefix:
        return "change", 1  # 净增2,913户: a net increase is a change, unlike 新增 (the new ones, counted)
    if family == "count" and tail.endswith(GREW_BY) and compared:
        return "change", 1  # 较上年增加47人: the growth, not the level
    if family == "duration":
        return "duration", 1
    return "count", 1


def _infer_unit(q: Quantity, clause_prefix: str, after: str) -> str | None:
    """The unit of a number written without a measure word, or None when it is not a quantity."""
    if q.unit:
        return q.unit
    magnitude = q.multiplier or (q.chinese and q.raw_value in BARE_MAGNITUDES)  # 1.5万, 逾千万
    if magnitude and VIEW_RE.search(clause_prefix):
        return "次"  # 阅读量1.5万 → 15,000 views
    if q.approx or magnitude:
        if PERSON_NOUN.match(after):
            return "名"
        if ORG_NOUN.match(after):
            return "家"
    return None


FROM_VALUE = re.compile(r"[由从][^由从，,]*?(?=(?:(?:压缩|缩短|减少|降低|下降|提高|提升|增加|增长|上升)?[至到]|"
                        r"(?:压缩|缩短|减少|降低|下降|精简|精减|压减|缩减|削减|提高|提升|增加|增长|上升)为)\s*$)")


YEAR_IN_TEXT = re.compile(r"(?:比|较|与)?(?:19|20)\d{2}\s*年度?(?:同期)?")


def _without_trailing_fillers(text: str) -> str:
    """TRAILING_FILLERS.sub("", text), without the regex's scan from every position when the
    last character rules a filler out."""
    if text and (text[-1] in _FILLER_LAST_CHARS or text[-1].isspace()):
        return TRAILING_FILLERS.sub("", text)
    return text


def _clean_metric(text: str) -> str:
    if not text:
        return text
    text = text.replace("**", "").replace("__", "")  # markdown emphasis is not part of the words
    # 时限由15个工作日压缩至(不超过) → 时限压缩至 (a qualifier after 至 goes first)
    text = FROM_VALUE.sub("", _without_trailing_fillers(text.strip()))
    if "19" in text or "20" in text:  # (a year needs one of them: no scan of the others)
        text = YEAR_IN_TEXT.sub("", text)  # 组织开展2021年度…培训: the year is a dimension, not the metric
    if leading := LEADING_FILLERS.match(text):  # anchored at the start: one attempt, not a scan
        text = text[leading.end():]
    text = _without_trailing_fillers(text)
    if text[:1] in _EDGE_CHARS:
        text = _LEADING_JOINERS.sub("", text)
    if text[-1:] in _EDGE_CHARS:
        text = _TRAILING_JOINERS.sub("", text)
    return text


_EDGE_CHARS = frozenset(" 、和及与的")
_LEADING_JOINERS = re.compile(rf"^(?:[ 、的]|{_JOINER})+")
# … and at the end not the last character of 涉及, 以及, 普及, 总和 …; a trailing 与 is 参与/给与
_TRAILING_JOINERS = re.compile(r"(?:[ 、的]|(?<![总调缓平温共随柔])和|(?<![涉以普惠波危顾触累企论提推遍殃])及)+$")


AFTER_NUMBER = re.compile(r"^\s*(?:以上|左右|之多|余|多)?")
# Where the noun after a number ends: a list, another number, or a preposition that starts what is done to it.
AFTER_CUT = re.compile(  # not inside “…”; 和/与/及 only where they join, not in 和谐, 参与, 及时
    r"(?:[、\d]|和(?![解谐])|(?<![参给授赋])与|及(?!时))(?![^“”]*”)|(?<=..)(?:为|对|向|在|将|均|全部)")
MAX_AFTER = 24


def _up_to(pattern: re.Pattern[str], text: str) -> str:
    """text up to the first match of pattern (all of it if none): re.split(…)[0] without the split."""
    m = pattern.search(text)
    return text[:m.start()] if m else text


def _metric_text(sent: str, q: Quantity, q_start: int, clause_start: int, prev_end: int, clause_end: int) -> str:
    start = max(clause_start, prev_end)
    raw_before = sent[start:q_start]
    if prev_end > clause_start and raw_before.rstrip().endswith(("、", "和", "及", "与")):
        # "2 个重大行政决策、7 个规范性文件": the words before belong to the previous number
        raw_before = ""
    before = _clean_metric(raw_before)
    # Chinese puts the counted noun after a number that opens its phrase ("选聘 10 位律师担任…",
    # "组织全市24个执法部门…") and before a number that closes it ("承接省级权力事项 47 项，").
    after = sent[q.end:clause_end]
    opening = AFTER_NUMBER.match(after)  # (always matches: every part is optional)
    after = after[opening.end():] if opening else after
    noun = _clean_metric(_up_to(AFTER_CUT, after))[:MAX_AFTER] if after[:1] > "\u4dff" or after[:1] in "“《" else ""
    if noun and len(noun) >= 2:
        return f"{before}{noun}"
    if len(before) >= 2:
        return before
    text = (before + _clean_metric(_up_to(LIST_OR_DIGIT_RE, after))).strip()
    # "来区访213起646人次": the second number counts the same thing as the first
    return text or _clean_metric(NUMBER_WITH_MARK_RE.sub("", sent[clause_start:q_start]))


def _rate_names(prefix: str) -> list[str]:
    """Names of rates sharing one number: 报备及时率和规范率均为100% → [报备及时率, 规范率]."""
    cleaned = _without_trailing_fillers(prefix)
    pieces = [p.strip() for p in RATE_JOINERS_RE.split(cleaned) if p.strip()]
    names = [p for p in pieces if p.endswith("率")]
    return names if len(names) >= 2 and pieces[-1].endswith("率") else []


def _is_rejected(sent: str, q: Quantity, before: str, tail: str, after: str, quoted: list[tuple[int, int]],
                 clauses: _Clauses) -> bool:
    """`before`/`after`: the text just before and after the number; `tail`: `before` without trailing spaces."""
    if quoted and any(s <= q.start and q.end <= e for s, e in quoted):
        return True
    if tail.endswith(REJECT_BEFORE):  # ranks and ordinals: 第, 前 (also after spaces), 排名 …
        return True
    if tail.endswith(CONTACT_BEFORE) and not q.unit:
        return True
    if (q.unit in ("位", "位次", "名") and RANK_RE.search(sent, clauses.start(q.start), q.start)) or \
            after.startswith(("位次", "名次")):
        return True  # 排名较上年前移3位, 提升5个位次: a ranking
    if q.family == "money" and THRESHOLD_AFTER_RE.match(after):
        return True  # 投资过亿元项目18个: a category's threshold, not an amount
    if before.endswith(SYMBOLS_BEFORE) or after.startswith(SYMBOLS_AFTER):
        return True
    if q.family == "duration" and PROGRAMME_AFTER_RE.match(after):
        return True  # 15分钟公共法律服务圈: the name of a programme
    if q.unit == "次" and (SESSION_BEFORE_RE.search(tail) or after.startswith("全会")):
        return True  # 省委十三届二次全会, 区十六届人大二次会议: a session's number
    if q.family == "duration" and tail.endswith("后") and after.startswith("内"):
        return True  # 收到开庭传票后3日内报送: a deadline
    if q.family == "duration" and (RATE_NAME_AFTER_RE.match(after) or (q.unit == "日" and tail.endswith("月"))):
        return True  # 30日内办结率: part of a rate's name; 3月5日, 每月15日: a date
    if REQUIREMENT_RE.search(sent, clauses.start(q.start), q.start) or RULE_AFTER_RE.match(after):
        return True  # 每季度至少开展1次, 须在受理后7个工作日内: a rule, not a result
    if q.chinese:
        if (q.raw_value == "一" and q.unit not in ("%", "倍") and not _closes_count(q, tail, after)) or q.raw_value == "半" or \
                (not q.unit and not (q.raw_value in BARE_MAGNITUDES and tail.endswith(PREFIX_WORDS))):
            return True  # 一批, 一次办好: a bare 一 is almost always part of a phrase (一成, 一倍 are numbers)
        if before.endswith(("数", "几", "若")):
            return True  # 数十人, 几百家, 若干: vague quantities with no number
        # 三个一, 四个100%, 两个“…”: a numbered slogan
        if NUMERAL_AFTER_RE.match(after):
            return True
        # …事项清单312项、…清单846项，两类事项占…比例达到91.3%: the things just counted, named
        # again as the subject of a share or a total in the next clause, are no new count
        c_start = clauses.start(q.start)
        if c_start > 0 and BACK_REFERENCE_AFTER_RE.match(after) and BACK_REFERENCE_BEFORE_RE.fullmatch(
                sent, c_start, q.start):
            return True
    if q.raw_unit.endswith("成") and not (q.chinese and q.value <= 100):
        return True  # 成 is a tenth only after a Chinese digit: 五成
    if tail.endswith(THRESHOLD_WORDS) and COUNTED_PLACES_RE.search(sent, clauses.start(q.start), q.start):
        return True  # 仍有11个乡镇专职执法人员少于5名: the threshold of the places counted, not a count
    if q.unit == "%" and tail.endswith(NUMBERED_SLOGAN_BEFORE):
        return True  # 四个100%
    if any(m.start() < q.end and m.end() > q.start  # a name or slogan (seeds/not_indicators.csv) the number is in,
           for m in _not_indicator_re().finditer(sent, max(0, q.start - 6), q.end + 6)):
        return True  # not one beside it (细化为7个方面36项: 36项 is a count)
    return PLAN_RE.search(sent, clauses.start(q.start), q.start) is not None


_COUNT_CLOSERS = frozenset("，,；;。！？!?、")


def _closes_count(q: Quantity, tail: str, after: str) -> bool:
    """一 after what it counts, closing its clause: 召开听证会一场，… (not 一次办好, 一场硬仗; not 一批,
    which is vague, nor 发现一起、查处一起, a slogan: only measure words of single events and items)."""
    return (q.unit in _SINGLE_UNITS and after[:1] in _COUNT_CLOSERS and tail[-1:] > "\u4dff"
            and not tail.endswith(_NOT_COUNTED_BEFORE))


_SINGLE_UNITS = frozenset(("场", "次", "件", "项", "个", "名", "家", "期", "所", "处", "份", "部", "篇", "条", "宗", "例"))


# 一 after these is part of a phrase even when it ends a clause: 统一, 唯一, 之一, 第一, 逐一, 万一
_NOT_COUNTED_BEFORE = ("统", "唯", "之", "第", "逐", "万", "专", "合", "同", "单", "划", "归", "如")


def _range_lower(sent: str, qs: list[Quantity], i: int) -> Quantity | None:
    """The lower bound of a range written "3-5个" / "三至五个", when qs[i] is its upper bound."""
    if i == 0:
        return None
    prev = qs[i - 1]
    if prev.unit == "" and sent[prev.end:qs[i].start].strip() in RANGE_MARKS:
        return prev
    return None


# "按时办结率和群众满意率分别为99.6%和97.3%": names, then 分别, then as many numbers, paired in order.
RESPECTIVELY_RE = re.compile(r"分别(?:为|是|达到|达|有|占|增长|下降|提高|提升)?\s*$")
LIST_JOINERS = ("、", "和", "与", "及", "")
COUNTED_NAMES_RE = re.compile(r"(?<=.)[两二三四五六七八九十]+[率项类个]$")  # 受理率、办结率、满意率三率


def _respective_names(text: str, qs: list[Quantity], clauses: _Clauses) -> dict[int, str]:
    """For numbers listed after 分别, the name each one belongs to (by position): index → name."""
    out: dict[int, str] = {}
    i = 0
    while i < len(qs):
        c_start = clauses.start(qs[i].start)
        m = RESPECTIVELY_RE.search(text, c_start, qs[i].start)
        group = [i]
        while (group[-1] + 1 < len(qs) and clauses.start(qs[group[-1] + 1].start) == c_start
               and text[qs[group[-1]].end:qs[group[-1] + 1].start].strip() in LIST_JOINERS):
            group.append(group[-1] + 1)
        if m is not None:
            names = [_clean_metric(COUNTED_NAMES_RE.sub("", p.strip()))
                     for p in RATE_JOINERS_RE.split(text[c_start:m.start()]) if p.strip()]
            if len(names) == len(group) >= 2 and all(names):
                out.update(zip(group, names, strict=True))
        i = group[-1] + 1
    return out


def find_in_sentence(sent: Sentence) -> list[Found]:
    """The indicators of one sentence, in normalized-text coordinates."""
    text = sent.text
    qs = find_quantities(text)
    if not qs:
        return []
    quoted = _quoted_spans(text)
    clauses = _Clauses(text)
    found: list[Found] = []
    prev_end = 0
    # the lower bound of a range "3-5个" is read with its upper bound
    lowers = [_range_lower(text, qs, i) for i in range(len(qs))] if len(qs) > 1 else [None]
    range_lowers = {i - 1 for i, lower in enumerate(lowers) if lower is not None} if len(qs) > 1 else set()
    respective = _respective_names(text, qs, clauses) if len(qs) > 1 and "分别" in text else {}
    for i, q in enumerate(qs):
        if i in range_lowers:
            continue
        lower = lowers[i]
        start = lower.start if lower else q.start
        # Every rule reads only the end of what precedes the number: a window keeps them O(1).
        before, after = text[max(0, start - 24):start], text[q.end:q.end + 40]
        tail = before.rstrip()
        if _is_rejected(text, q, before, tail, after, quoted, clauses):
            continue
        c_start = clauses.start(start)
        clause_prefix = text[c_start:start]
        unit = _infer_unit(q, clause_prefix, after)
        if unit is None:
            continue
        # 由20个工作日压缩至2个工作日: the starting point is not a result
        if FROM_BEFORE_RE.search(tail) and FROM_TO_AFTER_RE.match(after):
            continue
        qualifier = "at_least" if lower else _qualifier(q, tail, after, clause_prefix)
        item = text[prev_end:start] if prev_end > c_start else clause_prefix
        kind, sign = _kind_and_sign(q, clause_prefix, tail, item)
        value = (lower.value if lower else q.value) * sign
        metric = _metric_text(text, q, start, c_start, prev_end if prev_end > c_start else c_start,
                              clauses.end(q.end))
        offset = sent.start
        base = Found(offset + start, offset + q.end,
                     q.raw_value if not lower else text[start:q.start] + q.raw_value,
                     q.raw_unit, q.multiplier, value, unit, qualifier, kind, metric, sent)
        if i in respective:
            found.append(base._replace(metric_text=respective[i]))
        elif kind in ("ratio", "change") and unit == "%":
            found.extend(_expand_shared(base, clause_prefix, found))
        else:
            found.append(base)
        prev_end = q.end
    return found


def _listed_subjects(clause_prefix: str) -> list[str]:
    """The rate of each subject of a list that ends in the rate's name (A、B、C配备率均为), one name each.

    The rate's name is what the last item holds beyond a subject as long as the one before it."""
    items = [p.strip() for p in _without_trailing_fillers(_clean_metric(clause_prefix)).split("、")]
    if len(items) < 2 or not items[-1].endswith("率") or not all(items) or any(
            len(p) > 10 or p.endswith("率") or LIST_OR_DIGIT_RE.search(p) for p in items[:-1]):
        return []
    last = items[-1]
    rate = last[len(items[-2]):] if len(last) - len(items[-2]) >= 2 else last
    return [f"{p}{rate}" for p in items[:-1]] + [last]


def _expand_shared(base: Found, clause_prefix: str, earlier: list[Found]) -> list[Found]:
    """One percentage shared by several things is several indicators (报备及时率和规范率均为100%)."""
    names = _rate_names(clause_prefix)
    if names:
        return [base._replace(metric_text=n) for n in names]
    if SHARED_BY_ALL_RE.search(clause_prefix):
        # 均 says "each of them": 市级部门、镇（街道）、村（社区）法律顾问配备率均为100% is one rate of
        # each place listed before it ...
        if listed := _listed_subjects(clause_prefix):
            return [base._replace(metric_text=m) for m in listed]
        # ... or the things counted just before.
        same_sentence = [f for f in earlier if f.sentence is base.sentence and f.kind == "count"]
        subjects = [f.metric_text for f in same_sentence[-3:]] if len(same_sentence) >= 2 else []
        if len(subjects) >= 2:
            return [base._replace(metric_text=f"{s}{base.metric_text}") for s in subjects]
        return [base._replace(metric_text=f"{base.metric_text}（{k}）") for k in (1, 2)]
    return [base]


def find_indicators(text: str, year: int | None = None) -> tuple[NormalizedText, list[Found]]:
    """All indicators of a report's text, in normalized coordinates (`year`: the year it covers)."""
    norm = normalize(text)
    result: list[Found] = []
    table_rows = find_tables(norm.text) if _MAY_HOLD_TABLE.search(norm.text) else {}
    for sent in sentences(norm, year):
        # (most sentences have no digit at all: one C scan says so before any Python work)
        if sent.in_plan or sent.boilerplate or not NUMBER_START.search(sent.text):
            continue
        if table_rows and (line_start := norm.text.rfind("\n", 0, sent.start) + 1) in table_rows:
            if sent.start == line_start or not norm.text[line_start:sent.start].strip():  # once per row
                result.extend(_table_found(norm.text, line_start, table_rows[line_start], sent))
            continue
        result.extend(find_in_sentence(sent))
    return norm, result


_MAY_HOLD_TABLE = re.compile(r"\||[ \u3000]{2,}\S|\t")


def _table_found(text: str, line_start: int, table: Table, sent: Sentence) -> list[Found]:
    line_end = text.find("\n", line_start)
    line = text[line_start:line_end if line_end != -1 else len(text)]
    return [Found(line_start + c.start, line_start + c.end, c.raw_value, c.raw_unit, c.multiplier, c.value, c.unit,
                  "exact", c.kind, c.metric_text, sent) for c in row_facts(line, table)]
