"""Figures from work orders, as data (core/order_figures.py): each definition on hand-made orders."""

from datetime import date, time
from decimal import Decimal

import numpy as np
import pytest

from hotline_desktop.core import order_figures as figs
from hotline_desktop.core.orders import match_columns, parse_orders
from hotline_desktop.core.scoring.scheme import load_scheme
from hotline_desktop.core.workdays import DayKind, OfficeDay, WorkCalendar

HOURS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))  # 7.5 h a working day
HEADER = ["工单编号", "承办单位", "受理时间", "派发时间", "签收时间", "首次联系时间", "办理时限", "办结时间",
          "工单类型", "回访结果", "重办次数", "退单时间", "延期次数", "是否匿名"]
COLS = {h: i for i, h in enumerate(HEADER)}
BOOK = figs.builtin_figures()


def table(*orders, unit_id=1):
    rows = []
    for i, o in enumerate(orders):
        r = [""] * len(HEADER)
        r[0], r[1], r[2] = f"N{i}", "梅林镇", "2026-11-02 09:00"
        for k, v in o.items():
            r[COLS[k]] = v
        rows.append(r)
    p = parse_orders(rows, match_columns(HEADER))
    assert not p.bad, p.bad
    p.table.unit_id = np.full(len(p.table), unit_id, np.int64)
    return p.table


def value(scheme, key, t, cal=None, month="2026-11"):
    fig = BOOK.get(scheme, key)
    tl = figs.tally([fig], t, cal or WorkCalendar(), HOURS).get((1, month, key))
    return figs.figure_value(fig, tl, BOOK.decimals) if tl is not None else None, tl


G = "ganxian-2023-hotline"


def test_on_time_completion_due_exactly_at_the_deadline_minute_is_on_time():
    t = table({"办理时限": "2026-11-10 17:30", "办结时间": "2026-11-10 17:30"},
              {"办理时限": "2026-11-10 17:30", "办结时间": "2026-11-10 17:30:01"},
              {"办理时限": "2026-11-12 17:30"},  # not completed
              {"办理时限": "2026-12-01 17:30", "办结时间": "2026-11-20 10:00"})  # due next month: not counted here
    v, tl = value(G, "on_time_completion_rate", t)
    assert tl == figs.Tally(1, 3) and v == Decimal("33.33")
    assert value(G, "on_time_completion_rate", t, month="2026-12")[1] == figs.Tally(1, 1)


def test_sign_in_within_half_a_working_day_spans_lunch_nights_and_holidays():
    half = 3 * 3600 + 45 * 60  # 0.5 × 7.5 h
    t = table(
        {"派发时间": "2026-11-02 11:00", "签收时间": "2026-11-02 16:15"},  # 1 h + 2 h 45 = 3 h 45: on time
        {"派发时间": "2026-11-02 11:00", "签收时间": "2026-11-02 16:16"},  # one minute over
        {"派发时间": "2026-11-02 17:00", "签收时间": "2026-11-03 11:45"},  # 30 min + 3 h 15 across the night
        {"派发时间": "2026-11-06 16:00", "签收时间": "2026-11-09 10:45"},  # Friday → Monday: 1.5 h + 2.25 h
        {"派发时间": "2026-11-02 12:10", "签收时间": "2026-11-02 13:29"},  # all within lunch: 0
        {"派发时间": "2026-11-02 09:00"},  # never signed
    )
    v, tl = value(G, "sign_in_rate", t)
    assert tl == figs.Tally(4, 6) and v == Decimal("66.67")
    clock = figs.WorkClock.covering(WorkCalendar(), HOURS, t.times["dispatched"], t.times["signed"])
    spans = clock.span(t.times["dispatched"], t.times["signed"])
    assert spans[:5].tolist() == [half, half + 60, half, half, 0]


def test_sign_in_across_national_day_counts_no_holiday_hours():
    # 2026-09-30 (Wed) 17:00 → 10-08 (Thu, first working day after the holiday) 11:45: 30 min + 3 h 15
    t = table({"受理时间": "2026-09-30 16:50", "派发时间": "2026-09-30 17:00", "签收时间": "2026-10-08 11:45"},
              {"受理时间": "2026-09-30 16:50", "派发时间": "2026-09-30 17:00", "签收时间": "2026-10-08 11:46"})
    assert value(G, "sign_in_rate", t, month="2026-09")[1] == figs.Tally(1, 2)
    # the office marks 10-08 a holiday too: its hours do not count, so both are signed after 30 working minutes
    cal = WorkCalendar([OfficeDay(date(2026, 10, 8), DayKind.HOLIDAY, "调整")])
    assert value(G, "sign_in_rate", t, cal, month="2026-09")[1] == figs.Tally(2, 2)


def test_response_rate_leaves_anonymous_orders_out():
    t = table({"派发时间": "2026-11-02 09:00", "首次联系时间": "2026-11-03 09:00", "是否匿名": "否"},  # 7.5 h: on time
              {"派发时间": "2026-11-02 09:00", "首次联系时间": "2026-11-03 09:01", "是否匿名": "否"},
              {"派发时间": "2026-11-02 09:00", "是否匿名": "是"},  # anonymous: not in the base
              {"派发时间": "2026-11-02 09:00", "是否匿名": "否"})  # never contacted
    v, tl = value(G, "response_rate", t)
    assert tl == figs.Tally(1, 3) and v == Decimal("33.33")


