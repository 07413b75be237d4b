"""Import through the tab: parse off the GUI thread, problems dialog, confirm, one undo step; export."""

from openpyxl import Workbook, load_workbook

from hotline_desktop.core.excel_units import COLUMNS


def write_sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append([h for _f, h, _w, _help in COLUMNS])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


GOOD = [
    ("JD03", "新街道", "乡镇·街道", "", "孙", "13700000000", "是", ""),
    ("SQ020", "新社区", "社区", "JD03", "", "", "是", ""),
    ("KS01", "区民政局", "科室·职能部门", "", "李明", "13800000009", "是", "电话已换"),  # update
]
BAD = [
    ("SQ021", "坏电话社区", "社区", "JD01", "", "12", "是", ""),
    ("SQ022", "", "社区", "", "", "", "是", ""),
]


def run_import(qtbot, tab, path):
    with qtbot.waitSignal(tab.import_planned, timeout=10000) as planned:
        tab.start_import(path)
    return planned.args[0]


def test_clean_file_confirm_then_single_undo(units_tab, qtbot, tmp_path, message_boxes):
    s = units_tab.services
    path = write_sheet(tmp_path / "units.xlsx", GOOD)
    with qtbot.waitSignal(units_tab.import_finished, timeout=10000) as done:
        run_import(qtbot, units_tab, path)
    assert done.args == [2, 1]
    assert any("新增 2" in t and "更新 1" in t for t in message_boxes.texts("question"))
    codes = {r.code for r in s.units.list()}
    assert {"JD03", "SQ020"} <= codes
    assert s.units.get(s.ids["KS01"]).phone == "13800000009"
    qtbot.waitUntil(lambda: "SQ020" in [units_tab.proxy.index(r, 0).data() for r in range(units_tab.proxy.rowCount())])
    assert units_tab.undo_stack.count() == 1

    units_tab.undo_stack.undo()
    codes = {r.code for r in s.units.list()}
    assert not {"JD03", "SQ020"} & codes
    assert s.units.get(s.ids["KS01"]).phone == "13800000001"
    assert units_tab.model.rowCount() == 6
    units_tab.undo_stack.redo()
    assert {"JD03", "SQ020"} <= {r.code for r in s.units.list()}
    assert units_tab.model.rowCount() == 8


def test_declined_confirmation_writes_nothing(units_tab, qtbot, tmp_path, message_boxes):
    from PySide6.QtWidgets import QMessageBox

    message_boxes.answer = QMessageBox.StandardButton.No
    path = write_sheet(tmp_path / "units.xlsx", GOOD)
    run_import(qtbot, units_tab, path)
    assert len(units_tab.services.units.list()) == 6


def test_problems_dialog_lists_every_problem_and_can_import_good_rows(units_tab, qtbot, tmp_path):
    s = units_tab.services
    path = write_sheet(tmp_path / "units.xlsx", GOOD + BAD)
    plan = run_import(qtbot, units_tab, path)
    assert plan.problems
    dlg = units_tab._problems_dialog
    assert dlg.isVisible()
    rows = dlg.problem_rows()
    assert {r[0] for r in rows} == {5, 6}
    assert any("联系电话" in r[1] and "格式不正确" in r[2] for r in rows)
    assert any("名称不能为空" in r[2] for r in rows)
    assert len(s.units.list()) == 6  # nothing written yet

    with qtbot.waitSignal(units_tab.import_finished, timeout=10000):
        dlg.import_button.click()
    codes = {r.code for r in s.units.list()}
    assert {"JD03", "SQ020"} <= codes and not {"SQ021", "SQ022"} & codes


def test_problems_dialog_cancel_writes_nothing(units_tab, qtbot, tmp_path):
    path = write_sheet(tmp_path / "units.xlsx", BAD)
    run_import(qtbot, units_tab, path)
    dlg = units_tab._problems_dialog
    assert not dlg.import_button.isEnabled()  # no good rows
    dlg.reject()
    assert len(units_tab.services.units.list()) == 6


def test_unreadable_file_reports_error(units_tab, qtbot, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    with qtbot.waitSignal(units_tab.task_failed, timeout=10000) as failed:
        units_tab.start_import(bad)
    assert failed.args[0]


def test_export_writes_workbook(units_tab, qtbot, tmp_path):
    out = tmp_path / "导出"
    out.mkdir()
    with qtbot.waitSignal(units_tab.export_finished, timeout=10000) as done:
        units_tab.export_to(out / "承办单位")
    path = done.args[0]
    assert path.name == "承办单位.xlsx"
    ws = load_workbook(path).active
    assert ws.max_row == 7


def test_import_parse_runs_off_gui_thread(units_tab, qtbot, tmp_path, monkeypatch):
    import threading

    seen = []
    io = units_tab.services.units_io
    real = io.plan

    def spy(path):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(path)

    monkeypatch.setattr(io, "plan", spy)
    run_import(qtbot, units_tab, write_sheet(tmp_path / "u.xlsx", BAD[:1]))
    assert seen == [False]
