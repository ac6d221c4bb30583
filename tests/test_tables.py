"""Figures in tables: the unit and meaning of a number come from the row's other cells and the header."""

from pipelines.extract.mentions import find_indicators


def facts(text: str) -> list[tuple[str, float, str, str, str]]:
    norm, found = find_indicators(text, 2020)
    return [(f.metric_text, f.value, f.unit, f.kind, norm.text[f.start:f.end]) for f in found]


def test_a_markdown_table_with_unit_year_and_change_columns() -> None:
    text = ("### 附表\n\n| 序号 | 指标 | 单位 | 2020年 | 2019年 | 增减 |\n|---|---|---|---|---|---|\n"
            "| 1 | 行政复议案件受理量 | 件 | 217 | 248 | -12.5% |\n"
            "| 2 | 行政机关负责人出庭应诉率 | % | 96.4 | 81.2 | +15.2个百分点 |\n"
            "| 3 | 人民调解案件 | 万件 | 2.31 | 2.05 | +12.7% |\n")
    assert facts(text) == [
        ("行政复议案件受理量", 217, "件", "count", "217"), ("行政复议案件受理量", 248, "件", "count", "248"),
        ("行政复议案件受理量", -12.5, "%", "change", "12.5%"),
        ("行政机关负责人出庭应诉率", 96.4, "%", "ratio", "96.4"), ("行政机关负责人出庭应诉率", 81.2, "%", "ratio", "81.2"),
        ("行政机关负责人出庭应诉率", 15.2, "个百分点", "change", "15.2个百分点"),
        ("人民调解案件", 23100, "件", "count", "2.31"), ("人民调解案件", 20500, "件", "count", "2.05"),
        ("人民调解案件", 12.7, "%", "change", "12.7%"),
    ]


def test_values_written_with_their_units_and_a_table_set_out_with_spaces() -> None:
    text = ("| 指标 | 数值 | 同比 |\n| 行政处罚案件 | 386件 | +12.5% |\n| 行政许可平均承诺时限 | 5.2个工作日 | -38% |\n\n"
            "附件：主要数据统计表\n\n　　指标名称　　　　单位　　　数值\n　　普法活动受众（万人次）　　　　5.2\n"
            "　　法律援助案件数　　　　件　　　　421\n")
    got = facts(text)
    assert got[:4] == [("行政处罚案件", 386, "件", "count", "386件"), ("行政处罚案件", 12.5, "%", "change", "12.5%"),
                       ("行政许可平均承诺时限", 5.2, "工作日", "duration", "5.2个工作日"),
                       ("行政许可平均承诺时限", -38, "%", "change", "38%")]
    assert ("法律援助案件数", 421, "件", "count", "421") in got


def test_a_change_cell_says_decrease_in_words() -> None:
    text = "| 项目 | 数量 | 同比 |\n| --- | --- | --- |\n| 受理行政复议申请 | 63件 | 下降10.0％ |\n| 行政复议审结 | 58件 | 增长5.5％ |\n"
    assert [(v, k) for _, v, _, k, _ in facts(text)] == [(63, "count"), (-10, "change"), (58, "count"), (5.5, "change")]


def test_prose_is_not_a_table() -> None:
    assert facts("全年办理行政复议案件39件，  同比增长5%。") == [("办理行政复议案件", 39, "件", "count", "39件"),
                                                              ("同比增长", 5, "%", "change", "5%")]


def test_a_table_of_subjects_and_measures_with_their_units_in_the_header() -> None:
    text = ("| 执法部门 | 行政处罚案件（件） | 罚没金额（万元） |\n|---|---|---|\n"
            "| 区城管执法局 | 538 | 97.6 |\n| 合计 | 1268 | 809.6 |\n")
    assert facts(text) == [
        ("区城管执法局行政处罚案件", 538, "件", "count", "538"), ("区城管执法局罚没金额", 976_000, "元", "amount", "97.6"),
        ("合计行政处罚案件", 1268, "件", "count", "1268"), ("合计罚没金额", 8_096_000, "元", "amount", "809.6"),
    ]
