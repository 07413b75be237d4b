"""排名 tab: export to Excel / PDF in a worker with progress and 取消; printing and preview."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog
from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
    open_tab,
)

from hotline_desktop.gui import printing
from hotline_desktop.gui.workers import run_with_progress
from hotline_desktop.services.ranking_export import RankingExportCancelled, export_ranking


def _pages(path) -> int:
    doc = printing.load_pdf(path)
    n = doc.pageCount()
    doc.close()
    return n


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_export_from_tab_writes_file(qtbot, district, tmp_path, monkeypatch, suffix):
    tab = open_tab(qtbot, district, district.licheng)
    out = tmp_path / f"排名{suffix}"
    asked = []

    def fake_save(parent, caption, default, filt):
        asked.append((caption, default))
        return str(out), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    action = next(a for a in tab.export_actions() if ("Excel" in a.text()) == (suffix == ".xlsx"))
    assert action.text() in ("排名表（Excel）…", "排名表（PDF）…")
    with qtbot.waitSignal(tab.export_finished, timeout=15000) as sig:
        action.trigger()
    assert sig.args[0] == out and out.stat().st_size > 1000
    assert Path(asked[0][1]).name.startswith("排名-2025年-")
    assert "打开" in tab.export_label.text()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(out)
        assert len(wb.sheetnames) == 3  # one sheet per ranking group
        ws = wb.worksheets[0]
        assert "社区热线工作考核内容计分表" in str(ws["A1"].value)
    else:
        assert _pages(out) >= 3
    tab.shutdown()


def test_month_export_uses_chosen_month(qtbot, district, tmp_path):
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-02")
    out = tmp_path / "m.pdf"
    with qtbot.waitSignal(tab.export_finished, timeout=15000):
        tab.export_to(out)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "2026年2月" in text
    tab.shutdown()


def test_export_error_is_reported_in_chinese(qtbot, district, tmp_path, message_boxes):
    tab = open_tab(qtbot, district, district.licheng)
    with qtbot.waitSignal(tab.task_failed, timeout=10000) as sig:
        tab.export_to(tmp_path / "no-such-dir" / "x.xlsx")
    assert "导出目录不存在" in sig.args[0]
    assert message_boxes.texts("warning") == [sig.args[0]]
    tab.shutdown()


def test_run_with_progress_reports_and_cancels(qtbot, district, tmp_path):
    ys = district.licheng
    out = tmp_path / "c.pdf"
    seen, results = [], []

    def work(progress, cancelled):
        def spy(p):
            seen.append(p)
            progress(p)

        return export_ranking(district, scheme_id=ys.scheme_id, year=ys.year, out=out, progress=spy,
                              cancelled=lambda: len(seen) >= 2 or cancelled())

    job = run_with_progress(None, "导出", work, results.append, results.append)
    assert job.dialog.maximum() == 100 and job.dialog.labelText() == "导出"
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    assert isinstance(results[0], RankingExportCancelled)
    assert not out.exists()

    results.clear()
    job = run_with_progress(None, "导出", lambda progress, cancelled: (progress(50), cancelled())[1],
                            results.append, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [False]


def test_cancel_button_stops_the_export(qtbot, district, tmp_path):
    import threading

    gate = threading.Event()
    results = []

    def work(progress, cancelled):
        progress(10)
        gate.wait(5)
        if cancelled():
            raise RankingExportCancelled()
        return "done"

    job = run_with_progress(None, "导出", work, results.append, results.append)
    from PySide6.QtWidgets import QPushButton

    button = job.dialog.findChild(QPushButton)
    assert button.text() == "取消"
    button.click()
    assert "取消" in job.dialog.labelText()
    gate.set()
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert isinstance(results[0], RankingExportCancelled)


def _pdf_printer(path, dpi=60) -> QPrinter:
    printer = printing.make_printer()
    printer.setResolution(dpi)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_gives_the_same_pages_as_the_pdf(qtbot, district, tmp_path):
    ys = district.licheng
    src = export_ranking(district, scheme_id=ys.scheme_id, year=ys.year, out=tmp_path / "r.pdf")
    printed = tmp_path / "printed.pdf"
    n = printing.print_pdf(_pdf_printer(printed), src)
    assert n == _pages(src) == _pages(printed) >= 3
    doc = printing.load_pdf(printed)
    size = doc.pagePointSize(0)
    assert size.width() > size.height()  # A4 landscape
    img = printing.render_page(doc, 0, size.toSize())
    doc.close()
    dark = sum(1 for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)
               if QColor(img.pixel(x, y)).lightness() < 128)
    assert dark > 50  # the table is drawn, on white
    assert QColor(img.pixel(2, 2)) == QColor("white")


def test_render_page_is_opaque_white(district, tmp_path):
    ys = district.licheng
    src = export_ranking(district, scheme_id=ys.scheme_id, year=ys.year, group="town", out=tmp_path / "t.pdf")
    doc = printing.load_pdf(src)
    img = printing.render_page(doc, 0, doc.pagePointSize(0).toSize())
    doc.close()
    assert not img.hasAlphaChannel()
    assert QColor(img.pixel(1, 1)) == QColor("white")


def test_load_pdf_rejects_a_broken_file(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(printing.PdfPrintError, match="无法读取 PDF"):
        printing.load_pdf(bad)


def test_tab_print_preview_and_print(qtbot, district, tmp_path, monkeypatch):
    tab = open_tab(qtbot, district, district.licheng)
    previews = []
    monkeypatch.setattr(printing, "preview_pdf", lambda parent, path: previews.append(Path(path)))
    tab.print_preview()
    qtbot.waitUntil(lambda: bool(previews), timeout=15000)
    assert previews[0].suffix == ".pdf" and _pages(previews[0]) >= 3

    printed = tmp_path / "p.pdf"
    monkeypatch.setattr(printing, "print_with_dialog",
                        lambda parent, path: printing.print_pdf(_pdf_printer(printed), path))
    messages = []
    tab.status_message.connect(lambda text, _ms: messages.append(text))
    tab.print_dialog()
    qtbot.waitUntil(lambda: any("已送打印" in m for m in messages), timeout=15000)
    assert _pages(printed) == _pages(previews[0])
    tab.shutdown()
    assert not previews[0].exists()  # the temporary PDF is removed


def test_preview_dialog_paints_every_page(qtbot, district, tmp_path):
    ys = district.licheng
    src = export_ranking(district, scheme_id=ys.scheme_id, year=ys.year, group="town", out=tmp_path / "t.pdf")
    printer = printing.make_printer()
    printer.setResolution(40)
    dlg = printing.preview_pdf(None, src, printer=printer, exec_dialog=False)
    qtbot.addWidget(dlg)
    painted = []
    dlg.paintRequested.connect(lambda p: painted.append(p))
    dlg.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=10000)
    assert dlg.windowTitle() == "打印预览"
    assert printer.pageLayout().orientation().name == "Landscape"
    dlg.close()


def test_board_view_exports_and_prints_the_board_of_the_chosen_group(qtbot, district, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    tab = open_tab(qtbot, district, district.licheng)
    tab.show_board()
    tab.set_board_group("town")
    out = tmp_path / "board.xlsx"
    with qtbot.waitSignal(tab.export_finished, timeout=15000):
        tab.export_to(out)
    ws = load_workbook(out).active
    assert ws["A1"].value.endswith("红黑榜") and "乡镇" in ws["A1"].value
    assert [ws.cell(r, 1).value for r in range(4, 14)] == ["红榜"] * 5 + ["黑榜"] * 5
    previews = []
    monkeypatch.setattr(printing, "preview_pdf", lambda parent, path: previews.append(Path(path)))
    tab.print_preview()
    qtbot.waitUntil(lambda: bool(previews), timeout=15000)
    assert _pages(previews[0]) == 1  # one group's board on one page
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(previews[0]), "-"], capture_output=True, text=True).stdout
        assert "红黑榜" in text and "红榜" in text
    tab.shutdown()
