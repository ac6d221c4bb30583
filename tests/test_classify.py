"""Domain and metric of a mention, from the rules in seeds/."""

from __future__ import annotations

import csv
import json
import re
import typing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.records import Domain
from pipelines.extract.classify import Classifier

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DOMAINS = set(typing.get_args(Domain))
# A heading line: markdown '#', 一、, （一）, **一是…** (inline headings end at their first 。).
HEADING_RE = re.compile(r"^\s*(?:#{1,6}\s*|\*\*)?\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+是)")


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.from_seeds(SEEDS)


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- the seeds

def test_domains_are_the_ten_codes() -> None:
    rows = _rows("domains.csv")
    assert {r["code"] for r in rows} == DOMAINS
    assert all(r["name_zh"] and r["name_en"] and r["description"] for r in rows)


def test_metric_seeds_are_consistent() -> None:
    metrics = _rows("metrics.csv")
    codes = [m["code"] for m in metrics]
    assert len(codes) == len(set(codes))
    assert {m["domain"] for m in metrics} <= DOMAINS
    assert {r["metric"] for r in _rows("metric_rules.csv")} <= set(codes)
    assert {r["domain"] for r in _rows("domain_keywords.csv")} <= DOMAINS
    # the starter catalog's codes are kept (a few of them, spelled out)
    for code in ("powers_devolved", "reconsideration_cases", "legal_aid", "court_appearance_rate",
                 "normative_docs_reviewed", "gov_info_disclosed", "digital_platforms"):
        assert code in codes


def test_every_metric_has_a_rule() -> None:
    ruled = {r["metric"] for r in _rows("metric_rules.csv")}
    assert [m["code"] for m in _rows("metrics.csv") if m["code"] not in ruled] == []


# --------------------------------------------------------------------------- real examples

EXAMPLES = [
    # metric_text, sentence, heading, unit, kind, domain, metric
    ("受理法律援助案件", "全年共受理法律援助案件102件。", "四是深入推进法律援助工作", "件", "count",
     "disputes", "legal_aid"),
    ("为困难群众减免法律服务费用", "为困难群众减免法律服务费用65万余元，挽回经济损失270余万元。",
     "四是深入推进法律援助工作", "元", "amount", "disputes", "legal_aid"),
    ("行政机关负责人出庭应诉率", "行政机关负责人出庭应诉率100%。", None, "%", "ratio",
     "disputes", "court_appearance_rate"),
    ("备案审查行政规范性文件", "今年以来，高新区共备案审查行政规范性文件11件。", "（三）推进科学民主决策", "件", "count",
     "rules", "normative_docs_reviewed"),
    ("召开新闻发布会", "召开新闻发布会7场。", "四是全面推进政务公开", "场", "count", "oversight", "press_conferences"),
    ("承接省级权力事项", "承接省级权力事项 47 项，市级权力事项 50 项。", "一是深入推进简政放权", "项", "count",
     "functions", "powers_devolved"),
    ("收到行政复议申请", "共收到行政复议申请 39 件，受理行政复议案件 27 件，已审结 25 件。", None, "件", "count",
     "disputes", "reconsideration_received"),
    ("受理行政复议案件", "共收到行政复议申请 39 件，受理行政复议案件 27 件，已审结 25 件。", None, "件", "count",
     "disputes", "reconsideration_accepted"),
    ("行政复议案件已审结", "共收到行政复议申请 39 件，受理行政复议案件 27 件，已审结 25 件。", None, "件", "count",
     "disputes", "reconsideration_concluded"),
    ("人民调解员", "全区各类调解组织123个、人民调解员381名。", None, "名", "count", "disputes", "mediators"),
    ("各类调解组织", "全区各类调解组织123个、人民调解员381名。", None, "个", "count", "disputes",
     "mediation_bodies"),
    ("调处成功率", "全年受理调处矛盾纠纷2430余件，调处成功率超过98%。", None, "%", "ratio", "disputes",
     "mediation_success_rate"),
    ("发放各类宣传资料", "开展精准普法57场次，发放各类宣传资料3万余份。", None, "份", "count", "education",
     "publicity_materials"),
    ("法治考试通过率", "参考率和通过率均达 100%。", None, "%", "ratio", "education", "law_exam_pass_rate"),
    ("参加培训的行政执法人员", "18个部门的170余名行政执法人员参加。", "（六）全面提升法治思维和依法行政能力",
     "名", "count", "education", "enforcement_training"),
    ("新申领执法证件", "新申领执法证件47人，注销证件46件。", "（三）健全行政执法体制机制", "人", "count",
     "enforcement", "enforcement_certificates"),
    ("注销执法证件", "新申领执法证件47人，注销证件46件。", "（三）健全行政执法体制机制", "件", "count",
     "enforcement", "enforcement_certificates_revoked"),
    ("办理免罚轻罚案件", "全市共办理免罚轻罚案件3545件。", None, "件", "count", "enforcement",
     "lenient_enforcement"),
    ("依法公开政务信息", "依法公开政务信息2000余条。", None, "条", "count", "oversight", "gov_info_disclosed"),
    ("提出审计建议", "查出问题27个，提出审计建议11条。", None, "条", "count", "oversight", "audit_recommendations"),
    ("配备专职网格员", "重新规置城乡网格396个，配备专职网格员250名。", "三是全面推动社会治理创新", "名", "count",
     "governance", "grid_workers"),
    ("扫黑除恶破获各类案件", "年内破获各类案件172起。", "（四）健全多元化矛盾纠纷化解机制", "起", "count",
     "governance", "public_security"),
    ("可网办事项率", "全区申请政务服务事项 1301 项，可网办事项率 100%。", "一是持续深化行政审批制度改革",
     "%", "ratio", "digital", "online_service_rate"),
    ("开展专题述法的镇街、部门班子成员", "全区 240 余名镇街、部门班子成员开展专题述法。", None, "名", "count",
     "leadership", "law_reporting"),
    ("法律顾问提供法律意见", "全区11名法律顾问提供法律意见188件。", None, "件", "count", "decisions",
     "legal_adviser_services"),
    ("减少证明材料", "减少证明材料66项。", None, "项", "change", "functions", "proof_items_cut"),
]


