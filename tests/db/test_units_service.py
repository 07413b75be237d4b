import pytest
from openpyxl import Workbook

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.services.errors import ServiceError, ValidationFailed


def test_duplicate_code_and_unknown_parent_are_refused(services):
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    with pytest.raises(ValidationFailed) as ei:
        services.units.create(UnitDraft(code="T01", name="别的", kind="town", parent_code="X9"))
    assert "已被“山大路街道”使用" in ei.value.errors.errors["code"]
    assert "X9" in ei.value.errors.errors["parent_code"]
    assert len(services.units.list()) == 1


def test_parent_cycles_are_refused(services):
    t = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    services.units.create(UnitDraft(code="C01", name="燕山社区", kind="community", parent_code="T01"))
    with pytest.raises(ValidationFailed, match="下级"):
        services.units.update(t.id, UnitDraft(code="T01", name="山大路街道", kind="town", parent_code="C01"))


def test_unit_with_children_cannot_be_deleted_only_deactivated(services):
    t = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    services.units.create(UnitDraft(code="C01", name="燕山社区", kind="community", parent_code="T01"))
    with pytest.raises(ServiceError, match="停用"):
        services.units.delete(t.id)
    assert not services.units.set_active(t.id, False).active
    counts = services.units.counts_by_kind()
    assert counts[UnitKind.TOWN] == 1 and counts[UnitKind.COMMUNITY] == 1


def _sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "类型", "上级单位编码", "联系人", "联系电话", "启用", "备注"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_import_is_all_or_nothing(services, tmp_path):
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    p = _sheet(tmp_path / "u.xlsx", [
        ("T01", "山大路街道办事处", "街道", "", "", "", "", ""),  # update
        ("C01", "燕山社区", "社区", "T01", "", "", "", ""),
        ("C02", "文苑社区", "社区", "T09", "", "", "", ""),  # unknown parent
        ("C03", "花园社区", "社区", "C02", "", "", "", ""),  # parent row is bad
        ("C04", "七里河社区", "社区", "T01", "", "13812345678", "否", ""),
    ])
    plan = services.units_io.plan(p)
    assert {(x.row, x.column[0]) for x in plan.problems} == {(4, "D"), (5, "D")}
    with pytest.raises(ServiceError, match="未写入任何数据"):
        services.units_io.apply(plan)
    assert [r.code for r in services.units.list()] == ["T01"]
    assert services.units.list()[0].name == "山大路街道"
    added, updated = services.units_io.apply(plan, only_good_rows=True)
    assert (added, updated) == (2, 1)
    rows = {r.code: r for r in services.units.list()}
    assert set(rows) == {"T01", "C01", "C04"} and rows["C04"].active is False
    assert rows["T01"].name == "山大路街道办事处"


def test_import_parents_may_follow_children_in_file(services, tmp_path):
    p = _sheet(tmp_path / "u.xlsx", [
        ("C01", "燕山社区", "社区", "T01", "", "", "", ""),
        ("T01", "山大路街道", "街道", "", "", "", "", ""),
    ])
    plan = services.units_io.plan(p)
    assert plan.ok and len(plan.adds) == 2
    services.units_io.apply(plan)
    assert {r.code: r.parent_code for r in services.units.list()} == {"C01": "T01", "T01": None}


def test_import_of_a_non_excel_file_is_a_clear_error(services, tmp_path):
    p = tmp_path / "u.xlsx"
    p.write_text("not a workbook")
    with pytest.raises(ValueError, match="不是 Excel 工作簿"):
        services.units_io.plan(p)


def test_demo_fills_a_district_and_refuses_to_replace_without_force(services):
    from hotline_desktop.services.demo import create_demo

    summary = create_demo(services)
    assert (summary.towns, summary.communities) == (12, 60) and summary.departments >= 30
    rows = services.units.list()
    assert all(r.parent_code for r in rows if r.kind is UnitKind.COMMUNITY)
    with pytest.raises(ServiceError, match="--force"):
        create_demo(services)
    create_demo(services, force=True)
    assert len(services.units.list()) == len(rows)


def test_undoing_an_import_is_one_transaction(services, tmp_path):
    from hotline_desktop.services.assessment import CellEdit
    from hotline_desktop.services.units import draft_of

    t = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    p = _sheet(tmp_path / "u.xlsx", [
        ("T01", "山大路街道办事处", "街道", "", "", "", "", ""),
        ("C01", "燕山社区", "社区", "T01", "", "", "", ""),
        ("C02", "文苑社区", "社区", "C01", "", "", "", ""),
    ])
    plan = services.units_io.plan(p)
    old = {t.id: draft_of(t)}
    services.units_io.apply(plan)
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    c02 = next(r for r in services.units.list() if r.code == "C02")
    services.assessment.set_values(ys.id, [CellEdit(c02.id, "2023-01", "volume", "3")])
    with pytest.raises(ServiceError, match="考核数据"):
        services.units_io.revert(plan, old)
    assert {r.code: r.name for r in services.units.list()} == {
        "T01": "山大路街道办事处", "C01": "燕山社区", "C02": "文苑社区"}  # nothing half-undone
    services.assessment.clear_year(ys.id)
    services.units_io.revert(plan, old)
    assert {r.code: r.name for r in services.units.list()} == {"T01": "山大路街道"}
