"""The printed 督办通知 (the seed's 附件3 grid) and the 催办通知, as PDF (reportlab, no Qt).

One notice per A4 portrait page: the title "（区政府热线办）部门督办通知", then the grid —
编号 | 督（2026）3号 | 督办时限 | 5个工作日 (the due date beside it); 下达时间; 承办单位; 督办内容;
办理结果; 承办单位负责人签字（盖章）. Text of any length wraps inside its box; what does not fit
continues on the next page, where the grid's header rows (编号 … 承办单位) are repeated and the box
is labelled "（续）". Nothing is ever cut off or drawn past the border: the pages are laid out
here, box by box, from the measured height of every line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.notices import VOID_REASON_MAX, NoticeRow, cn_date
from hotline_desktop.core.pdf_fonts import register_cjk_font
from hotline_desktop.core.pdf_pages import counted_canvas

if TYPE_CHECKING:
    from hotline_desktop.core.workdays import WorkCalendar

MM = 72 / 25.4
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 portrait in points
# After GB/T 9704's page: generous top and left margins.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 28 * MM, 22 * MM, 26 * MM, 24 * MM
FRAME_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
LABEL_W = 27 * MM
LABEL2_W = 25 * MM
VALUE_W = FRAME_W - LABEL_W
NUMBER_W = (FRAME_W - LABEL_W - LABEL2_W) * 0.4
DEADLINE_W = FRAME_W - LABEL_W - LABEL2_W - NUMBER_W
TITLE_PT, LABEL_PT, BODY_PT = 20, 13, 12
PAD = 5
BOX_MIN = {"content": 80 * MM, "result": 52 * MM, "sign": 32 * MM}  # a short notice fits one page
FOOT_H = 14  # room under the grid for the page line / notes
TITLE_H = 48


@dataclass(frozen=True)
class FormContext:
    office_name: str = "区政府热线办"
    calendar: WorkCalendar | None = None


@lru_cache(maxsize=1)
def notice_fonts() -> tuple[str, str]:
    """(body, title): 仿宋 and 黑体 on Windows (GB/T 9704's look), else the app's CJK font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    regular, bold = register_cjk_font()
    win = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    body, title = regular, bold
    for name, file in (("HotlineFangSong", "simfang.ttf"), ("HotlineHei", "simhei.ttf")):
        path = win / file
        if path.is_file():
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except TTFError:
                continue
            if name == "HotlineFangSong":
                body = name
            else:
                title = name
    return body, title


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    body, title = notice_fonts()
    return {
        "title": ParagraphStyle("n_title", fontName=title, fontSize=TITLE_PT, leading=TITLE_PT * 1.35,
                                alignment=TA_CENTER, wordWrap="CJK"),
        "label": ParagraphStyle("n_label", fontName=title, fontSize=LABEL_PT, leading=LABEL_PT * 1.35,
                                alignment=TA_CENTER, wordWrap="CJK"),
        "value": ParagraphStyle("n_value", fontName=body, fontSize=BODY_PT, leading=BODY_PT * 1.5,
                                alignment=TA_LEFT, wordWrap="CJK"),
        "value_c": ParagraphStyle("n_value_c", fontName=body, fontSize=BODY_PT, leading=BODY_PT * 1.45,
                                  alignment=TA_CENTER, wordWrap="CJK"),
        "small": ParagraphStyle("n_small", fontName=body, fontSize=9, leading=11.5, alignment=TA_LEFT,
                                wordWrap="CJK"),
        "right": ParagraphStyle("n_right", fontName=body, fontSize=BODY_PT, leading=BODY_PT * 1.5,
                                alignment=TA_RIGHT, wordWrap="CJK"),
        "body": ParagraphStyle("n_body", fontName=body, fontSize=14, leading=26, alignment=TA_LEFT,
                               wordWrap="CJK", firstLineIndent=28),
        "plain": ParagraphStyle("n_plain", fontName=body, fontSize=14, leading=26, alignment=TA_LEFT,
                                wordWrap="CJK"),
    }


def _paras(text: str, style) -> list:
    """One Paragraph per line of text (empty lines keep their height)."""
    from reportlab.platypus import Paragraph

    lines = (text or "").replace("\r\n", "\n").split("\n")
    return [Paragraph(escape(line) if line.strip() else "&nbsp;", style) for line in lines]


def _height(flowables: list, width: float) -> float:
    return sum(f.wrap(width, 1e9)[1] for f in flowables)


def _take(flowables: list, width: float, avail: float) -> tuple[list, list]:
    """Split a box's lines into (what fits in `avail`, the rest); splits inside a paragraph."""
    used = 0.0
    head: list = []
    rest = list(flowables)
    while rest:
        f = rest[0]
        h = f.wrap(width, 1e9)[1]
        if used + h <= avail:
            head.append(rest.pop(0))
            used += h
            continue
        parts = f.split(width, avail - used) if avail - used > 0 else []
        if len(parts) >= 2:
            first = parts[0]
            first.wrap(width, avail - used)
            head.append(first)
            rest = list(parts[1:]) + rest[1:]
        break
    return head, rest


def _due_text(n: NoticeRow, ctx: FormContext) -> str:
    text = f"{escape(n.deadline_text)}<br/>（{cn_date(n.due)}前）"
    if n.extended:
        text += f"<br/>原时限 {cn_date(n.original_due)}，已延期"
    return text


def _notes(n: NoticeRow, ctx: FormContext) -> list[str]:
    out = []
    cal = ctx.calendar
    if cal is not None and not n.calendar_days:
        note = cal.span_note(n.issued, n.due)
        if note:
            out.append(f"注：{note}。")
    if n.voided:  # a longer reason (stored before the limit) would leave no room for the form
        reason = n.void_reason if len(n.void_reason) <= VOID_REASON_MAX else n.void_reason[:VOID_REASON_MAX] + "…"
        out.append(f"本通知已作废：{reason}")
    return out


def _notice_story(n: NoticeRow, ctx: FormContext, st) -> list:
    """The flowables of one notice: one page each, more when the text is long."""
    from reportlab.lib import colors
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

    title = Paragraph(escape(f"（{ctx.office_name}）部门督办通知"), st["title"])
    title_h = max(TITLE_H, title.wrap(FRAME_W, 1e9)[1] + 14)
    label = lambda t: Paragraph(t, st["label"])  # noqa: E731
    content = _paras(n.content, st["value"])
    if n.orders:
        content += [Paragraph(escape("关联工单：" + "、".join(n.orders)), st["value"])]
    sections = [
        ("督办内容", "content", content),
        ("办理结果", "result", _paras(n.result, st["value"])),
        ("承办单位<br/>负责人签字<br/>（盖章）", "sign", [Spacer(1, BOX_MIN["sign"] - 2 * PAD - 20),
                                                Paragraph("年　　月　　日", st["right"])]),
    ]
    notes = _notes(n, ctx)
    note_paras = [Paragraph(escape(t), st["small"]) for t in notes]
    notes_h = _height(note_paras, FRAME_W) if note_paras else 0

    def header_rows():
        return [
            [label("编　号"), Paragraph(escape(n.number), st["value_c"]), label("督办时限"),
             Paragraph(_due_text(n, ctx), st["value_c"])],
            [label("下达时间"), Paragraph(escape(cn_date(n.issued)), st["value"]), "", ""],
            [label("承办单位"), Paragraph(escape(n.unit_name), st["value"]), "", ""],
        ]

    widths = [LABEL_W, NUMBER_W, LABEL2_W, DEADLINE_W]
    inner = VALUE_W - 2 * PAD
    head_h = 0.0
    for i, row in enumerate(header_rows()):
        cells = list(zip(row, widths, strict=True)) if i == 0 else [(row[0], LABEL_W), (row[1], VALUE_W)]
        h = max(cell.wrap(w - 2 * PAD, 1e9)[1] for cell, w in cells)
        head_h += max(h + 2 * PAD, 11 * MM)

    story: list = []
    pending = [(lab, key, list(fl), False) for lab, key, fl in sections]
    page_no = 0
    while pending:
        page_no += 1
        avail = FRAME_H - title_h - head_h - FOOT_H - notes_h
        rows = header_rows()
        heights: list[float | None] = [None, None, None]
        box_rows: list[int] = []
        while pending:
            lab, key, fl, cont = pending[0]
            need = _height(fl, inner) + 2 * PAD
            box_min = BOX_MIN[key]
            # Later boxes need room too: a short content box keeps its usual height.
            h = max(need, box_min)
            if h <= avail:
                pending.pop(0)
                rows.append([label(lab + ("<br/>（续）" if cont else "")), fl or "", "", ""])
                heights.append(h)
                box_rows.append(len(rows) - 1)
                avail -= h
                continue
            if fl and avail >= 40 * MM:
                head, rest = _take(fl, inner, avail - 2 * PAD)
                if head:
                    rows.append([label(lab + ("<br/>（续）" if cont else "")), head, "", ""])
                    heights.append(avail)
                    box_rows.append(len(rows) - 1)
                    pending[0] = (lab, key, rest, True)
                    if not rest:
                        pending.pop(0)
                    avail = 0
            break
        if not box_rows:  # nothing fits beside the header and notes: never loop for ever
            raise ValueError(f"{n.number} 的表头和注释占满了整页，无法排版")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), PAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            ("SPAN", (1, 1), (3, 1)),
            ("SPAN", (1, 2), (3, 2)),
        ]
        for r in box_rows:
            style += [("SPAN", (1, r), (3, r)), ("VALIGN", (1, r), (3, r), "TOP")]
        heights = [max(11 * MM, h) if h is not None else None for h in heights]
        table = Table(rows, colWidths=widths, rowHeights=heights, hAlign="CENTER")
        table.setStyle(TableStyle(style))
        story += [Paragraph(escape(f"（{ctx.office_name}）部门督办通知"), st["title"]),
                  Spacer(1, title_h - title.wrap(FRAME_W, 1e9)[1]), table]
        if notes:
            story += [Spacer(1, 3)] + [Paragraph(escape(t), st["small"]) for t in notes]
        story.append(_PageMark(n.number, page_no))
        story.append(PageBreak())
    return story


