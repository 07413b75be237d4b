import pytest
from xlsx_builder import sheet_book

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
    return sheet_book(path, [["编码", "名称", "类型", "上级单位编码", "联系人", "联系电话", "启用", "备注"], *rows])


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
    if services.store.on_server:  # a shared server register is never replaced by the demo
        with pytest.raises(ServiceError, match="不能替换为示例数据"):
            create_demo(services, force=True)
    else:
        create_demo(services, force=True)
    assert len(services.units.list()) == len(rows)


def test_undoing_an_import_is_one_transaction(services, tmp_path):
    from hotline_desktop.services.assessment import CellEdit
    from hotline_desktop.services.units import draft_of

    t = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    p = _sheet(tmp_path / "u.xlsx", [
        ("T01", "山大路街道办事处", "街道", "", "", "", "", ""),
        ("C01", "燕山片区", "街道", "T01", "", "", "", ""),
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
        "T01": "山大路街道办事处", "C01": "燕山片区", "C02": "文苑社区"}  # nothing half-undone
    services.assessment.clear_year(ys.id)
    services.units_io.revert(plan, old)
    assert {r.code: r.name for r in services.units.list()} == {"T01": "山大路街道"}


def test_kind_hierarchy_community_only_under_town(services):
    services.units.create_many([
        UnitDraft(code="T01", name="山大路街道", kind="town"),
        UnitDraft(code="D01", name="区民政局", kind="department"),
        UnitDraft(code="C01", name="燕山社区", kind="community", parent_code="T01"),
    ])
    with pytest.raises(ValidationFailed) as ei:
        services.units.create(UnitDraft(code="C02", name="小区", kind="community", parent_code="C01"))
    assert "社区的上级单位只能是乡镇·街道" in ei.value.errors.errors["parent_code"]
    with pytest.raises(ValidationFailed, match="乡镇·街道"):
        services.units.create(UnitDraft(code="C03", name="某社区", kind="community", parent_code="D01"))
    with pytest.raises(ValidationFailed, match="社区"):
        services.units.create(UnitDraft(code="D02", name="某科室", kind="department", parent_code="C01"))
    # Turning the town into a community would put C01 under a community.
    t = next(r for r in services.units.list() if r.code == "T01")
    with pytest.raises(ValidationFailed) as ei:
        services.units.update(t.id, UnitDraft(code="T01", name="山大路街道", kind="community"))
    assert "燕山社区" in ei.value.errors.errors["kind"]
    assert len(services.units.list()) == 3


def test_import_refuses_a_community_under_a_community(services, tmp_path):
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    path = tmp_path / "u.xlsx"
    _sheet(path, [["C01", "燕山社区", "社区", "T01"], ["C02", "小区", "社区", "C01"]])
    plan = services.units_io.plan(path)
    assert [p.row for p in plan.problems] == [3]
    assert "社区的上级单位只能是乡镇·街道" in plan.problems[0].message
    assert list(plan.adds) == [2]


def test_stale_update_is_refused_with_current_values(services):
    from hotline_desktop.services.units import StaleEdit, draft_of

    row = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town", contact="王丽"))
    loaded = draft_of(row)
    newer = draft_of(row)
    newer.contact = "赵强"
    services.units.update(row.id, newer, expected=loaded)
    stale = draft_of(row)
    stale.phone = "13800000001"
    with pytest.raises(StaleEdit, match="该单位已被修改") as ei:
        services.units.update(row.id, stale, expected=loaded)
    assert "赵强" in str(ei.value)
    assert services.units.get(row.id).contact == "赵强" and services.units.get(row.id).phone == ""


def test_import_refuses_a_kind_change_its_children_do_not_fit(services, tmp_path):
    services.units.create_many([
        UnitDraft(code="T01", name="山大路街道", kind="town"),
        UnitDraft(code="C01", name="燕山社区", kind="community", parent_code="T01"),
    ])
    path = tmp_path / "u.xlsx"
    _sheet(path, [["T01", "山大路街道", "社区", ""]])
    plan = services.units_io.plan(path)
    assert [p.row for p in plan.problems] == [2] and "燕山社区" in plan.problems[0].message
    assert not plan.updates
    # moving the child away in the same file makes the change fine
    _sheet(path, [["T01", "山大路社区", "社区", ""], ["T02", "新街道", "街道", ""], ["C01", "燕山社区", "社区", "T02"]])
    plan = services.units_io.plan(path)
    assert plan.problems == [] and len(plan.updates) == 2 and len(plan.adds) == 1
    assert services.units_io.apply(plan) == (1, 2)  # T01 waits until C01 has moved to T02
    rows = {r.code: r for r in services.units.list()}
    assert rows["T01"].kind == UnitKind.COMMUNITY and rows["C01"].parent_code == "T02"
