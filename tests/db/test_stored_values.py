"""The exact value stored beside each cell's text (migration 0008) and the column load of the
live ranking built from it (services.ranking.engine_columns)."""

import sqlite3
from decimal import Decimal

import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.scoring import ScoringEngine, UnitRef
from hotline_desktop.db.engine import make_engine, upgrade
from hotline_desktop.paths import builtin_data_dir
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.demo import create_demo
from hotline_desktop.services.ranking import engine_columns, engine_inputs


def _stored(paths, table, where=""):
    """key → (value, valid, num, scale), read past the app (SQLite file or server database)."""
    if paths.on_server:
        from sqlalchemy import create_engine

        engine = create_engine(paths.database_url)
        try:
            with engine.connect() as con:
                return {r[0]: tuple(r[1:]) for r in con.exec_driver_sql(
                    f"SELECT key, value, valid::int, num, scale FROM {table} {where}")}
        finally:
            engine.dispose()
    con = sqlite3.connect(paths.database)
    try:
        return {r[0]: r[1:] for r in con.execute(f"SELECT key, value, valid, num, scale FROM {table} {where}")}
    finally:
        con.close()


@pytest.fixture
def unit_year(services):
    uid = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town")).id
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    return uid, ys


def test_a_typed_value_is_stored_with_its_exact_scaled_number(services, paths, unit_year):
    uid, ys = unit_year
    services.assessment.set_values(ys.id, [
        CellEdit(uid, "2026-03", "volume", "21"),
        CellEdit(uid, "2026-03", "satisfaction_rate", "98.125%"),
        CellEdit(uid, "2026-03", "rework_rate", "一百"),  # kept as typed, invalid: no number
        CellEdit(uid, None, "training", "是"), CellEdit(uid, None, "kb_format", "一问一答"),
    ])
    monthly = _stored(paths, "monthly_values")
    assert monthly["volume"] == ("21", 1, 21, 0)
    assert monthly["satisfaction_rate"] == ("98.125", 1, 98_125_000, 6)
    assert monthly["rework_rate"][1:] == (0, None, None)
    annual = _stored(paths, "annual_values")
    assert annual["training"] == ("是", 1, 1, 0)
    assert annual["kb_format"][1:] == (1, None, None)  # a choice keeps its text only
    # an edit rewrites the number with the text
    services.assessment.set_values(ys.id, [CellEdit(uid, "2026-03", "satisfaction_rate", "97")])
    assert _stored(paths, "monthly_values")["satisfaction_rate"] == ("97", 1, 97_000_000, 6)


def test_migration_0008_fills_the_numbers_of_rows_written_before(paths):
    from sqlalchemy import text

    paths.ensure()
    if paths.on_server:  # the fixture's database is at head already: an empty one, upgraded from 0007
        import pg_support

        from hotline_desktop.db.engine import make_server_engine
        from hotline_desktop.paths import DataPaths

        paths = DataPaths(paths.root, pg_support.empty_database())
        engine = make_server_engine(paths.database_url)
    else:
        engine = make_engine(paths.database)
    upgrade(engine, "0007")
    scheme_text = (builtin_data_dir() / "schemes" / "ganxian-2023-hotline.toml").read_text(encoding="utf-8")
    with engine.begin() as con:
        con.execute(text("INSERT INTO units(code,name,kind) VALUES ('T01','梅林镇','town')"))
        con.execute(text("INSERT INTO year_schemes(year,scheme_id,title,definition) VALUES (2026,"
                         "'ganxian-2023-hotline','x',:d)"), {"d": scheme_text})
        for key, value, valid in [("volume", "21", True), ("satisfaction_rate", "99.5", True),
                                  ("rework_rate", "abc", False)]:
            con.execute(text("INSERT INTO monthly_values(year_scheme_id,unit_id,month,key,value,valid,override) "
                             "VALUES (1,1,'2026-01',:k,:v,:ok,FALSE)"), {"k": key, "v": value, "ok": valid})
        con.execute(text("INSERT INTO annual_values(year_scheme_id,unit_id,key,value,valid,override,note) "
                         "VALUES (1,1,'training','否',TRUE,FALSE,'')"))
    engine.dispose()
    s = AppServices.open(paths, auto_backup=False)
    try:
        monthly = _stored(paths, "monthly_values")
        assert monthly["volume"][2:] == (21, 0)
        assert monthly["satisfaction_rate"][2:] == (99_500_000, 6)
        assert monthly["rework_rate"][2:] == (None, None)
        assert _stored(paths, "annual_values")["training"][2:] == (0, 0)
        # and the live ranking scores them as the text says
        assert s.rankings.live(1).engine.monthly_values("T01", "2026-01")["satisfaction_rate"] == Decimal("99.5")
    finally:
        s.close()


def _both(services, ys):
    sch = services.assessment.scheme(ys.id)
    units, monthly, annual = engine_inputs(services.assessment, ys.id)
    refs = [UnitRef(u.code, u.name, u.kind.value) for u in units]
    parsed = ScoringEngine(sch, refs, None, monthly, annual, year=ys.year)
    cols = engine_columns(services.assessment, ys.id)
    assert [u.id for u in cols.units] == [u.id for u in units]
    loaded = ScoringEngine.from_columns(sch, refs, None, monthly=cols.monthly, annual=cols.annual, year=ys.year)
    return parsed, loaded


