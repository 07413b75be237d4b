"""年度考核 tab: item widgets per kind, commits feed the live ranking, bad scores flagged, undo,
notes, completeness view, the no-scheme hint and the main-window registration."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox
from tab_fixtures import show_year_tab

from hotline_desktop.gui.annual.models import COL_STATUS, MCOL_CODE
from hotline_desktop.gui.annual.tab import AnnualTab
from hotline_desktop.services.assessment import CellEdit

LICHENG_MANUAL = {"leadership": "5", "institution": "2", "communication": "2", "rework": "4",
                  "dissatisfaction_analysis": "2", "attitude": "4.5"}


def make_tab(qtbot, services, ys):
    return show_year_tab(qtbot, AnnualTab(services), ys, size=(1300, 720))


@pytest.fixture
def ganxian(qtbot, seeded):
    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    tab = make_tab(qtbot, seeded, ys)
    yield tab, seeded, ys
    tab.shutdown()


@pytest.fixture
def licheng(qtbot, seeded):
    ys = seeded.assessment.assign(2020, "licheng-2020")
    tab = make_tab(qtbot, seeded, ys)
    yield tab, seeded, ys
    tab.shutdown()


def result_of(services, ys, code):
    return services.rankings.live(ys.id).result().units[code]


def test_first_unit_selected_and_widgets_match_item_kinds(ganxian):
    tab, services, ys = ganxian
    assert tab.selected_unit_id() is not None  # the first unit is shown on load
    tab.select_unit(services.ids["JD01"])
    assert "洪家楼街道" in tab.unit_label.text()
    scheme = services.assessment.scheme(ys.id)
    assert list(tab.cards) == [i.key for i in scheme.annual_inputs]
    assert isinstance(tab.cards["guarantee_mechanism"].editor, QCheckBox)
    spin = tab.cards["publicity_articles"].editor
    assert isinstance(spin, QSpinBox) and spin.suffix() == " 篇" and spin.text() == "未填"
    combo = tab.cards["kb_format"].editor
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["（未填）", "一问一答", "其他方式", "未上传"]
    # each item names the rule it feeds
    feeds = tab.cards["guarantee_mechanism"].feeds_label.text()
    assert "运行保障（满分 14 分）" in feeds and "建立保障机制的，得6分" in feeds
    assert "奖惩加分" in tab.cards["commend_city"].feeds_label.text()


def test_manual_items_show_their_maximum(licheng):
    tab, services, _ys = licheng
    tab.select_unit(services.ids["SQ001"])
    card = tab.cards["leadership"]
    assert isinstance(card.editor, QLineEdit)
    assert card.max_label.text() == "（满分 5 分）"
    assert card.editor.placeholderText() == "0–5"
    assert isinstance(tab.cards["archives"].editor, QCheckBox)
    assert "领导重视（满分 5 分）" in card.feeds_label.text()


def test_checkbox_commits_and_live_annual_figure_follows(ganxian, qtbot):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    box = tab.cards["guarantee_mechanism"].editor
    assert result_of(services, ys, "JD01").indicators["guarantee"] == 0
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert services.assessment.annual_cells(ys.id, jd01)[(jd01, "guarantee_mechanism")].text == "是"
    res = result_of(services, ys, "JD01")
    assert res.indicators["guarantee"] == 6 and res.annual_score == 6
    assert "年度基础考核 <b>6.00</b> 分" in tab.figures_label.text()
    assert "当前 6.00 分" in tab.cards["guarantee_mechanism"].feeds_label.text()
    row = tab.units_model.row_of(jd01)
    assert tab.units_model.index(row, 3).data() == "1/21"

    box.click()  # unticked: stored as 否, not cleared
    assert services.assessment.annual_cells(ys.id, jd01)[(jd01, "guarantee_mechanism")].text == "否"
    assert result_of(services, ys, "JD01").indicators["guarantee"] == 0
    assert "年度基础考核 <b>0.00</b> 分" in tab.figures_label.text()


def test_count_and_choice_commit(ganxian):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    tab.cards["publicity_articles"].editor.setValue(3)
    combo = tab.cards["kb_format"].editor
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    cells = services.assessment.annual_cells(ys.id, jd01)
    assert cells[(jd01, "publicity_articles")].value == 3
    assert cells[(jd01, "kb_format")].value == "qa"
    res = result_of(services, ys, "JD01")
    assert res.indicators["publicity"] == 6 and res.indicators["knowledge_base"] >= 10


def test_manual_score_above_maximum_is_flagged_and_not_scored(licheng):
    tab, services, ys = licheng
    sq = services.ids["SQ001"]
    tab.select_unit(sq)
    card = tab.cards["leadership"]
    card.editor.setText("6")
    card.editor.editingFinished.emit()
    cell = services.assessment.annual_cells(ys.id, sq)[(sq, "leadership")]
    assert not cell.valid and cell.text == "6"  # kept as typed, with its reason
    assert card.error_label.text() == "领导重视必须在 0 到 5 之间：6"
    assert not card.error_label.isHidden()
    assert card.editor.property("invalid") is True
    res = result_of(services, ys, "SQ001")
    assert "leadership" not in res.indicators and "leadership" in res.missing
    assert "领导重视（填写有误）" in tab.unit_missing_label.text()

    card.editor.setText("4.5")
    card.editor.editingFinished.emit()
    assert card.error_label.text() == "" and card.error_label.isHidden()
    assert result_of(services, ys, "SQ001").indicators["leadership"] == Decimal("4.5")


def test_undo_redo_of_an_item(ganxian):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    box = tab.cards["guarantee_mechanism"].editor
    box.click()
    assert tab.undo_stack.count() == 1
    assert "洪家楼街道·建立保障机制" in tab.undo_stack.undoText()
    tab.undo_stack.undo()
    assert (jd01, "guarantee_mechanism") not in services.assessment.annual_cells(ys.id, jd01)
    assert not box.isChecked()
    assert result_of(services, ys, "JD01").indicators["guarantee"] == 0
    tab.undo_stack.redo()
    assert services.assessment.annual_cells(ys.id, jd01)[(jd01, "guarantee_mechanism")].text == "是"
    assert box.isChecked()
    assert result_of(services, ys, "JD01").indicators["guarantee"] == 6


def test_spin_steps_merge_into_one_undo_step(ganxian):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    spin = tab.cards["leadership_meetings"].editor
    spin.setValue(1)
    spin.setValue(2)
    assert tab.undo_stack.count() == 1
    assert services.assessment.annual_cells(ys.id, jd01)[(jd01, "leadership_meetings")].value == 2
    tab.undo_stack.undo()
    assert (jd01, "leadership_meetings") not in services.assessment.annual_cells(ys.id, jd01)
    assert spin.text() == "未填"


def test_notes_are_saved_and_undoable(ganxian):
    tab, services, ys = ganxian
    jd01, jd02 = services.ids["JD01"], services.ids["JD02"]
    tab.select_unit(jd01)
    note = tab.cards["training"].note_edit
    note.setText("已参加 3 月业务培训")
    note.editingFinished.emit()
    assert services.assessment.annual_notes(ys.id, jd01) == {"training": "已参加 3 月业务培训"}
    tab.select_unit(jd02)
    assert note.text() == ""
    tab.select_unit(jd01)
    assert note.text() == "已参加 3 月业务培训"
    tab.undo_stack.undo()
    assert services.assessment.annual_notes(ys.id, jd01) == {}
    assert note.text() == ""
    tab.undo_stack.redo()
    assert note.text() == "已参加 3 月业务培训"


def test_edits_made_elsewhere_show_up(ganxian):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    services.assessment.set_values(ys.id, [CellEdit(jd01, None, "kb_format", "其他方式")])
    assert tab.cards["kb_format"].editor.currentText() == "其他方式"
    services.assessment.set_values(ys.id, [CellEdit(jd01, None, "publicity_articles", "两篇")])
    card = tab.cards["publicity_articles"]
    assert "宣传采用篇数必须是整数" in card.error_label.text()
    row = tab.units_model.row_of(jd01)
    assert tab.units_model.index(row, COL_STATUS).data() == "数据不全 · 1 项有误 · 未填 19 项，按否/0 计"


def test_completeness_view_lists_units_without_manual_scores(licheng, qtbot):
    tab, services, ys = licheng
    assert tab.missing_count() == 5  # five active units, none scored yet
    assert tab.missing_label.text() == "5 个单位尚缺年度项目"
    tab.complete_button.click()
    assert tab.stack.currentIndex() == 1
    sq = services.ids["SQ001"]
    codes = [tab.missing_model.index(r, MCOL_CODE).data() for r in range(tab.missing_model.rowCount())]
    assert "SQ001" in codes
    items = tab.missing_model.items_of(sq)
    assert "领导重视" in items and "工作态度" in items
    row = tab.units_model.row_of(sq)
    assert tab.units_model.index(row, COL_STATUS).data() == "缺 6 项"

    services.assessment.set_values(ys.id, [CellEdit(sq, None, k, v) for k, v in LICHENG_MANUAL.items()])
    assert tab.missing_count() == 4
    assert "SQ001" not in [tab.missing_model.index(r, MCOL_CODE).data() for r in range(4)]
    assert tab.units_model.index(row, COL_STATUS).data() == "未填 1 项，按否/0 计"  # 档案管理 left empty

    # double-click a row: back to the detail view on that unit
    jd02 = services.ids["JD02"]
    prow = next(r for r in range(tab.missing_proxy.rowCount())
                if tab.missing_proxy.index(r, MCOL_CODE).data() == "JD02")
    tab.missing_table.activated.emit(tab.missing_proxy.index(prow, 0))
    assert tab.stack.currentIndex() == 0 and tab.selected_unit_id() == jd02


def test_search_and_kind_filter(ganxian):
    tab, _services, _ys = ganxian
    assert tab.proxy.rowCount() == 5
    tab.search_edit.setText("街道")
    assert tab.proxy.rowCount() == 2
    tab.search_edit.clear()
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("community"))
    assert tab.proxy.rowCount() == 2
    assert "当前显示 2 个" in tab.counts_label.text()


def test_no_scheme_shows_hint_with_assign_button(qtbot, seeded, monkeypatch):
    from hotline_desktop.gui.main_window import MainWindow
    from hotline_desktop.gui.scheme_selector import SchemeSelector

    calls = []
    monkeypatch.setattr(SchemeSelector, "assign_dialog", lambda self: calls.append(self.year))
    win = MainWindow(seeded, year=2031)
    qtbot.addWidget(win)
    win.show()
    try:
        tab = win.page("annual")
        assert tab is not None and win.tabs.tabText(win.tabs.indexOf(tab)) == "年度考核"
        win.tabs.setCurrentWidget(tab)
        assert tab.stack.currentIndex() == 2
        assert "2031 年尚未指定考核方案" in tab.no_scheme_label.text()
        tab.assign_button.click()
        assert calls == [2031]
        win.scheme_selector.assign("licheng-2020")  # the tab follows the toolbar
        qtbot.waitUntil(lambda: not tab.building, timeout=10000)  # its engine, built in a worker
        assert tab.stack.currentIndex() == 0 and tab.units_model.rowCount() == 5
        assert tab.selected_unit_id() is not None
    finally:
        win.release()


def test_unit_with_nothing_entered_says_so_and_shows_its_real_status(ganxian):
    tab, services, ys = ganxian
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    assert result_of(services, ys, "JD01").status == "incomplete"  # no month holds figures
    n = len(services.assessment.scheme(ys.id).annual_inputs)
    row = tab.units_model.row_of(jd01)
    cell = tab.units_model.index(row, COL_STATUS)
    assert cell.data() == f"数据不全 · 未填 {n} 项，按否/0 计"
    assert "考核期内没有任何有效月份" in cell.data(Qt.ItemDataRole.ToolTipRole)
    header = tab.unit_missing_label.text()
    assert "年度项目已齐全" not in header
    assert "数据不全，暂不排名（考核期内没有任何有效月份）" in header and f"未填 {n} 项，按否/0 计" in header
    assert "暂不排名（数据不全）" in tab.figures_label.text()  # the header and the list agree
    assert tab.missing_label.text() == (
        "所有单位的必填年度项目均已填写；另有 5 个单位数据不全、暂不排名（见“完成情况”一栏）")


def test_opening_builds_the_live_engine_off_the_gui_thread_showing_computing(qtbot, seeded):
    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    tab = AnnualTab(seeded)
    qtbot.addWidget(tab)
    tab.set_year(ys.year)
    tab.set_year_scheme(ys)
    tab.show()
    assert seeded.rankings.cached(ys.id) is None  # not built on the GUI thread
    assert tab.building and tab.stack.currentIndex() == 2 and tab.no_scheme_label.text() == "正在计算…"
    qtbot.waitUntil(lambda: not tab.building and tab.selected_unit_id() is not None, timeout=10000)
    assert tab.stack.currentIndex() != 2 and seeded.rankings.cached(ys.id) is not None
    tab.shutdown()


def test_a_control_character_typed_as_a_manual_score_is_flagged_not_a_cleared_cell(licheng):
    """str.strip() takes \x1f for a blank: typed alone it used to clear the score."""
    tab, services, ys = licheng
    jd01 = services.ids["JD01"]
    tab.select_unit(jd01)
    services.assessment.set_values(ys.id, [CellEdit(jd01, None, "leadership", "2")])
    card = tab.cards["leadership"]
    card.editor.setText("\x1f")
    card.editor.editingFinished.emit()
    assert "领导重视含有不可见的控制字符（U+001F）" in card.error_label.text()
    assert services.assessment.annual_cells(ys.id, jd01)[(jd01, "leadership")].text == "?"
