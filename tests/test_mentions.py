"""The indicator rules on sentences written the way reports write them."""

import pytest

from pipelines.extract.mentions import find_indicators


def facts(text: str, year: int | None = None) -> list[tuple[str, float, str, str, str]]:
    norm, found = find_indicators(text, year)
    out = []
    for f in found:
        a, b = norm.span(f.start, f.end)
        out.append((text[a:b], f.value, f.unit, f.qualifier, f.kind))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("承接省级权力事项 47 项，市级权力事项 50 项。",
         [("47 项", 47, "项", "exact", "count"), ("50 项", 50, "项", "exact", "count")]),
        ("为困难群众减免法律服务费用65万余元。", [("65万余元", 650_000, "元", "approx", "amount")]),
        ("投资 5000 余万元建设雪亮工程。", [("5000 余万元", 50_000_000, "元", "approx", "amount")]),
        ("共接收民生诉求 18.9 万件。", [("18.9 万件", 189_000, "件", "exact", "count")]),
        ("解答群众法律咨询3千余人次。", [("3千余人次", 3000, "人次", "approx", "count")]),
        ("惠及群众上万人。", [("上万人", 10_000, "人", "over", "count")]),
        ("两次召开行政指导工作推进会。", [("两次", 2, "次", "exact", "count")]),
        ("调处成功率超过98%。", [("98%", 98, "%", "over", "ratio")]),
        ("被纠错率同比下降19.3%。", [("19.3%", -19.3, "%", "exact", "change")]),
        ("减少证明材料66项。", [("66项", -66, "项", "exact", "change")]),
        ("企业开办 0.5 个工作日办结。", [("0.5 个工作日", 0.5, "工作日", "exact", "duration")]),
        ("确保专题学习培训不少于60学时。", [("60学时", 60, "学时", "at_least", "duration")]),
        ("对 600 余科级干部完成述法报告。", [("600 余", 600, "名", "approx", "count")]),
        ("累计阅读量达 1.5 万。", [("1.5 万", 15_000, "次", "exact", "count")]),
        ("全区办理案件１２３件，占比６．５％。", [("１２３件", 123, "件", "exact", "count"), ("６．５％", 6.5, "%", "exact", "ratio")]),
        ("受理案件三千二百余件，调解成功率百分之九十五，五成以上群众满意。",
         [("三千二百余件", 3200, "件", "approx", "count"), ("百分之九十五", 95, "%", "exact", "ratio"),
          ("五成", 50, "%", "over", "ratio")]),
        ("比去年降低近20%。", [("20%", -20, "%", "under", "change")]),
        ("累计签约120841人。", [("120841人", 120_841, "人", "exact", "count")]),
        ("2021年，涉区直部门行政复议11件，行政复议案件3件，被纠错\n\n2件。涉区直部门行政诉讼9件。",
         [("11件", 11, "件", "exact", "count"), ("3件", 3, "件", "exact", "count"),
          ("2件", 2, "件", "exact", "count"), ("9件", 9, "件", "exact", "count")]),
        ("培训3-5个班次。", [("3-5个", 3, "个", "at_least", "count")]),
        ("组织模拟法庭3场，争取上级资金500万元，完成三项任务。",
         [("3场", 3, "场", "exact", "count"), ("500万元", 5_000_000, "元", "exact", "amount"),
          ("三项", 3, "项", "exact", "count")]),
        ("办理时限由20个工作日压缩至2个工作日。", [("2个工作日", 2, "工作日", "exact", "duration")]),
        ("执法队伍由21支精简为8支。", [("8支", 8, "支", "exact", "count")]),  # the level reached
        ("办理各类案件356件/次，惠及群众万余人，一百多家企业参与。",
         [("356件/次", 356, "件/次", "exact", "count"), ("万余人", 10_000, "人", "approx", "count"),
          ("一百多家", 100, "家", "approx", "count")]),
        ("群众满意度95.6分，用时30分钟，三分之一的单位。",
         [("95.6分", 95.6, "分", "exact", "count"), ("30分钟", 30, "分钟", "exact", "duration")]),
        ("开展普法活动百余场，受教育群众千余人，上百家企业参与。",
         [("百余场", 100, "场", "approx", "count"), ("千余人", 1000, "人", "approx", "count"),
          ("上百家", 100, "家", "over", "count")]),
        ("化解矛盾纠纷2.5万余件（同比增长12%），挽回经济损失1.2亿余元。",
         [("2.5万余件", 25_000, "件", "approx", "count"), ("12%", 12, "%", "exact", "change"),
          ("1.2亿余元", 120_000_000, "元", "approx", "amount")]),
    ],
)
def test_reads_quantities(text: str, expected: list[tuple]) -> None:
    assert facts(text) == [(m, pytest.approx(v), u, q, k) for m, v, u, q, k in expected]


