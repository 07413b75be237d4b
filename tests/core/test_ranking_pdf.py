import shutil
import subprocess
from datetime import date

import pytest
from ranking_cases import ganxian_hotline_case, licheng_case, licheng_sized_case

from hotline_desktop.core.ranking_pdf import write_ranking_pdf
from hotline_desktop.core.ranking_table import ExportCancelled, build_ranking_table, build_ranking_tables

TODAY = date(2026, 11, 21)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _text(pdf, first=None, last=None):
    """The text in content-stream order (a wrapped paragraph stays in one piece), no whitespace."""
    args = ["pdftotext", "-raw"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _pages(pdf) -> tuple[int, float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    size = lines["Page size"].split()
    return int(lines["Pages"]), float(size[0]), float(size[2])


@needs_poppler
def test_demo_sized_pdf_holds_title_every_unit_and_embeds_the_font(tmp_path):
    _e, result = licheng_sized_case()
    tables = build_ranking_tables(result, year=2025, today=TODAY)
    pdf = write_ranking_pdf(tables, tmp_path / "排名.pdf")
    assert not list(tmp_path.glob(".*.tmp"))
    text = _text(pdf)
    assert "（2025）年各社区热线工作考核内容计分表" in text and "（2025）年各科室热线工作考核内容计分表" in text
    for u in result.units.values():
        assert u.name in text
    pages, w, h = _pages(pdf)
    assert w > h  # A4 landscape
    assert round(w) == 842 and round(h) == 595
    assert f"第1页共{pages}页" in text and "制表日期：2026年11月21日" in text
    # each group starts a new page; header rows repeat on every page
    first_dept_page = next(p for p in range(1, pages + 1) if "各科室" in _text(pdf, p))
    assert "测试" not in _text(pdf, first_dept_page).split("各科室")[0]
    for p in range(1, pages + 1):
        t = _text(pdf, p)
        if "测试" in t:
            assert "排名" in t and "综合满意率" in t
    data = pdf.read_bytes()
    assert b"/FontFile2" in data  # embedded TrueType
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column


@needs_poppler
def test_pdf_table_texts_ties_footer_and_monthly(tmp_path):
    _e, result = licheng_case()
    pdf = write_ranking_pdf(build_ranking_table(result, year=2025, group="community", today=TODAY), tmp_path / "a.pdf")
    flat = _text(pdf)
    assert "综合满意率每低一个百分点扣1分" in flat
    assert "2（并列）" in flat
    assert "七里河社区（C04）：全年没有工单任务，不列入考评" in flat
    assert "=SUM(A1)" in flat
    engine, gx = ganxian_hotline_case()
    t = build_ranking_table(gx, year=2026, month="2026-03", today=TODAY, monthly_values=engine.monthly_values)
    pdf = write_ranking_pdf([t], tmp_path / "m.pdf")
    flat = _text(pdf)
    assert "（2026年3月）各单位12345热线办件情况统计表" in flat and "按平均分" in flat


def test_pdf_cancel_leaves_no_file(tmp_path):
    _e, result = licheng_case()
    with pytest.raises(ExportCancelled):
        write_ranking_pdf(build_ranking_tables(result, year=2025), tmp_path / "x.pdf", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []
