"""工单明细 import through the services: grid cells fed from orders, overrides, dedup, all-or-nothing,
unmatched units and aliases, encodings, drill-down, reconcile, anomalies → 督办通知."""

import csv
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.db.models import AuditEntry, WorkOrder
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ServiceError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gen_orders  # noqa: E402

HEADER = ["工单号", "处理部门", "受理时间", "派单时间", "签收时间", "应办结时间", "办结时间", "满意度", "重办次数"]
G = "ganxian-2023-hotline"


@pytest.fixture
def setup(services):
    services.units.create_many([UnitDraft(code="T01", name="梅林镇", kind=UnitKind.TOWN),
                                UnitDraft(code="T02", name="储潭乡", kind=UnitKind.TOWN)])
    ys = services.assessment.assign(2026, G)
    ids = {u.code: u.id for u in services.units.list()}
    return services, ys, ids


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def order(num, unit="梅林镇", acc="2026-11-02 09:00", due="2026-11-10 17:30", done="2026-11-09 10:00",
          visit="满意", rework="0", disp="2026-11-02 09:10", signed="2026-11-02 10:00"):
    return [num, unit, acc, disp, signed, due, done, visit, rework]


def scored(services, ys, month="2026-11"):
    return {(u, k): c.text for (u, _m, k), c in services.assessment.scored_monthly_cells(ys.id, month).items()}


def count_orders(services):
    with services.store.session() as s:
        return s.scalar(select(func.count()).select_from(WorkOrder))


def test_import_fills_the_months_cells_from_orders_and_reports_the_changes(setup, tmp_path):
    services, ys, ids = setup
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2026-11", "volume", "99"),
                                           CellEdit(ids["T02"], "2026-11", "praise", "1"),
                                           CellEdit(ids["T01"], "2026-10", "volume", "40")])
    got = []
    services.assessment.values_changed.connect(lambda y, ch: got.extend(ch))
    f = write_csv(tmp_path / "o.csv", [order("A1"), order("A2", done="2026-11-11 09:00", visit="不满意", rework="2"),
                                       order("A3", visit="未回访")], encoding="gb18030")
    plan = services.orders.plan(f)
    assert not plan.problems and plan.months == ["2026-11"]
    res = services.orders.apply(plan)
    assert res.orders == 3
    cells = scored(services, ys)
    t1, t2 = ids["T01"], ids["T02"]
    assert cells[(t1, "volume")] == "3"  # the typed 99 is replaced by the orders' count
    assert cells[(t1, "on_time_completion_rate")] == "66.67"
    assert cells[(t1, "satisfaction_rate")] == "50"  # 1 of the 2 visited
    assert cells[(t1, "rework_rate")] == "33.33"
    assert cells[(t2, "volume")] == "0"  # figures typed, but no order this month: volume 0, no made-up rate
    assert (t2, "satisfaction_rate") not in cells
    assert scored(services, ys, "2026-10")[(t1, "volume")] == "40"  # a month not imported keeps typed figures
    moved = {(c.unit_id, c.key): (c.old.text if c.old else None, c.new.text if c.new else None) for c in got}
    assert moved[(t1, "volume")] == ("99", "3") and moved[(t2, "volume")] == (None, "0")
    fed = services.feeds.fed_cells(ys.id, "2026-11")
    assert fed[(t1, "on_time_completion_rate")].fed.sources == ("工单 2/3",)
    assert (fed[(t2, "volume")].fed.value, fed[(t2, "satisfaction_rate")].fed.value) == (0, "")  # shown as 无
    with services.store.session() as s:
        logged = s.scalars(select(AuditEntry.new_value).where(AuditEntry.table_name == "work_orders")).all()
    assert {"o.csv", "2026-11", "3"} <= set(logged)


def test_a_typed_value_overrides_a_computed_figure_explicitly_and_reversibly(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [order("A1"), order("A2", visit="不满意")])))
    t1 = ids["T01"]
    assert scored(services, ys)[(t1, "satisfaction_rate")] == "50"
    ch = services.assessment.set_values(ys.id, [CellEdit(t1, "2026-11", "satisfaction_rate", "96")])
    assert (ch[0].old.text, ch[0].new.text) == ("50", "96")
    assert scored(services, ys)[(t1, "satisfaction_rate")] == "96"
    fc = services.feeds.fed_cells(ys.id, "2026-11")[(t1, "satisfaction_rate")]
    assert fc.overridden and fc.override.text == "96" and fc.fed.value == Decimal("50.00")
    ch = services.assessment.set_values(ys.id, [CellEdit(t1, "2026-11", "satisfaction_rate", None)])
    assert (ch[0].old.text, ch[0].new.text) == ("96", "50")
    assert scored(services, ys)[(t1, "satisfaction_rate")] == "50"


def test_reimport_replaces_the_month_atomically_with_dedup(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "a.csv", [order("A1"), order("A2"), order("A3")])))
    assert count_orders(services) == 3
    plan = services.orders.plan(write_csv(tmp_path / "b.csv", [order("A1", visit="不满意"), order("A4"),
                                                               order("A1", visit="基本满意")]))
    assert plan.duplicates == 1 and plan.replaced == {"2026-11": 3}
    services.orders.apply(plan)
    with services.store.session() as s:
        rows = dict(s.execute(select(WorkOrder.number, WorkOrder.visit)).all())
    assert set(rows) == {"A1", "A4"} and rows["A1"] == 1  # 基本满意: the later row of A1 kept
    assert scored(services, ys)[(ids["T01"], "volume")] == "2"


def test_bad_rows_import_the_rest_or_nothing(setup, tmp_path):
    services, ys, ids = setup
    f = write_csv(tmp_path / "o.csv", [order("A1"), order("", unit="梅林镇"), order("A3", acc="2026-11-31 09:00"),
                                       order("A4", done="2026-11-01 08:00"), order("A5", unit="历城区某某街道办事处")])
    plan = services.orders.plan(f)
    assert plan.problems == [
        "第 3 行：缺少工单编号", "第 4 行：受理时间“2026-11-31 09:00”不是有效的日期时间",
        "第 5 行：办结时间早于受理时间", "承办单位“历城区某某街道办事处”在单位名册中找不到（第 6 行，共 1 行）"]
    with pytest.raises(ServiceError, match="未写入任何数据"):
        services.orders.apply(plan)
    assert count_orders(services) == 0 and services.orders.months() == []
    services.orders.apply(plan, only_good=True)
    assert count_orders(services) == 1


def test_unmatched_unit_is_matched_by_a_saved_alias_or_by_code(setup, tmp_path):
    services, ys, ids = setup
    f = write_csv(tmp_path / "o.csv", [order("A1", unit="赣县区储潭乡人民政府"), order("A2", unit="T01")])
    assert list(services.orders.plan(f).unmatched) == ["赣县区储潭乡人民政府"]
    services.orders.set_alias("赣县区储潭乡人民政府", "T02")
    plan = services.orders.plan(f)
    assert not plan.problems
    services.orders.apply(plan)
    cells = scored(services, ys)
    assert cells[(ids["T02"], "volume")] == "1" and cells[(ids["T01"], "volume")] == "1"


def test_cancel_leaves_nothing_half_imported(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "a.csv", [order("A1"), order("A2")])))
    before = scored(services, ys)
    names = ["梅林镇", "储潭乡"]
    f = gen_orders.write(tmp_path / "big.csv", 3000, names, "2026-11")
    plan = services.orders.plan(f)
    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 2000  # cancel part-way through the writing

    import hotline_desktop.db.orders_repository as repo

    old = repo.CHUNK
    repo.CHUNK = 1000
    try:
        with pytest.raises(InterruptedError):
            services.orders.apply(plan, progress=progress)
    finally:
        repo.CHUNK = old
    assert seen and count_orders(services) == 2
    assert scored(services, ys) == before


def test_generated_dialects_and_encodings_import_alike(setup, tmp_path):
    services, ys, ids = setup
    names = ["梅林镇", "储潭乡"]
    a = services.orders.plan(gen_orders.write(tmp_path / "a.csv", 200, names, "2026-11", "standard", "gb18030"))
    b = services.orders.plan(gen_orders.write(tmp_path / "b.csv", 200, names, "2026-11", "platform", "utf-8"))
    c = services.orders.plan(gen_orders.write(tmp_path / "c.xlsx", 200, names, "2026-11", "standard"))
    with pytest.raises(ServiceError, match="缺少列：工单编号、承办单位、受理时间"):
        services.orders.plan(gen_orders.write(tmp_path / "d.csv", 200, names, "2026-11", "custom"))
    d = services.orders.plan(tmp_path / "d.csv", mapping=gen_orders.CUSTOM_MAP)
    for p in (a, b, c, d):
        assert not p.problems and len(p.table) == 200
    assert a.table.number == b.table.number == c.table.number == d.table.number
    assert (a.table.times["completed"] == c.table.times["completed"]).all()
    services.orders.save_profile("区平台", d.mapping)
    again = services.orders.plan(tmp_path / "d.csv", profile="区平台")
    assert len(again.table) == 200 and not again.problems
    with pytest.raises(ServiceError, match="没有名为“无此方案”的列对应方案"):
        services.orders.plan(tmp_path / "d.csv", profile="无此方案")


