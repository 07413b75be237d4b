"""The 承办单位 tab as a user sees it: table, search, counts, add/edit/undo/redo, (de)activate."""

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.gui.units.models import COL_CONTACT, COL_NAME, COL_PHONE
from hotline_desktop.services.units import draft_of


def type_text(edit, text):
    """Type char by char (QTest.keyClicks aborts on non-Latin-1 text)."""
    for ch in text:
        edit.insert(ch)


def visible_codes(tab):
    p = tab.proxy
    return [p.index(r, 0).data() for r in range(p.rowCount())]


def test_table_shows_active_units_sorted_by_code(units_tab):
    assert visible_codes(units_tab) == ["JD01", "JD02", "KS01", "SQ001", "SQ002"]
    units_tab.show_inactive_check.setChecked(True)
    assert "SQ010" in visible_codes(units_tab)


def test_counts_label(units_tab):
    assert units_tab.counts_label.text() == "社区 3 · 科室·职能部门 1 · 乡镇·街道 2 · 共 6（停用 1）"


def test_search_narrows_rows_as_you_type(units_tab, qtbot):
    type_text(units_tab.search_edit, "社")
    assert visible_codes(units_tab) == ["SQ001", "SQ002"]
    type_text(units_tab.search_edit, "区")
    assert visible_codes(units_tab) == ["SQ001", "SQ002"]
    units_tab.search_edit.setText("jd0")
    assert visible_codes(units_tab) == ["JD01", "JD02"]
    units_tab.search_edit.setText("李明")  # contact
    assert visible_codes(units_tab) == ["KS01"]
    assert "当前显示 1 个" in units_tab.counts_label.text()
    units_tab.search_edit.clear()
    assert len(visible_codes(units_tab)) == 5


def test_add_through_dialog_updates_table_and_undo_redo(units_tab, qtbot):
    s = units_tab.services
    dlg = units_tab.open_add_dialog()
    qtbot.keyClicks(dlg.ui.codeEdit, "SQ003")
    type_text(dlg.ui.nameEdit, "燕山社区")
    dlg.ui.kindCombo.setCurrentIndex(dlg.ui.kindCombo.findData(UnitKind.COMMUNITY.value))
    dlg.ui.parentCombo.setCurrentIndex(dlg.ui.parentCombo.findData("JD02"))
    qtbot.keyClicks(dlg.ui.phoneEdit, "13912345678")
    dlg.accept()
    assert not dlg.isVisible()
    row = next(r for r in s.units.list() if r.code == "SQ003")
    assert row.parent_code == "JD02" and row.phone == "13912345678"
    assert "SQ003" in visible_codes(units_tab)
    assert units_tab.selected_unit().code == "SQ003"
    assert "共 7" in units_tab.counts_label.text()

    units_tab.undo_stack.undo()
    assert "SQ003" not in visible_codes(units_tab)
    assert all(r.code != "SQ003" for r in s.units.list())
    units_tab.undo_stack.redo()
    assert "SQ003" in visible_codes(units_tab)
    assert any(r.code == "SQ003" for r in s.units.list())
    # undo after redo removes the re-created unit (new id)
    units_tab.undo_stack.undo()
    assert all(r.code != "SQ003" for r in s.units.list())


def test_edit_emits_datachanged_for_that_row_only_and_undo_restores(units_tab, qtbot):
    s = units_tab.services
    uid = s.ids["KS01"]
    old = s.units.get(uid)
    changed, resets = [], []
    units_tab.model.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), b.row())))
    units_tab.model.modelReset.connect(lambda: resets.append(1))

    units_tab.select_unit(uid)
    dlg = units_tab.open_edit_dialog()
    assert dlg.ui.codeEdit.text() == "KS01"
    dlg.ui.contactEdit.setText("周敏")
    dlg.ui.phoneEdit.setText("0531-86661234")
    dlg.accept()

    row = units_tab.model.row_of(uid)
    assert changed == [(row, row)] and not resets
    assert units_tab.model.index(row, COL_CONTACT).data() == "周敏"
    assert s.units.get(uid).phone == "0531-86661234"

    units_tab.undo_stack.undo()
    assert units_tab.model.index(row, COL_CONTACT).data() == "李明"
    assert units_tab.model.index(row, COL_PHONE).data() == "13800000001"
    assert draft_of(s.units.get(uid)) == draft_of(old)
    units_tab.undo_stack.redo()
    assert s.units.get(uid).contact == "周敏"
    assert units_tab.model.index(row, COL_CONTACT).data() == "周敏"
    assert not resets


