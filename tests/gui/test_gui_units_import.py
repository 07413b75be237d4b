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


def preview(qtbot, tab):
    qtbot.waitUntil(lambda: getattr(tab, "_preview_dialog", None) is not None and tab._preview_dialog.isVisible())
    return tab._preview_dialog


def test_clean_file_confirm_then_single_undo(units_tab, qtbot, tmp_path, message_boxes):
    s = units_tab.services
    path = write_sheet(tmp_path / "units.xlsx", GOOD)
    run_import(qtbot, units_tab, path)
    dlg = preview(qtbot, units_tab)
    assert "新增 2" in dlg.intro.text() and "更新 1" in dlg.intro.text()
    rows = dlg.change_rows()
    assert [r[:4] for r in rows if r[3] == "新增单位"] == [(2, "JD03", "新街道", "新增单位"), (3, "SQ020", "新社区", "新增单位")]
    # the update shows every field it changes, old → new
    assert (4, "KS01", "区民政局", "联系电话", "13800000001", "13800000009") in rows
    with qtbot.waitSignal(units_tab.import_finished, timeout=10000) as done:
        dlg.import_button.click()
    assert done.args == [2, 1]
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
    path = write_sheet(tmp_path / "units.xlsx", GOOD)
    run_import(qtbot, units_tab, path)
    preview(qtbot, units_tab).reject()
    assert len(units_tab.services.units.list()) == 6


def test_an_empty_contact_keeps_the_stored_one_unless_blank_overwrites(units_tab, qtbot, tmp_path, message_boxes):
    """Issue 7.7: an empty 联系人 erased the stored contact, and the summary only said "更新"."""
    s = units_tab.services
    ks01 = s.units.get(s.ids["KS01"])
    assert ks01.contact
    path = write_sheet(tmp_path / "units.xlsx", [("KS01", ks01.name, "科室·职能部门", "", "", "", "是", "新备注")])
    run_import(qtbot, units_tab, path)
    dlg = preview(qtbot, units_tab)
    assert [r[3:] for r in dlg.change_rows()] == [("备注", ks01.notes, "新备注")]
    assert "保留原有内容" in dlg.intro.text()
    dlg.blank_box.setChecked(True)
    fields = {r[3]: (r[4], r[5]) for r in dlg.change_rows()}
    assert fields["联系人"] == (ks01.contact, "") and fields["联系电话"] == (ks01.phone, "")
    dlg.blank_box.setChecked(False)
    with qtbot.waitSignal(units_tab.import_finished, timeout=10000):
        dlg.import_button.click()
    after = s.units.get(ks01.id)
    assert (after.contact, after.phone, after.notes) == (ks01.contact, ks01.phone, "新备注")


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

    dlg.import_button.click()
    confirm = preview(qtbot, units_tab)
    assert {r[1] for r in confirm.change_rows()} == {"JD03", "SQ020", "KS01"}
    with qtbot.waitSignal(units_tab.import_finished, timeout=10000):
        confirm.import_button.click()
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

    def spy(path, **kw):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(path, **kw)

    monkeypatch.setattr(io, "plan", spy)
    run_import(qtbot, units_tab, write_sheet(tmp_path / "u.xlsx", BAD[:1]))
    assert seen == [False]


def test_a_hostile_workbook_is_refused_in_chinese_and_the_app_lives_on(units_tab, qtbot, tmp_path):
    """Issue 7.1: a 2 KB file with one cell at XFD1048576 aborted the whole process."""
    from xlsx_builder import cell, write_xlsx

    bad = write_xlsx(tmp_path / "far.xlsx", f'<row r="1">{cell("XFD1048576", "x")}</row>')
    with qtbot.waitSignal(units_tab.task_failed, timeout=10000) as failed:
        units_tab.start_import(bad)
    assert "XFD1048576" in failed.args[0] and "超出可读取的范围" in failed.args[0]
    assert len(units_tab.services.units.list()) == 6
