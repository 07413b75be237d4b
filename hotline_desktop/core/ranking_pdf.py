"""Ranking tables to PDF (reportlab platypus, no Qt).

A4 landscape, an embedded TrueType CJK font, the title and subtitle, the two header rows with
their spans (rule texts wrapped CJK-style in a smaller font), header rows repeated on every
page, a light grid with zebra rows, notes and the list of unranked / incomplete units under the
table, and "第 N 页 共 M 页" with the 制表日期 at the foot of every page. Each table starts on a
new page; columns are scaled to the frame width, so a table is always one page wide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.pdf_fonts import register_cjk_font
from hotline_desktop.core.pdf_pages import counted_canvas
from hotline_desktop.core.ranking_table import ExportCancelled, RankingTable

__all__ = ["write_ranking_pdf", "PAGE_MARGIN_MM"]

PAGE_MARGIN_MM = 10
HEAD_PT = 8
RULE_PT = 6.5
BODY_PT = 8
TITLE_PT = 15


def _heading_text(text: str, width_pt: float, pt: float, font: str) -> str:
    """Break a heading before its （…分） part when it does not fit on one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, pt) <= width_pt - 4 or "（" not in text:
        return escape(text)
    i = text.rindex("（")
    if i == 0:
        return escape(text)
    return escape(text[:i]) + "<br/>" + escape(text[i:])


MIN_ROW_PT = BODY_PT * 1.2 + 3  # the lowest a body row can be (leading + top and bottom padding)


def _paged_table(table_cls, style_cls, head: list, body: list, widths: list, style: list, zebra):
    """The table as a flowable that lays out its rows a page at a time.

    A reportlab Table split over thousands of rows rebuilds the remainder (its spans, heights and
    style commands) at every page: quadratic (a 4,000-unit table took 30 s). Here each page is
    split from a table of the header and no more rows than the page can hold, so the page
    breaks, the repeated header rows and the zebra rows (by their row number in the whole
    table) are the ones the single table had.
    """
    from reportlab.platypus import Flowable

    n_head = len(head)
    made: dict[tuple[int, int], object] = {}

    def make(start: int, count: int):
        t = made.get((start, count))
        if t is None:
            zebra_rows = [("BACKGROUND", (0, n_head + j), (-1, n_head + j), zebra)
                          for j in range(count) if (start + j) % 2 == 1]
            t = made[(start, count)] = table_cls(
                head + body[start:start + count], colWidths=widths, repeatRows=n_head, hAlign="CENTER",
                style=style_cls(style + zebra_rows))
        return t

    def page_rows(ah: float) -> int:
        return int(ah / MIN_ROW_PT) + 2  # more than fit in that height

    class Rows(Flowable):
        def __init__(self, start: int):
            super().__init__()
            self.start = start
            self.hAlign = "CENTER"
            self.whole = None

        def wrap(self, aw, ah):
            left = len(body) - self.start
            if left <= page_rows(ah):
                self.whole = make(self.start, left)
                self.width, self.height = self.whole.wrap(aw, ah)
            else:
                self.whole = None
                self.width, self.height = aw, ah + 1  # more than this page: the frame splits it
            return self.width, self.height

        def split(self, aw, ah):
            left = len(body) - self.start
            count = min(left, page_rows(ah))
            parts = make(self.start, count).split(aw, ah)
            if count == left or not parts:
                return parts
            fitted = len(parts[0]._cellvalues) - n_head
            return [parts[0], Rows(self.start + fitted)]

        def draw(self):
            self.whole.drawOn(self.canv, 0, 0)

    return Rows(0) if body else make(0, 0)


