import os
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from ranking_cases import ganxian_hotline_case, licheng_case, licheng_sized_case

from hotline_desktop.core.ranking_table import ExportCancelled, build_ranking_table, build_ranking_tables
from hotline_desktop.core.ranking_xlsx import write_ranking_xlsx
from hotline_desktop.core.scoring import round2

TODAY = date(2026, 11, 21)


def _text(ws, ref):
    v = ws[ref].value
    return "" if v is None else str(v)


def test_licheng_sheet_layout_values_and_print_setup(tmp_path):
    _e, result = licheng_case()
    table = build_ranking_table(result, year=2025, group="community", today=TODAY)
    path = write_ranking_xlsx(table, tmp_path / "r.xlsx")
    assert path == tmp_path / "r.xlsx" and not list(tmp_path.glob(".*.tmp"))
    wb = load_workbook(path)
    assert wb.sheetnames == ["社区"]
    ws = wb["社区"]
    assert ws["A1"].value == "（2025）年各社区热线工作考核内容计分表"
    assert "制表日期：2026年11月21日" in ws["A2"].value
    # header row 1 (row 3) and the rule texts (row 4)
    assert ws["A3"].value == "序号" and ws["B3"].value == "社区名称"
    assert _text(ws, "C3").replace("\n", "") == "综合满意率（50分）"
    assert ws["C4"].value == "综合满意率每低一个百分点扣1分"
    assert ws["G3"].value == "其他日常工作（15分）" and ws["G4"].value == "领导重视（5分）：根据日常考核记录计分"
    assert ws["L3"].value == "额外加分项（共15分）"
    assert ws["Q3"].value == "总分" and ws["R3"].value == "排名"
    assert ws["C4"].alignment.wrap_text
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "A2:R2", "A3:A4", "B3:B4", "G3:K3", "L3:P3", "Q3:Q4", "R3:R4"} <= merged
    # body: engine order, numbers rounded to 2 decimals, ranks with 并列
    codes = [r.code for r in table.rows]
    assert codes == ["C01", "C02", "C03", "C06", "C04", "C05"]
    for i, code in enumerate(codes):
        row = 5 + i
        u = result[code]
        assert ws.cell(row, 1).value == i + 1
        assert ws.cell(row, 2).value == u.name
        total = ws.cell(row, 17)
        if u.total is None:
            assert total.value is None
        else:
            assert isinstance(total.value, int | float)
            assert str(total.value) == f"{round2(u.total):f}".rstrip("0").rstrip(".")
            assert total.number_format == "0.00"
        assert _text(ws, f"R{row}") == u.rank_text
    assert ws["R6"].value == "2（并列）" and ws["R7"].value == "2（并列）"
    # a name that looks like a formula stays text
    c06 = ws.cell(5 + codes.index("C06"), 2)
    assert c06.value == "=SUM(A1)" and c06.data_type == "s"
    # footer block below the body lists unranked and incomplete units with the reason
    below = [str(ws.cell(r, 1).value) for r in range(11, ws.max_row + 1) if ws.cell(r, 1).value]
    assert any("七里河社区" in t and "全年没有工单任务" in t for t in below)
    assert any("洪家楼社区" in t and "工作态度未评分" in t for t in below)
    # print setup
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$4"
    assert ws.freeze_panes == "C5"
    assert ws.row_dimensions[4].height >= 60  # the long rule texts wrap into several lines
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws["C5"].font.name == "宋体"


def test_one_sheet_per_group_and_monthly_table(tmp_path):
    _e, result = licheng_case()
    write_ranking_xlsx(build_ranking_tables(result, year=2025, today=TODAY), tmp_path / "all.xlsx")
    assert load_workbook(tmp_path / "all.xlsx").sheetnames == ["社区", "科室"]
    engine, gx = ganxian_hotline_case()
    t = build_ranking_table(gx, year=2026, month="2026-03", today=TODAY, monthly_values=engine.monthly_values)
    write_ranking_xlsx([t], tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx").active
    assert ws.title == "2026年3月" and ws["A1"].value == "（2026年3月）各单位12345热线办件情况统计表"
    assert ws["C5"].value == 21 and ws.cell(7, t.n_cols).value == "按平均分"


def test_cancel_leaves_no_file(tmp_path):
    _e, result = licheng_case()
    with pytest.raises(ExportCancelled):
        write_ranking_xlsx(build_ranking_tables(result, year=2025), tmp_path / "x.xlsx", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed: cannot check the printed page")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_libreoffice_prints_it_landscape_and_one_page_wide(tmp_path):
    _e, result = licheng_sized_case()
    table = build_ranking_table(result, year=2025, group="community", today=TODAY)
    xlsx = write_ranking_xlsx(table, tmp_path / "社区排名.xlsx")
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    r = subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = out / "社区排名.pdf"
    assert pdf.exists(), r.stdout + r.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    width, height = float(size[2]), float(size[4])
    assert width > height  # landscape
    assert "A4" in info
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True).stdout
    assert "社区名称" in page1 and "排名" in page1 and "工作态度" in page1  # the last columns are on page 1
    assert table.rows[0].name in page1
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    # one page wide: every page holds the last column's heading (header rows repeat)
    for p in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                              text=True).stdout
        if "测试" in text:  # a page with body rows
            assert "排名" in text and "总分" in text
