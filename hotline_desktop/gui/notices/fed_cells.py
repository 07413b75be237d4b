"""Fed cells in the 月度数据 grid: inputs counted from the 督办通知 register (services.feeds).

A fed cell shows the count in a distinct style with a tooltip naming the notices behind it
(督（2026）3号、5号). Typing over it is an explicit override (shown as such); clearing the override
(context menu 恢复自动计数) brings the count back. The grid model asks `FedCells.role()` for the
roles of an input cell; the monthly tab keeps it current (`refresh`). Kept apart from the grid's
own code so it can be re-applied on a rewritten grid model.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from hotline_desktop.core.notices import short_numbers
from hotline_desktop.services.assessment import CellEdit

FED_BACKGROUND = QColor("#e6f2e6")  # counted from the register
FED_FOREGROUND = QColor("#1e5b2a")
FED_ZERO_BACKGROUND = QColor("#f3f9f3")  # counted too, but no notice this month
OVERRIDE_BACKGROUND = QColor("#fff1c2")  # typed over a count
OVERRIDE_FOREGROUND = QColor("#6b4a00")
FED_ROLE = Qt.ItemDataRole.UserRole + 20  # the FedCell of a fed input cell, else None


def _tr(text: str) -> str:
    return QCoreApplication.translate("FedCells", text)


def fed_tip(fc, label: str = "") -> str:
    """The tooltip of a fed cell: where its count comes from, or that it is overridden."""
    fed = fc.fed
    if fed.sources and str(fed.sources[0]).startswith("工单"):  # computed from imported 工单明细
        count = _tr("由工单计算 {0}（{1}）").format(fed.value if fed.value != "" else _tr("无"), fed.sources[0])
    else:
        src = short_numbers(list(fed.sources)) if fed.sources else ""
        count = _tr("自动计数 {0}").format(fed.value) + (_tr("：{0}").format(src) if src else _tr("（没有督办通知）"))
    if fc.overridden:
        typed = fc.override.text if fc.override is not None else ""
        return _tr("手工覆盖为 {0}（{1}）\n右键“恢复自动计数”可改回").format(typed, count)
    return count + (f"\n{label}" if label else "") + _tr("\n直接输入数值即为手工覆盖")


class FedCells:
    """(unit_id, key) → FedCell of the month shown, and the brushes/tooltip for those cells."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, str], object] = {}
        self.keys: frozenset[str] = frozenset()
        self.labels: dict[str, str] = {}
        self._fed_bg, self._fed_fg = QBrush(FED_BACKGROUND), QBrush(FED_FOREGROUND)
        self._zero_bg = QBrush(FED_ZERO_BACKGROUND)
        self._ovr_bg, self._ovr_fg = QBrush(OVERRIDE_BACKGROUND), QBrush(OVERRIDE_FOREGROUND)
        self._italic = QFont()
        self._italic.setItalic(True)

    def load(self, services, year_scheme_id: int | None, month: str | None) -> set[tuple[int, str]]:
        """Re-read the month's fed cells; returns the (unit_id, key) whose fed state changed."""
        feeds = getattr(services, "feeds", None) if year_scheme_id is not None and month else None
        if feeds is None:
            new, keys, labels = {}, frozenset(), {}
        else:
            month_keys = getattr(feeds, "active_keys_in", None)  # 工单明细 feeds only the months imported
            keys = month_keys(year_scheme_id, month) if month_keys else feeds.active_keys(year_scheme_id)
            new = feeds.fed_cells(year_scheme_id, month) if keys else {}
            labels = {f.key: f.label for f in feeds.feeds(year_scheme_id)}
        changed = {k for k in set(new) | set(self.cells) if new.get(k) != self.cells.get(k)}
        self.cells, self.keys, self.labels = new, keys, labels
        return changed

    def get(self, unit_id: int, key: str):
        return self.cells.get((unit_id, key))

    def is_fed_key(self, key: str) -> bool:
        return key in self.keys

    def role(self, unit_id: int, key: str, role):
        """Data of a fed input cell for `role`, or None (the grid's own styling applies)."""
        fc = self.cells.get((unit_id, key))
        if fc is None:
            if role == FED_ROLE or key not in self.keys:
                return None
            if role == Qt.ItemDataRole.ToolTipRole:  # a fed key with no notice: the count is 0
                return _tr("自动计数 0（没有督办通知）") + (f"\n{self.labels.get(key, '')}" if key in self.labels else "")
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._zero_bg
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._fed_fg
            return None
        if role == FED_ROLE:
            return fc
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._ovr_bg if fc.overridden else self._fed_bg
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._ovr_fg if fc.overridden else self._fed_fg
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if fc.overridden else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return fed_tip(fc, self.labels.get(key, ""))
        return None

    def counted(self, unit_id: int, key: str) -> bool:
        """A fed key whose value is the register's count (not overridden) — typing makes an override."""
        fc = self.cells.get((unit_id, key))
        return key in self.keys and (fc is None or not fc.overridden)

    def revert_edits(self, month: str, cells: Iterable[tuple[int, str]]) -> list[CellEdit]:
        """Edits that drop the overrides among `cells` (the register's count applies again)."""
        out = []
        for uid, key in cells:
            fc = self.cells.get((uid, key))
            if fc is not None and fc.overridden:
                out.append(CellEdit(uid, month, key, None))
        return out

    def undo_texts(self, month_cells: Iterable[tuple[int, str, str]]) -> set[tuple[int, str, str]]:
        """Of these (unit_id, month, key), the ones showing the register's count now: undoing an
        edit there must clear the typed value (back to the count), not type the count in."""
        return {(u, m, k) for u, m, k in month_cells if self.counted(u, k)}
