from openpyxl import load_workbook
from xlsx_builder import sheet_book

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.core.excel_units import parse_units_workbook, write_units_template, write_units_workbook
from hotline_desktop.paths import builtin_data_dir


def _book(path, rows, header=("编码", "名称", "类型", "上级单位编码", "联系人", "联系电话", "启用", "备注")):
    return sheet_book(path, [header, *rows])


def test_every_problem_is_listed_with_row_and_column(tmp_path):
    p = _book(tmp_path / "u.xlsx", [
        ("T01", "山大路街道", "乡镇·街道", "", "王伟", "0531-88881234", "是", ""),
        ("C01", "", "社区", "T01", "", "", "", ""),
        ("C02", "文苑社区", "居委会", "T01", "", "123", "也许", ""),
        ("T01", "重复街道", "街道", "", "", "", "", ""),
    ])
    parsed = parse_units_workbook(p)
    got = {(x.row, x.column.split("（")[0]) for x in parsed.problems}
    assert got == {(3, "B"), (4, "C"), (4, "F"), (4, "G"), (5, "A")}
    assert list(parsed.drafts) == [2]
    assert "第 4 行 C（类型）列" in str(next(x for x in parsed.problems if x.row == 4 and x.column.startswith("C")))


def test_missing_required_column_is_reported(tmp_path):
    p = _book(tmp_path / "u.xlsx", [("T01", "山大路街道")], header=("编码", "名称"))
    parsed = parse_units_workbook(p)
    assert any("类型" in x.message for x in parsed.problems)


def test_export_round_trips_and_keeps_formula_like_text(tmp_path):
    rows = [
        UnitRow(1, "T01", "山大路街道", UnitKind.TOWN, None, None, None, "王伟", "0531-88881234", True, "=1+1"),
        UnitRow(2, "C0101", "燕山社区", UnitKind.COMMUNITY, 1, "T01", "山大路街道", "", "", False, "@备注"),
    ]
    out = write_units_workbook(tmp_path / "o.xlsx", rows)
    ws = load_workbook(out).active
    assert ws["K1"].value is None and ws["A1"].value == "编码"
    assert ws["H2"].value == "=1+1" and ws["H2"].data_type == "s"
    assert ws["C3"].value == "社区" and ws["G3"].value == "否"
    parsed = parse_units_workbook(out)
    assert not parsed.problems
    assert parsed.drafts[3].parent_code == "T01" and parsed.drafts[3].active is False


def test_shipped_template_matches_the_code(tmp_path):
    shipped = builtin_data_dir() / "templates" / "承办单位导入模板.xlsx"
    assert shipped.is_file(), "run: hotline-desktop export template data/templates/承办单位导入模板.xlsx"
    fresh = write_units_template(tmp_path / "t.xlsx")
    a = [c.value for c in load_workbook(shipped).active[1]]
    b = [c.value for c in load_workbook(fresh).active[1]]
    assert a == b


def test_a_sheet_without_a_header_says_which_columns_it_looks_for(tmp_path):
    from hotline_desktop.core.kb_excel import parse_kb_workbook

    empty = _book(tmp_path / "e.xlsx", [], header=())
    other = _book(tmp_path / "o.xlsx", [("1", "2")], header=("甲", "乙"))
    assert [str(p) for p in parse_units_workbook(empty).problems] == ["第 1 行：工作表是空的，未找到表头"]
    assert [str(p) for p in parse_kb_workbook(empty).problems] == ["第 1 行：工作表是空的，未找到表头"]
    assert [str(p) for p in parse_units_workbook(other).problems] == [
        "第 1 行：未找到表头：前 50 行中没有“编码”列（表头需要 编码、名称、类型）"]
    assert [str(p) for p in parse_kb_workbook(other).problems] == [
        "第 1 行：未找到表头：前 50 行中没有“单位编码、类别、问题、答案”等列"]
    assert [str(p) for p in parse_units_workbook(_book(tmp_path / "u.xlsx", [("T01",)], header=("编码",))).problems] == [
        "第 1 行：缺少必需的列“名称”", "第 1 行：缺少必需的列“类型”"]
    assert [str(p) for p in parse_kb_workbook(_book(tmp_path / "k.xlsx", [("T01", "x")],
                                                    header=("单位编码", "问题"))).problems] == [
        "第 1 行：缺少必需的列“类别”", "第 1 行：缺少必需的列“答案”"]
