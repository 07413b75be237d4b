"""督办通知 tab: the register, its dialogs, undo, filters, PDF / print / export."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from hotline_desktop.core.notices import Channel, Level, NoticeStatus
from hotline_desktop.gui.notices.dialogs import ExtensionDialog
from hotline_desktop.gui.notices.models import (
    COL_DUE,
    COL_NUMBER,
    COL_STATUS,
    ID_ROLE,
    OVERDUE_BG,
    SOON_BG,
)
from hotline_desktop.services.notices import NoticeDraft

TODAY = date(2026, 12, 1)  # a Tuesday


def draft(unit_id, issued, days=5, **kw):
    base = dict(unit_id=unit_id, channel=Channel.HOTLINE, level=Level.PHONE, issued=issued, days=days,
                content="群众反映小区路灯损坏，请核实处理。")
    base.update(kw)
    return NoticeDraft(**base)


@pytest.fixture
def register(seeded):
    """Four notices as of 2026-12-01: overdue, due soon, open, done on time."""
    s = seeded
    s.notices.set_today(TODAY)
    ids = s.ids
    n = s.notices
    s.overdue = n.issue(draft(ids["SQ001"], date(2026, 11, 2), content="路灯损坏", orders=("GD20261102001",)))
    s.soon = n.issue(draft(ids["JD01"], date(2026, 11, 26), days=4, content="占道经营"))
    s.open_ = n.issue(draft(ids["KS01"], date(2026, 11, 30), days=10, channel=Channel.ONLINE, level=Level.WRITTEN,
                            content="低保申请进度"))
    done = n.issue(draft(ids["SQ002"], date(2026, 10, 9), content="噪音扰民"))
    s.done = n.complete(done.id, date(2026, 10, 12), "已协调处理")
    return s


@pytest.fixture
def tab(qtbot, register):
    from hotline_desktop.gui.notices.tab import NoticesTab

    t = NoticesTab(register)
    qtbot.addWidget(t)
    t.resize(1366, 700)
    t.set_year(2026)
    t.show()
    yield t
    t.shutdown()


def shown_numbers(tab) -> list[str]:
    p = tab.model
    return [p.index(r, COL_NUMBER).data() for r in range(p.rowCount())]


def row_of(tab, number: str) -> int:
    return shown_numbers(tab).index(number)


def ok_button(dlg):
    box = dlg.ui.buttonBox if hasattr(dlg, "ui") else dlg.buttons
    return box.button(QDialogButtonBox.StandardButton.Ok)


def test_model_passes_modeltester(qtmodeltester, tab):
    qtmodeltester.check(tab.model)
    tab.model.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(tab.model)
    tab.set_filters(status=NoticeStatus.OVERDUE)
    qtmodeltester.check(tab.model)


def test_register_shows_status_colours_and_overdue_count(tab, register):
    assert tab.title == "督办通知（逾期 1）"
    m = tab.model
    r_over = row_of(tab, register.overdue.number)
    r_soon = row_of(tab, register.soon.number)
    r_done = row_of(tab, register.done.number)
    assert m.index(r_over, COL_STATUS).data() == "逾期未办结"
    assert m.index(r_over, 0).data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BG
    assert m.index(r_soon, COL_STATUS).data() == "即将到期"
    assert m.index(r_soon, 3).data(Qt.ItemDataRole.BackgroundRole).color() == SOON_BG
    assert m.index(r_done, COL_STATUS).data() == "按期办结"
    assert m.index(r_done, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "共 4 份" in tab.counts_text() and "逾期未办结 1" in tab.counts_text()


def test_title_follows_the_overdue_count_live(qtbot, tab, register):
    seen = []
    tab.title_changed.connect(seen.append)
    register.notices.complete(register.overdue.id, TODAY, "已修复")
    qtbot.waitUntil(lambda: tab.title == "督办通知")
    assert seen[-1] == "督办通知"
    tab.undo_stack.clear()


def test_issue_from_the_dialog_then_undo_and_redo_keep_the_number(qtbot, tab, register):
    dlg = tab.open_new_dialog()
    assert dlg.issued() == TODAY  # default today
    qtbot.keyClicks(dlg.ui.unitCombo.lineEdit(), "sq001")  # a code, any case
    dlg.ui.contentEdit.setPlainText("小区垃圾清运不及时")
    dlg.ui.ordersEdit.setText("GD1, GD2；GD3")
    dlg.ui.daysSpin.setValue(3)
    assert dlg.due_text() == "办结时限：2026年12月4日（星期五）"
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    row = register.notices.by_number("督（2026）5号")
    assert row.unit_code == "SQ001" and row.orders == ("GD1", "GD2", "GD3") and row.due == date(2026, 12, 4)
    assert tab.selected_view().row.id == row.id  # the new notice is selected
    assert tab.undo_stack.count() == 1
    tab.undo_stack.undo()
    assert "督（2026）5号" not in shown_numbers(tab)
    tab.undo_stack.redo()
    assert "督（2026）5号" in shown_numbers(tab)
    nxt = register.notices.issue(draft(register.ids["SQ001"], TODAY))
    assert nxt.number == "督（2026）6号"  # never reused


def test_dialog_refuses_bad_input_with_chinese_messages(qtbot, tab, register):
    before = len(register.notices.rows())
    dlg = tab.open_new_dialog()
    dlg.ui.unitCombo.lineEdit().insert("不存在的单位")
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    errs = dlg.errors()
    assert errs["unit_id"] == "找不到承办单位“不存在的单位”，请从列表中选择"
    assert errs["content"] == "请填写督办内容"
    assert dlg.isVisible()
    assert len(register.notices.rows()) == before
    dlg.reject()


def test_dialog_shows_the_assumed_year_note_for_2027(qtbot, tab):
    dlg = tab.open_new_dialog()
    dlg.set_fields(issued=date(2026, 12, 28), days=5)
    assert dlg.due_text() == "办结时限：2027年1月4日（星期一）"
    assert dlg.due_note() == "2027 年节假日尚未录入，按周一至周五计算"
    dlg.set_fields(issued=date(2026, 11, 2))
    assert dlg.due_note() == ""
    dlg.set_fields(calendar_days=True, days=5, issued=date(2026, 9, 30))
    assert dlg.due_text() == "办结时限：2026年10月5日（星期一）"
    dlg.set_fields(calendar_days=False)
    assert dlg.due_text() == "办结时限：2026年10月13日（星期二）"  # 国庆节 Oct 1–7 off, Sat Oct 10 调休上班
    dlg.reject()


def test_register_marks_assumed_due_dates(tab, register):
    n = register.notices.issue(draft(register.ids["JD02"], date(2026, 12, 28)))
    r = row_of(tab, n.number)
    assert tab.model.index(r, COL_DUE).data().endswith("＊")
    assert "2027 年节假日尚未录入" in tab.model.index(r, COL_DUE).data(Qt.ItemDataRole.ToolTipRole)
    assert "2027 年节假日尚未录入" in tab.legend_label.text()
    register.notices.issue(draft(register.ids["JD02"], date(2026, 12, 28), days=300))  # into 2028
    assert tab.legend_label.text() == "＊2027、2028 年节假日尚未录入，按周一至周五计算"  # each year once


def test_edit_then_undo(qtbot, tab, register):
    tab.select_notice(register.open_.id)
    dlg = tab.open_edit_dialog()
    assert dlg.ui.numberValue.text() == register.open_.number
    dlg.ui.contentEdit.setPlainText("低保申请进度（补充材料）")
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert register.notices.get(register.open_.id).content == "低保申请进度（补充材料）"
    tab.undo_stack.undo()
    assert register.notices.get(register.open_.id).content == "低保申请进度"


def test_complete_changes_status_and_title_and_undo_reverts(qtbot, tab, register):
    tab.select_notice(register.overdue.id)
    dlg = tab.open_complete_dialog()
    assert dlg.completed() == TODAY
    assert (dlg.date_edit.minimumDate().toPython(), dlg.date_edit.maximumDate().toPython()) == (
        register.overdue.issued, TODAY)  # between the issue date and today
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.errors() == {"": "请填写办理结果"}
    dlg.result_edit.setPlainText("路灯已更换")
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    r = row_of(tab, register.overdue.number)
    assert tab.model.index(r, COL_STATUS).data() == "逾期办结"
    assert tab.title == "督办通知"
    tab.undo_stack.undo()
    assert tab.model.index(row_of(tab, register.overdue.number), COL_STATUS).data() == "逾期未办结"
    assert tab.title == "督办通知（逾期 1）"


def test_extension_approved_keeps_the_original_due_visible(qtbot, tab, register):
    tab.select_notice(register.soon.id)
    dlg = tab.open_extension_dialog()
    dlg.days_spin.setValue(3)
    assert "批准后办结时限：2026年12月7日" in dlg.preview.text()
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    row = register.notices.get(register.soon.id)
    assert row.due == date(2026, 12, 7) and row.original_due == date(2026, 12, 2)
    shown = tab.model.index(row_of(tab, row.number), COL_DUE).data()
    assert shown == "2026年12月7日（原12月2日）"
    tab.undo_stack.undo()
    assert register.notices.get(register.soon.id).due == date(2026, 12, 2)


def test_extension_pending_then_rejected(tab, register):
    nid = register.open_.id
    assert not isinstance(tab.commit_extension(nid, ExtensionDialog.PENDING, days=5, asked=TODAY), str)
    assert "待审延期" in tab.model.index(row_of(tab, register.open_.number), COL_STATUS).data()
    tab.select_notice(nid)
    dlg = tab.open_extension_dialog()
    assert dlg.pending is not None and not dlg.days_spin.isEnabled()
    dlg.reject_radio.setChecked(True)
    dlg.accept()
    row = register.notices.get(nid)
    assert row.due == register.open_.due and row.extensions[-1].state.value == "rejected"
    assert tab.undo_stack.count() == 2


def test_void_needs_a_reason_and_keeps_the_number(qtbot, tab, register):
    tab.select_notice(register.open_.id)
    dlg = tab.open_void_dialog()
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.errors() == {"": "请填写作废原因"}
    dlg.reason_edit.insert("重复下达")  # typed through the input method
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    r = row_of(tab, register.open_.number)
    assert tab.model.index(r, COL_STATUS).data() == "已作废"
    assert not tab.edit_action.isEnabled()
    tab.undo_stack.undo()
    assert tab.model.index(row_of(tab, register.open_.number), COL_STATUS).data() == "已下达"


def test_filters_and_search(tab, register):
    assert len(shown_numbers(tab)) == 4
    tab.set_filters(status=NoticeStatus.OVERDUE)
    assert shown_numbers(tab) == [register.overdue.number]
    tab.set_filters(channel=Channel.ONLINE)
    assert shown_numbers(tab) == [register.open_.number]
    tab.set_filters(level=Level.WRITTEN)
    assert shown_numbers(tab) == [register.open_.number]
    tab.set_filters(unit_id=register.ids["JD01"])
    assert shown_numbers(tab) == [register.soon.number]
    tab.set_filters(month=10)
    assert shown_numbers(tab) == [register.done.number]
    assert "当前显示 1 份" in tab.counts_text()
    tab.set_filters()
    tab.search_edit.setText("gd20261102")  # a work-order number, any case
    assert shown_numbers(tab) == [register.overdue.number]
    tab.search_edit.setText("洪家楼")  # unit name
    assert shown_numbers(tab) == [register.soon.number]
    tab.search_edit.setText("噪音")  # content
    assert shown_numbers(tab) == [register.done.number]
    tab.search_edit.setText("（2026）3号")
    assert shown_numbers(tab) == [register.open_.number]
    # typed with ASCII brackets or full-width digits (English input mode / IME): found all the same
    for typed in ("督(2026)3", "(2026)3号", "（２０２６）３", "ＧＤ20261102"):
        tab.search_edit.setText(typed)
        assert shown_numbers(tab) == [register.overdue.number if "Ｄ" in typed else register.open_.number], typed
    tab.clear_filters()
    assert len(shown_numbers(tab)) == 4
    tab.set_year(2025)  # the toolbar's year picks the register's year
    assert shown_numbers(tab) == []
    assert "当前显示 0 份" in tab.counts_text()


def test_sorting_by_header_sorts_the_source(tab, register):
    tab.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
    dues = [tab.model.index(r, 0).data(ID_ROLE) for r in range(tab.model.rowCount())]
    assert dues == [register.done.id, register.overdue.id, register.soon.id, register.open_.id]


def test_remind_only_for_overdue(tab, register):
    tab.select_notice(register.soon.id)
    assert not tab.remind_action.isEnabled()
    tab.select_notice(register.overdue.id)
    assert tab.remind_action.isEnabled()


def test_several_notices_as_one_pdf(qtbot, tab, register, tmp_path):
    tab.select_notice(register.overdue.id)
    tab.select_notice(register.open_.id, add=True)
    out = tmp_path / "两份.pdf"
    with qtbot.waitSignal(tab.pdf_ready, timeout=20000):
        tab.save_pdf([v.row.id for v in tab.selected_views()], out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert register.overdue.number in text and register.open_.number in text
    assert "部门督办通知" in text


def test_suggested_pdf_name_never_holds_a_folder_or_a_character_windows_refuses(tab, register):
    """A unit named 区委宣传部/网信办 used to suggest “督（2026）1号-区委宣传部/网信办.pdf”: a file
    网信办.pdf in a folder that does not exist (and ':' or '?' is refused by Windows)."""
    from dataclasses import replace

    from hotline_desktop.services.units import draft_of

    unit = register.units.get(register.ids["SQ001"])
    register.units.update(unit.id, replace(draft_of(unit), name="区委宣传部/网信办:督查?"))
    tab.reload(keep_undo=True)
    name = tab.default_pdf_name([tab.model.view(register.overdue.id)])
    assert name == f"{register.overdue.number}-区委宣传部_网信办_督查_.pdf"
    assert not any(ch in name for ch in '\\/:*?"<>|')


def test_cancelled_pdf_writes_nothing(qtbot, tab, register, tmp_path):
    out = tmp_path / "取消.pdf"
    failed = []
    tab.task_failed.connect(failed.append)
    job = tab.save_pdf([register.overdue.id, register.open_.id] * 15, out)  # 30 pages: cancelled mid-way
    job.cancel()
    qtbot.waitUntil(lambda: bool(failed) or out.exists(), timeout=20000)
    assert failed and not out.exists()


def test_export_register_to_xlsx(qtbot, tab, tmp_path):
    out = tmp_path / "登记表.xlsx"
    with qtbot.waitSignal(tab.export_finished, timeout=20000):
        tab.export_to(out, 2026)
    import openpyxl

    ws = openpyxl.load_workbook(out).active
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert "督（2026）1号" in texts


def test_walk_from_new_to_the_print_dialog_in_few_actions(qtbot, tab, register, monkeypatch, tmp_path):
    """新建 → 单位 → 内容 → 下达 → 打印: the system print dialog opens with the new notice."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    opened = []

    def fake_exec(dlg):
        printer = dlg.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        opened.append(dlg)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    actions = 0
    buttons = {b.defaultAction(): b for b in tab.findChildren(type(tab.clear_filter_button)) if b.defaultAction()}
    qtbot.mouseClick(buttons[tab.new_action], Qt.MouseButton.LeftButton)
    actions += 1
    dlg = tab._dialog
    qtbot.keyClicks(dlg.ui.unitCombo.lineEdit(), "KS01")
    actions += 1
    dlg.ui.contentEdit.insertPlainText("养老补贴发放延迟")  # typed through the input method
    actions += 1
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    actions += 1
    assert tab.selected_view().row.unit_code == "KS01"
    qtbot.mouseClick(buttons[tab.print_action], Qt.MouseButton.LeftButton)
    actions += 1
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    assert actions <= 8
    qtbot.waitUntil(lambda: (tmp_path / "printed.pdf").exists(), timeout=20000)