@pytest.mark.parametrize(
    "text",
    [
        "2021年12月31日前完成。",
        "发布时间：2022-01-19 09:18  浏览次数：1234",
        "印发《威海市法治政府建设实施纲要（2021－2025年）》，淄高新管办字〔2021〕12号。",
        "推行“一业一证”“三联办”改革，落实1+2+N模式，做到“四个100%”。",
        "咨询电话：0631-5212345。",
        "整合12345政务热线和110服务台。",
        "一是加强领导。第一，全市排名第3，位居前三。",
        "全面落实行政执法三项制度，运用四种形态。",
        "从三个方面收集群众诉求，数十人参加。",
        "开庭前1个工作日报备。",
        "严格执行规范性文件自公布之日起30日内报送备案的规定。",
        "按照征求公众意见的期限一般不少于30日的规定，公开征求意见。",
        "重大行政决策事项必须经过合法性审查，审查时间一般不少于5个工作日。",
        "开通24小时自助服务区，推行24小时不打烊服务。",
        "执法决定在作出之日起7个工作日内公开。",
        "按照每万人拥有律师数3.2名的标准配备。",
        "明确每两年至少开展1次全面清理，每3个月至少通报1次。",
        "省委十三届二次全会审议通过决定，区十六届人大二次会议听取报告。",
        "要求被诉单位在收到开庭传票后3日内报送出庭人员名单。",
        "严格落实中央八项规定精神，千家万户受益。",
        "Copyright © 2022 某某市人民政府 版权所有 地址：某某路123号 邮编：264200 联系电话：0631-1234567 "
        "网站标识码：3710000001 总访问量：1234567 次 技术支持：某某网络科技有限公司，欢迎访问本站",
        "高区政务微博粉丝数位居全市同类政务微博第一。",
        "深入贯彻党的十九大和十九届历次全会精神，实施“十四五”规划，开展八五普法。",
    ],
)
def test_not_indicators(text: str) -> None:
    assert facts(text) == []


def test_a_wrapped_line_ending_in_a_percentage_runs_on() -> None:
    text = "全面落实行政执法三项制度，全年作出行政处罚决定3,215件，罚没款1.64亿元，同比分别下降9.2%\n和13.5%。\n"
    assert [v for _, v, *_ in facts(text)][-2:] == [-9.2, -13.5]


def test_a_plan_heading_inside_a_collapsed_line_starts_the_plan() -> None:
    """Text copied from a page that lost its line breaks: whole sections on one line."""
    results = "一、主要成效　　" + "全年办理行政复议案件12件，依法规范行政行为，持续优化营商环境。" * 12
    text = results + "三、2020年工作打算　　2020年，力争新增调解员100名，开展培训3次。\n"
    assert [m for m, *_ in facts(text)] == ["12件"] * 12


def test_plan_sections_are_skipped() -> None:
    text = "一、2021年主要成效\n办理案件12件。\n二、2022年工作打算\n力争新增调解员100名，开展培训3次。\n"
    assert [f[0] for f in facts(text)] == ["12件"]
    unnumbered = "一、主要成效\n办理案件12件。\n2022年工作打算\n新增调解员100名，开展培训3次。\n"
    assert [f[0] for f in facts(unnumbered)] == ["12件"]


def test_metric_text_is_the_counted_thing() -> None:
    norm, found = find_indicators("①选聘 10 位律师担任法律顾问；（1）组织全市24个执法部门参与，比2020年提高3.2个百分点。")
    assert [f.metric_text for f in found] == ["选聘律师担任法律顾问", "组织全市执法部门参与", "提高"]
    _, dated = find_indicators("会议研究审定后，3月29日印发了12家单位的“三定”规定。")
    assert [f.metric_text for f in dated] == ["印发单位的“三定”规定"]  # the day is no part of what is counted


