"""Monthly import (issue 7.6, 7.14, 7.17): no value is cleared by a cell that only looks empty;
the plan lists old → new; the header is found where it is; codes are case-insensitive text."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from xlsx_builder import cell, rows_xml, write_xlsx

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ServiceError

MONTH = "2023-03"


@pytest.fixture
def ys(services):
    t = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    d = services.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [
        CellEdit(t.id, MONTH, "volume", "20"), CellEdit(t.id, MONTH, "satisfaction_rate", "99"),
        CellEdit(d.id, MONTH, "volume", "7"), CellEdit(d.id, MONTH, "satisfaction_rate", "98"),
    ])
    return ys


def stored(services, ys):
    return {(k[0], k[2]): c.text for k, c in services.assessment.monthly_cells(ys.id, MONTH).items()}


def headed(rows, head_row=3):
    """A month file by hand: row 1 month/scheme, header at `head_row`, then data."""
    top = [["考核月份", MONTH, "考核方案", "ganxian-2023-hotline"]]
    blank = [[None]] * (head_row - 2)
    return rows_xml(top + blank + [["单位编码", "单位名称", "当月办件量（件）", "诉求满意率（%）"]] + rows)


@pytest.mark.parametrize("xml, reason", [
    (cell("C4", formula="1+1"), "公式"),
    (cell("C4", formula="HYPERLINK(&quot;http://x&quot;,&quot;x&quot;)"), "公式"),
    (cell("C4", error="#DIV/0!"), "#DIV/0!"),
    (cell("C4", error="#N/A"), "#N/A"),
])
def test_formula_and_error_cells_are_problems_not_blanks(services, ys, tmp_path, xml, reason):
    before = stored(services, ys)
    data = headed([]) + f'<row r="4">{cell("A4", "T01")}{cell("B4", "梅林镇")}{xml}{cell("D4", 97)}</row>'
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert [(p.row, p.column[0]) for p in plan.problems] == [(4, "C")]
    assert reason in plan.problems[0].message
    assert all(e.key != "volume" for e in plan.edits)
    with pytest.raises(ServiceError):
        services.monthly_io.apply(plan)
    assert stored(services, ys) == before


def test_a_duplicated_column_is_a_file_error(services, ys, tmp_path):
    top = [["考核月份", MONTH, "考核方案", "ganxian-2023-hotline"], [None],
           ["单位编码", "单位名称", "当月办件量（件）", "当月办件量"], ["T01", "梅林镇", 30, None]]
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", rows_xml(top)))
    assert plan.fatal and any("重复" in p.message for p in plan.problems)
    with pytest.raises(ServiceError):
        services.monthly_io.apply(plan, only_good_rows=True)


def test_the_plan_shows_old_to_new_for_every_change_and_only_empty_clears(services, ys, tmp_path):
    t = services.units.list()[1]  # T01
    data = headed([["t01", "梅林镇", 25, None], ["D01", "区民政局", 7, 98]])
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert plan.ok
    assert [(c.code, c.label, c.old, c.new) for c in plan.changes] == [
        ("T01", "当月办件量", "20", "25"), ("T01", "诉求满意率", "99", "")]
    assert "清空 1 个" in plan.summary()
    services.monthly_io.apply(plan)
    assert stored(services, ys)[(t.id, "volume")] == "25"
    assert (t.id, "satisfaction_rate") not in stored(services, ys)


@pytest.mark.parametrize("head_row", [3, 12, 40])
def test_the_header_is_found_where_it_is_and_reported_there(services, ys, tmp_path, head_row):
    data = headed([], head_row) + rows_xml([["T01", "梅林镇", 21, 150]], first_row=head_row + 1)
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert [p.row for p in plan.problems] == [head_row + 1]


def test_no_header_is_a_chinese_file_error(services, ys, tmp_path):
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", rows_xml([["x", "y"]])))
    assert plan.fatal and "未找到表头" in plan.problems[0].message


def test_a_number_or_date_code_cell_is_a_problem(services, ys, tmp_path):
    data = headed([[101, "x", 1, None]])
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert "文本" in plan.problems[0].message


def test_only_good_rows(services, ys, tmp_path):
    data = headed([["T01", "梅林镇", 30, None], ["D01", "区民政局", 8, 150]])
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert [p.row for p in plan.problems] == [5] and not plan.fatal
    with pytest.raises(ServiceError):
        services.monthly_io.apply(plan)
    changes = services.monthly_io.apply(plan, only_good_rows=True)
    assert {c.key for c in changes} == {"volume", "satisfaction_rate"}  # T01 only
    d01 = services.units.list()[0]
    assert stored(services, ys)[(d01.id, "volume")] == "7"


@pytest.mark.parametrize("text", ["1E+99999999999", "1e100000000", "1e5000", "1e-999999999", "9" * 5000])
def test_hostile_numbers_are_bad_cells_with_a_short_chinese_reason(services, ys, tmp_path, text):
    data = headed([["T01", "梅林镇", text, text]])
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", data))
    assert len(plan.problems) == 2
    assert all(len(p.message) < 120 for p in plan.problems)


def test_a_huge_number_cell_is_named_too_large_as_excel_shows_it(services, ys, tmp_path):
    """A numeric cell of 1E+308 used to be read as its 309 digits and refused as 数字过长 with
    those digits; it is 数值过大：1E+308 now (a count or a rate alike)."""
    plan = services.monthly_io.plan(ys.id, MONTH, write_xlsx(tmp_path / "m.xlsx", headed([["T01", "梅林镇", 1e308, 1e308]])))
    assert [p.message for p in plan.problems] == ["当月办件量数值过大：1E+308", "诉求满意率数值过大：1E+308"]


def test_export_writes_formula_like_stored_text_as_text(services, ys, tmp_path):
    t = services.units.list()[1]
    services.assessment.set_values(ys.id, [CellEdit(t.id, MONTH, "praise", "=1+1")])  # invalid, kept as typed
    out = services.monthly_io.export_month(ys.id, MONTH, tmp_path / "o.xlsx")
    ws = load_workbook(out).active
    texts = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert texts and all(c.data_type == "s" for c in texts)


def test_a_stored_bad_text_and_notes_are_bounded_and_sanitized(services, ys):
    t = services.units.list()[1]
    services.assessment.set_values(ys.id, [CellEdit(t.id, MONTH, "praise", "x" * 100_000)])
    cell = services.assessment.monthly_cells(ys.id, MONTH)[(t.id, MONTH, "praise")]
    assert not cell.valid and len(cell.text) <= 201 and "过长" in cell.error
    services.assessment.set_values(ys.id, [CellEdit(t.id, MONTH, "praise", "3\x00\x1b")])
    cell = services.assessment.monthly_cells(ys.id, MONTH)[(t.id, MONTH, "praise")]
    assert cell.text == "3??" and not cell.valid  # a figure is not cleaned into another: kept bad, stored clean
    services.assessment.set_note(ys.id, t.id, "publicity_articles", "第一行\x01\n第二行")
    assert services.assessment.annual_notes(ys.id, t.id) == {"publicity_articles": "第一行\n第二行"}
    with pytest.raises(ServiceError, match="备注"):
        services.assessment.set_note(ys.id, t.id, "publicity_articles", "坏\ud800")