def test_main_window_places_the_tab_between_annual_and_ranking(qtbot, register):
    from hotline_desktop.gui.main_window import MainWindow

    win = MainWindow(register, year=2026)
    qtbot.addWidget(win)
    try:
        keys = [p.key for p in win.pages]
        assert keys.index("notices") == keys.index("annual") + 1
        assert keys.index("ranking") == keys.index("notices") + 1 or "kb" in keys
        i = win.tabs.indexOf(win.page("notices"))
        assert win.tabs.tabText(i) == "督办通知（逾期 1）"
        register.notices.complete(register.overdue.id, TODAY, "已修复")
        qtbot.waitUntil(lambda: win.tabs.tabText(i) == "督办通知")
    finally:
        win.release()



def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_preview_shows_the_printed_form_in_the_app(qtbot, tab, register, monkeypatch):
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    shown = []
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda dlg: shown.append(dlg) or 0)
    tab.select_notice(register.open_.id)
    with qtbot.waitSignal(tab.pdf_ready, timeout=20000) as sig:
        tab.preview_selected()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert register.open_.number in _pdf_text(sig.args[0])
    assert shown[0].windowTitle() == "打印预览"


def test_reminder_cites_the_number_and_due_date(qtbot, tab, register, monkeypatch):
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda dlg: 0)
    tab.select_notice(register.overdue.id)
    with qtbot.waitSignal(tab.pdf_ready, timeout=20000) as sig:
        tab.preview_reminder()
    text = _pdf_text(sig.args[0])
    assert "催办通知" in text and register.overdue.number in text and "2026年11月9日" in text