def write_ranking_pdf(
    tables: RankingTable | Sequence[RankingTable],
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the tables (each from a new page) to ``path``; raises ``ExportCancelled``."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if isinstance(tables, RankingTable):
        tables = [tables]
    tables = list(tables)
    if not tables:
        raise ValueError("没有可导出的排名表")
    out = Path(path)
    font, bold = register_cjk_font()

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled()

    page_w, page_h = landscape(A4)
    margin = PAGE_MARGIN_MM * mm
    frame_w = page_w - 2 * margin

    s_title = ParagraphStyle("title", fontName=bold, fontSize=TITLE_PT, leading=TITLE_PT * 1.3, alignment=TA_CENTER,
                             wordWrap="CJK", spaceAfter=2)
    s_sub = ParagraphStyle("sub", fontName=font, fontSize=8.5, leading=11, alignment=TA_RIGHT, wordWrap="CJK")
    s_head = ParagraphStyle("head", fontName=bold, fontSize=HEAD_PT, leading=HEAD_PT * 1.25, alignment=TA_CENTER,
                            wordWrap="CJK")
    s_rule = ParagraphStyle("rule", fontName=font, fontSize=RULE_PT, leading=RULE_PT * 1.25, alignment=TA_LEFT,
                            wordWrap="CJK")
    s_rule_c = ParagraphStyle("rule_c", parent=s_rule, alignment=TA_CENTER)
    s_name = ParagraphStyle("name", fontName=font, fontSize=BODY_PT, leading=BODY_PT * 1.2, alignment=TA_LEFT,
                            wordWrap="CJK")
    s_note = ParagraphStyle("note", fontName=font, fontSize=8, leading=11, alignment=TA_LEFT, wordWrap="CJK")
    s_note_head = ParagraphStyle("note_head", parent=s_note, fontName=bold, spaceBefore=4)

    header_bg = colors.Color(0.93, 0.93, 0.93)
    zebra = colors.Color(0.965, 0.965, 0.965)
    grid = colors.Color(0.35, 0.35, 0.35)

    story: list = []
    for n, t in enumerate(tables):
        check()
        if n:
            story.append(PageBreak())
        units = sum(c.width for c in t.columns)
        widths = [c.width / units * frame_w for c in t.columns]
        story.append(Paragraph(escape(t.title), s_title))
        story.append(Paragraph(escape(t.subtitle), s_sub))
        story.append(Spacer(1, 3))

        data: list[list] = [[""] * t.n_cols for _ in range(t.header_rows)]
        style: list[tuple] = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), BODY_PT),
            ("LEADING", (0, 0), (-1, -1), BODY_PT * 1.2),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("GRID", (0, 0), (-1, -1), 0.4, grid),
            ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BACKGROUND", (0, 0), (-1, t.header_rows - 1), header_bg),
            ("LINEBELOW", (0, t.header_rows - 1), (-1, t.header_rows - 1), 0.8, colors.black),
        ]
        for h in t.header:
            span_w = sum(widths[h.col : h.col + h.colspan])
            if h.role == "rule":
                short = stringWidth(h.text, font, RULE_PT) <= span_w - 4
                cell = Paragraph(escape(h.text), s_rule_c if short else s_rule)
            elif h.role == "sub":
                cell = Paragraph(escape(h.text), s_head)
            else:
                cell = Paragraph(_heading_text(h.text, span_w, HEAD_PT, bold), s_head)
            data[h.row][h.col] = cell
            if h.rowspan > 1 or h.colspan > 1:
                style.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
        name_col = next((i for i, c in enumerate(t.columns) if c.kind == "name"), -1)
        for i, c in enumerate(t.columns):
            if c.align == "left":
                style.append(("ALIGN", (i, t.header_rows), (i, -1), "LEFT"))
        name_w = widths[name_col] - 4 if name_col >= 0 else 0
        head = data
        data = []
        for row in t.rows:
            cells: list = [c.text for c in row.cells]
            if name_col >= 0 and stringWidth(row.name, font, BODY_PT) > name_w:
                cells[name_col] = Paragraph(escape(row.name), s_name)
            for j, c in enumerate(cells):
                if isinstance(c, str) and c and t.columns[j].kind in ("text", "rank") and (
                    stringWidth(c, font, BODY_PT) > widths[j] - 4
                ):
                    cells[j] = Paragraph(escape(c), s_rule_c)
            data.append(cells)
        story.append(_paged_table(Table, TableStyle, head, data, widths, style, zebra))
        if t.notes or t.footer:
            story.append(Spacer(1, 4))
        for text in t.notes:
            story.append(Paragraph(escape(text), s_note))
        if t.footer:
            story.append(Paragraph(escape(f"{t.footer_title}（{len(t.footer)} 个）："), s_note_head))
            for entry in t.footer:
                story.append(Paragraph(escape(entry.text), s_note))

    date_text = tables[0].date_text
    est_pages = max(1, sum(1 + len(t.rows) // 30 for t in tables))
    state = {"pages": 0}

    def furniture(canvas, total: int) -> None:
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(page_w / 2, margin * 0.45, f"第 {canvas._pageNumber} 页 共 {total} 页")
        canvas.drawRightString(page_w - margin, margin * 0.45, f"制表日期：{date_text}")

    def on_page(_canvas, _doc) -> None:
        check()
        state["pages"] += 1
        if progress is not None:
            progress(min(95, int(95 * state["pages"] / est_pages)))

    with atomic_write(out) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=(page_w, page_h),
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=tables[0].title,
            author="12345 热线考核管理",
            initialFontName=font,  # no reference to the non-embedded Helvetica
            subject=tables[0].subtitle,
        )
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=counted_canvas(furniture))
        check()
    if progress is not None:
        progress(100)
    return out
