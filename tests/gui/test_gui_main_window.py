"""Main window: tabs, status bar, backup/restore, undo bound to the current tab, close releases."""

import pytest
from PySide6.QtWidgets import QFileDialog

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.db.backup import list_backups
from hotline_desktop.gui.main_window import MainWindow
from hotline_desktop.services.app import AppServices


@pytest.fixture
def window(qtbot, seeded):
    win = MainWindow(seeded, year=2026)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.release()


def test_title_tabs_and_toolbar(window, seeded):
    from PySide6.QtWidgets import QApplication

    # Qt appends the display name itself ("folder — 12345 热线考核管理"); the title must not repeat it
    assert QApplication.applicationDisplayName() == "12345 热线考核管理"
    assert window.windowTitle() == str(seeded.paths.root)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[0] == "承办单位" and "年度考核" in titles
    assert window.page("units") is window.current_page()
    assert window.year == 2026
    assert window.toolbar.isVisible()


def test_year_signal(window, qtbot):
    with qtbot.waitSignal(window.year_changed) as blocker:
        window.year_spin.setValue(2025)
    assert blocker.args == [2025]
    assert window.page("units").year == 2025


def test_status_bar_shows_database_and_last_backup(window, seeded):
    assert str(seeded.paths.database) in window.db_label.text()
    assert window.backup_label.text() == "上次备份：尚无备份"  # a new database has none yet
    window.backup_now()
    info = seeded.store.last_backup()
    t = info.taken_at
    assert window.backup_label.text() == f"上次备份：{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def test_notices_shown_once_in_status_bar(window, seeded):
    seeded.store.notices.append("数据库已升级到新版本，升级前已自动备份。")
    window.show_notices()
    assert "数据库已升级" in window.statusBar().currentMessage()
    assert seeded.store.notices == []


def test_backup_now_and_to_file(window, seeded, monkeypatch, tmp_path):
    before = len(list_backups(seeded.paths.backups))
    out = window.backup_now()
    assert out.exists() and len(list_backups(seeded.paths.backups)) == before + 1
    assert "已备份到" in window.statusBar().currentMessage()

    target = tmp_path / "elsewhere" / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert window.backup_to_file() == target
    assert target.stat().st_size > 0


def test_restore_reloads_tabs_and_keeps_safety_copy(window, seeded):
    backup = window.backup_now()
    seeded.units.create(UnitDraft(code="KS09", name="后加的局", kind=UnitKind.DEPARTMENT))
    tab = window.page("units")
    assert tab.model.rowCount() == 7
    safety = window.restore_from(backup)
    assert safety is not None and safety.exists()
    assert tab.model.rowCount() == 6
    assert all(r.code != "KS09" for r in seeded.units.list())
    assert tab.undo_stack.count() == 0


def test_edit_menu_undo_follows_current_tab(window, seeded):
    tab = window.page("units")
    tab.commit_add(UnitDraft(code="KS05", name="区教体局", kind=UnitKind.DEPARTMENT))
    assert window.undo_action.isEnabled()
    assert "区教体局" in window.undo_action.text()
    window.undo_action.trigger()
    assert all(r.code != "KS05" for r in seeded.units.list())
    assert window.redo_action.isEnabled()
    shortcuts = {s.toString() for s in window.redo_action.shortcuts()}
    assert shortcuts == {"Ctrl+Y", "Ctrl+Shift+Z"}
    window.redo_action.trigger()
    assert any(r.code == "KS05" for r in seeded.units.list())


def test_menus_have_import_export_template(window):
    titles = [a.text() for a in window.import_menu.actions()]
    assert titles[:2] == ["承办单位…", "月度数据…"]
    assert [a.text() for a in window.export_menu.actions()][:2] == ["承办单位…", "月度数据…"]
    assert [a.text() for a in window.template_menu.actions()][:2] == ["承办单位导入模板…", "月度数据模板…"]


def test_close_releases_the_lock(qtbot, data_paths):
    services = AppServices.open(data_paths)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    win.close()
    again = AppServices.open(data_paths)  # would raise AlreadyRunning if still locked
    again.close()


def test_status_message_does_not_outlive_the_undo(window, seeded):
    units = window.page("units")
    units.toggle_active(seeded.ids["KS01"])
    assert "已停用“区民政局”" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    msg = window.statusBar().currentMessage()
    assert "已停用" not in msg and msg == "已撤销：停用“区民政局”"
    window.redo_action.trigger()
    assert window.statusBar().currentMessage() == "已重做：停用“区民政局”"


def test_about_names_version_data_folder_database_and_licences(window, seeded, message_boxes):
    window.about()
    (text,) = message_boxes.texts("about")
    from hotline_desktop import __version__

    assert f"版本 {__version__}" in text and str(seeded.paths.root) in text and str(seeded.paths.database) in text
    assert "LGPL-3.0" in text and "openpyxl" in text and "MIT" in text
    assert "督办通知" not in text  # no feature list


def test_f1_opens_help_with_the_shortcuts(window, qtbot):
    from PySide6.QtCore import Qt

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dlg = window._help_dialog
    assert dlg.isVisible()
    text = dlg.browser.toPlainText()
    for keys in ("F1", "Ctrl+Z", "Ctrl+N", "Ctrl+F", "Ctrl+V"):
        assert keys in text
    assert window.show_help() is dlg  # one help window


def test_size_splitters_and_last_tab_are_restored_on_next_start(qtbot, data_paths, isolated_settings):
    s1 = AppServices.open(data_paths)
    win = MainWindow(s1, year=2026)
    qtbot.addWidget(win)
    win.show()
    win.resize(777, 555)  # within the offscreen screen (800×600): restoreGeometry keeps windows on screen
    size = (win.width(), win.height())  # (the tabs' minimum width may widen it a little)
    assert size[1] == 555
    win.tabs.setCurrentWidget(win.page("annual"))
    annual = win.page("annual")
    qtbot.waitUntil(lambda: annual.splitter.width() > 0)
    annual.splitter.setSizes([300, annual.splitter.width() - 300 - annual.splitter.handleWidth()])
    sizes = annual.splitter.sizes()
    win.close()
    assert any(isolated_settings.rglob("*.ini"))  # written to the test's own settings file

    s2 = AppServices.open(data_paths)
    win2 = MainWindow(s2, year=2026)
    qtbot.addWidget(win2)
    win2.show()
    try:
        assert (win2.width(), win2.height()) == size
        qtbot.waitUntil(lambda: win2.current_page() is win2.page("annual"))  # opened after the first paint
        assert win2.page("annual").splitter.sizes()[0] == sizes[0] == 300
    finally:
        win2.release()


def test_help_lists_every_shortcut_the_window_has(window):
    from PySide6.QtGui import QAction, QKeySequence

    from hotline_desktop.gui.about import help_html

    text = help_html()
    keys = set()
    for a in window.findChildren(QAction):
        for seq in a.shortcuts():
            keys.add(seq.toString(QKeySequence.SequenceFormat.PortableText))
    keys.discard("")
    missing = {k for k in keys if k.replace("Del", "Delete", 1) not in text and k not in text}
    assert keys and not missing