def test_a_refused_action_keeps_the_dialog_open_with_the_reason(qtbot, tab, register):
    tab.select_notice(register.overdue.id)
    dlg = tab.open_complete_dialog()
    dlg.result_edit.setPlainText("已处理")
    register.notices.void(register.overdue.id, "重复下达")  # meanwhile (e.g. the CLI) the notice was voided
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "已作废，不能办结" in dlg.errors()[""]
    dlg.reject()


def test_a_new_day_recomputes_statuses(tab, register):
    assert tab.model.counts()[NoticeStatus.DUE_SOON] == 1
    register.notices.set_today(date(2026, 12, 3))
    tab._check_day()
    assert tab.model.counts()[NoticeStatus.OVERDUE] == 2
    assert tab.title == "督办通知（逾期 2）"


def test_unit_box_searches_as_you_type(qtbot, tab):
    dlg = tab.open_new_dialog()
    qtbot.keyClicks(dlg.ui.unitCombo.lineEdit(), "sq0")
    c = dlg.ui.unitCombo.completer()
    assert c.completionCount() == 2  # 花园社区（SQ001）, 文化东路社区（SQ002）; the inactive SQ010 is not offered
    assert {c.completionModel().index(i, 0).data() for i in range(2)} == {"花园社区（SQ001）", "文化东路社区（SQ002）"}
    dlg.reject()


