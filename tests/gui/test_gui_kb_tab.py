"""知识库 tab: register, search with highlights, review dialog, undo, version diff, feedback in red."""

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.kb import CheckResult, Content
from hotline_desktop.gui.kb.dialogs import DELETE_STYLE, INSERT_STYLE, ReviewDialog, diff_html
from hotline_desktop.gui.kb.models import COL_FEEDBACK, COL_QUESTION, COL_STATUS, FB_STATE, RAW_ROLE
from hotline_desktop.gui.kb.tab import KbTab, marked

ALL_PASS = [CheckResult(i, True) for i in range(1, 5)]
TODAY = date(2026, 12, 1)


@pytest.fixture
def filled(services):
    services.kb.today = lambda: TODAY
    services.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    services.units.create(UnitDraft(code="D02", name="区医疗保障局", kind="department"))
    k = services.kb
    ids = {}
    ids["a"] = k.create("D01", "社会民生", "一问一答", Content("高龄津贴如何申领？", "到社区便民服务站申请，每人每月100元。")).entry_id
    ids["b"] = k.create("D02", "通知公告", "一问一答", Content("医保集中缴费期是什么时候？", "9月1日至12月31日。")).entry_id
    k.review(ids["a"], ALL_PASS, date(2026, 3, 1))
    k.publish(ids["a"], date(2026, 3, 2))
    return services, ids


@pytest.fixture
def tab(filled, qtbot):
    services, ids = filled
    t = KbTab(services)
    qtbot.addWidget(t)
    t.resize(1300, 700)
    t.show()
    qtbot.waitUntil(lambda: not t._pending)
    return t, services, ids


def rows_shown(t):
    return [t.proxy.index(r, 0).data(RAW_ROLE).id for r in range(t.proxy.rowCount())]


def select(t, entry_id):
    assert t.select_entry(entry_id)


def test_register_lists_entries_with_status_and_enables_allowed_actions(tab):
    t, _s, ids = tab
    assert sorted(rows_shown(t)) == sorted(ids.values())
    select(t, ids["a"])
    assert t.table.currentIndex().siblingAtColumn(COL_STATUS).data() == "已发布"
    assert t.revise_action.isEnabled() and t.verify_action.isEnabled() and t.feedback_action.isEnabled()
    assert not t.publish_action.isEnabled() and not t.edit_action.isEnabled()
    select(t, ids["b"])
    assert t.review_action.isEnabled() and t.edit_action.isEnabled()
    assert not t.publish_action.isEnabled() and not t.withdraw_action.isEnabled()
    assert "到社区便民服务站" not in t.detail.toPlainText()
    assert "9月1日至12月31日" in t.detail.toPlainText()


def test_search_filters_ranks_and_highlights(tab):
    t, _s, ids = tab
    t.search_edit.setText("便民服务站")
    assert rows_shown(t) == [ids["a"]]
    assert t.delegate.query == "便民服务站"
    assert "background:#ffe08a" in t.detail_html(t.services.kb.detail(ids["a"]), "便民服务站")
    t.search_edit.setText("医保")  # two characters: the LIKE fallback
    assert rows_shown(t) == [ids["b"]]
    for q in ('"', "NEAR", "*", "a-b", '"医保"'):
        t.search_edit.setText(q)  # FTS syntax is plain text: never an error
    t.search_edit.clear()
    assert len(rows_shown(t)) == 2
    t.unit_combo.setCurrentIndex(t.unit_combo.findText("D02 区医疗保障局"))
    assert rows_shown(t) == [ids["b"]]


def test_marked_escapes_and_highlights():
    html = marked("<b>低保</b>标准", [(3, 5)])
    assert "&lt;b&gt;" in html and '<span style="background:#ffe08a;">低保</span>' in html


def test_review_dialog_enables_publish_only_when_all_four_pass(qtbot):
    seen = []
    dlg = ReviewDialog("问题？", lambda d: seen.append(d.results()) or None)
    qtbot.addWidget(dlg)
    assert not dlg.pass_button.isEnabled() and not dlg.return_button.isEnabled()
    for b in dlg.pass_buttons[:3]:
        b.setChecked(True)
    assert not dlg.pass_button.isEnabled()
    dlg.fail_buttons[3].setChecked(True)
    assert not dlg.pass_button.isEnabled() and not dlg.return_button.isEnabled()  # reason missing
    assert "请填写不通过的理由" in dlg.hint.text() and "4. 解答准确" in dlg.hint.text()
    dlg.comments[3].setText("缺文号")
    assert dlg.return_button.isEnabled() and not dlg.pass_button.isEnabled()
    dlg.pass_buttons[3].setChecked(True)
    assert dlg.pass_button.isEnabled() and not dlg.return_button.isEnabled()
    dlg.pass_button.click()
    assert [r.passed for r in seen[0]] == [True] * 4


