"""The base of the tabs' filter proxies: a case-insensitive search needle and safe refiltering."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel


class SearchProxy(QSortFilterProxyModel):
    """Holds the search text (`search`); subclasses decide in filterAcceptsRow what matches."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self.setDynamicSortFilter(True)

    @property
    def search(self) -> str:
        return self._needle

    def set_search(self, text: str) -> None:
        needle = (text or "").strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Apply a change of the filter's inputs and re-run the filter once."""
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()