def test_generated_bad_rows_are_all_listed(setup, tmp_path):
    services, _ys, _ids = setup
    plan = services.orders.plan(gen_orders.write(tmp_path / "a.csv", 300, ["梅林镇"], "2026-11", bad=9))
    assert len(plan.bad) == 9 and len(plan.table) == 291


def test_drill_down_counts_equal_the_scored_figure_and_export(setup, tmp_path):
    services, ys, ids = setup
    names = ["梅林镇", "储潭乡"]
    services.orders.apply(services.orders.plan(gen_orders.write(tmp_path / "a.csv", 400, names, "2026-11")))
    cells = scored(services, ys)
    t1 = ids["T01"]
    for key in ("on_time_completion_rate", "sign_in_rate", "response_rate", "satisfaction_rate", "volume"):
        drill, _t = services.orders.explain(G, t1, "2026-11", key)
        fig = drill.figure
        if fig.kind == "count":
            assert str(drill.tally.hit) == cells[(t1, key)]
        else:
            shown = Decimal(drill.tally.hit * 100) / drill.tally.base
            assert abs(Decimal(cells[(t1, key)]) - shown) <= Decimal("0.005")
    out = services.orders.export_explain(G, t1, "2026-11", "sign_in_rate", tmp_path / "x.xlsx")
    from hotline_desktop.core.xlsx import read_rows

    rows = read_rows(out)
    drill, _t = services.orders.explain(G, t1, "2026-11", "sign_in_rate")
    assert rows[0][0].startswith("T01 梅林镇 · 2026-11 · 工单签收率")
    assert rows[2][:2] == ["工单编号", "计入分子"] and "工作时长" in rows[2]
    assert len(rows) - 3 == drill.tally.base
    assert sum(1 for r in rows[3:] if r[1] == "是") == drill.tally.hit


def test_reconcile_lists_units_and_fields_that_differ_with_the_orders(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [
        order("A1"), order("A2", done="2026-11-11 09:00"), order("A3", unit="储潭乡")])))
    from hotline_desktop.core.excel_monthly import write_month_workbook

    units = services.units.list()
    sch = services.assessment.scheme(ys.id)
    report = write_month_workbook(tmp_path / "r.xlsx", sch, "2026-11", units, {
        ("T01", "volume"): "3", ("T01", "on_time_completion_rate"): "100", ("T02", "volume"): "1",
        ("T01", "praise"): "3"})
    diffs = services.orders.reconcile(report, "2026-11", ys.id)
    assert [(d["code"], d["key"], d["reported"], d["computed"], d["hit"], d["base"], d["orders"]) for d in diffs] == [
        ("T01", "volume", "3", "2", 2, 2, ["A1", "A2"]),  # a count: the orders counted
        ("T01", "on_time_completion_rate", "100", "50", 1, 2, ["A2"]),  # a rate: the base orders not in it
    ]
    out = services.orders.export_reconcile(diffs, "2026-11", tmp_path / "diff.xlsx")
    assert out.exists()


def test_reconcile_reads_a_platform_report_keyed_by_unit_names_and_aliases(setup, tmp_path):
    """The platform's own monthly report has no 单位编码: its units are matched by name or saved alias."""
    from openpyxl import Workbook

    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [
        order("A1"), order("A2", done="2026-11-11 09:00"), order("A3", unit="储潭乡")])))
    services.orders.set_alias("赣县区储潭乡人民政府", "T02")
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年11月 12345热线工单办理情况通报"])
    ws.append(["序号", "单位名称", "当月办件量", "按期办结率"])
    ws.append([1, "梅林镇", 3, 100])
    ws.append([2, "赣县区储潭乡人民政府", 1, 100])
    ws.append([3, "不存在的单位", 5, 90])
    wb.save(tmp_path / "platform.xlsx")
    with pytest.raises(ServiceError, match="名册中找不到单位“不存在的单位”"):
        services.orders.reconcile(tmp_path / "platform.xlsx", "2026-11", ys.id)
    ws.delete_rows(5)
    wb.save(tmp_path / "platform.xlsx")
    diffs = services.orders.reconcile(tmp_path / "platform.xlsx", "2026-11", ys.id)
    assert [(d["code"], d["key"], d["reported"], d["computed"]) for d in diffs] == [
        ("T01", "volume", "3", "2"), ("T01", "on_time_completion_rate", "100", "50")]