def test_a_one_after_what_it_counts_closing_its_clause_is_a_count() -> None:
    assert [m for m, *_ in facts("围绕设施布局召开听证会一场，组织专家论证会三场。")] == ["一场", "三场"]
    assert facts("打赢了一场硬仗，实现一次办好，创作普法作品一批，问题发现一起、查处一起。") == []


def test_rules_from_the_twelfth_development_batch() -> None:
    _, found = find_indicators("全市市级部门、镇（街道）、村（社区）法律顾问配备率均为100%。")
    assert [(f.metric_text, f.value) for f in found] == [
        ("市级部门法律顾问配备率", 100), ("镇(街道)法律顾问配备率", 100), ("村(社区)法律顾问配备率", 100)]
    assert facts("上线主题服务39个，平均减材料58%、减时间71%。")[1:] == [
        ("58%", -58, "%", "exact", "change"), ("71%", -71, "%", "exact", "change")]
    assert facts("减税降费率达5%。") == [("5%", 5, "%", "exact", "ratio")]  # a rate's name, not a cut
    assert [m for m, *_ in facts("其中“直通车”等2个案例入选全省优秀案例，办理3个案件。")] == ["2个", "3个"]


def test_rules_from_the_twelfth_batch_ocr_and_docx() -> None:
    assert facts("全年培训执法人员1，236人次。") == [("1，236人次", 1236, "人次", "exact", "count")]
    assert facts("要求每个执法部门每年选取3-5个典型案例开展以案释法。") == []  # a requirement
    assert [(m, v, k) for m, v, _, _, k in facts("全年取消调整县级行政审批事项27项，其中取消11项、下放7项、合并9项。")] == [
        ("27项", 27, "count"), ("11项", -11, "change"), ("7项", 7, "count"), ("9项", 9, "count")]
    assert [v for _, v, *_ in facts("精简申请材料326份、办理环节148个。")] == [-326, -148]  # both cut


def test_a_section_of_problems_then_plans_plans_from_its_first_plan_sentence() -> None:
    text = ("一、主要成效\n办理案件12件。\n二、存在的问题和2022年工作安排\n"
            "一是基层力量薄弱，全区仍有11个乡镇未配备专职法制审核人员。\n"
            "2022年是实施规划的关键之年。我们将力争新增调解员100名，开展培训3次。\n")
    assert [m for m, *_ in facts(text, 2021)] == ["12件", "11个"]
    assert [m for m, *_ in facts(text.replace("2022年是实施规划的关键之年。", "下一步，"), 2021)] == ["12件", "11个"]


def test_rules_from_the_thirteenth_batch() -> None:
    assert facts("审批时限由法定的90个工作日压缩至不超过45个工作日。") == [
        ("45个工作日", 45, "工作日", "under", "duration")]
    assert [m for m, *_ in facts("在全区布设24小时政务服务自助终端74台。")] == ["74台"]
    # a WeChat article numbers its sections on lines of their own
    text = ("01\n深化放管服改革\n全年办理审批事项1200件。\n02\n存在的问题和2024年工作打算\n"
            "一是仍有3个街道未配备法制审核人员。\n2024年，我区将组织培训不少于15期。\n")
    assert [m for m, *_ in facts(text, 2023)] == ["1200件", "3个"]


def test_rules_from_the_fourteenth_batch() -> None:
    assert facts("组织集中学法，人均学习26个课时。") == [("26个课时", 26, "课时", "exact", "duration")]
    assert [(v, k) for _, v, _, _, k in facts("取消和下放行政职权47项，取消证明事项37项。")] == [
        (47, "count"), (-37, "change")]
    assert facts("八类主要刑事案件同比下降21.4%。") == [("21.4%", -21.4, "%", "exact", "change")]
    # the things just counted, named again as the subject of a share, are no new count
    assert [m for m, *_ in facts("公布甲类清单312项、乙类清单846项，两类事项占事项总数的比例达到91.3%。")] == [
        "312项", "846项", "91.3%"]
    assert [m for m, *_ in facts("两次集中学法共计培训300人次。")] == ["两次", "300人次"]
    assert [(v, u, q) for _, v, u, q, _ in facts("热线平均接通时长不足15秒，回访缩短至20秒钟以内。")] == [
        (15, "秒", "under"), (20, "秒", "under")]
    assert [(v, k) for _, v, _, _, k in facts("抵押登记办理时限分别压缩至3个工作日和1个工作日。")] == [
        (3, "duration"), (1, "duration")]  # each level of a list reached
    assert facts("将法治建设纳入考核，规定分值占比不低于5%。") == []  # a rule
    assert [m for m, *_ in facts("查处违反防疫规定案件46起，在规定时限内办结率达100%。")] == ["46起", "100%"]
    # the threshold the places counted fall under is no count of its own
    assert [m for m, *_ in facts("全市仍有11个乡镇专职执法人员少于5名，持证人员不足100名。")] == ["11个", "100名"]


