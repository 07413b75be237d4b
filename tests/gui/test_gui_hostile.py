"""A careless operator: huge pastes, undo/redo storms, a year switched mid-edit, an overfull field."""
# ruff: noqa: F811 - the fixtures imported (tab, ys, register) are the tests' parameters

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from test_gui_monthly_tab import CODES, FULL, MONTH, YEAR, fill, ix, select, stored, tab, ys  # noqa: F401
from test_gui_notices_tab import ok_button, register  # noqa: F401 - the fixture "register"

from hotline_desktop.gui.main_window import MainWindow


def test_pasting_10000_lines_writes_what_fits_as_one_undo_step(tab, seeded, ys):
    before = {c: stored(seeded, ys, c, "satisfaction_rate") for c in CODES}
    select(tab, ix(tab, "JD01", "satisfaction_rate"))
    tab.paste_text("\n".join(f"{i % 100}.5" for i in range(10000)))
    assert [stored(seeded, ys, c, "satisfaction_rate") for c in CODES] == ["0.5", "1.5", "2.5", "3.5", "4.5"]
    assert tab.undo_stack.count() == 1
    tab.undo_stack.undo()
    assert {c: stored(seeded, ys, c, "satisfaction_rate") for c in CODES} == before


def test_undo_redo_storm_leaves_grid_and_store_agreeing(tab, seeded, ys):
    i = ix(tab, "KS01", "satisfaction_rate")
    for v in range(60):
        tab.proxy.setData(i, str(50 + v % 40), Qt.ItemDataRole.EditRole)
    for _ in range(100):
        tab.undo_stack.undo()
    assert stored(seeded, ys, "KS01", "satisfaction_rate") == "99"  # the value before the 60 edits
    for _ in range(100):
        tab.undo_stack.redo()
    assert stored(seeded, ys, "KS01", "satisfaction_rate") == str(50 + 59 % 40)
    for _ in range(31):
        tab.undo_stack.undo()
        tab.undo_stack.redo()
        tab.undo_stack.undo()
    assert tab.model.cell(seeded.ids["KS01"], "satisfaction_rate").text == stored(seeded, ys, "KS01",
                                                                                   "satisfaction_rate")


def test_value_typed_before_the_year_is_switched_lands_in_its_own_year(qtbot, seeded, ys):
    other = seeded.assessment.assign(2025, "ganxian-2023-hotline")
    fill(seeded, other.id, "2025-03", {c: dict(FULL) for c in CODES})
    win = MainWindow(seeded, year=YEAR, remember=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    try:
        tab = win.page("monthly")
        win.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: not tab.building, timeout=10000)
        tab.set_month(MONTH)
        cell = ix(tab, "JD01", "satisfaction_rate")
        tab.table.setCurrentIndex(cell)
        tab.table.edit(cell)
        editor = tab.table.findChild(QLineEdit)
        editor.setText("42")
        win.activateWindow()
        win.year_spin.setFocus()  # the operator clicks the year box: the editor loses focus
        win.year_spin.setValue(2025)
        assert tab.month == "2025-03"
        assert stored(seeded, ys, "JD01", "satisfaction_rate") == "42"
        assert stored(seeded, other, "JD01", "satisfaction_rate", "2025-03") == FULL["satisfaction_rate"]
    finally:
        win.release()


def test_order_numbers_cut_at_the_fields_limit_are_refused_not_stored(qtbot, register):
    from hotline_desktop.gui.notices.tab import NoticesTab

    t = NoticesTab(register)
    qtbot.addWidget(t)
    t.set_year(2026)
    t.show()
    before = len(register.notices.rows())
    dlg = t.open_new_dialog()
    qtbot.keyClicks(dlg.ui.unitCombo.lineEdit(), "sq001")
    dlg.ui.contentEdit.setPlainText("批量工单")
    dlg.ui.ordersEdit.setText(",".join(f"GD{i}" for i in range(5000)))  # ~34,000 characters pasted
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.isVisible()  # nothing saved with a silently shortened list (and a cut-off last number)
    assert "工单编号太多" in dlg.errors()["orders"]
    assert len(register.notices.rows()) == before
    dlg.reject()
    t.shutdown()