def _page_mark_class():
    from reportlab.platypus import Flowable

    class PageMark(Flowable):
        """Zero-size marker: tells the canvas which notice (and its page) this page belongs to."""

        def __init__(self, number: str, page: int):
            super().__init__()
            self.number, self.page = number, page

        def wrap(self, *_a):
            return 0, 0

        def draw(self):
            self.canv._notice_marks = getattr(self.canv, "_notice_marks", {})
            self.canv._notice_marks[self.canv.getPageNumber()] = (self.number, self.page)

    return PageMark


def _PageMark(number: str, page: int):  # noqa: N802 (a flowable factory)
    return _page_mark_class()(number, page)


class PdfCancelled(InterruptedError):
    """The operator cancelled a PDF being written; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消生成 PDF，未写入文件")


def _progress_hook(progress: Callable[[int], None] | None, cancelled: Callable[[], bool] | None):
    """A reportlab progress callback reporting 0–100 and raising PdfCancelled when asked to stop."""
    state = {"total": 1, "last": -1}

    def hook(kind: str, value: int) -> None:
        if cancelled is not None and cancelled():
            raise PdfCancelled()
        if kind == "SIZE_EST":
            state["total"] = max(1, int(value))
        elif kind == "PROGRESS" and progress is not None:
            p = min(99, int(value) * 100 // state["total"])
            if p != state["last"]:
                state["last"] = p
                progress(p)

    return hook


def _build(story: list, out: Path, title: str, marks_total: bool = True, *,
           progress: Callable[[int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> Path:
    from reportlab.platypus import SimpleDocTemplate

    body, _title = notice_fonts()
    if story and type(story[-1]).__name__ == "PageBreak":
        story = story[:-1]

    def furniture(canvas, _total: int) -> None:
        marks = getattr(canvas, "_notice_marks", {})
        if not per_notice and marks:
            for number, page in marks.values():
                per_notice[number] = max(per_notice.get(number, 0), page)
        mark = marks.get(canvas._pageNumber)
        if mark and marks_total and per_notice.get(mark[0], 1) > 1:
            canvas.setFont(body, 9)
            canvas.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM * 0.5,
                                     f"{mark[0]}　第 {mark[1]} 页 共 {per_notice[mark[0]]} 页")

    per_notice: dict[str, int] = {}

    with atomic_write(out) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title, author="12345 热线考核管理",
            initialFontName=body,
        )
        if progress is not None or cancelled is not None:
            doc.setProgressCallBack(_progress_hook(progress, cancelled))
        doc.build(story, canvasmaker=counted_canvas(furniture))
    if progress is not None:
        progress(100)
    return out


def notices_story(notices: Sequence[NoticeRow], ctx: FormContext) -> list:
    st = _styles()
    story: list = []
    for n in notices:
        story += _notice_story(n, ctx, st)
    return story


def write_notices_pdf(notices: Sequence[NoticeRow], path: str | Path, ctx: FormContext | None = None, *,
                      progress: Callable[[int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> Path:
    """Every notice from a new page, as the seed's form; one PDF. `progress(0–100)` is called as
    pages are laid out; once `cancelled()` is true, PdfCancelled is raised and nothing is written."""
    notices = list(notices)
    if not notices:
        raise ValueError("没有要打印的督办通知")
    ctx = ctx or FormContext()
    title = notices[0].number if len(notices) == 1 else f"督办通知（{len(notices)} 份）"
    return _build(notices_story(notices, ctx), Path(path), title, progress=progress, cancelled=cancelled)


def _late_text(n: NoticeRow, today: date, cal: WorkCalendar | None) -> str:
    """How late, as the 催办通知 says it: in working days for a working-day deadline, in days for a
    calendar-day one — and in days on the rest days right after the due date, when no working day
    has passed yet (never "已逾期0个工作日")."""
    if cal is not None and not n.calendar_days:
        late = cal.workdays_between(n.due, today)
        if late > 0:
            return f"{late}个工作日"
    return f"{(today - n.due).days}天"


def reminder_story(n: NoticeRow, ctx: FormContext, today: date, st) -> list:
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    story = [
        Paragraph(escape(f"（{ctx.office_name}）催办通知"), st["title"]),
        Spacer(1, 6),
        Paragraph(escape(f"编号：{n.number}（催）"), st["right"]),
        Spacer(1, 10),
        Paragraph(escape(f"{n.unit_name}："), st["plain"]),
        Paragraph(escape(
            f"我办于{cn_date(n.issued)}向你单位下达《部门督办通知》（{n.number}），督办时限{n.deadline_text}，"
            f"应于{cn_date(n.due)}前办结"
            + (f"（原时限{cn_date(n.original_due)}，已批准延期）" if n.extended else "")
            + f"。截至{cn_date(today)}，该事项仍未办结，已逾期{_late_text(n, today, ctx.calendar)}。"
            f"请你单位高度重视，立即组织办理，并将办理结果书面报送{ctx.office_name}。"
        ), st["body"]),
        Paragraph(escape("原督办内容："), st["plain"]),
    ]
    story += [p for p in _paras(n.content, st["value"])]
    if n.orders:
        story.append(Paragraph(escape("关联工单：" + "、".join(n.orders)), st["value"]))
    note = _notes(n, ctx)
    story += [Spacer(1, 18), Paragraph(escape(ctx.office_name), st["right"]),
              Paragraph(escape(cn_date(today)), st["right"])]
    story += [Spacer(1, 8)] + [Paragraph(escape(t), st["small"]) for t in note]
    story.append(PageBreak())
    return story


def write_reminders_pdf(notices: Sequence[NoticeRow], path: str | Path, ctx: FormContext | None,
                        today: date) -> Path:
    """催办通知 for each notice (citing its number and due date), from a new page each."""
    notices = list(notices)
    if not notices:
        raise ValueError("没有要催办的督办通知")
    ctx = ctx or FormContext()
    st = _styles()
    story: list = []
    for n in notices:
        story += reminder_story(n, ctx, today, st)
    return _build(story, Path(path), f"催办通知 {notices[0].number}", marks_total=False)
