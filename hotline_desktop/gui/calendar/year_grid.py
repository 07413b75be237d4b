"""A whole year as twelve month grids (4 × 3), painted; holidays, 调休上班 and weekends distinct.

Click selects a day, double-click / Enter / right-click asks for the day's menu. Arrow keys
move the selection (←→ a day, ↑↓ a week), PageUp/PageDown a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from hotline_desktop.core.workdays import DAY_KIND_LABELS, SOURCE_ASSUMED, SOURCE_OFFICE, DayInfo, DayKind

WEEKDAY_NAMES = "一二三四五六日"
SOURCE_TEXT = {"office": "本办录入", "library": "国务院安排", "assumed": "按周一至周五计算"}


@dataclass(frozen=True)
class DayStyle:
    background: QColor
    foreground: QColor
    badge: str = ""


# One palette for the grid and its legend.
HOLIDAY = DayStyle(QColor("#fde2df"), QColor("#b42318"), "休")
ADJUSTED = DayStyle(QColor("#dbe8fe"), QColor("#1d4ed8"), "班")
WEEKEND = DayStyle(QColor("#eeeeee"), QColor("#7a7a7a"))
WORKDAY = DayStyle(QColor("#ffffff"), QColor("#202020"))
OFFICE_MARK = QColor("#6d28d9")
SELECTED = QColor("#2563eb")


def style_of(info: DayInfo) -> DayStyle:
    if not info.workday:
        return HOLIDAY if (info.kind is DayKind.HOLIDAY or not info.weekend) else WEEKEND
    if info.weekend or info.kind is DayKind.WORKDAY:
        return ADJUSTED
    return WORKDAY


def describe(info: DayInfo) -> str:
    """'2026年10月1日 星期四：节假日 国庆节（国务院安排）' — the tooltip and the side panel."""
    d = info.day
    head = f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAY_NAMES[d.weekday()]}"
    if info.kind is not None:
        what = DAY_KIND_LABELS[info.kind] + (f" {info.name}" if info.name else "")
    else:
        what = "工作日" if info.workday else "休息日（周末）"
    return f"{head}：{what}（{SOURCE_TEXT[info.source]}）"


class YearGrid(QWidget):
    day_selected = Signal(object)  # date
    day_menu_requested = Signal(object, QPoint)  # date, global position

    COLS = 4
    ROWS = 3
    GAP = 14
    TITLE_H = 22
    HEAD_H = 18

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._year = date.today().year
        self._days: dict[date, DayInfo] = {}
        self._selected: date | None = None
        self._today = date.today()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("全年日历"))

    # -- data ----------------------------------------------------------------------------
    def set_days(self, year: int, days: list[DayInfo]) -> None:
        self._year = year
        self._days = {d.day: d for d in days}
        if self._selected is None or self._selected.year != year:
            self._selected = None
        self.update()

    def year(self) -> int:
        return self._year

    def info(self, d: date) -> DayInfo | None:
        return self._days.get(d)

    def selected(self) -> date | None:
        return self._selected

    def select(self, d: date | None) -> None:
        if d is not None and d.year != self._year:
            return
        if d != self._selected:
            self._selected = d
            self.update()
            if d is not None:
                self.day_selected.emit(d)

    def set_today(self, d: date) -> None:
        self._today = d
        self.update()

    # -- geometry ------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(4 * 7 * 30 + 5 * self.GAP, 3 * (self.TITLE_H + self.HEAD_H + 6 * 24) + 4 * self.GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(4 * 7 * 22 + 5 * self.GAP, 3 * (self.TITLE_H + self.HEAD_H + 6 * 17) + 4 * self.GAP)

    def _cell(self) -> tuple[float, float]:
        w = (self.width() - (self.COLS + 1) * self.GAP) / (self.COLS * 7)
        h = (self.height() - (self.ROWS + 1) * self.GAP - self.ROWS * (self.TITLE_H + self.HEAD_H)) / (self.ROWS * 6)
        return max(w, 10.0), max(h, 10.0)

    def _month_origin(self, month: int) -> tuple[float, float]:
        cw, ch = self._cell()
        i = month - 1
        col, row = i % self.COLS, i // self.COLS
        x = self.GAP + col * (7 * cw + self.GAP)
        y = self.GAP + row * (self.TITLE_H + self.HEAD_H + 6 * ch + self.GAP)
        return x, y

    def day_rect(self, d: date) -> QRectF:
        cw, ch = self._cell()
        x0, y0 = self._month_origin(d.month)
        first = date(d.year, d.month, 1)
        offset = first.weekday()  # Monday first
        idx = offset + d.day - 1
        r, c = divmod(idx, 7)
        return QRectF(x0 + c * cw, y0 + self.TITLE_H + self.HEAD_H + r * ch, cw, ch)

    def day_at(self, pos: QPoint) -> date | None:
        cw, ch = self._cell()
        for month in range(1, 13):
            x0, y0 = self._month_origin(month)
            top = y0 + self.TITLE_H + self.HEAD_H
            if not (x0 <= pos.x() < x0 + 7 * cw and top <= pos.y() < top + 6 * ch):
                continue
            c = int((pos.x() - x0) // cw)
            r = int((pos.y() - top) // ch)
            first = date(self._year, month, 1)
            n = r * 7 + c - first.weekday() + 1
            try:
                return date(self._year, month, n) if n >= 1 else None
            except ValueError:
                return None
        return None

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), self.palette().base())
        cw, ch = self._cell()
        base = QFont(self.font())
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(base.pointSizeF() * 1.1)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.62, 6.0))
        day_font = QFont(base)
        for month in range(1, 13):
            x0, y0 = self._month_origin(month)
            p.setFont(title_font)
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(x0, y0, 7 * cw, self.TITLE_H), Qt.AlignmentFlag.AlignCenter,
                       self.tr("{0}月").format(month))
            p.setFont(small if cw < 18 else base)
            for c, name in enumerate(WEEKDAY_NAMES):
                p.setPen(QColor("#7a7a7a") if c >= 5 else self.palette().text().color())
                p.drawText(QRectF(x0 + c * cw, y0 + self.TITLE_H, cw, self.HEAD_H), Qt.AlignmentFlag.AlignCenter, name)
            d = date(self._year, month, 1)
            while d.month == month:
                self._paint_day(p, d, day_font, small)
                d += timedelta(days=1)
        if self.hasFocus() and self._selected is None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(SELECTED, 1, Qt.PenStyle.DotLine))
            p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        p.end()

    def _paint_day(self, p: QPainter, d: date, day_font: QFont, small: QFont) -> None:
        info = self._days.get(d)
        rect = self.day_rect(d).adjusted(1, 1, -1, -1)
        st = style_of(info) if info else WORKDAY
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(st.background)
        p.drawRoundedRect(rect, 3, 3)
        f = QFont(day_font)
        if d == self._today:
            f.setBold(True)
            f.setUnderline(True)
        p.setFont(f)
        p.setPen(st.foreground)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(d.day))
        if st.badge and rect.width() >= 18:
            p.setFont(small)
            p.drawText(rect.adjusted(1, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, st.badge)
        if info is not None and info.source == SOURCE_OFFICE:
            r = max(min(rect.width(), rect.height()) * 0.11, 2.0)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(OFFICE_MARK)
            p.drawEllipse(QRectF(rect.right() - 2 * r - 2, rect.bottom() - 2 * r - 2, 2 * r, 2 * r))
        if d == self._selected:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(SELECTED, 2))
            p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)

    # -- interaction ---------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        d = self.day_at(event.position().toPoint())
        if d is not None:
            self.select(d)
            if event.button() == Qt.MouseButton.RightButton:
                self.day_menu_requested.emit(d, event.globalPosition().toPoint())
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        d = self.day_at(event.position().toPoint())
        if d is not None:
            self.day_menu_requested.emit(d, event.globalPosition().toPoint())

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            d = self.day_at(e.pos())
            info = self._days.get(d) if d else None
            if info is not None:
                QToolTip.showText(e.globalPos(), describe(info), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        cur = self._selected or (self._today if self._today.year == self._year else date(self._year, 1, 1))
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7}.get(key)
        if step is not None:
            nxt = cur + timedelta(days=step)
            self.select(nxt if nxt.year == self._year else cur)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            m = cur.month + (1 if key == Qt.Key.Key_PageDown else -1)
            if 1 <= m <= 12:
                day = min(cur.day, 28)
                self.select(date(self._year, m, day))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Menu):
            if self._selected is None:
                self.select(cur)
            r = self.day_rect(cur)
            self.day_menu_requested.emit(cur, self.mapToGlobal(QRect(r.toRect()).center()))
            return
        super().keyPressEvent(event)


def is_assumed(days: list[DayInfo]) -> bool:
    return bool(days) and all(d.source == SOURCE_ASSUMED for d in days)
