"""Render the main window offscreen, one PNG per tab (for docs, reviews and CI artefacts)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZE = (1366, 768)


def _settle(app) -> None:
    for _ in range(3):
        app.processEvents()


def take_screenshots(data_dir: str | None, out_dir: str, *, dialogs: bool = False,
                     size: tuple[int, int] = SIZE, database_url: str | None = None) -> list[Path]:
    """Save `<out_dir>/<tab key>.png` at 1366×768 (or `size`) for every tab (units.png, …); return the paths.

    Opens the data folder normally (with the instance lock), so it refuses while the app runs
    on the same folder (AlreadyRunning propagates). With `dialogs=True` also saves
    unit_dialog.png and import_problems.png.
    """
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None and sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _quiet_offscreen_hints()
    from hotline_desktop.gui.app import ensure_application
    from hotline_desktop.gui.main_window import MainWindow
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    app = ensure_application()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    services = AppServices.open(DataPaths.from_override(data_dir, database_url))
    win = MainWindow(services, remember=False)
    saved: list[Path] = []
    try:
        win.resize(*size)
        win.show()
        _settle(app)
        for i in range(win.tabs.count()):
            if win.tabs.isTabVisible(i):
                win.tabs.setCurrentIndex(i)
                _settle(app)
                page = win.tabs.widget(i)
                p = out / f"{getattr(page, 'key', '') or f'tab{i}'}.png"
                win.grab().save(str(p))
                saved.append(p)
        from hotline_desktop.gui.kb.screenshots import kb_shots

        saved += [p for p in kb_shots(win, out, lambda: _settle(app)) if p not in saved]
        if dialogs:
            saved += _dialog_shots(app, win, out)
    finally:
        win.close()
        win.release()
        win.deleteLater()
        _settle(app)
    return saved


def _shot(app, dlg, path: Path) -> Path:
    """Show `dlg`, let it paint, save it to `path`, close it."""
    dlg.show()
    _settle(app)
    dlg.grab().save(str(path))
    dlg.close()
    return path


def _dialog_shots(app, win, out: Path) -> list[Path]:
    from hotline_desktop.core.excel_units import ImportProblem
    from hotline_desktop.gui.import_dialogs import ImportProblemsDialog
    from hotline_desktop.gui.units.dialogs import UnitDialog

    saved = []
    page = win.page("units")
    rows = page.model.rows if page is not None else []
    dlg = UnitDialog(win.services, rows[0] if rows else None, win, units=rows)
    if not rows:
        from hotline_desktop.core.domain import UnitDraft

        dlg.set_draft(UnitDraft(code="SQ001", name="示例社区"))
    dlg.ui.phoneEdit.setText("0531-8888")  # show how a field error looks
    dlg.validate()
    saved.append(_shot(app, dlg, out / "unit_dialog.png"))

    problems = [
        ImportProblem(3, "A（编码）", "编码“SQ001”在第 2 行已出现"),
        ImportProblem(5, "C（类型）", "单位类型无效：“居委会”，应为 社区、科室·职能部门 或 乡镇·街道"),
        ImportProblem(7, "F（联系电话）", "联系电话格式不正确：“8888”（手机号 11 位，座机如 0531-88881234）"),
        ImportProblem(9, "D（上级单位编码）", "上级单位编码“JD99”不存在"),
    ]
    pd = ImportProblemsDialog(problems, "共 12 行：新增 7，更新 1，无变化 0；有问题的行 4", 8, "承办单位.xlsx", win)
    saved.append(_shot(app, pd, out / "import_problems.png"))
    saved += _calendar_shots(app, win, out)
    saved += _notice_shots(app, win, out)
    return saved


def _calendar_shots(app, win, out: Path) -> list[Path]:
    """calendar.png (文件 → 工作日历…, the toolbar's year) and settings.png (文件 → 设置…)."""
    from hotline_desktop.gui.calendar.dialog import CalendarDialog
    from hotline_desktop.gui.settings_dialog import SettingsDialog

    saved = []
    for name, dlg in (("calendar", CalendarDialog(win.services, win.registers_undo, win.year, win)),
                      ("settings", SettingsDialog(win.services, win.registers_undo, win))):
        saved.append(_shot(app, dlg, out / f"{name}.png"))
        dlg.deleteLater()
    return saved


def _notice_shots(app, win, out: Path) -> list[Path]:
    """notice_dialog.png: 督办通知 → 新建, filled in for the first unit."""
    page = win.page("notices")
    units = [u for u in win.services.units.list() if u.active]
    if page is None or not units:
        return []
    dlg = page.open_new_dialog()
    dlg.set_fields(unit_id=units[0].id, content="市民来电反映：小区供暖温度不达标，居民室温低于16℃，请尽快核实处理并答复。",
                   orders="GD2026120100012")
    _settle(app)
    p = out / "notice_dialog.png"
    dlg.grab().save(str(p))
    dlg.reject()
    return [p]


def _quiet_offscreen_hints() -> None:
    """The offscreen platform warns once per window that it cannot pass size hints to a window
    manager (there is none); drop just that line, keep every other Qt message."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)
