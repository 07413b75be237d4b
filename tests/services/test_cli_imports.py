"""`import monthly`, `export monthly`, and `import units` printing its changes (issue 7.7, 7.26)."""

from __future__ import annotations

import pytest
from cli_support import run
from openpyxl import Workbook, load_workbook
from xlsx_builder import cell, write_xlsx

YEAR, MONTH, SCHEME = "2023", "2023-03", "ganxian-2023-hotline"


@pytest.fixture
def data(tmp_path):
    from hotline_desktop.core.domain import UnitDraft
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.assessment import CellEdit

    d = tmp_path / "d"
    s = AppServices.open(DataPaths(d), auto_backup=False)
    t = s.units.create(UnitDraft(code="T01", name="梅林镇", kind="town", contact="王伟"))
    ys = s.assessment.assign(int(YEAR), SCHEME)
    s.assessment.set_values(ys.id, [CellEdit(t.id, MONTH, "volume", "20")])
    s.close()
    return d


def monthly_args(d, *extra):
    return ("--data-dir", d, *extra, "--scheme", SCHEME, "--year", YEAR, "--month", MONTH)


def test_export_then_import_monthly_round_trip(data, tmp_path, capsys):
    out = tmp_path / "m.xlsx"
    assert run(*monthly_args(data, "export", "monthly"), "--out", out) == 0
    wb = load_workbook(out)
    ws = wb.active
    assert ws["A4"].value == "T01" and ws["C4"].value == 20
    ws["C4"].value = 35
    wb.save(out)
    capsys.readouterr()
    assert run(*monthly_args(data, "import", "monthly", out)) == 0
    printed = capsys.readouterr().out
    assert "第 4 行 T01（梅林镇）：当月办件量 20 → 35" in printed and "已导入 1 个数值" in printed
    assert run(*monthly_args(data, "export", "monthly"), "--out", out) == 0
    assert load_workbook(out).active["C4"].value == 35


def test_a_refused_monthly_import_exits_2_in_chinese_and_writes_nothing(data, tmp_path, capsys):
    out = tmp_path / "m.xlsx"
    assert run(*monthly_args(data, "export", "monthly"), "--out", out) == 0
    wb = load_workbook(out)
    wb.active["C4"].value = "=1+1"
    wb.save(out)
    capsys.readouterr()
    assert run(*monthly_args(data, "import", "monthly", out)) == 2
    err = capsys.readouterr().err
    assert "公式没有计算结果" in err and "未写入任何数据" in err
    assert run(*monthly_args(data, "export", "monthly"), "--out", out) == 0
    assert load_workbook(out).active["C4"].value == 20


@pytest.mark.parametrize("args, words", [
    (("import", "monthly", "X.xlsx", "--scheme", SCHEME, "--year", YEAR), "缺少 --month"),
    (("import", "monthly", "X.xlsx", "--scheme", "nope", "--year", YEAR, "--month", MONTH), "没有使用考核方案"),
    (("import", "monthly", "X.xlsx", "--scheme", SCHEME, "--year", YEAR, "--month", "2024-01"), "不属于"),
    (("import", "monthly", "X.xlsx", "--scheme", SCHEME, "--year", "abc", "--month", MONTH), "整数"),
    (("export", "monthly", "--scheme", SCHEME, "--year", YEAR, "--month", MONTH, "--out", "x.pdf"), ".xlsx"),
])
def test_monthly_cli_errors_exit_2_with_chinese(data, tmp_path, capsys, args, words):
    args = tuple(str(tmp_path / a) if a == "X.xlsx" else a for a in args)
    assert run("--data-dir", data, *args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_hostile_workbook_is_refused_by_the_cli(data, tmp_path, capsys):
    p = write_xlsx(tmp_path / "far.xlsx", f'<row r="1">{cell("XFD1048576", "x")}</row>')
    assert run(*monthly_args(data, "import", "monthly", p)) == 2
    assert run("--data-dir", data, "import", "units", p) == 2
    err = capsys.readouterr().err
    assert err.count("超出可读取的范围") == 2


def test_import_units_prints_changes_and_keeps_blanks_unless_asked(data, tmp_path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "类型", "联系人"])
    ws.append(["T01", "梅林镇人民政府", "乡镇·街道", ""])
    wb.save(tmp_path / "u.xlsx")
    capsys.readouterr()
    assert run("--data-dir", data, "import", "units", tmp_path / "u.xlsx") == 0
    out = capsys.readouterr().out
    assert "第 2 行 T01（梅林镇人民政府）：名称 梅林镇 → 梅林镇人民政府" in out
    assert "联系人" not in out.split("。")[0] and "--blank-overwrites" in out
    assert run("--data-dir", data, "import", "units", tmp_path / "u.xlsx", "--blank-overwrites") == 0
    assert "联系人 王伟 → （空）" in capsys.readouterr().out
