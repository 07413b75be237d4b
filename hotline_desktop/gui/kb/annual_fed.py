"""The 年度考核 tab's view of items the knowledge base feeds (kb_format / kb_updated /
kb_late_updates): the fed value with the entries behind it, or the operator's override with a
button that gives the fed value back. Kept here so the annual tab only calls `show_fed`."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

MAX_IDS = 8


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnnualFed", text)


def value_text(inp, cell) -> str:
    if cell is None:
        return _tr("未填")
    if inp.kind == "choice":
        return next((c.label for c in inp.choices if c.value == cell.value), str(cell.value))
    if inp.kind == "boolean":
        return _tr("是") if cell.value else _tr("否")
    return f"{cell.text} {inp.unit}".strip()


def entries_text(ids: tuple[int, ...]) -> str:
    if not ids:
        return _tr("无相关条目")
    shown = "、".join(str(i) for i in ids[:MAX_IDS])
    more = _tr(" 等 {0} 条").format(len(ids)) if len(ids) > MAX_IDS else ""
    return _tr("条目 {0}{1}").format(shown, more)


class FedBar(QWidget):
    """One line under an item card: 自动计算 …, or 已手工覆盖 … with 恢复自动计算."""

    def __init__(self, card):
        super().__init__(card)
        self.card = card
        self.label = QLabel(self)
        self.label.setObjectName("fedLabel")
        self.label.setWordWrap(True)
        self.button = QToolButton(self)
        self.button.setText(_tr("恢复自动计算"))
        self.button.setToolTip(_tr("清除手工填写的值，改用知识库自动计算的值"))
        self.button.clicked.connect(self._restore)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)

    def _restore(self) -> None:
        if self.card.unit_id is not None:
            self.card.value_edited.emit(self.card.unit_id, self.card.key, None)

    def show_fed(self, fed) -> None:
        inp = self.card.inp
        fed_text = value_text(inp, fed.fed)
        src = entries_text(fed.entry_ids)
        if fed.overridden:
            self.label.setText(_tr("<span style='color:#9a5b00'>已手工覆盖</span>；知识库自动计算为 <b>{0}</b>（{1}）")
                               .format(fed_text, src))
        else:
            self.label.setText(_tr("<span style='color:#1f6fb2'>由知识库自动计算</span>：<b>{0}</b>（{1}）；手工填写即覆盖")
                               .format(fed_text, src))
        self.label.setToolTip(fed.label)
        self.button.setVisible(fed.overridden)
        self.setVisible(True)


def show_fed(tab, unit_id: int | None) -> None:
    """Show the fed items of the unit on the annual tab's cards (or hide the bars)."""
    feeds = getattr(tab.services, "kb_feeds", None)
    items = {}
    if feeds is not None and unit_id is not None and tab._ys is not None:
        items = feeds.fed_items(tab._ys.id, unit_id)
    for key, card in tab.cards.items():
        bar = getattr(card, "fed_bar", None)
        fed = items.get(key)
        if fed is None:
            if bar is not None:
                bar.setVisible(False)
            continue
        if bar is None:
            bar = card.fed_bar = FedBar(card)
            grid = card.layout()
            grid.addWidget(bar, grid.rowCount(), 0, 1, grid.columnCount())
        bar.show_fed(fed)


def typed_text(tab, unit_id: int, key: str, shown) -> str | None:
    """The typed text behind a shown cell: None for a fed item that is not overridden."""
    feeds = getattr(tab.services, "kb_feeds", None)
    if feeds is not None and tab._ys is not None and key in feeds.active_keys(tab._ys.id):
        fed = feeds.fed_items(tab._ys.id, unit_id).get(key)
        if fed is not None and not fed.overridden:
            return None
    return shown.text if shown else None
