"""The reader guard refuses hostile workbooks before python-calamine can abort the process."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from xlsx_builder import cell, rows_xml, write_xlsx

from hotline_desktop.core.sheet_guard import SheetRefused, check_workbook
from hotline_desktop.core.xlsx import read_sheet

CJK = "\u4e00"


def _refused(path) -> str:
    with pytest.raises(SheetRefused) as e:
        read_sheet(path)
    msg = str(e.value)
    assert path.name in msg
    assert not any(w in msg for w in ("Error", "error", "Worksheet", "zip", "Traceback")), msg
    assert any(ch >= CJK for ch in msg)
    return msg


@pytest.mark.parametrize("ref", ["XFD1048576", "ZZZZZ99999999", "A200001", "GS1", "A0x"])
def test_a_cell_beyond_the_limits_is_refused(tmp_path, ref):
    p = write_xlsx(tmp_path / "far.xlsx", rows_xml([["编码"]]) + f'<row>{cell(ref, "x")}</row>')
    assert p.stat().st_size < 2048
    msg = _refused(p)
    assert ref[:20] in msg


def test_the_declared_dimension_is_checked(tmp_path):
    p = write_xlsx(tmp_path / "dim.xlsx", rows_xml([["a"]]), dimension="A1:XFD1048576")
    assert "A1:XFD1048576" in _refused(p)


def test_a_huge_declared_shared_string_count_is_refused(tmp_path):
    # calamine reserves uniqueCount entries up front: 4e9 aborted the process (exit 134)
    shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>')
    p = write_xlsx(tmp_path / "sst.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)
    assert "4000000000" in _refused(p)


def test_the_guard_runs_before_calamine_in_the_same_process(tmp_path):
    """The real crash: the whole interpreter died. Run it in a child so a regression is a failure, not an abort."""
    p = write_xlsx(tmp_path / "far.xlsx", f'<row r="1">{cell("XFD1048576", "x")}</row>')
    code = (
        "import sys\nfrom hotline_desktop.core.xlsx import read_sheet\n"
        "try:\n    read_sheet(sys.argv[1])\nexcept ValueError as e:\n    print('refused', e)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.startswith("refused")


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    p = write_xlsx(tmp_path / "bomb.xlsx", rows_xml([["a"]]), extra={"xl/media/pad.xml": b"<a>" + b" " * (8 << 20) + b"</a>"})
    assert p.stat().st_size < 64 * 1024
    assert "压缩比" in _refused(p)


def test_a_member_that_lies_about_its_size_is_refused(tmp_path):
    p = write_xlsx(tmp_path / "lie.xlsx", rows_xml([["a", "b"], ["c", "d"]]))
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # shrink the declared size in the central directory: the read stops short and the CRC fails
    name = b"xl/worksheets/sheet1.xml"
    at, patched = data.find(b"PK\x01\x02"), 0
    while at >= 0:
        n = int.from_bytes(data[at + 28: at + 30], "little")
        if data[at + 46: at + 46 + n] == name:
            data[at + 24: at + 28] = (info.file_size // 2).to_bytes(4, "little")
            patched += 1
        at = data.find(b"PK\x01\x02", at + 4)
    assert patched == 1
    p.write_bytes(bytes(data))
    _refused(p)


def test_dtd_and_entities_are_refused(tmp_path):
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    p = tmp_path / "dtd.xlsx"
    write_xlsx(p, rows_xml([["a"]]))
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("xl/styles.xml", f'<?xml version="1.0"?>{bomb}<styleSheet>&b;</styleSheet>')
    assert "DTD" in _refused(p)


@pytest.mark.parametrize("content, what", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (b"code,name\nC1,x\n", ".xlsx"),
    (b"PK\x03\x04garbage", "损坏"),
])
def test_not_an_xlsx_gets_a_chinese_reason(tmp_path, content, what):
    p = tmp_path / "bad.xlsx"
    p.write_bytes(content)
    assert what in _refused(p)


def test_a_workbook_without_sheets_is_refused_in_chinese(tmp_path):
    p = write_xlsx(tmp_path / "nosheet.xlsx", rows_xml([["a"]]), sheets=False)
    assert "没有工作表" in _refused(p)


def test_formula_without_value_and_error_cells_are_reported(tmp_path):
    data = ('<row r="1">' + cell("A1", "x") + cell("B1", formula="1+1") + cell("C1", error="#DIV/0!")
            + cell("D1", formula="HYPERLINK(&quot;x&quot;)") + cell("E1", 2, formula="1+1") + "</row>")
    sheet = read_sheet(write_xlsx(tmp_path / "f.xlsx", data))
    assert sheet.rows[0][:2] == ["x", ""]  # calamine alone shows them as empty
    assert "公式" in sheet.problem(0, 1)
    assert "#DIV/0!" in sheet.problem(0, 2)
    assert "公式" in sheet.problem(0, 3)
    assert sheet.problem(0, 4) is None  # a formula with its cached value is read as that value
    assert sheet.rows[0][4] == 2


def test_an_ordinary_workbook_passes(tmp_path):
    from hotline_desktop.core.excel_units import write_units_template

    p = write_units_template(tmp_path / "t.xlsx")
    scan = check_workbook(p)
    assert scan.rows == 1 and scan.cols == 8 and not scan.special


def test_cells_without_references_are_still_bounded(tmp_path):
    """No r attribute: the position follows the row (the full scanner takes over)."""
    p = write_xlsx(tmp_path / "nor.xlsx", '<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>'
                   '<row r="900000"><c t="inlineStr"><is><t>b</t></is></c></row>')
    assert "超出可读取的范围" in _refused(p)


def test_a_utf16_part_is_checked_too(tmp_path):
    p = write_xlsx(tmp_path / "u16.xlsx", rows_xml([["a"]]))
    sheet = ('<?xml version="1.0" encoding="UTF-16"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{cell("XFD1048576", "x")}</row></sheetData></worksheet>').encode("utf-16")
    data = {}
    with zipfile.ZipFile(p) as z:
        data = {n: z.read(n) for n in z.namelist()}
    data["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in data.items():
            z.writestr(n, b)
    assert "XFD1048576" in _refused(p)


def test_every_reader_goes_through_the_guard():
    """One door: only core/xlsx.py opens a workbook for reading (after check_workbook)."""
    import hotline_desktop

    root = Path(hotline_desktop.__file__).parent
    openers = ("CalamineWorkbook", "load_workbook(", "open_workbook")
    found = {p.relative_to(root).as_posix() for p in root.rglob("*.py")
             if any(o in p.read_text(encoding="utf-8") for o in openers)}
    assert found == {"core/xlsx.py"}