def test_anomalies_become_notice_candidates_with_their_order_numbers(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [
        order("A1"), order("A2", done="", due="2026-11-05 17:30"), order("A3", rework="3"),
        order("A4", unit="储潭乡")])))
    cands = services.orders.anomalies("2026-11", today=datetime(2026, 12, 1))
    assert [(c["unit_id"], c["orders"]) for c in cands] == [(ids["T01"], ["A2", "A3"])]
    assert cands[0]["reasons"] == {"A2": "超期", "A3": "重办≥3次"}
    draft = services.orders.notice_draft(cands[0], date(2026, 12, 1))
    row = services.notices.issue(draft)
    assert row.orders == ("A2", "A3") and "A2（超期）" in row.content




def test_office_hours_or_calendar_edits_recount_the_working_day_figures(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [
        order("A1", disp="2026-11-02 11:00", signed="2026-11-02 15:30"),  # Monday: 1 h + 2 h = 3 h ≤ 3 h 45
        order("A2", disp="2026-11-06 17:00", signed="2026-11-09 11:00")])))  # Fri 30 min + Mon 2 h 30: in
    t1 = ids["T01"]
    assert scored(services, ys)[(t1, "sign_in_rate")] == "100"
    got = []
    services.assessment.values_changed.connect(lambda y, ch: got.extend(ch))
    # a short day 10:00–12:00, 12:30–13:00: half a day is 1 h 15; A1 counts 1 h + 30 min; A2 0 + 1 h
    services.settings.update({"office_hours": "10:00–12:00、12:30–13:00"})
    assert scored(services, ys)[(t1, "sign_in_rate")] == "50"
    assert [(c.key, c.old.text, c.new.text) for c in got] == [("sign_in_rate", "100", "50")]
    services.settings.update({"office_hours": "8:30–12:00、13:30–17:30"})
    assert scored(services, ys)[(t1, "sign_in_rate")] == "100"
    # the office makes Saturday 11-07 a working day (调休上班): A2 now spans a full extra day
    services.calendar.set_day(date(2026, 11, 7), "workday", "调休")
    assert scored(services, ys)[(t1, "sign_in_rate")] == "50"


def test_after_a_restart_an_office_hours_edit_recounts_before_the_orders_layer_is_used(setup, paths, tmp_path):
    """The orders layer (numpy) is built on first use, not when the app opens; an office-hours or
    calendar edit made first still recounts the stored figures."""
    from hotline_desktop.services.app import AppServices

    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", [
        order("A1", disp="2026-11-02 11:00", signed="2026-11-02 15:30"),
        order("A2", disp="2026-11-06 17:00", signed="2026-11-09 11:00")])))
    services.close()
    again = AppServices.open(paths)
    try:
        got = []
        again.assessment.values_changed.connect(lambda y, ch: got.extend(ch))
        assert not again.orders_layer.built  # not built by opening, nor by the assessment service
        again.settings.update({"office_hours": "10:00–12:00、12:30–13:00"})
        assert [(c.key, c.old.text, c.new.text) for c in got] == [("sign_in_rate", "100", "50")]
        assert scored(again, ys)[(ids["T01"], "sign_in_rate")] == "50"
        got.clear()
        again.calendar.set_day(date(2026, 11, 7), "workday", "调休")  # built by now: its own listener recounts
        assert [(c.key, c.old.text, c.new.text) for c in got] == [("sign_in_rate", "50", "0")]
    finally:
        again.close()


def test_the_orders_layer_is_built_once_on_first_use_and_takes_the_stand_ins_place(services, monkeypatch):
    from hotline_desktop.services import orders as orders_mod

    made = []

    class Counted(orders_mod.OrderService):
        def __init__(self, *a, **kw):
            made.append(self)
            super().__init__(*a, **kw)

    monkeypatch.setattr(orders_mod, "OrderService", Counted)
    stand_in = services.assessment.feeds
    assert not services.orders_layer.built and made == []
    assert stand_in.active_keys  # any attribute of the fed-inputs seam builds the layer
    assert services.orders_layer.built and len(made) == 1
    assert services.orders is made[0] and services.orders is services.orders
    assert services.assessment.feeds is services.feeds is services.feeds
    assert isinstance(services.feeds, orders_mod.OrderFeeds) and services.feeds.orders is made[0]
    services.invalidate()
    assert len(made) == 1


