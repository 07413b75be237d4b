"""Validation in the add/edit dialog: the message sits under the field; nothing is saved."""

import pytest

from hotline_desktop.gui.units.dialogs import UnitDialog


@pytest.fixture
def dialog(qtbot, seeded):
    dlg = UnitDialog(seeded, None)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def fill(dlg, code="SQ100", name="新社区", phone=""):
    dlg.ui.codeEdit.setText(code)
    dlg.ui.nameEdit.setText(name)
    dlg.ui.phoneEdit.setText(phone)


@pytest.mark.parametrize(
    "fields, key, fragment",
    [
        (dict(code="JD01"), "code", "已被“洪家楼街道”使用"),
        (dict(name="  "), "name", "名称不能为空"),
        (dict(phone="12345678901234"), "phone", "联系电话格式不正确"),
    ],
)
def test_invalid_field_shows_message_and_saves_nothing(dialog, seeded, fields, key, fragment):
    before = len(seeded.units.list())
    fill(dialog, **fields)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.result() == 0
    errs = dialog.errors()
    assert fragment in errs[key]
    assert set(errs) == {key}
    label = {"code": dialog.ui.codeError, "name": dialog.ui.nameError, "phone": dialog.ui.phoneError}[key]
    assert label.isVisible() and fragment in label.text()
    assert len(seeded.units.list()) == before


def test_error_clears_when_field_is_edited(dialog, qtbot):
    fill(dialog, code="JD01")
    dialog.accept()
    assert "code" in dialog.errors()
    qtbot.keyClicks(dialog.ui.codeEdit, "9")
    assert "code" not in dialog.errors()


def test_parent_typed_by_name_or_code(dialog):
    fill(dialog)
    dialog.ui.parentCombo.setEditText("JD02")
    assert dialog.draft().parent_code == "JD02"
    dialog.ui.parentCombo.setEditText("山大路街道")
    assert dialog.draft().parent_code == "JD02"
    dialog.ui.parentCombo.setEditText("")
    assert dialog.draft().parent_code is None
    dialog.ui.parentCombo.setEditText("不存在的单位")
    dialog.accept()
    assert "parent_code" in dialog.errors()


def test_valid_draft_accepts(dialog):
    fill(dialog, phone="0531-88886666")
    dialog.accept()
    assert dialog.result() == 1
    assert dialog.draft().code == "SQ100"


def test_edit_dialog_prefilled_and_excludes_itself(qtbot, seeded):
    unit = seeded.units.get(seeded.ids["SQ001"])
    dlg = UnitDialog(seeded, unit)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "编辑承办单位"
    assert dlg.ui.nameEdit.text() == "花园社区"
    assert dlg.draft().parent_code == "JD01"
    assert dlg.ui.parentCombo.findData("SQ001") == -1


def test_hierarchy_problem_shows_as_soon_as_kind_and_parent_are_picked(dialog, seeded):
    from hotline_desktop.core.domain import UnitKind

    fill(dialog)
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(UnitKind.COMMUNITY.value))
    dialog.ui.parentCombo.setCurrentIndex(dialog.ui.parentCombo.findData("SQ001"))
    assert "社区的上级单位只能是乡镇·街道" in dialog.errors()["parent_code"]
    dialog.ui.parentCombo.setCurrentIndex(dialog.ui.parentCombo.findData("JD01"))
    assert "parent_code" not in dialog.errors()
    dialog.ui.parentCombo.setCurrentIndex(dialog.ui.parentCombo.findData("KS01"))
    assert "不能是“区民政局”" in dialog.errors()["parent_code"]
    dialog.accept()  # the service says the same: nothing is saved
    assert dialog.isVisible() and "SQ100" not in {r.code for r in seeded.units.list()}