def test_a_number_cut_by_a_page_break_after_a_short_line_runs_on() -> None:
    text = "压缩至2个工作日。全年新增经营主体1.05\n\n第 1 页 共 5 页\n\n万户，同比增长9.2%。\n"
    assert [(m, v) for m, v, *_ in facts(text)][1] == ("1.05\n\n第 1 页 共 5 页\n\n万户", 10500)


def test_a_name_beside_a_number_does_not_hide_it() -> None:
    """个方面 (seeds/not_indicators.csv) holds the 7 of 7个方面, not the 36项 after it."""
    assert [m for m, *_ in facts("将年度任务细化为7个方面36项具体举措。")] == ["36项"]
    assert facts("紧紧围绕稳定、发展、生态、强边四件大事。") == []


def test_a_joining_character_is_cut_from_the_edges_only_where_it_joins() -> None:
    texts = ["及时受理率达100%。", "和解率达85%。", "与会人员120人。", "全年共涉及31个部门。", "受理和办结案件分别为12件和10件。"]
    assert [[f.metric_text for f in find_indicators(t)[1]] for t in texts] == [
        ["及时受理率"], ["和解率"], ["与会人员"], ["涉及部门"], ["受理", "办结案件"]]


def test_shared_number_is_one_fact_per_rate() -> None:
    norm, found = find_indicators("报备及时率和规范率均为100%。网格员入户率、基础信息采集率、网格群覆盖率达100%。")
    assert [f.metric_text for f in found] == ["报备及时率", "规范率", "网格员入户率", "基础信息采集率", "网格群覆盖率"]
    assert all(f.value == 100 and f.kind == "ratio" for f in found)
    _, kept = find_indicators("信访事项及时受理率、按期办结率均保持在100%。")
    assert [(f.metric_text, f.value) for f in kept] == [("信访事项及时受理率", 100), ("按期办结率", 100)]


def test_the_starting_point_of_a_change_is_not_a_result() -> None:
    assert [m for m, *_ in facts("办理时限由法定24.1个工作日压缩至15.5个工作日。")] == ["15.5个工作日"]
    assert [m for m, *_ in facts("审批材料由原来的33个精简为8个。")] == ["8个"]
    assert facts("行政诉讼一审败诉率由2020年的8.3%下降至5.1%。") == [("5.1%", 5.1, "%", "exact", "ratio")]
    assert facts("办理时限由2019年底的120个工作日压缩至2021年的8个工作日。") == [
        ("8个工作日", 8, "工作日", "exact", "duration")]


def test_more_rules_from_the_development_set() -> None:
    norm, found = find_indicators("调解和解率、纠错率分别为34.7%和12.2%。")
    assert [(f.metric_text, f.value) for f in found] == [("调解和解率", 34.7), ("纠错率", 12.2)]
    assert facts("审批时限由原来的100余天压缩至不足40天。") == [("40天", 40, "天", "under", "duration")]
    assert facts("全年净增市场主体2,913户。") == [("2,913户", 2913, "户", "exact", "change")]
    assert facts("总阅读量逾千万。") == [("千万", 10_000_000, "次", "over", "count")]


def test_a_space_for_a_thousands_separator_before_the_unit() -> None:
    assert facts("全区办理行政处罚案件2 845件，罚没款1,578.6万元。")[0][:3] == ("2 845件", 2845, "件")
    assert facts("办理法律援助案件4 12件。")[0][:2] == ("4 12件", 412)
    assert [m for m, *_ in facts("排名 1 2 3 位。")] == []  # spaced digits that are not a number