def test_an_import_is_undone_and_redone_with_the_cells_it_moved(setup, tmp_path):
    services, ys, ids = setup
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2026-11", "volume", "9")])
    first = services.orders.write(services.orders.plan(write_csv(tmp_path / "a.csv", [order("A1"), order("A2")])))
    services.orders.publish(first)
    assert scored(services, ys)[(ids["T01"], "volume")] == "2"
    plan = services.orders.plan(write_csv(tmp_path / "b.csv", [order("A1"), order("A3"), order("A4")]))
    second = services.orders.write(plan)
    services.orders.publish(second)
    assert scored(services, ys)[(ids["T01"], "volume")] == "3"
    got = []
    services.assessment.values_changed.connect(lambda y, ch: got.extend(ch))
    services.orders.publish(services.orders.undo_import(second))  # back to the first import
    with services.store.session() as s:
        assert sorted(s.scalars(select(WorkOrder.number))) == ["A1", "A2"]
    assert scored(services, ys)[(ids["T01"], "volume")] == "2"
    assert [(c.key, c.old.text, c.new.text) for c in got if c.key == "volume"] == [("volume", "3", "2")]
    services.orders.publish(services.orders.undo_import(first))  # before any import: the typed 9 again
    assert count_orders(services) == 0 and services.orders.months() == []
    assert scored(services, ys)[(ids["T01"], "volume")] == "9"
    services.orders.publish(services.orders.write(plan))  # redo
    assert scored(services, ys)[(ids["T01"], "volume")] == "3"


def test_a_value_typed_before_its_month_was_imported_is_not_an_override(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "oct.csv", [order("B1", acc="2026-10-05 09:00")])))
    t1 = ids["T01"]
    services.assessment.set_values(ys.id, [CellEdit(t1, "2026-11", "volume", "9")])  # November not imported yet
    assert scored(services, ys)[(t1, "volume")] == "9"
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "nov.csv", [order("A1"), order("A2")])))
    assert scored(services, ys)[(t1, "volume")] == "2"
    assert not services.feeds.fed_cells(ys.id, "2026-11")[(t1, "volume")].overridden
    services.assessment.set_values(ys.id, [CellEdit(t1, "2026-11", "volume", "7")])  # typed over the figure
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "nov2.csv", [order("A1")])))  # re-import
    assert scored(services, ys)[(t1, "volume")] == "7"  # an explicit override stays


def test_an_order_number_seen_in_another_month_moves_to_the_new_import(setup, tmp_path):
    services, ys, ids = setup
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "oct.csv", [
        order("A9", acc="2026-10-30 09:00"), order("B1", acc="2026-10-05 09:00")])))
    assert scored(services, ys, "2026-10")[(ids["T01"], "volume")] == "2"
    plan = services.orders.plan(write_csv(tmp_path / "nov.csv", [order("A9"), order("A1")]))
    services.orders.apply(plan)
    with services.store.session() as s:
        assert dict(s.execute(select(WorkOrder.number, WorkOrder.month)).all()) == {
            "A9": "2026-11", "B1": "2026-10", "A1": "2026-11"}
    assert scored(services, ys, "2026-10")[(ids["T01"], "volume")] == "1"
    assert scored(services, ys)[(ids["T01"], "volume")] == "2"


def test_aliases_are_listed_removed_and_audited(setup, tmp_path):
    services, ys, ids = setup
    orders = services.orders
    assert orders.set_alias("赣县区储潭乡人民政府", "T02") is None
    assert orders.set_alias("赣县区储潭乡人民政府", "T01") == "T02"  # re-pointed
    assert orders.alias_rows() == [("赣县区储潭乡人民政府", "T01", "梅林镇")]
    assert orders.remove_alias("赣县区储潭乡人民政府") == "T01"
    assert orders.alias_rows() == []
    f = write_csv(tmp_path / "o.csv", [order("A1", unit="赣县区储潭乡人民政府")])
    assert list(orders.plan(f).unmatched) == ["赣县区储潭乡人民政府"]
    with services.store.session() as s:
        acts = [(a.table_name, a.action) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
                if a.table_name == "unit_aliases"]
    assert acts == [("unit_aliases", "insert"), ("unit_aliases", "update"), ("unit_aliases", "delete")]
    for bad, msg in [("", "不能为空"), ("x" * 201, "不能超过 200 个字"), ("a\nb", "控制字符"), ("（ ）", "去掉空格和括号后为空")]:
        with pytest.raises(ServiceError, match=msg):
            orders.set_alias(bad, "T01")
    assert orders.alias_rows() == []


def test_profiles_rename_and_delete_refuse_unknown_or_taken_names(setup):
    services, _ys, _ids = setup
    orders = services.orders
    orders.save_profile("甲", {"工单编号": "流水号"})
    orders.save_profile("乙", {"工单编号": "编号"})
    with pytest.raises(ServiceError, match="已有名为“乙”"):
        orders.rename_profile("甲", "乙")
    assert orders.rename_profile("甲", " 丙 ") == "丙"
    assert orders.profiles() == {"丙": {"工单编号": "流水号"}, "乙": {"工单编号": "编号"}}
    assert orders.delete_profile("乙") == {"工单编号": "编号"}
    with pytest.raises(ServiceError, match="没有名为“乙”"):
        orders.delete_profile("乙")
    assert list(orders.profiles()) == ["丙"]


