import pytest
from openpyxl import load_workbook
from scoring_inputs import FULL_HOTLINE_MONTH as FULL_MONTH

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.scoring import ScoringEngine
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ServiceError


@pytest.fixture
def year(services):
    ids = {}
    for code, name, kind in [("T01", "梅林镇", "town"), ("T02", "茅店镇", "town"), ("D01", "区民政局", "department")]:
        ids[code] = services.units.create(UnitDraft(code=code, name=name, kind=kind)).id
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    edits = [CellEdit(uid, "2023-01", k, v) for uid in ids.values() for k, v in FULL_MONTH.items()]
    services.assessment.set_values(ys.id, edits)
    return ys, ids


def _fresh(services, ys):
    """What a full rebuild from the store says (the live path must always equal it)."""
    lr = services.rankings.live(ys.id)
    return ScoringEngine(lr.scheme, lr.engine.units, None,
                         {(c, m): lr.engine.monthly_values(c, m) for c in lr.engine.result().units
                          for m in lr.engine.months if lr.engine.monthly_values(c, m) is not None},
                         {c: lr.engine.annual_values(c) for c in lr.engine.result().units}).result()


def test_a_committed_edit_moves_the_ranking_and_names_changed_units(services, year):
    ys, ids = year
    lr = services.rankings.live(ys.id)
    before = lr.result()
    assert {u.months["2023-01"].rank for u in before.units.values()} == {1}  # all tied on 100 this month
    seen = []
    lr.changed.connect(seen.append)
    services.assessment.set_values(ys.id, [CellEdit(ids["T02"], "2023-01", "satisfaction_rate", "96.5")])
    after = lr.result()
    assert after["T02"].months["2023-01"].indicators["satisfaction"] == 25 - 3.5
    jan = {c: after[c].months["2023-01"] for c in ids}
    assert jan["T02"].rank == 3 and jan["T01"].rank == 1 and jan["T01"].tied and jan["D01"].tied
    assert after["T02"].rank > after["T01"].rank
    assert seen and "T02" in seen[-1]


def test_an_invalid_value_is_not_scored_and_makes_the_unit_incomplete(services, year):
    ys, ids = year
    lr = services.rankings.live(ys.id)
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2023-01", "satisfaction_rate", "abc")])
    r = lr.result()["T01"]
    assert r.status == "incomplete" and "2023-01:satisfaction_rate" in r.missing
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2023-01", "satisfaction_rate", "99")])
    assert lr.result()["T01"].status == "ranked"


def test_live_equals_rebuild_after_many_edits(services, year):
    ys, ids = year
    lr = services.rankings.live(ys.id)
    services.assessment.set_values(ys.id, [CellEdit(ids["D01"], "2023-02", "volume", "0")])
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2023-02", k, v) for k, v in FULL_MONTH.items()])
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2023-02", "praise", "3")])
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], None, "guarantee_mechanism", "是")])
    live = lr.result()
    fresh = _fresh(services, ys)
    assert {c: (u.total, u.rank, u.status) for c, u in live.units.items()} == {
        c: (u.total, u.rank, u.status) for c, u in fresh.units.items()
    }
    services.rankings.invalidate()
    rebuilt = services.rankings.result(ys.id)
    assert {c: u.total for c, u in rebuilt.units.items()} == {c: u.total for c, u in live.units.items()}


def test_new_unit_joins_the_ranking(services, year):
    ys, _ = year
    lr = services.rankings.live(ys.id)
    services.units.create(UnitDraft(code="C01", name="梅林社区", kind="community"))
    assert "C01" in lr.result().units
    assert lr.result()["C01"].status == "incomplete"  # no January record yet


def test_month_template_roundtrip_and_all_or_nothing_import(services, year, tmp_path):
    ys, ids = year
    out = services.monthly_io.export_month(ys.id, "2023-01", tmp_path / "m.xlsx")
    wb = load_workbook(out)
    ws = wb.active
    assert ws["B1"].value == "2023-01" and ws["A3"].value == "单位编码"
    assert [ws.cell(row=r, column=1).value for r in range(4, 7)] == ["D01", "T01", "T02"]
    satis_col = next(c.column for c in ws[3] if c.value and c.value.startswith("诉求满意率"))
    ws.cell(row=5, column=satis_col, value=97)
    ws.cell(row=6, column=satis_col, value=120)  # bad
    wb.save(out)
    plan = services.monthly_io.plan(ys.id, "2023-01", out)
    assert [(p.row, p.message) for p in plan.problems] == [(6, "诉求满意率必须在 0 到 100 之间：120")]
    with pytest.raises(ServiceError, match="未写入任何数据"):
        services.monthly_io.apply(plan)
    assert services.rankings.result(ys.id)["T01"].months["2023-01"].indicators["satisfaction"] == 25
    ws.cell(row=6, column=satis_col, value=99)
    wb.save(out)
    plan = services.monthly_io.plan(ys.id, "2023-01", out)
    assert plan.ok
    changes = services.monthly_io.apply(plan)
    assert {(c.unit_id, c.key) for c in changes} == {(ids["T01"], "satisfaction_rate"), (ids["T02"], "satisfaction_rate")}
    assert services.rankings.result(ys.id)["T01"].months["2023-01"].indicators["satisfaction"] == 22


def test_month_import_refuses_another_month(services, year, tmp_path):
    ys, _ = year
    out = services.monthly_io.export_month(ys.id, "2023-01", tmp_path / "m.xlsx")
    plan = services.monthly_io.plan(ys.id, "2023-02", out)
    assert any("2023-01" in p.message for p in plan.problems)


def test_a_background_build_takes_the_values_committed_while_it_ran(services, year):
    ys, ids = year
    build = services.rankings.start_build(ys.id)
    built = build()  # (in a worker thread in the app) reads the store as it is now
    services.assessment.set_values(ys.id, [CellEdit(ids["T02"], "2023-01", "satisfaction_rate", "96.5")])
    assert services.rankings.cached(ys.id) is None
    lr = services.rankings.install(built)
    assert services.rankings.cached(ys.id) is lr
    assert lr.result()["T02"].months["2023-01"].indicators["satisfaction"] == 25 - 3.5
    assert lr.result().units == _fresh(services, ys).units


def test_a_background_build_started_before_a_restore_is_dropped(services, year):
    ys, _ids = year
    build = services.rankings.start_build(ys.id)
    services.rankings.invalidate()  # what a restore does
    assert services.rankings.install(build()) is None
    assert services.rankings.cached(ys.id) is None


def test_a_built_engine_scores_only_the_valid_stored_cells(services, year):
    ys, ids = year
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], "2023-01", "satisfaction_rate", "abc"),
                                           CellEdit(ids["T02"], "2023-02", "satisfaction_rate", "abc")])
    services.rankings.invalidate()
    lr = services.rankings.live(ys.id)
    t01 = lr.engine.monthly_values("T01", "2023-01")
    assert "satisfaction_rate" not in t01 and t01["volume"] == 21 and t01["rework_rate"] == 0
    assert lr.engine.monthly_values("T02", "2023-02") == {}  # only an invalid cell: a record without values
    r = lr.result()
    assert r["T01"].status == "incomplete" and "2023-01:satisfaction_rate" in r["T01"].missing
    assert r.units == _fresh(services, ys).units