def test_a_hard_wrapped_line_ending_in_a_comma_runs_on() -> None:
    """OCR wraps a paragraph anywhere; a comma never ends it, and the short line after it is prose,
    not page chrome, even when it names 政府信息公开."""
    text = ("自觉接受新闻舆论和社会监督，对媒体曝光的问题认真调查核实、及时整改。全面推进政务公开，\n"
            "主动公开政府信息4,612条，其中疫情防控信息1,236条；受理\n依申请公开27件。\n")
    assert [v for _, v, *_ in facts(text)] == [4612, 1236, 27]


@pytest.mark.parametrize(("text", "expected"), [
    ("满意率达到百分之九十九点六。", [("百分之九十九点六", 99.6, "%", "exact", "ratio")]),
    ("同比增长一成。", [("一成", 10, "%", "exact", "change")]),
    ("审批时限控制在50个工作日内。", [("50个工作日", 50, "工作日", "under", "duration")]),
    ("律师人数较上年增加47人。", [("47人", 47, "人", "exact", "change")]),
    ("取消证明事项37项。", [("37项", -37, "项", "exact", "change")]),
    ("要求各执法部门每季度至少开展1次案卷自查。", []),  # a rule, not a result
    ("法律援助申请须在受理后7个工作日内作出决定。", []),
    ("基本建成15分钟公共法律服务圈，推出7×24小时自助服务。", []),  # programme names
    ("逾千名村民参加，检查企业近百家。", [("千名", 1000, "名", "over", "count"), ("百家", 100, "家", "under", "count")]),
    ("律师人数较2023年提高12人。", [("12人", 12, "人", "exact", "change")]),
    ("优秀率达98. 6%，办理案件1, 287件。", [("98. 6%", 98.6, "%", "exact", "ratio"), ("1, 287件", 1287, "件", "exact", "count")]),
    ("接听电话4.2万个。咨询电话：12348。", [("4.2万个", 42000, "个", "exact", "count")]),
    ("审理周期缩短至30日以内，审理期限缩短至2个月。",
     [("30日", 30, "日", "under", "duration"), ("2个月", 2, "个月", "exact", "duration")]),
    ("2022年3月5日召开会议，30日内办结率100%。", [("100%", 100, "%", "exact", "ratio")]),  # a date; a rate's name
    ("较上年减少38.6万元。", [("38.6万元", -386000, "元", "exact", "change")]),
    ("取消审批、审批改备案、实行告知承诺事项共106项，精简率34.9%。",
     [("106项", 106, "项", "exact", "count"), ("34.9%", 34.9, "%", "exact", "ratio")]),
    ("排名较上年前移3位，投资过亿元项目18个，严格执行收支两条线规定。", [("18个", 18, "个", "exact", "count")]),
])
def test_more_ways_of_writing(text: str, expected: list) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("按时办结率和群众满意率分别为99.6%和97.3%。", [("按时办结率", 99.6), ("群众满意率", 97.3)]),
    ("受理率、办结率、满意率三率分别为100%、99.5%和92%。", [("受理率", 100), ("办结率", 99.5), ("满意率", 92)]),
    ("全年办理行政复议案件和行政诉讼案件分别为120件、80件。", [("办理行政复议案件", 120), ("行政诉讼案件", 80)]),
])
def test_numbers_after_fenbie_pair_with_the_names_in_order(text: str, expected: list) -> None:
    norm, found = find_indicators(text)
    assert [(f.metric_text, f.value) for f in found] == expected


def test_a_sentence_across_a_page_break_with_its_furniture_is_joined() -> None:
    header = "某某市2021年度法治政府建设情况报告"
    text = (f"{header}\n\n### （四）严格规范公正文明执法\n\n"
            "开展安全生产、食品药品、生态环境等重点领域专项执法检查，督促整改问题隐患 3,860\n\n- 3 -\n\n"
            f"{header}\n\n处。推行柔性执法，全市共办理首违不罚、轻微免罚案件 3,271 件。\n")
    assert [(m, v) for m, v, *_ in facts(text)] == [("3,860\n\n- 3 -\n\n" + header + "\n\n处", 3860), ("3,271 件", 3271)]


def test_spans_point_into_the_raw_text() -> None:
    text = "### （一）依法行政\n\n全面做好省、市行政权力事项下放承接，承接省级权力事项 47 项，其中被纠错\n\n2件，群众满意率达到 99.5％。"
    norm, found = find_indicators(text)
    for f in found:
        a, b = norm.span(f.start, f.end)
        assert text[a:b].replace(" ", "").replace("％", "%")[:1].isdigit()