@pytest.mark.parametrize(("metric_text", "sentence", "heading", "unit", "kind", "domain", "metric"), EXAMPLES)
def test_real_examples(clf: Classifier, metric_text: str, sentence: str, heading: str | None, unit: str,
                       kind: str, domain: str, metric: str | None) -> None:
    assert clf.classify(metric_text, sentence, heading, unit, kind) == (domain, metric)


@pytest.mark.parametrize(("heading", "domain"), [
    ("（五）健全矛盾纠纷多元化解机制", "disputes"),
    ("（六）加强法治宣传教育培训", "education"),
    ("（一）依法全面履行政府职能", "functions"),
    ("（二）完善依法行政制度体系", "rules"),
    ("（三）全面落实重大行政决策制度", "decisions"),
    ("（三）健全行政执法体制机制", "enforcement"),
    ("（四）强化行政权力制约监督", "oversight"),
    ("（一）切实加强对法治建设的组织领导", "leadership"),
    ("二、党政主要负责人履行推进法治建设第一责任人职责情况", "leadership"),
])
def test_heading_decides_when_the_words_say_nothing(clf: Classifier, heading: str, domain: str) -> None:
    assert clf.classify("开展相关工作", "全年开展相关工作12次。", heading, "次", "count")[0] == domain


def test_kind_and_unit_gate_the_metric(clf: Classifier) -> None:
    # a rate is not a count of exam takers; a clean-up campaign in 次 is not documents cleaned
    assert clf.classify("参加法治考试人员比例", "", None, "%", "ratio")[1] is None
    assert clf.classify("开展行政规范性文件清理", "", None, "次", "count")[1] is None
    assert clf.classify("清理行政规范性文件", "", None, "件", "count")[1] == "normative_docs_cleaned"


def test_short_metric_text_is_read_with_its_clause(clf: Classifier) -> None:
    sentence = "全区 1228 名国家工作人员参加法治考试，参考率和通过率均达 100%。"
    assert clf.classify("全区", sentence, None, "名", "count") == ("education", "law_exams")


def test_context_rules_use_the_sentence(clf: Classifier) -> None:
    sentence = "共接收民生诉求 18.9 万件，办结 18.8 万件，办结满意率 99%。"
    assert clf.classify("办结", sentence, None, "件", "count") == ("disputes", "citizen_requests_closed")


def test_a_paragraph_as_sentence_uses_the_sentence_of_the_number(clf: Classifier) -> None:
    paragraph = ("健全矛盾纠纷多元化解机制，全市各级调解组织共化解矛盾纠纷3200余件。"
                 "深入开展扫黑除恶专项斗争，年内破获各类案件172起。")
    assert clf.classify("破获各类案件", paragraph, None, "起", "count") == ("governance", "public_security")


def test_unknown_wording_keeps_a_domain_and_no_metric(clf: Classifier) -> None:
    domain, metric = clf.classify("某某事项", "完成某某事项3项。", None, "项", "count")
    assert domain in DOMAINS and metric is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=80), st.one_of(st.none(), st.text(max_size=30)),
       st.sampled_from(["件", "%", "元", "", "名"]), st.sampled_from(["count", "amount", "ratio", "change", "duration"]))
def test_domain_is_always_one_of_the_ten(metric_text: str, sentence: str, heading: str | None, unit: str,
                                         kind: str) -> None:
    domain, metric = Classifier.from_seeds(SEEDS).classify(metric_text, sentence, heading, unit, kind)
    assert domain in DOMAINS


# --------------------------------------------------------------------------- agreement with the gold

def gold_examples() -> list[dict]:
    """Each gold fact with sentence = its line of the report and heading = the nearest heading line above."""
    out = []
    for path in sorted((ROOT / "tests" / "gold").glob("*.jsonl")):
        text = (ROOT / "seeds" / "reports" / f"{path.stem}.txt").read_text(encoding="utf-8")
        lines = text.split("\n")
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        for raw in path.read_text(encoding="utf-8").splitlines():
            g = json.loads(raw)
            at = text.find(g["quote"])
            li = max(i for i, s in enumerate(starts) if s <= at)
            end = text.find("\n", at + len(g["quote"]))
            heading = next((re.split(r"[。；]", lines[k].strip().strip("#* "))[0].replace("**", "")
                            for k in range(li, -1, -1) if HEADING_RE.match(lines[k])), None)
            out.append(dict(g, sentence=text[starts[li]:end if end != -1 else len(text)], heading=heading))
    return out


def test_gold_domain_agreement(clf: Classifier) -> None:
    gold = gold_examples()
    assert len(gold) > 300
    results = [clf.classify(g["metric_text"], g["sentence"], g["heading"], g["unit"], g["kind"]) for g in gold]
    agreement = sum(d == g["domain"] for (d, _), g in zip(results, gold, strict=True)) / len(gold)
    coverage = sum(m is not None for _, m in results) / len(gold)
    assert agreement >= 0.90, f"domain agreement {agreement:.3f}"
    assert coverage >= 0.60, f"metric coverage {coverage:.3f}"
