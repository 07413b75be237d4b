"""Print a PDF (written by reportlab, e.g. the ranking table) through Qt's print system.

Each PDF page is rendered with QtPdf at the printer's resolution, composited onto white
(QPdfDocument.render() gives a transparent background) and drawn on one printed page, so the
printout is the exported PDF page for page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

PRINT_DPI = 300  # enough for small table text; 1200 dpi images make huge spool files


class PdfPrintError(RuntimeError):
    pass


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


def load_pdf(pdf_path: str | Path):
    """A loaded QPdfDocument (raises PdfPrintError with a Chinese message)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    err = doc.load(str(pdf_path))
    if err != QPdfDocument.Error.None_ or doc.pageCount() == 0:
        raise PdfPrintError(_tr("无法读取 PDF 文件：{0}").format(pdf_path))
    return doc


def make_printer(*, landscape: bool = True) -> QPrinter:
    """An A4 printer at a moderate resolution (landscape for the ranking tables)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    orient = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orient, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)  # the PDF pages carry their own margins
    return printer


def render_page(doc, page: int, size: QSize) -> QImage:
    """Page ``page`` rendered at ``size`` pixels on a white background."""
    img = doc.render(page, size)
    out = QImage(size, QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    p = QPainter(out)
    p.drawImage(0, 0, img)
    p.end()
    return out


def print_pdf(printer: QPrinter, pdf_path: str | Path) -> int:
    """Print every page of the PDF on ``printer`` (one PDF page per sheet); returns the count."""
    doc = load_pdf(pdf_path)
    pages = doc.pageCount()
    first = doc.pagePointSize(0)
    orient = (
        QPageLayout.Orientation.Landscape if first.width() > first.height() else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)
    printer.setPageOrientation(orient)
    from_page, to_page = printer.fromPage(), printer.toPage()
    wanted = range(pages)
    if from_page > 0 and to_page >= from_page:
        wanted = range(from_page - 1, min(to_page, pages))
    painter = QPainter()
    if not painter.begin(printer):
        raise PdfPrintError(_tr("无法开始打印（打印机不可用或输出文件无法写入）"))
    printed = 0
    try:
        dpi = printer.resolution()
        for n, i in enumerate(wanted):
            if n > 0:
                printer.newPage()
            target: QRect = painter.viewport()
            pt: QSizeF = doc.pagePointSize(i)
            px = QSize(max(1, round(pt.width() * dpi / 72)), max(1, round(pt.height() * dpi / 72)))
            px = px.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            img = render_page(doc, i, px)
            x = target.x() + (target.width() - px.width()) // 2
            y = target.y() + (target.height() - px.height()) // 2
            painter.drawImage(QRect(x, y, px.width(), px.height()), img)
            printed += 1
    finally:
        painter.end()
        doc.close()
    return printed


def preview_pdf(parent: QWidget | None, pdf_path: str | Path, *, printer: QPrinter | None = None,
                exec_dialog: bool = True) -> QPrintPreviewDialog:
    """The print preview of the PDF (printing from it goes to the chosen printer)."""
    load_pdf(pdf_path).close()  # fail early with a clear message
    printer = printer or make_printer()
    dlg = QPrintPreviewDialog(printer, parent)
    dlg.setWindowTitle(_tr("打印预览"))
    dlg.resize(1100, 760)
    dlg.paintRequested.connect(lambda p: print_pdf(p, pdf_path))
    dlg.printer_ref = printer  # keep it alive with the dialog
    if exec_dialog:
        dlg.exec()
    return dlg


def print_with_dialog(parent: QWidget | None, pdf_path: str | Path, *, printer: QPrinter | None = None) -> int:
    """The system print dialog, then print; returns the pages printed (0 when cancelled)."""
    doc = load_pdf(pdf_path)
    pages = doc.pageCount()
    doc.close()
    printer = printer or make_printer()
    dlg = QPrintDialog(printer, parent)
    dlg.setWindowTitle(_tr("打印"))
    dlg.setMinMax(1, pages)
    if dlg.exec() != QPrintDialog.DialogCode.Accepted:
        return 0
    return print_pdf(printer, pdf_path)
