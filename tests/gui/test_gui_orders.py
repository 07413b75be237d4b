"""月度数据 → 导入工单明细…: mapping an unknown dialect, checking and importing in workers, the grid's
"from orders" cells, and the drill-down dialog from a computed cell."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hotline_desktop.gui.notices.fed_cells import FED_BACKGROUND, FED_ROLE
from hotline_desktop.services.assessment import CellEdit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gen_orders  # noqa: E402

MONTH = "2026-11"
NAMES = ["洪家楼街道", "山大路街道", "区民政局"]


@pytest.fixture
def tab(qtbot, seeded):
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    ys = seeded.assessment.assign(2026, "ganxian-2023-hotline")
    seeded.assessment.set_values(ys.id, [CellEdit(seeded.ids["JD01"], MONTH, "volume", "5")])
    t = MonthlyTab(seeded)
    qtbot.addWidget(t)
    t.resize(1300, 600)
    t.set_year(2026)
    t.set_year_scheme(ys)
    t.show()
    qtbot.waitExposed(t)
    t.set_month(MONTH)
    qtbot.waitUntil(lambda: t.model.rowCount() > 0)
    yield t
    t.shutdown()


def cell(tab, code, key):  # a proxy index, as the views show it
    return tab.proxy.source_index(tab.services.ids[code], key)


def run_import(qtbot, tab, path, mapping=None):
    dlg = tab.import_orders()
    with qtbot.waitSignal(dlg.file_read, timeout=20000):
        dlg.set_file(path)
    for fname, header in (mapping or {}).items():
        from hotline_desktop.core.orders import field_by_name

        box = dlg.map_boxes[field_by_name(fname).key]
        box.setCurrentIndex(box.findData(header))
    with qtbot.waitSignal(dlg.planned, timeout=20000):
        dlg.check_button.click()
    return dlg


def test_unknown_headers_are_mapped_once_saved_and_the_import_fills_the_grid(qtbot, tab, tmp_path):
    f = gen_orders.write(tmp_path / "o.csv", 150, NAMES, MONTH, "custom", "gb18030")
    dlg = tab.import_orders()
    with qtbot.waitSignal(dlg.file_read, timeout=20000):
        dlg.set_file(f)
    assert "请为 工单编号、承办单位、受理时间 选择对应的列" in dlg.summary.text()
    assert not dlg.check_button.isEnabled() or not dlg.import_button.isEnabled()
    dlg.close()
    dlg = run_import(qtbot, tab, f, gen_orders.CUSTOM_MAP)
    assert dlg.plan is not None and not dlg.plan.problems and dlg.import_button.isEnabled()
    dlg.save_check.setChecked(True)
    dlg.save_name.setText("区平台")
    with qtbot.waitSignal(dlg.imported, timeout=30000) as sig:
        dlg.import_button.click()
    assert sig.args[0].orders == 150
    assert "区平台" in tab.services.orders.profiles()
    idx = cell(tab, "JD01", "volume")
    counted = sum(1 for n in gen_orders.rows(150, NAMES, MONTH, "custom") if n[1] == "洪家楼街道")
    qtbot.waitUntil(lambda: idx.data() == str(counted))
    assert idx.data(Qt.ItemDataRole.BackgroundRole).color() == FED_BACKGROUND
    assert "由工单计算" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert idx.data(FED_ROLE) is not None
    # undo puts the typed figure back, redo the import
    tab.undo_stack.undo()
    qtbot.waitUntil(lambda: idx.data() == "5")
    assert tab.services.orders.months() == []
    tab.undo_stack.redo()
    qtbot.waitUntil(lambda: idx.data() == str(counted))
    # a month not imported shows no order-fed style
    tab.set_month("2026-10")
    qtbot.waitUntil(lambda: tab.month == "2026-10")
    assert "由工单计算" not in (cell(tab, "JD01", "volume").data(Qt.ItemDataRole.ToolTipRole) or "")


def test_bad_rows_block_the_import_until_only_good_is_chosen(qtbot, tab, tmp_path):
    f = gen_orders.write(tmp_path / "o.csv", 90, NAMES + ["不存在的单位"], MONTH, bad=4)
    dlg = run_import(qtbot, tab, f)
    assert dlg.plan.problems and not dlg.import_button.isEnabled()
    assert "第 " in dlg.problems.toPlainText() and "不存在的单位" in dlg.problems.toPlainText()
    dlg.only_good.setChecked(True)
    assert dlg.import_button.isEnabled()
    with qtbot.waitSignal(dlg.imported, timeout=30000):
        dlg.import_button.click()
    assert tab.services.orders.months() == [MONTH]


def test_drill_down_from_a_computed_cell_lists_its_orders_and_exports(qtbot, tab, tmp_path):
    f = gen_orders.write(tmp_path / "o.csv", 120, NAMES, MONTH)
    dlg = run_import(qtbot, tab, f)
    with qtbot.waitSignal(dlg.imported, timeout=30000):
        dlg.import_button.click()
    idx = cell(tab, "JD01", "sign_in_rate")
    qtbot.waitUntil(lambda: bool(idx.data()))
    from hotline_desktop.gui.orders.hooks import drill_target, open_drill

    target = drill_target(tab, idx)
    assert target == ("ganxian-2023-hotline", tab.services.ids["JD01"], MONTH, "sign_in_rate")
    assert drill_target(tab, cell(tab, "JD01", "praise")) is None
    d = open_drill(tab, *target)
    rows = d.model.rowCount()
    hits = sum(1 for r in range(rows) if d.model.index(r, 1).data() == "是")
    assert rows and abs(float(idx.data()) - 100 * hits / rows) < 0.006
    assert "工单签收率" in d.intro.text()
    out = d.export(str(tmp_path / "d.xlsx"))
    assert out and Path(out).exists()
    d.resize(900, 400)
    d.grab().save(str(tmp_path / "drill.png"))


def test_anomalous_orders_prefill_a_notice_that_is_issued(qtbot, tab, tmp_path):
    import csv
    from datetime import datetime

    f = tmp_path / "o.csv"
    with open(f, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["工单编号", "承办单位", "受理时间", "办理时限", "办结时间", "重办次数", "流转单位"],
            ["X1", "洪家楼街道", "2026-11-02 09:00", "2026-11-05 17:30", "", "0", ""],
            ["X2", "洪家楼街道", "2026-11-02 09:00", "2026-11-20 17:30", "2026-11-06 10:00", "3", ""],
            ["X3", "山大路街道", "2026-11-02 09:00", "2026-11-20 17:30", "2026-11-06 10:00", "0",
             "区民政局→洪家楼街道→山大路街道"],
            ["X4", "山大路街道", "2026-11-02 09:00", "2026-11-20 17:30", "2026-11-06 10:00", "0", ""],
        ])
    dlg = run_import(qtbot, tab, f)
    with qtbot.waitSignal(dlg.imported, timeout=30000):
        dlg.import_button.click()
    from hotline_desktop.gui.orders.anomalies_dialog import AnomaliesDialog

    a = AnomaliesDialog(tab.services, MONTH, tab, today=datetime(2026, 12, 1))
    qtbot.addWidget(a)
    assert a.table.rowCount() == 2
    assert a.table.item(0, 0).text() == "JD01 洪家楼街道" and a.table.item(0, 1).text() == "2"
    assert "X1（超期）" in a.table.item(0, 2).text() and "X2（重办≥3次）" in a.table.item(0, 2).text()
    assert "X3（流转3个以上单位）" in a.table.item(1, 2).text()
    n = a.open_notice(0)
    assert n.draft().orders == ("X1", "X2") and n.draft().unit_id == tab.services.ids["JD01"]
    before = len(tab.services.notices.rows())
    n.accept()
    assert len(tab.services.notices.rows()) == before + 1
    a.resize(900, 300)
    a.grab().save(str(tmp_path / "anomalies.png"))


def test_reconcile_dialog_lists_the_differences_and_exports(qtbot, tab, tmp_path):
    f = gen_orders.write(tmp_path / "o.csv", 90, NAMES, MONTH)
    dlg = run_import(qtbot, tab, f)
    with qtbot.waitSignal(dlg.imported, timeout=30000):
        dlg.import_button.click()
    from hotline_desktop.core.excel_monthly import write_month_workbook
    from hotline_desktop.gui.orders.hooks import open_reconcile

    services = tab.services
    report = write_month_workbook(tmp_path / "r.xlsx", services.assessment.scheme(tab.ys_id), MONTH,
                                  services.units.list(), {("JD01", "volume"): "999"})
    d = open_reconcile(tab)
    assert d.load(str(report)) == 1
    assert d.table.item(0, 0).text() == "JD01" and d.table.item(0, 3).text() == "999"
    assert "1 处不一致" in d.label.text()
    assert d.export(str(tmp_path / "diff.xlsx"))


def test_an_unmatched_unit_is_mapped_from_the_dialog_undoably_and_the_file_checked_again(qtbot, tab, tmp_path):
    f = gen_orders.write(tmp_path / "o.csv", 90, [*NAMES, "历城区洪家楼街道办事处"], MONTH)
    dlg = run_import(qtbot, tab, f)
    assert dlg.unmatched_group.isVisibleTo(dlg)
    n = len(dlg.plan.unmatched["历城区洪家楼街道办事处"])
    assert n > 0 and not dlg.import_button.isEnabled()
    labels = [w.text() for w in dlg.unmatched_area.widget().findChildren(type(dlg.summary))]
    assert f"历城区洪家楼街道办事处（{n} 件）" in labels
    picker, button = dlg.unit_pickers["历城区洪家楼街道办事处"]
    picker.setEditText("JD01")  # search by code
    assert picker.code() == "JD01"
    with qtbot.waitSignal(dlg.planned, timeout=20000):
        button.click()
    assert not dlg.plan.unmatched and not dlg.plan.problems and dlg.import_button.isEnabled()
    assert not dlg.unmatched_group.isVisibleTo(dlg)
    assert dlg.services.orders.alias_rows() == [("历城区洪家楼街道办事处", "JD01", "洪家楼街道")]
    with qtbot.waitSignal(dlg.planned, timeout=20000):
        tab.undo_stack.undo()  # the alias goes, the file is checked again
    assert dlg.services.orders.alias_rows() == []
    assert len(dlg.plan.unmatched["历城区洪家楼街道办事处"]) == n
    picker, _button = dlg.unit_pickers["历城区洪家楼街道办事处"]
    picker.setEditText("山大路")  # search by name
    assert picker.code() == "JD02"
    picker.setEditText("街道")  # two units contain it: not chosen
    assert picker.code() is None and not dlg.map_unit("历城区洪家楼街道办事处")
    assert "请为“历城区洪家楼街道办事处”选择名册中的单位" in dlg.summary.text()
    dlg.grab().save(str(tmp_path / "unmatched.png"))


def test_saved_aliases_are_listed_and_removed_undoably(qtbot, tab):
    orders = tab.services.orders
    orders.set_alias("历城区山大路街道办事处", "JD02")
    dlg = tab.import_orders()
    al = dlg.open_aliases()
    assert al.table.rowCount() == 1 and al.table.item(0, 2).text() == "山大路街道"
    assert not al.remove_button.isEnabled()
    al.table.selectRow(0)
    al.remove_button.click()
    assert al.table.rowCount() == 0 and orders.alias_rows() == []
    assert "已删除单位别名“历城区山大路街道办事处”（可撤销）" in al.message.text()
    tab.undo_stack.undo()
    assert al.table.rowCount() == 1 and orders.alias_rows() == [("历城区山大路街道办事处", "JD02", "山大路街道")]
    assert al.message.text() == ""


def test_saved_profiles_are_renamed_and_deleted_undoably(qtbot, tab):
    orders = tab.services.orders
    orders.save_profile("区平台", dict(gen_orders.CUSTOM_MAP))
    orders.save_profile("市平台", {"工单编号": "编号"})
    dlg = tab.import_orders()
    pd = dlg.open_profiles()
    assert [pd.table.item(r, 0).text() for r in range(pd.table.rowCount())] == ["区平台", "市平台"]
    pd.table.selectRow(0)
    pd.rename_selected("市平台")
    assert "已有名为“市平台”的列对应方案" in pd.message.text() and "区平台" in orders.profiles()
    pd.rename_selected("老平台")
    assert sorted(orders.profiles()) == ["市平台", "老平台"]
    assert dlg.profile_box.findData("老平台") >= 0 and dlg.profile_box.findData("区平台") < 0
    pd.table.selectRow([pd.table.item(r, 0).text() for r in range(2)].index("市平台"))
    pd.delete_selected()
    assert list(orders.profiles()) == ["老平台"] and dlg.profile_box.findData("市平台") < 0
    tab.undo_stack.undo()
    assert orders.profiles()["市平台"] == {"工单编号": "编号"} and dlg.profile_box.findData("市平台") >= 0
    tab.undo_stack.undo()
    assert sorted(orders.profiles()) == ["区平台", "市平台"] and pd.table.rowCount() == 2


def test_name_dialogs_destroyed_with_their_tab_raise_nothing(qtbot, seeded):
    from PySide6.QtCore import QCoreApplication, QEvent

    from hotline_desktop.gui.monthly.tab import MonthlyTab

    seeded.orders.set_alias("历城区山大路街道办事处", "JD02")
    seeded.orders.save_profile("区平台", {"工单编号": "编号"})
    t = MonthlyTab(seeded)
    t.set_year(2026)
    t.set_year_scheme(seeded.assessment.assign(2026, "ganxian-2023-hotline"))
    t.set_month(MONTH)
    dlg = t.import_orders()
    al, pd = dlg.open_aliases(), dlg.open_profiles()
    al.table.selectRow(0)
    pd.table.selectRow(0)
    pd.delete_selected()
    t.shutdown()
    t.deleteLater()  # the tab goes with the dialogs open and a command on its stack
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del t, dlg, al, pd
    import gc

    gc.collect()
    QCoreApplication.processEvents()
    assert "区平台" not in seeded.orders.profiles()


def test_undo_and_redo_of_an_import_run_in_a_worker_with_progress_and_finish_whole(qtbot, tab, tmp_path,
                                                                                  monkeypatch):
    import threading

    from PySide6.QtCore import QTimer

    f = gen_orders.write(tmp_path / "o.csv", 3000, NAMES, MONTH)
    dlg = run_import(qtbot, tab, f)
    with qtbot.waitSignal(dlg.imported, timeout=30000):
        dlg.import_button.click()
    orders = tab.services.orders
    idx = cell(tab, "JD01", "volume")
    counted = idx.data()
    assert counted != "5"
    seen = []  # (what, thread, progress reports)

    def watched(name):
        real = getattr(orders, name)

        def call(*args, **kw):
            reports = []
            key = "progress" if name == "write" else None
            inner = kw.pop(key) if key else (args[1] if len(args) > 1 else None)

            def step(done, total):
                reports.append((done, total))
                return inner(done, total) if inner else True
            if key:
                kw[key] = step
            else:
                args = (args[0], step)
            seen.append((name, threading.current_thread(), reports))
            return real(*args, **kw)
        monkeypatch.setattr(orders, name, call)

    watched("undo_import")
    watched("write")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(0)
    tab.undo_stack.undo()  # returns once the undo is complete
    assert ticks  # the GUI thread kept serving its event loop meanwhile
    assert orders.months() == [] and tab.undo_stack.index() == 0
    qtbot.waitUntil(lambda: idx.data() == "5")
    ticks.clear()
    tab.undo_stack.redo()
    assert ticks and orders.months() == [MONTH] and tab.undo_stack.index() == 1
    qtbot.waitUntil(lambda: idx.data() == counted)
    timer.stop()
    assert [(name, thread is threading.main_thread()) for name, thread, _ in seen] == \
        [("undo_import", False), ("write", False)]
    assert all(reports and reports[-1][0] == reports[-1][1] for _n, _t, reports in seen)


def test_cancelling_an_import_leaves_nothing_half_imported(qtbot, tab, tmp_path, monkeypatch):
    import threading

    import hotline_desktop.db.orders_repository as repo

    monkeypatch.setattr(repo, "CHUNK", 500)  # several chunks, so the cancel lands between two of them
    f = gen_orders.write(tmp_path / "o.csv", 3000, NAMES, MONTH)
    dlg = run_import(qtbot, tab, f)
    orders = tab.services.orders
    real_write = orders.write
    first_chunk, go_on = threading.Event(), threading.Event()

    def write(plan, *, only_good=False, progress=None):
        def step(done, total):
            if 0 < done < total and not first_chunk.is_set():  # rows are being written
                first_chunk.set()
                go_on.wait(10)
            return progress(done, total)
        return real_write(plan, only_good=only_good, progress=step)

    monkeypatch.setattr(orders, "write", write)
    idx = cell(tab, "JD01", "volume")
    with qtbot.waitSignal(dlg.failed, timeout=30000) as sig:
        dlg.import_button.click()
        qtbot.waitUntil(first_chunk.is_set, timeout=20000)
        dlg.task.cancel()  # 取消 in the progress dialog
        go_on.set()
    assert sig.args[0] == "已取消，未导入任何工单。"
    with tab.services.store.session() as s:
        assert s.connection().exec_driver_sql("SELECT COUNT(*) FROM work_orders").scalar() == 0
        assert s.connection().exec_driver_sql("SELECT COUNT(*) FROM order_figures").scalar() == 0
    assert orders.months() == [] and tab.undo_stack.count() == 0
    assert idx.data() == "5" and dlg.isVisible() and dlg.import_button.isEnabled()


def test_choosing_a_file_reads_it_off_the_gui_thread_and_a_later_choice_wins(qtbot, tab, tmp_path, monkeypatch):
    # a 100,000-row xlsx took ~7 s (guard + calamine) to open in set_file, on the GUI thread
    import threading

    import hotline_desktop.services.orders as orders_mod

    threads, real = [], orders_mod.iter_table_file

    def spy(path):
        threads.append(threading.current_thread())
        return real(path)

    monkeypatch.setattr(orders_mod, "iter_table_file", spy)
    a = gen_orders.write(tmp_path / "a.csv", 5, NAMES, MONTH, "custom")
    b = gen_orders.write(tmp_path / "b.csv", 5, NAMES, MONTH)
    dlg = tab.import_orders()
    dlg.set_file(a)
    with qtbot.waitSignal(dlg.file_read, timeout=20000, check_params_cb=lambda h: "工单编号" in h):
        dlg.set_file(b)
    assert threads and threading.main_thread() not in threads
    assert "工单编号" in dlg.headers and "流水号" not in dlg.headers and dlg.check_button.isEnabled()
    bad = tmp_path / "q.csv"
    bad.write_bytes(b"\xff\xfe\x00\xd8")  # UTF-16 with a lone surrogate
    with qtbot.waitSignal(dlg.file_read, timeout=20000):
        dlg.set_file(bad)
    assert "q.csv" in dlg.summary.text() and not dlg.check_button.isEnabled()
    dlg.close()


def test_the_check_shows_progress_and_can_be_cancelled(qtbot, tab, tmp_path, monkeypatch):
    # the check ran under a busy dialog without 取消: a big file held the window until it was read
    import threading

    import hotline_desktop.services.orders as orders_mod

    monkeypatch.setattr(orders_mod, "CHUNK_ROWS", 500)
    f = gen_orders.write(tmp_path / "o.csv", 3000, NAMES, MONTH)
    dlg = tab.import_orders()
    with qtbot.waitSignal(dlg.file_read, timeout=20000):
        dlg.set_file(f)
    orders = tab.services.orders
    real_plan, seen = orders.plan, []
    started, go_on = threading.Event(), threading.Event()

    def plan(path, **kw):
        progress = kw.pop("progress")

        def step(done, total):
            seen.append((done, total))
            if done and not started.is_set():
                started.set()
                go_on.wait(10)
            return progress(done, total)
        return real_plan(path, progress=step, **kw)

    monkeypatch.setattr(orders, "plan", plan)
    with qtbot.waitSignal(dlg.failed, timeout=30000):
        dlg.check_button.click()
        qtbot.waitUntil(started.is_set, timeout=20000)
        assert dlg.task.dialog.maximum() == 100  # a percentage, not a busy bar
        dlg.task.cancel()
        go_on.set()
    assert dlg.summary.text() == "已取消检查。" and dlg.plan is None and not dlg.import_button.isEnabled()
    assert 0 < seen[-1][0] < seen[-1][1]  # stopped part way
    with qtbot.waitSignal(dlg.planned, timeout=30000):
        dlg.check_button.click()
    assert len(dlg.plan.table) == 3000
    dlg.close()
