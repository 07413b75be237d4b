"""年度考核 tab: items the knowledge base feeds show as fed with the entries behind them; a typed
value overrides, 恢复自动计算 and undo give the fed value back; publishing updates the shown value."""

from datetime import date

from hotline_desktop.core.kb import CheckResult, Content
from hotline_desktop.gui.annual.tab import AnnualTab

ALL_PASS = [CheckResult(i, True) for i in range(1, 5)]


def publish(services, code, form="一问一答", day=date(2026, 3, 2)):
    k = services.kb
    eid = k.create(code, "社会民生", form, Content(f"{code}问题？", "答案。")).entry_id
    k.review(eid, ALL_PASS, day)
    k.publish(eid, day)
    return eid


def test_fed_items_show_source_override_and_restore(qtbot, seeded):
    services = seeded
    services.kb.today = lambda: date(2026, 12, 1)
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    eid = publish(services, "JD01")
    tab = AnnualTab(services)
    qtbot.addWidget(tab)
    tab.set_year(2026)
    tab.set_year_scheme(ys)
    tab.resize(1300, 720)
    tab.show()
    qtbot.waitUntil(lambda: not tab.building and tab.selected_unit_id() is not None, timeout=10000)
    tab.select_unit(services.ids["JD01"])
    card = tab.cards["kb_format"]
    assert card.editor.currentText() == "一问一答"
    bar = card.fed_bar
    assert not bar.isHidden() and "由知识库自动计算" in bar.label.text() and f"条目 {eid}" in bar.label.text()
    assert bar.button.isHidden()
    # the operator types another value: an override
    card.editor.setCurrentIndex(card.editor.findData("other"))
    card.editor.activated.emit(card.editor.currentIndex())
    assert "已手工覆盖" in bar.label.text() and not bar.button.isHidden()
    live = services.rankings.live(ys.id)
    assert live.engine.annual_values("JD01")["kb_format"] == "other"
    # undo: back to the fed value, not an override of the same text
    tab.undo_stack.undo()
    assert live.engine.annual_values("JD01")["kb_format"] == "qa"
    assert "由知识库自动计算" in bar.label.text() and card.editor.currentText() == "一问一答"
    assert not services.kb_feeds.fed_items(ys.id, services.ids["JD01"])["kb_format"].overridden
    tab.undo_stack.redo()
    assert live.engine.annual_values("JD01")["kb_format"] == "other"
    bar.button.click()  # 恢复自动计算
    assert live.engine.annual_values("JD01")["kb_format"] == "qa" and "由知识库自动计算" in bar.label.text()
    # another unit: nothing published → 未上传, shown as fed
    tab.select_unit(services.ids["JD02"])
    assert tab.cards["kb_format"].editor.currentText() == "未上传"
    # a publication for JD02 moves the shown value live
    publish(services, "JD02", form="其他")
    qtbot.waitUntil(lambda: tab.cards["kb_format"].editor.currentText() == "其他方式")
    tab.shutdown()
