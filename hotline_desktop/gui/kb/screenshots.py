"""README screenshots of the 知识库 tab: kb.png (a search with its matches highlighted, an entry
shown) and kb_diff.png (the version history's character diff)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SEARCH = "低保"


def kb_shots(win, out: Path, settle: Callable[[], None]) -> list[Path]:
    page = win.page("kb")
    if page is None:
        return []
    win.tabs.setCurrentWidget(page)
    settle()
    saved: list[Path] = []
    page.search_edit.setText(SEARCH)
    settle()
    if page.proxy.rowCount():
        page.table.setCurrentIndex(page.proxy.index(0, 0))
        settle()
    p = out / "kb.png"
    win.grab().save(str(p))
    saved.append(p)
    page.search_edit.clear()
    settle()
    revised = [r for r in page.model.rows if r.version >= 2 and not r.revising]
    if revised:
        # an entry whose last revision replaced a few characters (shows insert and delete)
        def changed(r) -> int:
            spans = win.services.kb.diff(r.id, r.version - 1, r.version)
            kinds = {s.kind for s in spans}
            n = sum(len(s.text) for s in spans if s.kind != "equal")
            return abs(n - 30) if {"insert", "delete"} <= kinds else 10_000

        best = min(revised[:60], key=changed)
        page.select_entry(best.id)
        settle()
        page.open_history()
        dlg = page._dialog
        dlg.resize(1100, 380)
        settle()
        p = out / "kb_diff.png"
        dlg.grab().save(str(p))
        saved.append(p)
        dlg.reject()
        settle()
    return saved