def test_review_return_lists_failed_checks_and_undo_restores(tab, message_boxes):
    t, s, ids = tab
    select(t, ids["b"])
    t.open_review_dialog()
    dlg = t._dialog
    for b in dlg.pass_buttons[:2]:
        b.setChecked(True)
    dlg.fail_buttons[2].setChecked(True)
    dlg.comments[2].setText("文不对题")
    dlg.pass_buttons[3].setChecked(True)
    dlg.return_button.click()
    assert "3. 答案与问题一致（文不对题）" in message_boxes.texts("information")[-1]
    assert s.kb.rows([ids["b"]])[0].status == "returned"
    assert t.table.currentIndex().siblingAtColumn(COL_STATUS).data() == "退回修改"
    t.undo_stack.undo()
    assert s.kb.rows([ids["b"]])[0].status == "draft"
    assert t.model.rows[t.model.row_of(ids["b"])].status == "draft"
    t.undo_stack.redo()
    assert t.model.rows[t.model.row_of(ids["b"])].status == "returned"


def test_new_entry_dialog_creates_an_entry_and_undo_removes_it(tab):
    t, s, _ids = tab
    t.open_new_dialog()
    dlg = t._dialog
    dlg.unit_combo.setCurrentIndex(dlg.unit_combo.findData("D02"))
    dlg.question_edit.setText("异地就医如何备案？")
    dlg.try_submit()
    assert dlg.error_label.text() == "答案不能为空" and dlg.isVisible()  # refused: dialog stays open
    dlg.answer_edit.setPlainText("可通过国家医保服务平台APP办理备案。")
    dlg.try_submit()
    assert not dlg.isVisible()
    new = [r for r in t.model.rows if r.question == "异地就医如何备案？"]
    assert len(new) == 1 and new[0].unit_code == "D02" and new[0].status == "draft"
    t.undo_stack.undo()
    assert all(r.question != "异地就医如何备案？" for r in t.model.rows) and s.kb.count() == 2


def test_revision_and_version_history_diff(tab):
    t, s, ids = tab
    select(t, ids["a"])
    t.revise_selected()  # opens the editor on the new version
    dlg = t._dialog
    dlg.answer_edit.setPlainText("到社区便民服务站申请，每人每月120元。")
    dlg.try_submit()
    row = t.model.rows[t.model.row_of(ids["a"])]
    assert row.revising and row.version == 1 and row.working_version == 2
    assert t.table.currentIndex().siblingAtColumn(COL_STATUS).data() == "已发布（修订中）"
    t.open_history()
    hist = t._dialog
    html = hist.view.toHtml()
    assert "text-decoration:" in html or "line-through" in html
    spans = s.kb.diff(ids["a"], 1, 2)
    h = diff_html(spans)
    assert f'<span style="{DELETE_STYLE}">0</span>' in h and f'<span style="{INSERT_STYLE}">2</span>' in h


def test_overdue_feedback_is_red_and_counted_in_the_title(tab, qtbot):
    t, s, ids = tab
    titles = []
    t.title_changed.connect(titles.append)
    assert t.title == "知识库"
    s.kb.add_feedback(ids["a"], "内容不完整", "缺办理时限", date(2026, 11, 2))
    qtbot.waitUntil(lambda: t.title == "知识库（逾期反馈 1）")
    assert titles[-1] == "知识库（逾期反馈 1）"
    fb = t.feedback_model
    assert fb.rows and fb.index(0, FB_STATE).data() == "逾期未办结"
    assert fb.index(0, FB_STATE).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c0392b"
    pos = t.model.row_of(ids["a"])
    cell = t.model.index(pos, COL_FEEDBACK)
    assert cell.data() == "1 件（逾期 1）"
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c0392b"
    assert "逾期 1" in t.lists.tabText(1)


def test_question_column_paints_highlight_without_errors(tab, qtbot):
    t, _s, ids = tab
    t.search_edit.setText("津贴")
    t.table.viewport().repaint()
    img = t.table.grab().toImage()
    ix = t.table.model().index(0, COL_QUESTION)
    rect = t.table.visualRect(ix)
    found = False
    for x in range(rect.left() + 1, rect.right(), 2):
        c = img.pixelColor(x + t.table.viewport().x(), rect.center().y() + t.table.viewport().y())
        if (c.red(), c.green(), c.blue()) == (0xFF, 0xE0, 0x8A):
            found = True
            break
    assert found