def test_volume_all_channels_is_not_fed_from_the_hotline_export_it_defaults_to_the_fed_volume(setup, tmp_path):
    # 办件量（含网络问政）comes from the 运行月报 (seed 004: 中国政府网、国家政务服务平台、问政江西、问政赣州
    # and 12345); the 12345 work-order export holds the hotline's orders only. Blank: it takes the
    # order-fed volume (the scheme's default_from); typed: it stays, even in an imported month.
    services, ys, ids = setup
    t1, t2 = ids["T01"], ids["T02"]
    services.assessment.set_values(ys.id, [CellEdit(t2, "2026-11", "volume_all_channels", "35")])
    rows = [order(f"A{i}") for i in range(21)] + [order(f"B{i}", unit="储潭乡") for i in range(12)]
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", rows)))
    assert "volume_all_channels" not in services.feeds.order_keys(ys.id)
    cells = scored(services, ys)
    assert (cells[(t1, "volume")], cells.get((t1, "volume_all_channels"))) == ("21", None)
    assert (cells[(t2, "volume")], cells[(t2, "volume_all_channels")]) == ("12", "35")
    result = services.rankings.result(ys.id)
    assert result["T01"].months["2026-11"].bonus == 2  # ⌊21 / 10⌋ from the fed volume
    assert result["T02"].months["2026-11"].bonus == 3  # ⌊35 / 10⌋ from the typed 运行月报 figure


@pytest.mark.sqlite_only  # SQLite's index rebuild (PostgreSQL's bulk path is COPY, the index kept)
def test_a_bulk_import_builds_the_month_index_afresh_and_a_cancel_keeps_it(setup, tmp_path, monkeypatch):
    import hotline_desktop.db.orders_repository as repo

    services, ys, ids = setup
    monkeypatch.setattr(repo, "BULK_MIN", 100)
    monkeypatch.setattr(repo, "CHUNK", 500)
    dropped = []
    real = repo.OrdersRepository._index_off_for_bulk
    monkeypatch.setattr(repo.OrdersRepository, "_index_off_for_bulk",
                        lambda self, n: dropped.append(real(self, n)) or dropped[-1])

    def index_sql():
        with services.store.session() as s:
            return s.connection().exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_work_orders_month_unit'").scalar()

    before = index_sql()
    assert before
    plan = services.orders.plan(gen_orders.write(tmp_path / "big.csv", 3000, ["梅林镇", "储潭乡"], "2026-11"))
    with pytest.raises(InterruptedError):
        services.orders.apply(plan, progress=lambda done, total: done < 1000)
    assert dropped[-1] == before and index_sql() == before and count_orders(services) == 0  # rolled back whole
    services.orders.apply(plan)
    assert dropped[-1] == before and index_sql() == before and count_orders(services) == 3000
    with services.store.session() as s:
        used = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM work_orders WHERE month = '2026-11' AND unit_id = 1").all()
    assert any("ix_work_orders_month_unit" in str(r) for r in used)
    # fewer new rows than are stored: they go into the index as it is
    rows = [order(f"A{i}", acc="2026-10-02 09:00") for i in range(200)]
    services.orders.apply(services.orders.plan(write_csv(tmp_path / "o.csv", rows)))
    assert dropped[-1] is None and index_sql() == before and count_orders(services) == 3200


def test_the_figures_kept_after_a_write_are_the_stored_ones(setup, tmp_path):
    from hotline_desktop.db.orders_repository import OrdersRepository

    services, ys, ids = setup
    orders = services.orders

    def stored():
        with services.store.session() as s:
            repo = OrdersRepository(s)
            return {sch: repo.figures(sch) for sch in orders.book.schemes()}, repo.months()

    def settled(w):
        orders.settle(w)
        figures, months = stored()
        assert {sch: orders.figures(sch) for sch in figures} == figures and orders.months() == months
        return w

    names = ["梅林镇", "储潭乡"]
    nov = settled(orders.write(orders.plan(gen_orders.write(tmp_path / "n.csv", 300, names, "2026-11"))))
    oct_ = settled(orders.write(orders.plan(gen_orders.write(tmp_path / "o.csv", 200, names, "2026-10", seed=3))))
    again = settled(orders.write(orders.plan(gen_orders.write(tmp_path / "n2.csv", 100, names, "2026-11", seed=5))))
    assert len(orders.figures(G)) > 0 and {m for (_u, m, _k) in orders.figures(G)} >= {"2026-10", "2026-11"}
    settled(orders.undo_import(again))
    settled(orders.undo_import(oct_))
    settled(orders.undo_import(nov))
    assert orders.figures(G) == {} and orders.months() == []


