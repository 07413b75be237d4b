"""Ranking tables to PDF (reportlab platypus, no Qt).

A4 landscape, an embedded TrueType CJK font, the title and subtitle, the two header rows with
their spans (rule texts wrapped CJK-style in a smaller font), header rows repeated on every
page, a light grid with zebra rows, notes and the list of unranked / incomplete units under the
table, and "第 N 页 共 M 页" with the 制表日期 at the foot of every page. Each table starts on a
new page; columns are scaled to the frame width, so a table is always one page wide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Look:
    """The fonts, paragraph styles and colours of a ranking PDF."""

    font: str
    bold: str
    title: object
    sub: object
    head: object
    rule: object
    rule_c: object
    name: object
    note: object
    note_head: object
    header_bg: object
    zebra: object
    grid: object


def _look(font: str, bold: str) -> _Look:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    s_rule = ParagraphStyle("rule", fontName=font, fontSize=RULE_PT, leading=RULE_PT * 1.25, alignment=TA_LEFT,
                            wordWrap="CJK")
    s_note = ParagraphStyle("note", fontName=font, fontSize=8, leading=11, alignment=TA_LEFT, wordWrap="CJK")
    return _Look(
        font, bold,
        title=ParagraphStyle("title", fontName=bold, fontSize=TITLE_PT, leading=TITLE_PT * 1.3, alignment=TA_CENTER,
                             wordWrap="CJK", spaceAfter=2),
        sub=ParagraphStyle("sub", fontName=font, fontSize=8.5, leading=11, alignment=TA_RIGHT, wordWrap="CJK"),
        head=ParagraphStyle("head", fontName=bold, fontSize=HEAD_PT, leading=HEAD_PT * 1.25, alignment=TA_CENTER,
                            wordWrap="CJK"),
        rule=s_rule,
        rule_c=ParagraphStyle("rule_c", parent=s_rule, alignment=TA_CENTER),
        name=ParagraphStyle("name", fontName=font, fontSize=BODY_PT, leading=BODY_PT * 1.2, alignment=TA_LEFT,
                            wordWrap="CJK"),
        note=s_note,
        note_head=ParagraphStyle("note_head", parent=s_note, fontName=bold, spaceBefore=4),
        header_bg=colors.Color(0.93, 0.93, 0.93),
        zebra=colors.Color(0.965, 0.965, 0.965),
        grid=colors.Color(0.35, 0.35, 0.35),
    )


def _table_style(t: RankingTable, look: _Look) -> list[tuple]:
    from reportlab.lib import colors

    return [
        ("FONTNAME", (0, 0), (-1, -1), look.font),
        ("FONTSIZE", (0, 0), (-1, -1), BODY_PT),
        ("LEADING", (0, 0), (-1, -1), BODY_PT * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.4, look.grid),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, t.header_rows - 1), look.header_bg),
        ("LINEBELOW", (0, t.header_rows - 1), (-1, t.header_rows - 1), 0.8, colors.black),
    ]


def _header_cells(t: RankingTable, widths: list[float], look: _Look, style: list[tuple]) -> list[list]:
    """The header rows' cells (rule texts in the small font, headings broken before （…分））; their
    spans appended to `style`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    data: list[list] = [[""] * t.n_cols for _ in range(t.header_rows)]
    for h in t.header:
        span_w = sum(widths[h.col : h.col + h.colspan])
        if h.role == "rule":
            short = stringWidth(h.text, look.font, RULE_PT) <= span_w - 4
            cell = Paragraph(escape(h.text), look.rule_c if short else look.rule)
        elif h.role == "sub":
            cell = Paragraph(escape(h.text), look.head)
        else:
            cell = Paragraph(_heading_text(h.text, span_w, HEAD_PT, look.bold), look.head)
        data[h.row][h.col] = cell
        if h.rowspan > 1 or h.colspan > 1:
            style.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
    return data


def _body_cells(t: RankingTable, widths: list[float], look: _Look) -> list[list]:
    """The unit rows' cells: plain text, wrapped (a Paragraph) only where a name or text is too wide."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    font = look.font
    name_col = next((i for i, c in enumerate(t.columns) if c.kind == "name"), -1)
    name_w = widths[name_col] - 4 if name_col >= 0 else 0
    data = []
    for row in t.rows:
        cells: list = [c.text for c in row.cells]
        if name_col >= 0 and stringWidth(row.name, font, BODY_PT) > name_w:
            cells[name_col] = Paragraph(escape(row.name), look.name)
        for j, c in enumerate(cells):
            if isinstance(c, str) and c and t.columns[j].kind in ("text", "rank") and (
                stringWidth(c, font, BODY_PT) > widths[j] - 4
            ):
                cells[j] = Paragraph(escape(c), look.rule_c)
        data.append(cells)
    return data


def _table_story(t: RankingTable, frame_w: float, look: _Look) -> list:
    """One table's flowables: title, subtitle, the paged table, then its notes and footer list."""
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    units = sum(c.width for c in t.columns)
    widths = [c.width / units * frame_w for c in t.columns]
    story: list = [Paragraph(escape(t.title), look.title), Paragraph(escape(t.subtitle), look.sub), Spacer(1, 3)]
    style = _table_style(t, look)
    head = _header_cells(t, widths, look, style)
    for i, c in enumerate(t.columns):
        if c.align == "left":
            style.append(("ALIGN", (i, t.header_rows), (i, -1), "LEFT"))
    story.append(_paged_table(Table, TableStyle, head, _body_cells(t, widths, look), widths, style, look.zebra))
    if t.notes or t.footer:
        story.append(Spacer(1, 4))
    for text in t.notes:
        story.append(Paragraph(escape(text), look.note))
    if t.footer:
        story.append(Paragraph(escape(f"{t.footer_title}（{len(t.footer)} 个）："), look.note_head))
        for entry in t.footer:
            story.append(Paragraph(escape(entry.text), look.note))
    return story


def write_ranking_pdf(
    tables: RankingTable | Sequence[RankingTable],
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the tables (each from a new page) to ``path``; raises ``ExportCancelled``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

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
    look = _look(font, bold)

    story: list = []
    for n, t in enumerate(tables):
        check()
        if n:
            story.append(PageBreak())
        story += _table_story(t, frame_w, look)

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