def _same(parsed, loaded):
    assert loaded.months == parsed.months
    for code in parsed.result().units:
        for m in parsed.months:
            assert loaded.monthly_values(code, m) == parsed.monthly_values(code, m), (code, m)
        assert loaded.annual_values(code) == parsed.annual_values(code), code
    assert loaded.result().units == parsed.result().units


def test_the_column_load_scores_what_the_parsed_cells_score_on_the_demo(services):
    """Every demo year (three schemes, 督办通知 and 知识库 feeding, overrides, invalid cells)."""
    create_demo(services)
    ysids = services.assessment.assignments()
    assert len(ysids) == 3
    for ys in ysids:
        first = next(iter(services.assessment.monthly_cells(ys.id)))
        services.assessment.set_values(ys.id, [CellEdit(first[0], first[1], first[2], "不是数字")])
        parsed, loaded = _both(services, ys)
        _same(parsed, loaded)


def test_fed_counts_override_and_records_reach_the_column_load(services, unit_year):
    """A notice feeds supervision_light: fed > typed, an override wins, a unit-month with only
    an invalid figure is still a record (its fed counts are 0)."""
    uid, ys = unit_year
    other = services.units.create(UnitDraft(code="T02", name="茅店镇", kind="town")).id
    services.assessment.set_values(ys.id, [
        CellEdit(uid, "2026-02", "volume", "10"), CellEdit(uid, "2026-02", "supervision_light", "5"),
        CellEdit(other, "2026-02", "volume", "十"),
    ])
    from datetime import date

    from hotline_desktop.core.notices import Channel, Level
    from hotline_desktop.services.notices import NoticeDraft

    services.notices.issue(NoticeDraft(uid, Channel.HOTLINE, Level.SMS, date(2026, 2, 3), 5, content="请核实处理"))
    parsed, loaded = _both(services, ys)
    _same(parsed, loaded)
    assert loaded.monthly_values("T01", "2026-02")["supervision_light"] == 1  # fed, not the typed 5
    assert loaded.monthly_values("T02", "2026-02") == parsed.monthly_values("T02", "2026-02")
    services.assessment.set_values(ys.id, [CellEdit(uid, "2026-02", "supervision_light", "7")])  # override
    parsed, loaded = _both(services, ys)
    _same(parsed, loaded)
    assert loaded.monthly_values("T01", "2026-02")["supervision_light"] == 7


def test_order_figures_and_their_overrides_reach_the_column_load(services, tmp_path):
    """工单明细 feeds a month (orders > typed; a unit with figures but no order gets volume 0);
    an override typed over an order figure wins: the column load scores what the cells say."""
    import csv

    services.units.create_many([UnitDraft(code="T01", name="梅林镇", kind="town"),
                                UnitDraft(code="T02", name="储潭乡", kind="town")])
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    ids = {u.code: u.id for u in services.units.list()}
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2026-11", "volume", "99"),
                                           CellEdit(ids["T02"], "2026-11", "praise", "1"),
                                           CellEdit(ids["T01"], "2026-10", "volume", "40")])
    header = ["工单号", "处理部门", "受理时间", "派单时间", "签收时间", "应办结时间", "办结时间", "满意度", "重办次数"]
    rows = [[n, "梅林镇", "2026-11-02 09:00", "2026-11-02 09:10", "2026-11-02 10:00", "2026-11-10 17:30", done,
             visit, "0"] for n, done, visit in [("A1", "2026-11-09 10:00", "满意"), ("A2", "2026-11-11 09:00", "不满意"),
                                                ("A3", "2026-11-09 10:00", "未回访")]]
    path = tmp_path / "o.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    plan = services.orders.plan(path)
    assert not plan.problems
    services.orders.apply(plan)
    parsed, loaded = _both(services, ys)
    _same(parsed, loaded)
    assert loaded.monthly_values("T01", "2026-11")["volume"] == 3  # the orders' count, not the typed 99
    assert loaded.monthly_values("T02", "2026-11")["volume"] == 0
    assert loaded.monthly_values("T01", "2026-10")["volume"] == 40
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2026-11", "volume", "5")])  # an override
    parsed, loaded = _both(services, ys)
    _same(parsed, loaded)
    assert loaded.monthly_values("T01", "2026-11")["volume"] == 5


def test_a_unit_list_repeated_across_groups_is_read_and_placed_once():
    """The column load's one cache: groups listing the same units share one (ids, taking part,
    positions), read-only; ids of units not taking part (or beyond the last one) are left out."""
    from types import SimpleNamespace

    from hotline_desktop.services.ranking import _Positions

    where = _Positions([SimpleNamespace(id=7), SimpleNamespace(id=3)])
    first = where.unit_list("3,5,7,99")
    assert where.unit_list("3,5,7,99") is first
    uids, keep, positions = first
    assert uids.tolist() == [3, 5, 7, 99] and keep.tolist() == [True, False, True, False]
    assert positions.tolist() == [1, 0] and not positions.flags.writeable
    assert where.unit_list("7")[2].tolist() == [0]
