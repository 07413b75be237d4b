"""Units import (issue 7): planned changes old → new, blanks keep stored values, one sanitizer,
case-insensitive codes typed as text, exports that never crash on stored text."""

from __future__ import annotations

import datetime

import pytest
from openpyxl import load_workbook
from xlsx_builder import rows_xml, sheet_book, write_xlsx

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.services.errors import ServiceError, ValidationFailed

HEADER = ("编码", "名称", "类型", "上级单位编码", "联系人", "联系电话", "启用", "备注")


def sheet(path, rows, header=HEADER, above=()):
    return sheet_book(path, [*above, header, *rows])


@pytest.fixture
def t01(services):
    return services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town", contact="王伟",
                                           phone="0531-88881234", notes="老备注"))


def test_an_empty_optional_cell_keeps_the_stored_value(services, t01, tmp_path):
    p = sheet(tmp_path / "u.xlsx", [("T01", "山大路街道办事处", "街道", "", "", "", "", "")])
    plan = services.units_io.plan(p)
    assert [(c.field, c.old, c.new) for c in plan.change_list()] == [("name", "山大路街道", "山大路街道办事处")]
    assert plan.kept_blanks == 3 and "3 个空白单元格保留原有内容" in plan.summary()
    services.units_io.apply(plan)
    row = services.units.get(t01.id)
    assert (row.name, row.contact, row.phone, row.notes) == ("山大路街道办事处", "王伟", "0531-88881234", "老备注")


def test_blank_overwrites_clears_and_lists_every_cleared_value(services, t01, tmp_path):
    p = sheet(tmp_path / "u.xlsx", [("T01", "山大路街道", "街道", "", "", "", "", "")])
    plan = services.units_io.plan(p, blank_overwrites=True)
    got = {(c.label, c.old, c.new) for c in plan.change_list()}
    assert got == {("联系人", "王伟", ""), ("联系电话", "0531-88881234", ""), ("备注", "老备注", "")}
    assert any("联系人 王伟 → （空）" in line for line in plan.lines())
    assert services.units_io.replan(plan, blank_overwrites=False).updates == {}
    services.units_io.apply(plan)
    assert services.units.get(t01.id).contact == ""


def test_a_missing_column_never_clears(services, t01, tmp_path):
    p = sheet(tmp_path / "u.xlsx", [("T01", "山大路街道", "街道")], header=("编码", "名称", "类型"))
    plan = services.units_io.plan(p, blank_overwrites=True)
    assert plan.unchanged == 1 and not plan.updates


def test_a_blank_active_cell_does_not_reactivate(services, t01, tmp_path):
    services.units.set_active(t01.id, False)
    plan = services.units_io.plan(sheet(tmp_path / "u.xlsx", [("T01", "山大路街道", "街道", "", "", "", "", "")]))
    assert plan.unchanged == 1


def test_codes_compare_case_insensitively(services, t01, tmp_path):
    with pytest.raises(ValidationFailed, match="已被"):
        services.units.create(UnitDraft(code="t01", name="别的街道", kind="town"))
    p = sheet(tmp_path / "u.xlsx", [("t01", "山大路街道", "街道", "", "", "", "", ""),
                                    ("c01", "燕山社区", "社区", "t01", "", "", "", ""),
                                    ("C01", "又一个", "社区", "T01", "", "", "", "")])
    plan = services.units_io.plan(p)
    assert [(x.row, x.column[0]) for x in plan.problems] == [(4, "A")]
    assert "不区分大小写" in plan.problems[0].message
    assert plan.unchanged == 1  # t01 is T01: no new unit, and its code keeps its case
    services.units_io.apply(plan, only_good_rows=True)
    rows = {r.code: r for r in services.units.list()}
    assert set(rows) == {"T01", "c01"} and rows["c01"].parent_code == "T01"
    again = services.units_io.plan(p)  # the parent typed as t01 is T01: nothing to change
    assert again.unchanged == 2 and not again.updates


def test_the_database_refuses_codes_differing_only_in_case(services, t01):
    import sqlalchemy as sa

    with pytest.raises(sa.exc.IntegrityError):
        with services.store.session() as s:
            s.execute(sa.text("INSERT INTO units (code, name, kind, contact, phone, active, notes) "
                              "VALUES ('t01', 'x', 'town', '', '', TRUE, '')"))


