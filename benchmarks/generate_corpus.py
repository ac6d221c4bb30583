"""Write N realistic rule-of-law reports for benchmarks: any size, deterministic by seed.

    python benchmarks/generate_corpus.py --n 1000 --out /tmp/corpus --seed 1
    python benchmarks/generate_corpus.py --n 100 --start 10000 --out /tmp/nightly --seed 1

Report i depends only on (seed, i): `--start 10000 --n 100` writes the 100 reports
that follow the first 10,000, so a corpus can grow night by night.

Each report comes from a county, district, county-level city or functional zone of
`seeds/divisions/areas.csv` (with its real city and province), covers one year of
2015–2025, and is written the way the sample reports in `seeds/reports` are: a
title and issuer in one of the layouts seen (plain, markdown, a government
information page with its metadata fields), sections of results with numbers
in every form the samples use (Arabic and Chinese numerals, 万/亿, 余/多/以上/近/超过,
thousands separators, full-width digits, shared rates, declines, durations,
money), and the things that are not indicators: dates, document numbers,
slogans and programme names with numerals, hotlines, ordinals, book titles
with year ranges, OCR page breaks, and a plan section for the coming year.

`<out>/.manifest.csv` (hidden: the inbox scan skips it) lists each file with the
locality code and year it was written for.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIVISIONS = ROOT / "seeds" / "divisions"
YEARS = range(2015, 2026)

_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = {"11", "12", "31", "50"}
_CN = "零一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    city: str | None  # the parent city (the municipality itself for its districts)
    province: str
    zone: bool  # a functional zone (NBS code 71-79 in the county slot)

    @property
    def issuer(self) -> str:
        return f"{self.name}管理委员会" if self.zone else f"{self.name}人民政府"

    @property
    def superior(self) -> str:
        return f"{self.city or self.province}人民政府"


def load_places(divisions: Path = DIVISIONS) -> list[Place]:
    """Every area of the division list that is a locality of its own, with its parents."""
    def rows(name: str) -> list[dict[str, str]]:
        with (divisions / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    provinces = {r["code"]: r["name"] for r in rows("provinces.csv")}
    cities: dict[str, str | None] = {}
    for r in rows("cities.csv"):
        if r["name"] in _PLACEHOLDER_CITIES:
            cities[r["code"]] = provinces[r["provinceCode"]] if r["provinceCode"] in _MUNICIPALITIES else None
        else:
            cities[r["code"]] = r["name"]
    places = []
    for r in rows("areas.csv"):
        city = cities[r["cityCode"]]
        if r["name"] == city:
            continue  # cities without counties repeat themselves as an area
        places.append(Place(r["code"], r["name"], city, provinces[r["provinceCode"]], r["code"][4] == "7"))
    return places


# --------------------------------------------------------------------------- numbers


class Numbers:
    """Numbers written the many ways the reports write them."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _int(self, lo: int, hi: int) -> int:
        return int(round(math.exp(self.rng.uniform(math.log(lo), math.log(hi)))))

    def _digits(self, v: float | int) -> str:
        s = f"{v:,}" if isinstance(v, int) and v >= 1000 and self.rng.random() < 0.15 else str(v)
        return s.translate(_FULLWIDTH) if self.rng.random() < 0.03 else s

    def count(self, lo: int = 2, hi: int = 3000, qualify: bool = True) -> str:
        """A count before its measure word: 47, 60余, 近200, 3千余, 1.5万, 1,268."""
        v = self._int(lo, hi)
        r = self.rng.random()
        if not qualify or r < 0.55:
            return self._digits(v)
        rounded = int(float(f"{v:.1g}" if v < 1000 else f"{v:.2g}")) if v >= 20 else v
        if r < 0.72:
            return f"{rounded}{self.rng.choice('余余多')}"
        if r < 0.80:
            return f"{self.rng.choice(['近', '约', '超过', '逾'])}{rounded}"
        if r < 0.86 and v >= 10_000:
            return f"{v / 10_000:.1f}万".replace(".0万", "万")
        if r < 0.90 and v >= 1000:
            return f"{v // 1000}千余"
        if r < 0.94 and v <= 10:
            return self.chinese(v)
        return self._digits(v)

    def small(self, lo: int = 2, hi: int = 30) -> str:
        v = self.rng.randint(lo, hi)
        return self.chinese(v) if v <= 10 and self.rng.random() < 0.3 else self._digits(v)

    def chinese(self, v: int) -> str:
        if v < 10:
            return "两" if v == 2 and self.rng.random() < 0.6 else _CN[v]
        tens, ones = divmod(v, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")

    def rate(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return "100"
        if r < 0.7:
            return str(self.rng.randint(85, 99))
        return f"{self.rng.uniform(80, 99.9):.1f}"

    def wan(self) -> str:
        """A count in 万 without a measure word, as view counts are written: 1.5万."""
        return f"{self.rng.uniform(0.3, 60):.1f}万"

    def pct(self, lo: float = 2, hi: float = 70) -> str:
        v = self.rng.uniform(lo, hi)
        return str(int(v)) if self.rng.random() < 0.6 else f"{v:.1f}"

    def money(self) -> str:
        """An amount with its unit: 65万余元, 99.56万元, 5000余万元, 1.2亿元, 3200元."""
        r = self.rng.random()
        if r < 0.45:
            return f"{self._int(2, 5000)}{self.rng.choice(['万元', '万余元', '余万元', '万元'])}"
        if r < 0.75:
            return f"{self.rng.uniform(1, 999):.2f}万元"
        if r < 0.88:
            return f"{self.rng.uniform(0.2, 30):.1f}亿元"
        return f"{self._int(500, 90_000)}元"

    def days(self) -> str:
        return self.rng.choice(["0.5", "1", "2", "3", "5", "7", "10", "15", "20"])


# --------------------------------------------------------------------------- prose

# Section headings of results, with the sentence templates that report on them.
# Placeholders: {n} count, {n2} hundreds, {n3} thousands, {s} small, {r} rate %, {c} change %,
# {m} money with unit, {w} a count in 万 (views), {d} working days, {Y} the year, {Y1} next, {Y0} last, {M} a month,
# {CITY} the parent city, {LOC} the locality, {DOC} a document number, {QUOTE} a reform's name.
SECTIONS: list[tuple[str, list[str], list[str]]] = [
    ("依法全面履行政府职能", ["深入推进简政放权", "持续优化政务服务", "全面推行证明事项告知承诺制"], [
        "承接省级权力事项{s}项，市级权力事项{n}项",
        "全区申请政务服务事项{n3}项，可网办事项率{r}%，线上最多跑一次率{r}%",
        "梳理认领实行告知承诺制的证明事项实施清单{n}项，减少证明材料{n}项",
        "编制{s}个行业服务指南、{n}个{QUOTE}事项服务指南，发放行业综合许可证{n2}张",
        "深化无差别“一窗受理”改革，审批效率提升{c}%",
        "申报材料精减{c}%以上，办事环节减少{c}%以上，办理时限压缩{c}%以上",
        "实现企业开办{d}个工作日办结，办理时限由{s}个工作日压缩至{d}个工作日",
        "截至目前，行政审批服务局已办理下放及通办事项{n3}件",
        "与省内外{s}个行政区划互签“跨域通办”协议，共办理各项业务{n3}件",
        "梳理公布免提交证明事项{n2}项，{s}个事项实现了就近办",
        "今年以来，累计办理涉企服务事项{n2}次，“一次办好率”达到{r}%，满意率达到{r}%",
        "建成便民服务站{s}处，电动自行车“带牌销售”网点{s}处",
        "在转外就医、义务教育段入学等多个领域惠及群众上万人，累计服务重点项目{n2}次",
        "拨付{m}精准资助困难学生{n2}名，解决了{n3}名学生家长下午接送的难题",
        "全面推进家庭医生签约服务，累计签约{n3}人，老年人签约率{r}%",
        "将{s}项事项下放至镇街办理，{s}项区级行政事项调整至镇街实施",
    ]),
    ("优化法治化营商环境", ["创新监管方式", "深入推进社会信用体系建设", "开展走访企业服务发展活动"], [
        "认领“互联网+监管”目录清单{n2}条，编制检查实施清单{n2}条",
        "检查市场主体{n2}户，其中通过登记住所查无下落{s}户，占比{c}%",
        "{n3}户（次）被列入经营异常名录，{n2}家经营商户主动立信",
        "对轻微违法行为首次不予处罚，不予处罚和减轻处罚案件共计{s}起",
        "对{s}家严重失信企业实施信用修复，出具企业征信证明{n}份，调查冒名登记{s}件",
        "处理投诉举报{n3}起，创建消费放心单位{n2}家",
        "共组织律师走访企业{n2}家，开展法律培训、讲座{n}次，培训人员{n3}人次",
        "走访企业{n3}家，提供法律咨询{n2}场次，专项整治清理出{n3}家非正常企业",
        "发布惠民惠企政策{n3}条，{n3}家企业注册普惠金融平台",
        "全市共办理免罚轻罚案件{n3}件，受益主体少缴免缴罚款{m}",
        "为企业减免各类费用{m}，帮助企业融资{m}",
        "共发布诚信红黑榜{n3}个，指导{s}个重点领域部门制定{s}个联合奖惩备忘录",
    ]),
    ("完善依法行政制度体系", ["全面加强规范性文件管理", "严格落实重大行政决策程序规定", "推动合同管理全面化"], [
        "加大备案审查力度，报备及时率和规范率均为{r}%",
        "开展行政规范性文件专项清理整治行动，共清理{n}件，修改{s}件，废止{s}件",
        "形成{Y}年重大行政决策事项目录{s}项，由常务会议研究通过",
        "全区{s}名法律顾问为重大决策、规范性文件、信访案件等提供法律意见{n2}件",
        "今年以来，共备案审查行政规范性文件{s}件，提出合法性审查意见{n}条",
        "已对全区{s}个重大行政决策、{s}个政府规范性文件进行合法性审查",
        "选聘{s}位律师担任党政一体法律顾问，累计参与各类文件、合同审查{n2}件",
        "共检查合同{n3}份，全年各类合同{n}件全部通过法律审核",
        "及时清理与上级法律法规不一致的文件，共清理各类文件{n2}件",
        "制定出台了《{LOC}重大行政决策程序规定》（{DOC}），全年发布政府重大行政决策{s}项",
    ]),
    ("严格规范公正文明执法", ["持续强化行政执法监督", "加强行政执法人员能力提升", "抓好“首违不罚”制度改革"], [
        "新申领执法证件{n}人，注销证件{s}件",
        "一般程序处罚案件法制审核率达{r}%，未发生违法行政执法行为",
        "组织全市{s}个执法部门对{s}个领域进行认领事项{n2}项",
        "先后组织行政执法人员{n2}人参加网上培训，确保专题学习培训不少于{s}学时",
        "开展伴随性执法活动{s}次、监督检查行政执法案件{n}起，下发执法监督检查意见书{s}份",
        "组成案卷评查专家组对{s}个执法部门的{n2}份执法案卷进行了重点评查，提出审查意见{n}条",
        "{n2}人通过执法证审验，{n}人完成培训并通过执法证考试",
        "开设{s}个执法监督联系点，{s}个执法部门开通涉企执法投诉举报绿色通道",
        "共查办各类违法违规案件{n2}起，全年罚没款{m}",
    ]),
    ("强化对行政权力的制约和监督", ["主动接受人大、政协监督", "持续推进政务公开", "强化审计监督"], [
        "主办人大代表建议{s}件、政协委员提案{s}件，按时办结率{r}%",
        "共收到人大代表建议{n}件，政协委员提案{n}件，办复率均为{r}%",
        "依法公开政务信息{n3}条，召开新闻发布会{s}场",
        "共计开展审计项目{s}个，查出各类问题金额{m}，提出审计建议{n}条",
        "发现督促整改问题{n}个，开展谈话{n2}人次，处置问题线索{n2}条",
        "运用“四种形态”处理党员干部{n2}人",
        "各类意见建议办复率、满意率达到{r}%，履行法院生效判决{r}%",
        "开展了{s}个党政部门和国有企事业单位主要领导干部经济责任审计",
    ]),
    ("健全矛盾纠纷多元化解机制", ["全面加强行政复议应诉工作", "全面加强基层矛盾纠纷化解", "深入推进法律援助工作"], [
        "共收到行政复议申请{n}件，受理行政复议案件{n}件，已审结{n}件",
        "共办理行政复议案件{n}件，行政诉讼案件{n}件，行政机关负责人出庭应诉率{r}%",
        "行政复议{s}件，被纠错{s}件，被纠错率同比下降{c}%",
        "全区各类调解组织{n2}个，人民调解员{n2}名，全年受理调处矛盾纠纷{n3}件，调处成功率超过{r}%",
        "来访{n2}起{n2}人次，及时受理率、按期办结率均达{r}%",
        "全年共受理法律援助案件{n2}件，为困难群众减免法律服务费用{m}，挽回经济损失{m}",
        "成功调解矛盾纠纷{n3}件，满意率达到{r}%",
        "截至目前，共接收民生诉求{n3}件，办结{n3}件，办结满意率{r}%",
        "年内破获各类案件{n2}起，为群众挽回损失{m}，全市侵财案件发案数同比下降{c}%",
        "全市共建成智慧安防小区{n2}个，建成率达到{r}%",
        "全市共有人民调解员{n3}人，专职人民调解员{n2}人",
        "每个派出所设立{s}名专职人民调解员，每月开展{s}次以上矛盾排查",
        "建立行业性专业性调解组织{s}个，调解成功率达到百分之九十{CN}",
    ]),
    ("加强法治宣传教育培训", ["持续强化法治宣传教育", "推进法治文化阵地建设", "健全法治能力考查测试制度"], [
        "开展精准普法{n}场次，发放各类宣传资料{n3}份，解答群众法律咨询{n3}人次",
        "在微信公众号共发布{n2}条（次），累计阅读量达{w}",
        "全区{n3}名国家工作人员参加法治考试，参考率和通过率均达{r}%",
        "组织集体学法{s}次，举办法治专题讲座{s}次",
        "建成镇村法治小广场{s}个，民法典宣传一条街{s}个，{n2}个行政村普遍建立法律图书角",
        "运用网上平台发布普法信息{n3}条次，各类普法信息被省级以上媒体采用{n2}篇",
        "选聘了{n}名法律顾问，实现全市{n2}个村（社区）法律顾问全覆盖",
        "以短视频方式解读法律知识{s}期，累计播放量超过{w}",
        "全区{n2}余名镇街、部门班子成员开展专题述法，{n3}余名国家工作人员参加普法考试",
        "组织{n3}名机关干部参加网上法治考试，合格率{r}%",
    ]),
]

# Sentences without indicators, but often with numerals that are not ones.
CONTEXT = [
    "严格落实《{LOC}行政规范性文件管理办法》，不断提高执法人员法律知识水平",
    "按照“1+2+N”模式，整合12345政务热线、网格化治理和数字城管平台",
    "一体化推进“一业一证”和企业证照“三联办”改革",
    "全面落实行政执法“三项制度”，在各执法领域严格落实首违不罚制度",
    "持续深化“六治一网”模式，政治、自治、法治、德治、智治作用全面提升",
    "{Y}年{M}月，{LOC}召开全面依法治区工作会议，研究部署年度重点工作",
    "印发《关于全面推行行政指导工作的通知》（{DOC}），两次召开行政指导工作推进会",
    "高标准落实《法治{CITYSHORT}建设规划（2021-2025年）》和“八五”普法规划",
    "开通公共法律服务热线0{s}-{PHONE}，群众可随时咨询",
    "在全市率先推出“云见面”业务办理模式，将“异地收件”推升至“跨域即时远程办理”",
    "运用“四种形态”开展监督执纪，最大程度教育保护干部",
    "于{M}月份通过门户网站进行了公开，接受社会监督",
    "统筹推进科学立法、严格执法、公正司法、全民守法",
    "{LOC}被评为全省法治政府建设示范单位，位居全市第{CN}",
    "落实“谁执法谁普法”普法责任制，抓好领导干部学法用法",
    "实施“双全双百”工程，实现了一件事一次办",
    "建立健全“十百千”工程工作机制，推动各项工作落实落细",
    "将法治建设纳入“十四五”规划和年度工作计划，与经济社会发展同部署、同推进",
    "全面贯彻落实党的二十大精神，推进各项决策部署落到实处",
    "构建“1+3+N”多元协同的一体化未成年人综合保护体制",
]
PROSE = [  # sentences of the sample reports without numbers or place names
    '个别镇街和部门全面履行法治政府建设职责不到位，工作开展不平衡',
    '定期听取法治建设有关情况汇报，及时研究解决法治建设有关重大问题',
    '调整行政复议委员会，成立行政复议咨询委员会、行政复议调解委员会',
    '严肃复议决定履行监督机制，健全完善询问调查、约谈、移送、报告等环节',
    '加快流程再造，深化“证照分离”，大力压缩企业开办时间，做到能减尽减',
    '适时组织开展法治政府建设专项督察,推动法治建设各项部署得到有效落实',
    '深入推动公证“一网通办”和上门服务，实施城乡困难群体法律援助民生工程',
    '深入贯彻新颁布的《行政处罚法》，赋予镇街行政处罚权，推动执法重心下移',
    '围绕法治政府示范创建,对照指标找准不足短板,全面提升法治政府建设质量和水平',
    '严格落实区政府工作规则，认真研究办理并及时听取社会各界意见建议，主动接受监督',
    '举办法治建设专题培训班，开展线上旁听庭审、习近平法治思想集中学习宣传月等活动',
    '加强人民调解组织和调解员队伍建设，在专职人民调解员配备和经费保障上实现新突破',
    '健全矛盾纠纷预防调处化解体系，深耕普法方式，延伸法治“触角”，营造浓厚法治氛围',
    '定期组织执法能力培训和执法资格考核，不断提高机关工作人员法治思维和依法行政能力',
    '组织企业调解员培训，扩大基层调解员队伍，实施“以案定补”，调动基层调解员积极性',
    '形成“调度、督导、考核、宣传、推介”工作机制，消除制约法治政府建设的体制机制障碍',
    '扎实做好行政复议应诉工作，严格落实行政机关负责人出庭应诉制度，力争行政诉讼零败诉',
    '持续深化“六治一网”模式，政治（党建）、自治、法治、德治、智治、信治作用全面提升',
    '加强人民调解组织建设，巩固公调、诉调成果，实现访调工作效能，形成矛盾纠纷化解的合力',
    '加强行政规范性文件管理，全面落实备案审查制度和动态清理机制，推动管理制度化、规范化',
    '巩固提升村（居）法律顾问全覆盖成果，推进“法律服务帮办代理”机制，不断提升服务质量',
    '将法治建设工作纳入目标绩效考核，推行日常考核、专项督查和执法评议相结合的考核评价机制',
    '以行政复议应诉交办单、转办单和出庭请示等形式，确保行政复议、应诉来件有人接，按期能办结',
    '调整法治政府建设工作领导小组，强化责任部门，履行法治建设职责，促进各项工作落实落细落地',
    '开展重点案件攻坚，成功解决一批陈年积案，化解了多起涉众信访问题，有力保障了正常的社会秩序',
    '构建职责明确、运行高效的法治建设工作举措不够精准，工作推进、调度、督导力度还需进一步加大',
    '将党政主要负责人履行推进法治建设第一责任人职责情况列入年终述职内容，并组织开展年终述法工作',
    '坚持党对法治政府建设的集中统一领导，以法治政府示范创建为抓手，积极谋划和落实法治政府建设各项任务',
    '加大法律援助宣传力度，采取“线上+线下”的方式，为群众提供覆盖城乡、便捷高效、普惠均等的法律援助服务',
    '出台《落实〈党政主要负责人履行推进法治建设第一责任人职责规定〉区级层面工作责任清单》，压实法治建设各项责任',
    '发挥基层司法所抓手作用,加强镇(街)重大行政决策和行政规范性文件合法性审查工作,促进法治政府建设向基层延伸',
    '在卫生健康领域积极探索分级量化监督执法,积极运用信息化手段进行监管,实现声、像、图、文“四位一体”移动执法',
    '进一步畅通信访渠道，完善信访工作机制和依法处置违法信访行为机制，优化信访事项办理流程，不断提升信访工作水平',
    '全面贯彻总体国家安全观，深入开展安全风险隐患排查专项行动，形成了防范化解国家政治安全和社会安全风险的强大合力',
    '落实国家工作人员、人民群众学法用法制度，持续开展以宪法、民法典宣传为重点的“法律六进”活动，增强全社会法治理念',
    '深入推进社区矫正对象、严重精神障碍患者等重点人群服务管理工作，做到底数清、情况明、动态准，不漏管、不失控、不滋事',
    '深化公安“放管服”改革，对涉企服务事项减流程、简环节、简材料、缩时限，做到即来即办、现场办结、立等可取、网上可办',
    '贯彻实施新修订的《行政处罚法》，推进行政执法公示制度、行政执法全过程记录制度、重大执法决定法制审核制度精细化落实',
    '创新监管方式，探索实施以信用监管为基础，以“双随机、一公开”监管为手段，以重点监管、全覆盖监管为补充的新型监管机制',
    '增强对领导干部和行政执法人员的培训力度，每年举办领导干部和行政执法人员法治专题培训讲座，增加新颁布法律、行政法规的学习内容',
    '完善“诉调对接”工作机制，在区“一站式”矛盾纠纷调处中心与人民法院诉讼服务中心对接基础上，进一步完善工作机制，优化工作流程',
    '推行证明事项告知承诺制，全面落实轻微违法行为不予处罚和一般违法行为减轻行政处罚，实行“双随机一公开”监管，减轻企业和群众负担',
    '少数部门和执法人员法治意识淡薄，程序意识和证据意识不强，未能严格按照权限、规则、程序开展工作，一定程度上影响了政府形象和公信力',
    '做实镇街综合执法办公室工作,坚持“试点先行,稳妥推进”原则,健全业务主管部门与综合执法部门、镇街与部门之间的行政执法协调协同机制',
    '依托公共法律服务中心升级打造“一站式”矛盾纠纷调解中心,建立行业调委会值班制度,构建 “一窗受理、一站办结、一条龙服务”的工作模式',
    '基层行政执法人员匮乏，部分执法人员法律知识欠缺，执法过程中仍存在事实认定不清、程序瑕疵等问题，导致复议诉讼案件存在被纠错和败诉风险',
    '征求意见的方式方法比较单一，区直部门、镇街和党员干部对重大决策意见建议参与的较多，企业和普通群众由于信息获取量比较少，参与度也比较低',
    '严格执行重大行政决策程序规定，依法制定规范性文件，持续强化合同管理，充分发挥政府法律顾问团参谋助手作用，未发生违法决策、不当决策的情形',
    '落实行政规范性文件制定前和实施后评估工作要求,建立“评估+清理”联动机制,全面论证规范性文件制发的必要性、可行性和合理性以及实施后的成效',
    '区人大常委会专题审议“七五”普法情况及“八五”普法规划，积极研究部署推进法治建设重点工作，切实将习近平法治思想理念贯穿到经济社会发展全过程',
    '深入推进集约化非诉讼纠纷解决机制建设，整合优化调解、复议、裁决等各类资源，推动矛盾纠纷多元化解，确保在法治轨道上持续推进治理体系和治理能力现代化',
    '在法制审核和重大行政决策方面,还存在重大行政决策程序落实不到位,决策程序中应有的合法性审查、专家论证、公众参与等环节尚未实现全覆盖,对决策刚性约束不足',
    '组织对“首违不罚”“首违轻罚”落实情况、重点领域执法规范化情况等开展专项监督检查,实现执法监督工作向乡镇延伸、执法监督力量向基层下沉,规范基层执法行为',
    '个别单位对法治政府建设工作重视程度不够高，法治力量配备不足，备案审查人员对相关程序掌握不细致，导致部分行政规范性文件和重大行政决策仍存在制定程序不规范等问题',
    '印发学习宣传贯彻党的二十大精神、习近平法治思想方案，将党的二十大精神贯彻到法治建设全过程，将习近平法治思想列入党委理论学习中心组学习内容、党校重点课程、干部培训计划',
    '坚持把建设法治、践行法治和捍卫法治作为重要政治任务，严格遵守《领导干部干预行政执法活动、插手具体案件处理的记录、通报和责任追究规定》，支持司法机关依法独立公正行使职权',
    '创新“警种联动、警保联控、警民联防”工作机制,公安部门与人武部协作构建“警军”联勤机制,打造“党、政、军、警、民”一体联动配合的安保勤务新模式,有效提升服务重大安保活动的实战能力',
    '开展“预防学生溺水事故,守护儿童暑假安全”公益诉讼专项活动,在法院少年法庭挂牌成立了未检检察官工作室,积极推动未检工作与法院及其他相关单位的融合,形成立体化、常态化的未检工作体系',
    '深化商事登记制度改革“易开办”、工程建设改革“易开工”、政务服务数字化改革“易办成”，推动政务服务“网上好办”，完善政务服务“好差评”系统，实现了政务服务网和政务大厅线上线下全覆盖',
    '运用新媒体手段开展法治宣传工作有待加强,利用大众关注度高的社会问题或具体化案例进行宣传教育的深度和广度还不够,受众覆盖面不够广,法治宣传教育的针对性和实用性不强,群众的参与率有待提高',
    '各级各部门贯彻落实《党政主要负责人履行推进法治建设第一责任人职责规定》自觉性和主动性需要进一步增强,领导干部法治能力不强,办事依法、遇事找法、解决问题用法、化解矛盾靠法的观念还没有完全树牢',
    '严格落实重大决策合法性审查制度,完成第四届法律顾问换届工作,推动党政一体法律顾问团主动靠前,积极参与事关经济社会发展全局和涉及群众切身利益的决策事项,严格决策合法性前置审查,强化风险防控,避免法律漏洞',
    '强力推进“互联网+法治宣传”行动,加强新媒体新技术在普法中的运用,提高普法工作实效,健全考核评估机制,开展精准普法工作,对“普法责任制”落实情况实施动态监管,高效组织实施“八五”普法工作,进一步促进大普法格局的形成',
]
SHORTCOMINGS = [
    "个别单位对法治政府建设工作重视程度不够高，法治力量配备不足",
    "基层行政执法人员匮乏，部分执法人员法律知识欠缺，执法过程中仍存在程序瑕疵等问题",
    "规范性文件的前评估和后评估工作有待于完善，监督作用发挥不够",
    "运用新媒体手段开展法治宣传工作有待加强，受众覆盖面不够广",
    "重大决策征求意见的方式方法比较单一，企业和普通群众参与度比较低",
    "随着复议案件的骤增，复议机构办案人员数量、能力不足的问题逐步显现",
]
LEADERSHIP = [
    "召开依法治区委员会及办公室会议{s}次，出台{s}个文件推动法治建设",
    "组织{n}个单位的党政主要负责人述法，聘任首批{s}名法治建设监督员",
    "全年区委理论学习中心组、政府常务会议学法{s}次，审查党内规范性文件{n}件",
    "连续{s}年组织全区{n3}余名党政干部参加法律考试",
    "制定《政府常务会议{Y}年学法计划》，已开展会前学法{s}期",
    "将党政主要负责人履行推进法治建设第一责任人职责情况列入年终述职内容",
]
PLANS = [
    "力争行政诉讼零败诉，行政机关负责人出庭应诉率保持100%",
    "持续推进“1+7+N”政务服务全覆盖，力争全年办理事项{n3}件以上",
    "每年举办领导干部和行政执法人员法治专题培训讲座不少于{s}次",
    "深化“放管服”改革，持续推进证明事项清理，提高政务服务水平",
    "高效组织实施“八五”普法工作，进一步促进大普法格局的形成",
    "计划新建智慧安防小区{n}个，培育“法律明白人”{n2}名",
    "健全行政规范性文件管理体系，全面落实重大决策程序制度",
    "推动出台《{LOC}法治政府建设实施纲要（{Y1}－2025年）》",
]
PARA_LEADS = "一二三四五六七八九十"
REFORMS = ["“三联办”", "“一链办理”", "“套餐式注销”", "“跨省通办”", "“一件事”", "“秒批”"]


class Writer:
    def __init__(self, rng: random.Random, place: Place, year: int):
        self.rng, self.place, self.year = rng, place, year
        self.num = Numbers(rng)

    def fill(self, template: str) -> str:
        n, p = self.num, self.place
        city = p.city or p.province
        values = {
            "n": lambda: n.count(2, 600), "n2": lambda: n.count(30, 1500), "n3": lambda: n.count(500, 200_000),
            "s": lambda: n.small(), "r": n.rate, "w": n.wan, "c": n.pct, "m": n.money, "d": n.days,
            "Y": lambda: str(self.year), "Y1": lambda: str(self.year + 1), "Y0": lambda: str(self.year - 1),
            "M": lambda: str(self.rng.randint(1, 12)), "CITY": lambda: city,
            "CITYSHORT": lambda: re.sub(r"(市|地区|盟|自治州)$", "", city), "LOC": lambda: p.name,
            "DOC": self.doc_number, "QUOTE": lambda: self.rng.choice(REFORMS),
            "PHONE": lambda: str(self.rng.randint(1_000_000, 9_999_999)), "CN": lambda: n.chinese(self.rng.randint(1, 5)),
        }
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)](), template)

    def doc_number(self) -> str:
        return f"{self.place.name[0]}{self.rng.choice(['政发', '政办发', '政字', '政办字'])}〔{self.year}〕{self.rng.randint(1, 60)}号"

    def sentences(self, pool: list[str], k: int) -> str:
        return "".join(self.fill(t) + "。" for t in self.rng.sample(pool, min(k, len(pool))))

    def paragraph(self, lead: str, templates: list[str]) -> str:
        """A lead, then results mixed with sentences of context and plain prose, as the samples are."""
        parts = [self.fill(t) for t in templates]
        parts += self.rng.sample(PROSE, self.rng.randint(1, 4))
        if self.rng.random() < 0.6:
            parts.append(self.fill(self.rng.choice(CONTEXT)))
        self.rng.shuffle(parts)
        return f"{lead}。" + "".join(x + "。" for x in parts)

    def wrap(self, para: str) -> str:
        """Now and then an OCR page break in the middle of a paragraph, as in the samples."""
        if len(para) > 120 and self.rng.random() < 0.12:
            cut = self.rng.randint(60, len(para) - 40)
            if para[cut - 1] not in "。，；：、“”《》（）" and para[cut] not in "。，；：、“”《》（）":
                return para[:cut] + "\n\n" + para[cut:]
        return para

    def report(self) -> str:
        rng, p, y = self.rng, self.place, self.year
        layout = rng.choices(["plain", "markdown", "page"], weights=[5, 3, 2])[0]
        title = rng.choice([f"关于{y}年度法治政府建设情况的报告", f"关于{y}年法治政府建设工作情况的报告",
                            f"{y}年度法治政府建设情况报告"])
        h1, h2 = ("# ", "## ") if layout == "markdown" else ("", "")
        out: list[str] = []
        published = f"{y + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
        doc = self.doc_number().replace(str(y), str(y + 1))
        if layout == "page":
            iso = re.sub(r"(\d+)年(\d+)月(\d+)日", lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", published)
            out += ["首页", ">政府信息公开>政府文件", f"  • 发文机关:{p.issuer}", "    • 主题分类:综合政务",
                    f"    • 成文日期:{iso}", f"    • 发文字号:{doc}", ""]
        issuers = f"中共{p.name}委 {p.issuer}" if not p.zone and rng.random() < 0.4 else p.issuer
        if title.startswith("关于") and rng.random() < 0.4:
            out += [f"{h1}{issuers}{title}"]  # issuer and title on one line
        else:
            out += [f"{h1}{issuers}", "", f"{h2}{title}"]
        if layout == "page":
            out += ["", doc]
        out += ["", f"{p.superior}：", "",
                f"{y}年，{p.name}坚持以习近平新时代中国特色社会主义思想为指导，在{p.city or p.province}委、"
                f"{p.city or p.province}政府的坚强领导下，深入学习贯彻习近平法治思想，扎实推动法治政府各项任务落实落地。"
                "现将有关情况报告如下。", ""]

        out += [f"{h2}一、{y}年推进法治政府建设的主要举措和成效", ""]
        sections = rng.sample(SECTIONS, rng.randint(5, len(SECTIONS)))
        for k, (heading, leads, pool) in enumerate(sections):
            out += [f"（{PARA_LEADS[k]}）{heading}", ""]
            todo = rng.sample(pool, len(pool))  # each template at most once per section
            for j, lead in enumerate(rng.sample(leads, rng.randint(1, len(leads)))):
                take, todo = todo[:rng.randint(1, 4)], todo[4:]
                if take:
                    out += [self.wrap(self.paragraph(f"{PARA_LEADS[j]}是{lead}", take)), ""]

        out += [f"{h2}二、{y}年推进法治政府建设存在的不足和原因", ""]
        for k, s in enumerate(rng.sample(SHORTCOMINGS, 3)):
            out += [f"（{PARA_LEADS[k]}）{s}。" + "".join(x + "。" for x in rng.sample(PROSE, rng.randint(0, 2))), ""]

        out += [f"{h2}三、{y}年党政主要负责人履行推进法治建设第一责任人职责情况", "",
                "（一）加强党对法治建设的领导。" + self.sentences(LEADERSHIP, rng.randint(2, 4)), ""]

        out += [f"{h2}四、{y + 1}年推进法治政府建设的主要安排", ""]
        for k, s in enumerate(rng.sample(PLANS, 4)):
            out += [f"（{PARA_LEADS[k]}）" + self.fill(s) + "。" + rng.choice(PROSE) + "。", ""]
        out += ["特此报告。", "", p.issuer, published, ""]
        return "\n".join(out)


# --------------------------------------------------------------------------- corpus


def assignment(places: list[Place], seed: int) -> list[tuple[Place, int]]:
    """Every (place, year) once, in a seeded order: report i takes pair i (repeats past the end)."""
    pairs = [(p, y) for p in places for y in YEARS]
    random.Random(seed).shuffle(pairs)
    return pairs


def file_name(i: int, place: Place, year: int) -> str:
    return f"{place.code}_{year}_{i:06d}.txt"


def generate(n: int, out: Path, seed: int = 1, start: int = 0) -> list[Path]:
    """Write reports start … start+n-1 into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    pairs = assignment(load_places(), seed)
    paths, manifest = [], []
    for i in range(start, start + n):
        place, year = pairs[i % len(pairs)]
        text = Writer(random.Random(f"{seed}:{i}"), place, year).report()
        path = out / file_name(i, place, year)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        manifest.append((path.name, place.code, place.name, year))
    manifest_path = out / ".manifest.csv"
    new = not manifest_path.exists()
    with manifest_path.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(["file_name", "code", "name", "year"])
        w.writerows(manifest)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True, help="how many reports")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them into")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="index of the first report (grow a corpus)")
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.seed, args.start)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} reports ({size / 1e6:.1f} MB) to {args.out}")


if __name__ == "__main__":
    main()