def test_rename_parent_updates_children_parent_column(units_tab):
    s = units_tab.services
    jd = s.units.get(s.ids["JD01"])
    d = draft_of(jd)
    d.name = "洪楼街道"
    units_tab.commit_edit(jd.id, d)
    child_row = units_tab.model.row_of(s.ids["SQ001"])
    from hotline_desktop.gui.units.models import COL_PARENT

    assert units_tab.model.index(child_row, COL_PARENT).data() == "洪楼街道"


def test_deactivate_and_undo(units_tab):
    s = units_tab.services
    uid = s.ids["SQ002"]
    units_tab.select_unit(uid)
    assert units_tab.toggle_action.text() == "停用"
    units_tab.toggle_action.trigger()
    assert not s.units.get(uid).active
    assert "SQ002" not in visible_codes(units_tab)
    assert "停用 2" in units_tab.counts_label.text()
    units_tab.undo_stack.undo()
    assert s.units.get(uid).active
    assert "SQ002" in visible_codes(units_tab)
    # reactivate an inactive one
    units_tab.show_inactive_check.setChecked(True)
    units_tab.select_unit(s.ids["SQ010"])
    assert units_tab.toggle_action.text() == "启用"
    units_tab.toggle_active()
    assert s.units.get(s.ids["SQ010"]).active


def test_undo_refused_shows_message_and_drops_command(units_tab, message_boxes):
    s = units_tab.services
    row = units_tab.commit_add(UnitDraft(code="JD03", name="新街道", kind=UnitKind.TOWN))
    s.units.create(UnitDraft(code="SQ099", name="子社区", kind=UnitKind.COMMUNITY, parent_code="JD03"))
    units_tab.undo_stack.undo()  # delete refused: it has a child now
    assert s.units.get(row.id) is not None
    assert any("不能删除" in t for t in message_boxes.texts("warning"))
    assert units_tab.undo_stack.count() == 0


def test_external_service_changes_show_up(units_tab):
    s = units_tab.services
    s.units.create(UnitDraft(code="KS02", name="区住建局", kind=UnitKind.DEPARTMENT))
    assert "KS02" in visible_codes(units_tab)
    r = units_tab.model.row_of(next(r.id for r in s.units.list() if r.code == "KS02"))
    assert units_tab.model.index(r, COL_NAME).data() == "区住建局"


def _double_click_row(qtbot, table, row):
    from PySide6.QtCore import Qt

    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_click_opens_one_dialog_and_a_second_request_focuses_it(units_tab, qtbot):
    from hotline_desktop.gui.units.dialogs import UnitDialog

    opened = []
    orig = units_tab._show_dialog
    units_tab._show_dialog = lambda dlg: (opened.append(dlg), orig(dlg))
    _double_click_row(qtbot, units_tab.table, 0)
    assert len(opened) == 1
    again = units_tab.open_edit_dialog()
    assert again is opened[0] and len(opened) == 1
    assert len([w for w in units_tab.findChildren(UnitDialog) if w.isVisible()]) == 1
    opened[0].reject()
    assert units_tab.open_edit_dialog() is not opened[0]


def test_stale_dialog_cannot_overwrite_a_newer_edit(units_tab, message_boxes):
    s = units_tab.services
    jd01 = s.ids["JD01"]
    stale = units_tab.open_edit_dialog(jd01)
    # Meanwhile the unit is changed elsewhere (another window, an import, an undo).
    newer = draft_of(s.units.get(jd01))
    newer.contact = "新联系人"
    s.units.update(jd01, newer)
    stale.ui.phoneEdit.setText("13900000000")
    stale.accept()
    row = s.units.get(jd01)
    assert row.contact == "新联系人" and row.phone == "0531-88881234"
    text = message_boxes.texts("warning")[-1]
    assert "该单位已被修改" in text and "新联系人" in text
    assert units_tab.undo_stack.count() == 0


def test_deactivating_a_parent_lists_active_children_and_offers_a_choice(units_tab, message_boxes):
    from PySide6.QtWidgets import QMessageBox

    s = units_tab.services
    jd01 = s.ids["JD01"]
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    assert units_tab.toggle_active(jd01) is None
    text = message_boxes.texts("question")[-1]
    assert "2 个启用的下级单位" in text and "花园社区" in text and "文化东路社区" in text
    assert s.units.get(jd01).active

    message_boxes.answer = QMessageBox.StandardButton.Yes
    units_tab.toggle_active(jd01)
    assert not any(s.units.get(s.ids[c]).active for c in ("JD01", "SQ001", "SQ002"))
    units_tab.undo_stack.undo()
    assert all(s.units.get(s.ids[c]).active for c in ("JD01", "SQ001", "SQ002"))

    message_boxes.answer = QMessageBox.StandardButton.No
    units_tab.toggle_active(jd01)
    assert not s.units.get(jd01).active and s.units.get(s.ids["SQ001"]).active