def test_a_date_or_number_cell_is_not_a_code(services, tmp_path):
    sheet(tmp_path / "u.xlsx", [[datetime.date(2025, 1, 2), "日期社区", "社区"], [101, "数字社区", "社区"],
                                ["T02", "好街道", "街道"]])
    plan = services.units_io.plan(tmp_path / "u.xlsx")
    msgs = {p.row: p.message for p in plan.problems}
    assert set(msgs) == {2, 3}
    assert "日期" in msgs[2] and "文本" in msgs[2] and "数字" in msgs[3]
    assert [d.code for d in plan.adds.values()] == ["T02"]


def test_control_characters_never_reach_the_store_and_export_never_crashes(services, t01, tmp_path):
    p = write_xlsx(tmp_path / "u.xlsx", rows_xml([list(HEADER), [
        "C01", "燕山_x0001_社区_x001B_", "社区", "T01", "张_x0000_三", None, None, "备注&amp;#27;"]]))
    plan = services.units_io.plan(p)
    assert plan.ok, plan.problems
    services.units_io.apply(plan)
    row = next(r for r in services.units.list() if r.code == "C01")
    assert row.name == "燕山社区" and row.contact == "张三"
    assert not any(ord(ch) < 32 for ch in row.name + row.contact + row.notes)
    # text stored before the sanitizer existed must not crash the export either
    with services.store.session() as s:
        import sqlalchemy as sa

        s.execute(sa.text("UPDATE units SET notes = :n WHERE code = 'T01'"), {"n": "旧\x01数据\x1b"})
    out = services.units_io.export(tmp_path / "out.xlsx")
    ws = load_workbook(out).active
    assert ws["H3"].value == "旧数据" and ws["H2"].value == "备注&#27;"


def test_a_character_reference_to_a_control_is_removed(services, tmp_path):
    p = write_xlsx(tmp_path / "u.xlsx", rows_xml([list(HEADER), ["C01", "燕山&#27;社区", "社区"]]))
    plan = services.units_io.plan(p)
    assert [d.name for d in plan.adds.values()] == ["燕山社区"]


def test_a_lone_surrogate_or_bidi_code_is_a_bad_cell(services):
    with pytest.raises(ValidationFailed) as e:
        services.units.create(UnitDraft(code="C\u202e01", name="x", kind="community"))
    assert "文字方向" in e.value.errors.errors["code"]
    with pytest.raises(ValidationFailed) as e:
        services.units.create(UnitDraft(code="C02", name="x\ud800", kind="community"))
    assert "名称" in e.value.errors.errors["name"]


def test_echoed_values_are_clipped(services, tmp_path):
    huge = "编" * 100_000
    p = sheet(tmp_path / "u.xlsx", [(huge, "x", "社区"), ("C1", "y", huge), ("C2", "z", "社区", "", "", huge)])
    plan = services.units_io.plan(p)
    assert len(plan.problems) == 3
    assert all(len(str(x)) < 200 for x in plan.problems), [len(str(x)) for x in plan.problems]


def test_header_found_below_a_title_and_a_duplicated_column_is_a_file_error(services, tmp_path):
    p = sheet(tmp_path / "u.xlsx", [("C01", "燕山社区", "社区")], above=[("2026 年承办单位名册",), ()] + [()] * 10)
    plan = services.units_io.plan(p)
    assert plan.ok and [d.code for d in plan.adds.values()] == ["C01"]
    p = sheet(tmp_path / "d.xlsx", [("C01", "燕山社区", "社区", "李")], header=("编码", "名称", "类型", "名称"))
    plan = services.units_io.plan(p)
    assert [(x.row, x.column[0]) for x in plan.problems] == [(1, "D")]
    assert "重复" in plan.problems[0].message


