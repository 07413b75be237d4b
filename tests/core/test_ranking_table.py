from datetime import date
from decimal import Decimal

import pytest
from ranking_cases import ganxian_hotline_case, ganxian_online_case, licheng_case

from hotline_desktop.core.ranking_table import (
    AVERAGED_TEXT,
    UNRANKED_REASON,
    build_ranking_table,
    build_ranking_tables,
)
from hotline_desktop.core.scoring import fmt2, round2

TODAY = date(2026, 11, 21)


def test_licheng_header_rows_are_the_seed_sheet():
    _e, result = licheng_case()
    t = build_ranking_table(result, year=2025, group="community", today=TODAY)
    assert t.title == "（2025）年各社区热线工作考核内容计分表"
    assert "制表日期：2026年11月21日" in t.subtitle and "2025年1月—2月" in t.subtitle
    row1 = t.header_texts(0)
    assert row1[:6] == ["序号", "社区名称", "综合满意率（50分）", "回复（退）时限（9分）", "推诿件（10分）", "督办件（6分）"]
    assert row1[6] == "其他日常工作（15分）" and row1[7:11] == [""] * 4
    assert row1[11] == "额外加分项（共15分）" and row1[12:16] == [""] * 4
    assert row1[16:] == ["总分", "排名"]
    row2 = t.header_texts(1)
    assert row2[2] == "综合满意率每低一个百分点扣1分"
    assert row2[3] == "每出现1例超时未回复（退）工单扣1分"
    assert row2[4] == "一次推诿每例扣1分，多次推诿每例扣2分"
    assert row2[5] == "督办件未完成，每例扣2分"
    assert row2[6] == "领导重视（5分）：根据日常考核记录计分"
    assert row2[13].startswith("承办量（3分）") and not row2[13].endswith("（少于10件不计分）")
    assert row2[15] == "工作态度（5分），根据日常考核记录计分"
    # merges: 序号, name, 总分, 排名 over both rows; the two indicator categories over 5 columns
    assert set(t.spans()) == {(0, 0, 1, 0), (0, 1, 1, 1), (0, 6, 0, 10), (0, 11, 0, 15), (0, 16, 1, 16), (0, 17, 1, 17)}
    dept = build_ranking_table(result, year=2025, group="department", today=TODAY)
    assert dept.title == "（2025）年各科室热线工作考核内容计分表"
    assert dept.header_texts(0)[1] == "科室名称"
    assert dept.header_texts(1)[13].endswith("（少于10件不计分）")


def test_licheng_rows_follow_engine_ranks_with_ties_and_footer():
    _e, result = licheng_case()
    t = build_ranking_table(result, year=2025, group="community", today=TODAY)
    assert [r.code for r in t.rows] == ["C01", "C02", "C03", "C06", "C04", "C05"]
    rank = t.column_index("rank")
    total = t.column_index("total")
    assert [r.cells[rank].text for r in t.rows] == ["1", "2（并列）", "2（并列）", "4", "", ""]
    assert [r.cells[0].value for r in t.rows] == [1, 2, 3, 4, 5, 6]
    for r in t.rows:
        u = result[r.code]
        assert r.cells[total].value == (None if u.total is None else round2(u.total))
        assert r.cells[total].text == ("" if u.total is None else fmt2(u.total, trim=False))
        sat = r.cells[t.column_index("cat:satisfaction")]
        assert sat.value == round2(u.categories["satisfaction"])
        assert r.cells[t.column_index("ind:attitude")].value == (
            round2(u.indicators["attitude"]) if "attitude" in u.indicators else None
        )
    # values are rounded Decimals, texts have 2 decimals
    first = t.rows[0]
    assert isinstance(first.cells[total].value, Decimal) and first.cells[total].text == "97.16"
    footer = {e.code: e.reason for e in t.footer}
    assert footer["C04"] == UNRANKED_REASON
    assert footer["C05"].startswith("数据不全") and "工作态度未评分" in footer["C05"]
    assert set(footer) == {"C04", "C05"}