def test_a_renamed_unit_shows_in_the_register(qtbot, tab, register):
    from hotline_desktop.services.units import draft_of

    uid = register.ids["SQ001"]
    d = draft_of(register.units.get(uid))
    d.name = "花园新村社区"
    tab.hide()
    register.units.update(uid, d)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.view(register.overdue.id).row.unit_name == "花园新村社区")


def test_a_new_notice_hidden_by_the_filters_is_shown_and_selected(tab, register):
    tab.set_filters(status=NoticeStatus.OVERDUE)
    tab.search_edit.setText("路灯")
    row = tab.commit_issue(draft(register.ids["KS01"], TODAY, content="新的督办事项"))
    assert tab.selected_view().row.id == row.id
    assert tab.search_edit.text() == "" and tab.status_combo.currentIndex() == 0


def test_a_fixed_field_loses_its_error_when_another_remains(qtbot, tab, register):
    tab.select_notice(register.open_.id)
    dlg = tab.open_edit_dialog()
    dlg.set_fields(issued=date(2027, 1, 4))
    dlg.ui.contentEdit.setPlainText("")
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert set(dlg.errors()) == {"issued", "content"}
    dlg.set_fields(issued=date(2026, 11, 30))
    qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.errors() == {"content": "请填写督办内容"}
    assert not dlg.ui.issuedEdit.property("invalid")
    dlg.reject()