def test_formula_and_error_cells_are_bad_cells(services, t01, tmp_path):
    data = rows_xml([list(HEADER)]) + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>T01</t></is></c><c r="B2" t="inlineStr"><is><t>山大路街道</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>街道</t></is></c><c r="E2"><f>A1</f></c><c r="F2" t="e"><v>#N/A</v></c></row>')
    plan = services.units_io.plan(write_xlsx(tmp_path / "f.xlsx", data))
    got = {p.column[0]: p.message for p in plan.problems}
    assert set(got) == {"E", "F"} and "公式" in got["E"] and "#N/A" in got["F"]
    with pytest.raises(ServiceError):
        services.units_io.apply(plan)
    assert services.units.get(t01.id).contact == "王伟"


def test_import_and_undo_write_in_bulk_with_one_audit_row_per_field(services, t01, tmp_path):
    from hotline_desktop.db.repositories import AuditRepository
    from hotline_desktop.services.units import draft_of

    rows = [(f"C{i:03d}", f"街道{i}", "街道", "T01", "", "", "", "") if i % 2 else
            (f"C{i:03d}", f"社区{i}", "社区", f"C{i - 1:03d}", "", "", "", "") for i in range(1, 41)]
    rows.append(("T01", "山大路街道", "街道", "", "李四", "", "", ""))
    plan = services.units_io.plan(sheet(tmp_path / "u.xlsx", rows))
    assert plan.ok and len(plan.adds) == 40
    old = {t01.id: draft_of(t01)}
    assert services.units_io.apply(plan) == (40, 1)
    units = {r.code: r for r in services.units.list()}
    assert units["C002"].parent_code == "C001" and units["C001"].parent_code == "T01"
    assert units["T01"].contact == "李四"
    with services.store.session() as s:
        audit = AuditRepository(s).recent(1000, "units")
        inserts = [a for a in audit if a.action == "insert" and a.field == "parent_id"]
        assert len(inserts) == 41  # T01 itself + 40
        assert [(a.field, a.old_value, a.new_value) for a in audit if a.action == "update"] == [
            ("contact", "王伟", "李四")]
    services.units_io.revert(plan, old)
    assert {r.code: r.contact for r in services.units.list()} == {"T01": "王伟"}


def test_a_parent_problem_names_the_real_column(services, tmp_path):
    p = sheet(tmp_path / "u.xlsx", [("燕山社区", "C01", "社区", "T99")], header=("名称", "编码", "类型", "上级单位编码"))
    plan = services.units_io.plan(p)
    assert [str(x) for x in plan.problems] == ["第 2 行 D（上级单位编码）列：上级单位编码“T99”不存在"]
    p = sheet(tmp_path / "v.xlsx", [("T99", "C01", "燕山社区", "社区")], header=("上级单位", "编码", "名称", "类型"))
    assert services.units_io.plan(p).problems[0].column == "A（上级单位编码）"


def test_a_loop_of_parents_is_a_problem_and_never_written(services, t01, tmp_path):
    services.units.create(UnitDraft(code="T02", name="下级街道", kind="town", parent_code="T01"))
    p = sheet(tmp_path / "u.xlsx", [("T01", "山大路街道", "街道", "T02")])
    plan = services.units_io.plan(p)
    assert [(x.row, x.column[0]) for x in plan.problems] == [(2, "D")] and "循环" in plan.problems[0].message
    # a stale plan is checked again when written: the loop is refused whole
    plan.problems.clear()
    plan.updates[2] = (t01.id, UnitDraft(code="T01", name="山大路街道", kind="town", parent_code="T02",
                                         contact="王伟", phone="0531-88881234", notes="老备注"))
    with pytest.raises(ServiceError, match="循环"):
        services.units_io.apply(plan)
    assert services.units.get(t01.id).parent_code is None


def test_a_stale_plan_breaking_the_kinds_hierarchy_is_refused_whole(services, t01, tmp_path):
    plan = services.units_io.plan(sheet(tmp_path / "u.xlsx", [("C01", "燕山社区", "社区", "T01")]))
    assert plan.ok
    t = services.units.get(t01.id)  # meanwhile the parent became a community
    with services.store.session() as s:
        import sqlalchemy as sa

        s.execute(sa.text("UPDATE units SET kind = 'community' WHERE id = :i"), {"i": t.id})
    with pytest.raises(ServiceError, match="只能是乡镇·街道"):
        services.units_io.apply(plan)
    assert [r.code for r in services.units.list()] == ["T01"]
