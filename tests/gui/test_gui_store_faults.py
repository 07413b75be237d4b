"""The GUI on a full disk or a read-only folder (issue 7 items 4 and 16): the operator is told in
Chinese, what was typed stays on screen, and the app keeps running."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from tab_fixtures import show_year_tab

from hotline_desktop.core.domain import UnitKind
from hotline_desktop.db import backup as bk
from hotline_desktop.gui import app as gui_app
from hotline_desktop.gui.monthly.models import BAD_BACKGROUND, ERROR_ROLE
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit

YEAR, MONTH = 2026, "2026-03"


@pytest.fixture
def monthly(qtbot, seeded):
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    ys = seeded.assessment.assign(YEAR, "ganxian-2023-hotline")
    seeded.assessment.set_values(ys.id, [CellEdit(seeded.ids["JD01"], MONTH, "volume", "20")])
    t = show_year_tab(qtbot, MonthlyTab(seeded), ys, built=False)
    yield t, ys
    t.shutdown()


def stored(services, ys, code, key):
    c = services.assessment.monthly_cells(ys.id, MONTH).get((services.ids[code], MONTH, key))
    return None if c is None else c.text


def test_typed_cell_on_full_disk_keeps_text_and_app_runs(monthly, qtbot, failing_writes, message_boxes):
    tab, ys = monthly
    s = tab.services
    target = tab.proxy.source_index(s.ids["JD01"], "volume")
    tab.table.setCurrentIndex(target)
    tab.table.setFocus()
    failing_writes(s.store)

    qtbot.keyClick(tab.table, Qt.Key.Key_3)
    editor = tab.table.findChild(QLineEdit)
    qtbot.keyClicks(editor, "5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    assert stored(s, ys, "JD01", "volume") == "20"  # nothing saved
    assert target.data() == "35"  # but what was typed is still on screen
    assert target.data(Qt.ItemDataRole.BackgroundRole).color() == BAD_BACKGROUND
    assert "未保存" in target.data(Qt.ItemDataRole.ToolTipRole) and "磁盘已满" in target.data(Qt.ItemDataRole.ToolTipRole)
    assert target.data(ERROR_ROLE) == "未保存"
    assert tab.undo_stack.count() == 0
    warned = message_boxes.texts("warning")
    assert warned and "磁盘已满" in warned[-1] and "没有保存" in warned[-1]

    failing_writes.restore()  # space freed: typing it again saves it
    assert tab.model.setData(target, "35")
    assert stored(s, ys, "JD01", "volume") == "35"
    assert target.data(Qt.ItemDataRole.ToolTipRole) is None and tab.model.unsaved() == {}


def test_typing_the_stored_value_back_drops_the_unsaved_mark(monthly, failing_writes):
    tab, _ys = monthly
    s = tab.services
    target = tab.proxy.source_index(s.ids["JD01"], "volume")
    failing_writes(s.store)
    tab.model.setData(target, "99")
    assert target.data() == "99"
    tab.model.setData(target, "20")
    assert target.data() == "20" and tab.model.unsaved() == {}


def test_unit_dialog_stays_open_with_typed_text_when_save_fails(units_tab, qtbot, failing_writes, message_boxes):
    s = units_tab.services
    dlg = units_tab.open_add_dialog()
    qtbot.keyClicks(dlg.ui.codeEdit, "SQ003")
    for ch in "燕山社区":
        dlg.ui.nameEdit.insert(ch)
    dlg.ui.kindCombo.setCurrentIndex(dlg.ui.kindCombo.findData(UnitKind.COMMUNITY.value))
    dlg.ui.parentCombo.setCurrentIndex(dlg.ui.parentCombo.findData("JD02"))
    failing_writes(s.store, "attempt to write a readonly database")
    dlg.accept()
    assert dlg.isVisible()
    assert dlg.ui.codeEdit.text() == "SQ003" and dlg.ui.nameEdit.text() == "燕山社区"
    assert "只读" in message_boxes.texts("warning")[-1]
    assert all(r.code != "SQ003" for r in s.units.list())
    failing_writes.restore()
    dlg.accept()  # OK again once the disk is writable
    assert not dlg.isVisible()
    assert any(r.code == "SQ003" for r in s.units.list())


def test_edit_dialog_stays_open_on_failed_save(units_tab, failing_writes, message_boxes):
    s = units_tab.services
    dlg = units_tab.open_edit_dialog(s.ids["JD01"])
    dlg.ui.contactEdit.setText("新联系人")
    failing_writes(s.store)
    dlg.accept()
    assert dlg.isVisible() and dlg.ui.contactEdit.text() == "新联系人"
    assert s.units.get(s.ids["JD01"]).contact == "王丽"


def test_undo_on_full_disk_reports_and_keeps_running(units_tab, failing_writes, message_boxes):
    s = units_tab.services
    units_tab.toggle_active(s.ids["KS01"])
    failing_writes(s.store)
    units_tab.undo_stack.undo()
    assert "磁盘已满" in message_boxes.texts("warning")[-1]
    assert s.units.get(s.ids["KS01"]).active is False  # the edit stands, history says so


def test_gui_start_with_failing_auto_backup_warns_and_opens(tmp_path, monkeypatch, message_boxes):
    paths = DataPaths(tmp_path / "d")
    AppServices.open(paths).close()
    for b in bk.list_backups(paths.backups):
        b.path.unlink()

    def full(src, dest, what="备份没有完成"):
        import sqlite3

        from hotline_desktop.db.errors import write_error

        raise write_error(sqlite3.OperationalError("database or disk is full"), dest, what)

    monkeypatch.setattr(bk, "copy_database", full)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    QTimer.singleShot(200, QApplication.instance().quit)
    message_boxes.answer = None
    assert gui_app.run_gui(str(paths.root)) == 0
    warnings = [t for k, title, t in message_boxes.calls if k == "warning" and title == "自动备份失败"]
    assert warnings and "磁盘已满" in warnings[0]


def test_gui_start_read_only_database_says_read_only_and_offers_no_restore(tmp_path, monkeypatch, message_boxes):
    import os

    paths = DataPaths(tmp_path / "d")
    s = AppServices.open(paths)
    s.store.backup_manual()  # a backup exists: still no restore offer for a file that is fine
    s.close()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m, *a, **k: False if os.fspath(p) == os.fspath(paths.database) and m & os.W_OK else real(p, m, *a, **k))
    assert gui_app.run_gui(str(paths.root)) == gui_app.EXIT_GAVE_UP
    kind, _title, text = message_boxes.calls[-1]
    assert kind == "critical" and "只读" in text and "损坏" not in text



def test_zero_byte_database_at_start_offers_restore_and_keeps_the_file(tmp_path, monkeypatch):
    """Issue 7 item 10: an empty hotline.db is damaged, not new: the restore offer, file kept aside."""
    from test_gui_app import FakeBox  # the restore-offer stand-in of the start-up tests

    from hotline_desktop.core.domain import UnitDraft

    paths = DataPaths(tmp_path / "d")
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="JD01", name="洪家楼街道", kind=UnitKind.TOWN))
    good = s.store.backup_manual()
    s.close()
    paths.database.write_bytes(b"")
    FakeBox.shown = []
    monkeypatch.setattr(FakeBox, "choice", 0)  # 从备份恢复…
    monkeypatch.setattr(gui_app, "QMessageBox", FakeBox)
    import hotline_desktop.gui.backup_dialogs as bd

    monkeypatch.setattr(bd, "pick_backup", lambda backups, folder, intro, parent=None: good)
    result = gui_app.open_services(paths)
    assert not isinstance(result, int)
    try:
        assert "已损坏" in FakeBox.shown[0] and "0 字节" in FakeBox.shown[0]
        assert [r.code for r in result.units.list()] == ["JD01"]
        kept = list(paths.root.glob("hotline.db.damaged-*"))
        assert len(kept) == 1 and kept[0].stat().st_size == 0
    finally:
        result.close()


def test_annual_item_on_full_disk_stays_typed_in_red(qtbot, seeded, failing_writes, message_boxes):
    """年度考核: a count typed while the disk is full is not saved, but stays in the form, marked."""
    from hotline_desktop.gui.annual.tab import AnnualTab

    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    tab = AnnualTab(seeded)
    qtbot.addWidget(tab)
    tab.set_year(ys.year)
    tab.set_year_scheme(ys)
    tab.resize(1300, 720)
    tab.show()
    qtbot.waitUntil(lambda: not tab.building, timeout=10000)  # the live engine, built in a worker
    try:
        tab.select_unit(seeded.ids["JD01"])
        card = tab.cards["publicity_articles"]
        failing_writes(seeded.store)
        card.editor.setValue(3)

        assert seeded.assessment.annual_cells(ys.id, seeded.ids["JD01"]).get((seeded.ids["JD01"], "publicity_articles")) is None
        assert card.editor.value() == 3  # what was typed is still there
        assert card.editor.property("invalid") and "未保存" in card.error_label.text()
        assert tab.undo_stack.count() == 0
        assert any("没有保存" in text for _k, _t, text in message_boxes.calls)

        failing_writes.restore()  # space freed: entering it again saves it
        card.editor.setValue(4)
        cell = seeded.assessment.annual_cells(ys.id, seeded.ids["JD01"])[(seeded.ids["JD01"], "publicity_articles")]
        assert cell.text == "4" and not card.error_label.isVisible()
    finally:
        tab.shutdown()