def test_a_csv_with_trailing_empty_lines_imports_whole_and_a_year_0001_is_a_listed_row(setup, tmp_path):
    services, ys, ids = setup
    p = tmp_path / "o.csv"
    write_csv(p, [order("A1"), order("A2"), [], [""] * 9])
    plan = services.orders.plan(p)
    assert plan.problems == [] and len(plan.table) == 2  # the empty lines were 2 bad rows: nothing imported
    # a 受理时间 in year 1 was month '1-01', and apply() crashed on it with a ValueError
    write_csv(p, [order("A1"), order("A9", acc="0001-11-02 09:00")])
    plan = services.orders.plan(p)
    assert plan.problems == ["第 3 行：受理时间“0001-11-02 09:00”的年份应在 1970–2099 之间"]
    assert services.orders.apply(plan, only_good=True).months == ("2026-11",)
    assert count_orders(services) == 1


def test_excel_unicode_text_tab_and_semicolon_separated_files_import(setup, tmp_path):
    # Excel's 另存为“Unicode 文本” is UTF-16 with tabs: it was a raw UnicodeDecodeError ('gb18030'
    # codec can't decode …); a tab or semicolon separated file was one column, 缺少列
    services, ys, ids = setup
    lines = [HEADER, order("A1"), order("A2", unit="储潭乡")]
    for name, sep, enc in [("u.txt", "\t", "utf-16"), ("t.txt", "\t", "utf-8"), ("s.csv", ";", "gb18030")]:
        p = tmp_path / name
        p.write_text("\r\n".join(sep.join(r) for r in lines) + "\r\n", encoding=enc)
        plan = services.orders.plan(p)
        assert not plan.problems and plan.table.number == ["A1", "A2"], name


def test_a_csv_whose_quotes_do_not_pair_or_that_no_encoding_reads_is_refused_in_chinese(setup, tmp_path):
    # these were csv.Error (field larger than field limit) and UnicodeDecodeError, English and
    # shown by the CLI as 内部错误
    services, _ys, _ids = setup
    p = tmp_path / "q.csv"
    p.write_text("\n".join([",".join(HEADER), ",".join(order("A1")), '"A2,梅林镇' + ",x" * 70000]), encoding="utf-8")
    with pytest.raises(ServiceError, match=r"“q.csv”第 3 行起的内容无法按 csv 读取（多半是某个单元格的引号没有成对"):
        services.orders.plan(p)
    p = tmp_path / "b.csv"
    p.write_bytes(",".join(HEADER).encode("gb18030") + b"\n\xff\xff\xff\n")
    with pytest.raises(ServiceError, match=r"“b.csv”.*文字无法识别：文件应为 UTF-8、UTF-16"):
        services.orders.plan(p)


def test_formula_and_error_cells_of_an_xlsx_are_bad_rows_not_empty_values(setup, tmp_path):
    # read as empty, a #N/A in 办结时间 was an order not completed and a formula in 重办次数 a 0:
    # imported silently into the month's figures
    from xlsx_builder import cell, rows_xml, write_xlsx

    def row(r, values, skip=(), extra=""):
        return (f'<row r="{r}">' + "".join(cell(f"{chr(65 + i)}{r}", v) for i, v in enumerate(values) if i not in skip)
                + extra + "</row>")

    services, _ys, _ids = setup
    data = rows_xml([HEADER, order("A1")])
    data += row(3, order("A2"), (6,), cell("G3", error="#N/A"))
    data += row(4, order("A3"), (2, 8), cell("C4", formula="NOW()") + cell("I4", formula="1+1"))
    data += '<row r="5">' + cell("J5", formula="1+1") + "</row>"  # a column the import does not read
    data += '<row r="6">' + cell("A6", formula="X()") + "</row>"  # past the last value calamine gives
    plan = services.orders.plan(write_xlsx(tmp_path / "o.xlsx", data))
    no_value = "公式没有计算结果（请在 Excel 中重新计算后保存，或改填数值）"
    assert plan.problems == ["第 3 行：办结时间：单元格是错误值 #N/A",
                             f"第 4 行：受理时间：{no_value}；重办次数：{no_value}",
                             f"第 6 行：工单编号：{no_value}"]
    assert plan.table.number == ["A1"]