def test_satisfaction_counts_basic_satisfaction_and_leaves_unvisited_out():
    t = table({"回访结果": "满意"}, {"回访结果": "基本满意"}, {"回访结果": "不满意"}, {"回访结果": "未回访"}, {})
    v, tl = value(G, "satisfaction_rate", t)
    assert tl == figs.Tally(2, 3) and v == Decimal("66.67")
    assert value("licheng-2020", "dissatisfied_orders", t)[0] == 1


def test_rework_rate_is_more_than_one_rework_over_the_months_orders():
    t = table({"重办次数": "1"}, {"重办次数": "2"}, {"重办次数": "5"}, {}, {}, {}, {}, {})
    v, tl = value(G, "rework_rate", t)
    assert tl == figs.Tally(2, 8) and v == Decimal("25.00")


def test_extension_rates_and_return_overdue():
    t = table({"延期次数": "1"}, {"延期次数": "2"}, {},
              {"派发时间": "2026-11-02 09:00", "退单时间": "2026-11-04 09:00"},  # exactly 2 working days: in time
              {"派发时间": "2026-11-02 09:00", "退单时间": "2026-11-04 09:01"})
    assert value(G, "first_extension_rate", t)[1] == figs.Tally(2, 5)
    assert value(G, "second_extension_rate", t)[1] == figs.Tally(1, 5)
    assert value(G, "return_overdue_rate", t)[1] == figs.Tally(1, 5)


def test_licheng_overdue_counts_by_order_type():
    t = table({"工单类型": "普通", "办理时限": "2026-11-05 17:30", "办结时间": "2026-11-06 09:00"},
              {"工单类型": "普通", "办理时限": "2026-11-05 17:30", "办结时间": "2026-11-05 09:00"},
              {"工单类型": "紧急", "办理时限": "2026-11-05 17:30"},
              {"工单类型": "重点督办", "办理时限": "2026-11-05 17:30", "办结时间": "2026-11-07 09:00"},
              {"工单类型": "重点督办", "办理时限": "2026-11-05 17:30", "办结时间": "2026-11-08 09:00"})
    assert [value("licheng-2020", k, t)[0] for k in ("overdue_normal", "overdue_urgent", "overdue_key")] == [1, 1, 2]


def test_zero_orders_give_no_rate_never_a_made_up_one():
    assert figs.rate_value(0, 0) is None
    t = table({"回访结果": "未回访"})
    assert value(G, "satisfaction_rate", t)[0] is None
    assert figs.tally(BOOK.for_scheme(G), table(), WorkCalendar(), HOURS) == {}


@pytest.mark.parametrize("hit, base, decimals, expected", [
    (1, 3, 2, "33.33"), (2, 3, 2, "66.67"), (1, 8, 2, "12.50"), (1, 16, 2, "6.25"), (1, 16, 1, "6.3"),
    (1, 200, 2, "0.50"), (1, 400, 2, "0.25"), (1, 800, 2, "0.13"), (5, 5, 2, "100.00"), (0, 7, 0, "0"),
])
def test_rates_round_half_up_at_the_given_decimals(hit, base, decimals, expected):
    assert str(figs.rate_value(hit, base, decimals)) == expected


def test_drill_down_counts_equal_the_figure():
    t = table(*[{"派发时间": "2026-11-02 09:00", "签收时间": f"2026-11-02 1{i}:00"} for i in range(6)])
    fig = BOOK.get(G, "sign_in_rate")
    d = figs.drill(fig, t, 1, "2026-11", WorkCalendar(), HOURS)
    # signed 10:00 … 15:00 after 09:00: up to 14:00 is 3 h + 30 min after lunch ≤ 3 h 45; 15:00 is 4 h 30
    assert d.tally == value(G, "sign_in_rate", t)[1] == figs.Tally(5, 6)
    assert [t.number[i] for i in d.hit] == ["N0", "N1", "N2", "N3", "N4"]


def test_every_figure_names_an_input_of_its_scheme_of_the_same_kind():
    schemes = {s: load_scheme(s) for s in BOOK.schemes()}
    assert figs.check_against_schemes(BOOK, schemes) == []


def test_definition_file_is_validated_and_holds_no_code(tmp_path):
    p = tmp_path / "f.toml"
    for body, msg in [
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="rate"\nhit=[{type="eval", field="x"}]\n', "条件类型 'eval'"),
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="rate"\nhit=[{type="present", field="colour"}]\n', "应为工单字段"),
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="rate"\nhit=[{type="is", field="visit", values=["好"]}]\n',
         "values 应取自"),
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="mean"\n', "kind 应为 count 或 rate"),
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="count"\nmonth_by="unit"\n', "month_by 应为时间字段"),
        ('decimals = 9\n', "decimals"),
        ('[[figure]]\nscheme="s"\nkey="k"\nkind="rate"\nhit=[{type="at_least", field="due", min=1}]\n',
         "不能用于字段 due"),
    ]:
        p.write_text(body, "utf-8")
        with pytest.raises(ValueError, match=msg):
            figs.load_figures(p)