def test_licheng_requires_a_group_and_builds_one_table_per_group():
    _e, result = licheng_case()
    with pytest.raises(ValueError, match="请指定排名组"):
        build_ranking_table(result, year=2025)
    with pytest.raises(ValueError, match="没有排名组"):
        build_ranking_table(result, year=2025, group="nope")
    with pytest.raises(ValueError, match="没有月度排名"):
        build_ranking_table(result, year=2025, group="community", month="2025-01")
    tables = build_ranking_tables(result, year=2025, today=TODAY)
    assert [t.sheet_name for t in tables] == ["社区", "科室"]


def test_ganxian_monthly_table():
    engine, result = ganxian_hotline_case()
    t = build_ranking_table(result, year=2026, month="2026-03", today=TODAY, monthly_values=engine.monthly_values)
    assert t.title == "（2026年3月）各单位12345热线办件情况统计表"
    row1 = t.header_texts(0)
    assert row1[:4] == ["序号", "单位名称", "办件量", "按期办结率（25分）"]
    assert row1[-5:] == ["基础分（100分）", "奖惩加分（限10分）", "奖惩减分（限10分）", "月度得分", "排名"]
    assert len([k for k in t.columns if k.key.startswith("ind:")]) == 10
    assert t.header_texts(1)[3] == "按期办结率为100%，得25分；每下降1个百分点扣1分；扣完为止"
    assert [r.code for r in t.rows] == ["T01", "T02", "D01", "C01"]
    rank = t.column_index("rank")
    assert [r.cells[rank].text for r in t.rows] == ["1", "2", AVERAGED_TEXT, ""]
    vol = t.column_index("volume")
    assert [r.cells[vol].value for r in t.rows] == [21, 12, 0, 12]
    score = t.column_index("score")
    assert t.rows[0].cells[score].value == round2(result["T01"].months["2026-03"].score)
    assert t.rows[2].cells[score].value == round2(result.month_averages["2026-03"])
    assert [e.code for e in t.footer] == ["C01"] and "工单签收率未填" in t.footer[0].reason
    assert any("按全区月考核平均分" in n for n in t.notes)
    with pytest.raises(ValueError, match="不在考核期内"):
        build_ranking_table(result, year=2026, month="2026-05")


def test_ganxian_annual_tables_derive_weights_and_vetoes_from_the_scheme():
    _e, result = ganxian_hotline_case()
    t = build_ranking_table(result, year=2026, today=TODAY)
    assert t.title == "（2026）年度各单位12345热线综合评分表"
    row1, row2 = t.header_texts(0), t.header_texts(1)
    assert row1[2] == "月度考核平均分"
    assert "运行保障（14分）" in row1 and "奖惩（±20分）" in row1 and "年度基础考核得分" in row1
    total = t.column_index("total")
    assert row1[total] == "年度综合评分"
    assert "×80%" in row2[total] and "×20%" in row2[total]
    assert [r.code for r in t.rows] == ["T01", "D01", "T02", "C01"]
    assert t.rows[0].cells[total].value == round2(result["T01"].total)
    adj = t.rows[2].cells[t.column_index("adjustment")]
    assert adj.value == Decimal("-2.00")
    assert "数据不全" in t.footer[0].reason and t.footer[0].code == "C01"

    _e, online = ganxian_online_case()
    t = build_ranking_table(online, year=2026, today=TODAY)
    assert t.title == "（2026）年度各单位网络问政综合评分表"
    row1, row2 = t.header_texts(0), t.header_texts(1)
    assert row1[2] == "各月月度得分" and row2[2:4] == ["1月", "2月"]
    assert row1[4:] == ["平均分", "一票否决", "年度得分", "排名"]
    d01 = next(r for r in t.rows if r.code == "D01")
    assert d01.cells[t.column_index("veto")].text == "中国政府网、国家政务服务平台逾期回复"
    assert d01.cells[t.column_index("total")].value == Decimal("0.00")
    assert d01.cells[t.column_index("monthly_average")].value == Decimal("99.00")
    assert "一票否决" in t.footer[0].reason
    m = build_ranking_table(online, year=2026, month="2026-01", today=TODAY)
    assert m.header_texts(0)[2:] == [
        "按时回复率（50分）", "帖文规范回复（10分）", "退件时效（10分）", "加盖公章PDF（20分）", "重复件（10分）",
        "督办件扣分（限10分）", "月度得分", "排名",
    ]