def test_feedback_list_puts_overdue_first_then_open_then_closed(tab, qtbot):
    t, s, ids = tab
    k = s.kb
    k.add_feedback(ids["a"], "其他", "尚未到期", date(2026, 11, 30))  # due 2026-12-07: open
    k.add_feedback(ids["a"], "内容不完整", "已逾期", date(2026, 11, 2))  # overdue
    qtbot.waitUntil(lambda: len(t.feedback_model.rows) == 2)
    t.feedback_table.sortByColumn(FB_STATE, Qt.SortOrder.DescendingOrder)
    t.feedback_table.sortByColumn(FB_STATE, Qt.SortOrder.AscendingOrder)
    states = [t.feedback_proxy.index(r, FB_STATE).data() for r in range(t.feedback_proxy.rowCount())]
    assert states == ["逾期未办结", "办理中"]
    t.feedback_table.sortByColumn(FB_STATE, Qt.SortOrder.DescendingOrder)
    states = [t.feedback_proxy.index(r, FB_STATE).data() for r in range(t.feedback_proxy.rowCount())]
    assert states == ["办理中", "逾期未办结"]


def _kb_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["单位编码", "类别", "问题", "答案"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_tab_import_all_or_nothing_then_undo(tab, qtbot, tmp_path, message_boxes):
    t, s, _ids = tab
    bad = _kb_xlsx(tmp_path / "bad.xlsx", [("D01", "社会民生", "问一？", "答一。"), ("D77", "社会民生", "问二？", "答二。")])
    t.import_file(bad)
    qtbot.waitUntil(lambda: t._dialog is not None and t._dialog.isVisible(), timeout=10000)
    rows = t._dialog.problem_rows()
    assert any("D77" in r[2] for r in rows) and s.kb.count() == 2
    t._dialog.reject()
    good = _kb_xlsx(tmp_path / "good.xlsx", [("D01", "社会民生", "问一？", "答一。"), ("D02", "政策法规", "问二？", "答二。")])
    done = []
    t.import_finished.connect(done.append)
    t.import_file(good)
    qtbot.waitUntil(lambda: done == [2], timeout=10000)
    qtbot.waitUntil(lambda: len(t.model.all_rows) == 4)
    assert "确定导入吗" in message_boxes.texts("question")[-1]
    t.undo_stack.undo()
    qtbot.waitUntil(lambda: len(t.model.all_rows) == 2)
    assert s.kb.count() == 2


# -- the operator's walk: every action through its dialog, undone and redone ----------------
def status(t, entry_id):
    return t.model.rows[t.model.row_of(entry_id)].status


def test_each_dialog_action_then_undo_then_redo(tab):
    t, s, ids = tab
    b = ids["b"]
    steps = []

    def submit_day(open_dialog, reason=None):
        open_dialog()
        dlg = t._dialog
        dlg.date_edit.setDate(QDate(2026, 12, 1))
        if reason is not None:
            dlg.reason_edit.setText(reason)
        dlg.try_submit()
        assert not dlg.isVisible(), dlg.error_label.text()

    select(t, b)
    t.open_review_dialog()
    for btn in t._dialog.pass_buttons:
        btn.setChecked(True)
    t._dialog.pass_button.click()
    steps.append(("draft", "approved"))
    submit_day(t.open_publish_dialog)
    steps.append(("approved", "published"))
    submit_day(t.open_verify_dialog)
    steps.append(("published", "published"))
    t.open_feedback_dialog()
    t._dialog.note_edit.setPlainText("缴费期已调整")
    t._dialog.try_submit()
    assert not t._dialog.isVisible(), t._dialog.error_label.text()
    steps.append(("published", "published"))
    submit_day(t.open_withdraw_dialog, reason="政策废止")
    steps.append(("published", "withdrawn"))
    assert status(t, b) == "withdrawn" and s.kb.rows([b])[0].status == "withdrawn"
    assert t.undo_stack.count() == len(steps)
    for before, _after in reversed(steps):
        t.undo_stack.undo()
        assert status(t, b) == before == s.kb.rows([b])[0].status
    for _before, after in steps:
        t.undo_stack.redo()
        assert status(t, b) == after == s.kb.rows([b])[0].status
    assert t.table.currentIndex().siblingAtColumn(COL_STATUS).data() == "已撤销"


def test_enter_on_a_row_opens_the_editor_once(tab, qtbot):
    t, _s, ids = tab
    select(t, ids["b"])
    t.table.setFocus()
    qtbot.keyClick(t.table, Qt.Key.Key_Return)
    dlg = t._dialog
    assert dlg is not None and dlg.isVisible()
    first = dlg
    dlg.reject()
    opened = []
    t.table.activated.connect(lambda _ix: opened.append(t._dialog))
    pos = t.table.visualRect(t.table.currentIndex()).center()
    vp = t.table.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=pos)
    assert len(opened) == 1 and opened[0] is not first and opened[0].isVisible()  # one dialog, not two
    opened[0].reject()
