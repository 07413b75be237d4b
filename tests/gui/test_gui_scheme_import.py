"""文件 → 导入考核方案…: the check dialog, replace with confirm, undo, and the scheme selectable after."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from hotline_desktop.core.scoring.scheme import builtin_schemes_dir
from hotline_desktop.gui.scheme_import import SchemeImportDialog
from hotline_desktop.gui.scheme_selector import AssignSchemeDialog

LICHENG = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")


def scheme_file(tmp_path, scheme_id="district-2026", title="某区热线考核细则", name="某区方案.toml", text=LICHENG):
    p = tmp_path / name
    p.write_text(text.replace('id = "licheng-2020"', f'id = "{scheme_id}"', 1)
                 .replace('title = "历城区热线工作考核细则"', f'title = "{title}"', 1), encoding="utf-8")
    return p


def test_valid_file_is_summarised_and_imported(qtbot, services, tmp_path):
    dlg = SchemeImportDialog(services, scheme_file(tmp_path))
    qtbot.addWidget(dlg)
    text = dlg.details.toPlainText()
    assert "方案编号：district-2026" in text and "名称：某区热线考核细则" in text and "排名组：社区、科室、乡镇（街道）" in text and "年度 17 项" in text
    assert dlg.import_button.isEnabled() and dlg.import_button.text() == "导入"
    dlg.import_button.click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert (services.paths.schemes / "district-2026.toml").exists()


def test_broken_file_lists_each_problem_with_its_line_and_cannot_be_imported(qtbot, services, tmp_path):
    bad = LICHENG.replace("max = ", 'max = "很多" #', 1).replace("format_version = 1", "format_version = 7")
    dlg = SchemeImportDialog(services, scheme_file(tmp_path, text=bad))
    qtbot.addWidget(dlg)
    assert "不是有效的考核方案" in dlg.heading.text()
    lines = dlg.details.toPlainText().splitlines()
    assert any(ln.startswith("第 9 行 format_version") and "不支持的方案文件格式版本" in ln for ln in lines)
    assert any("indicators[0].max" in ln and "必须为数字" in ln for ln in lines)
    assert not dlg.import_button.isEnabled()
    assert not services.paths.schemes.exists()


def test_builtin_id_is_refused(qtbot, services, tmp_path):
    dlg = SchemeImportDialog(services, scheme_file(tmp_path, scheme_id="licheng-2020"))
    qtbot.addWidget(dlg)
    assert "与内置方案" in dlg.details.toPlainText() and not dlg.import_button.isEnabled()


def test_replacing_a_user_scheme_asks_first(qtbot, services, tmp_path, message_boxes):
    services.schemes.import_file(scheme_file(tmp_path, title="第一版"))
    dlg = SchemeImportDialog(services, scheme_file(tmp_path, title="第二版", name="v2.toml"))
    qtbot.addWidget(dlg)
    assert "第一版" in dlg.heading.text() and dlg.import_button.text() == "替换…"
    message_boxes.answer = QMessageBox.StandardButton.No
    dlg.import_button.click()
    assert [e.title for e in services.schemes.usable() if e.id == "district-2026"] == ["第一版"]
    message_boxes.answer = QMessageBox.StandardButton.Yes
    dlg.import_button.click()
    assert "确认替换" in [t for _k, t, _x in message_boxes.calls]
    assert [e.title for e in services.schemes.usable() if e.id == "district-2026"] == ["第二版"]


@pytest.fixture
def window(qtbot, services):
    from hotline_desktop.gui.main_window import MainWindow

    win = MainWindow(services, year=2026, remember=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.release()


def test_menu_import_is_undoable_and_the_scheme_becomes_selectable(window, services, tmp_path, monkeypatch):
    assert window.import_scheme_action.text() == "导入考核方案(&M)…"
    monkeypatch.setattr(SchemeImportDialog, "exec", lambda self: (self.import_now(), self.result())[1])
    result = window.import_scheme(scheme_file(tmp_path))
    assert result.entry.id == "district-2026"
    dlg = AssignSchemeDialog(2026, set(), services.schemes.catalog())
    items = [dlg.list.item(i) for i in range(dlg.list.count())]
    mine = next(i for i in items if "district-2026" in i.text())
    assert mine.text() == "［用户方案］某区热线考核细则（district-2026）" and mine.isSelected() is False
    dlg.list.setCurrentItem(mine)
    assert dlg.chosen() == "district-2026"
    window.undo_action.trigger()
    assert not (services.paths.schemes / "district-2026.toml").exists()
    window.redo_action.trigger()
    assert [e.title for e in services.schemes.usable() if e.id == "district-2026"] == ["某区热线考核细则"]
    window.scheme_selector.assign("district-2026")
    assert window.scheme_selector.current().scheme_id == "district-2026"


def test_broken_user_file_is_listed_disabled_in_the_assign_dialog(qtbot, services):
    services.paths.schemes.mkdir()
    (services.paths.schemes / "oops.toml").write_text("format_version = 1\nid = 3\n", encoding="utf-8")
    dlg = AssignSchemeDialog(2026, set(), services.schemes.catalog())
    qtbot.addWidget(dlg)
    item = next(dlg.list.item(i) for i in range(dlg.list.count()) if "oops.toml" in dlg.list.item(i).text())
    assert "有误" in item.text() and "第 2 行 id" in item.toolTip()
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    dlg.list.setCurrentItem(item)
    assert dlg.chosen() is None