def test_a_unit_name_two_units_bear_matches_neither_until_an_alias_says_which(setup, tmp_path):
    # orders of 和平社区 went silently to the first 和平社区 of the register (C01), also those of
    # the one under 储潭乡
    services, _ys, ids = setup
    services.units.create_many([UnitDraft(code="C01", name="和平社区", kind=UnitKind.COMMUNITY, parent_code="T01"),
                                UnitDraft(code="C02", name="和平社区", kind=UnitKind.COMMUNITY, parent_code="T02")])
    f = write_csv(tmp_path / "o.csv", [order("A1", unit="和平社区"), order("A2", unit="C02")])
    plan = services.orders.plan(f)
    assert plan.problems == ["承办单位“和平社区”在单位名册中有 2 个同名单位（C01 梅林镇和平社区、C02 储潭乡和平社区），"
                             "无法确定是哪一个：请对应到单位（保存为别名）或在文件中写单位编码（第 2 行，共 1 行）"]
    c02 = next(u.id for u in services.units.list() if u.code == "C02")
    assert plan.table.number == ["A2"] and plan.table.unit_id.tolist() == [c02]  # a code still matches
    services.orders.set_alias("和平社区", "C02")
    plan = services.orders.plan(f)
    assert plan.problems == [] and plan.table.unit_id.tolist() == [c02, c02]


def test_a_name_shared_with_a_deactivated_unit_matches_the_active_one(setup, tmp_path):
    services, _ys, ids = setup
    services.units.create_many([UnitDraft(code="T09", name="梅林镇", kind=UnitKind.TOWN)])
    services.units.set_active(ids["T01"], False)  # the old 梅林镇 (T01 sorts first): it took the orders
    plan = services.orders.plan(write_csv(tmp_path / "o.csv", [order("A1")]))
    t09 = next(u.id for u in services.units.list() if u.code == "T09")
    assert plan.problems == [] and plan.table.unit_id.tolist() == [t09]


def test_an_unknown_unit_of_40000_characters_is_named_clipped(setup):
    services, _ys, _ids = setup
    plan = services.orders.plan("o.csv", rows=[HEADER, order("A1", unit="某" * 40000)])
    assert plan.problems == [f"承办单位“{'某' * 50}…”在单位名册中找不到（第 2 行，共 1 行）"]
    with pytest.raises(ServiceError) as e:
        services.orders.plan("o.csv", rows=[["列" * 40000, "受理时间"], ["A1", "2026-11-02"]])
    assert len(str(e.value)) < 200 and f"{'列' * 30}…" in str(e.value)


def test_a_two_row_header_with_merged_group_cells_is_read_as_one(setup, tmp_path):
    # 时间 merged over 受理时间 | 应办结时间 | 办结时间: the header was the first row alone, so the
    # file was refused for 缺少列：受理时间 (and the dialog offered only 时间 to map)
    from openpyxl import Workbook

    services, _ys, ids = setup
    wb = Workbook()
    ws = wb.active
    ws.append(["工单号", "处理部门", "时间", None, None, "满意度"])
    ws.append([None, None, "受理时间", "应办结时间", "办结时间", None])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:E1")
    ws.merge_cells("F1:F2")
    ws.append(["A1", "梅林镇", "2026-11-02 09:00", "2026-11-10 17:30", "2026-11-09 10:00", "满意"])
    ws.append(["A2", "储潭乡", "2026-11-03 09:00", "2026-11-10 17:30", "", "不满意"])
    wb.save(tmp_path / "o.xlsx")
    plan = services.orders.plan(tmp_path / "o.xlsx")
    assert plan.problems == [] and plan.table.number == ["A1", "A2"]
    assert plan.table.rows.tolist() == [3, 4]
    assert plan.mapping["受理时间"] == "受理时间" and plan.mapping["工单编号"] == "工单号"
    # a data row under a one-row header is data, even with a value that is also a header name (匿名)
    f = tmp_path / "a.csv"
    f.write_text("工单编号,承办单位,受理时间,匿名\nA1,梅林镇,2026-11-02 09:00,匿名\n", encoding="utf-8")
    plan = services.orders.plan(f)
    assert plan.problems == [] and plan.table.number == ["A1"] and plan.table.flags["anonymous"].tolist() == [True]


def test_a_field_header_the_file_has_twice_is_refused_naming_both_columns(setup):
    # two 受理时间 columns (one the platform's 首次受理, one a re-accept): the first was used silently
    services, _ys, _ids = setup
    rows = [HEADER + ["受理时间"], order("A1") + ["2026-12-01 09:00"]]
    with pytest.raises(ServiceError, match=r"“o.csv”中“受理时间”列出现了 2 次（第 C、J 列），无法确定受理时间用哪一列"):
        services.orders.plan("o.csv", rows=rows)
    # a repeated header no field reads is fine
    plan = services.orders.plan("o.csv", rows=[HEADER + ["备注", "备注"], order("A1") + ["x", "y"]])
    assert plan.problems == [] and len(plan.table) == 1
