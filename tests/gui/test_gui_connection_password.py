"""数据库连接…: a password is used for 测试连接 and, when asked, kept in the private pgpass file —
never in the saved address; connection errors are said in Chinese."""

import stat

from PySide6.QtWidgets import QDialogButtonBox

from hotline_desktop.gui.connection_dialog import ConnectionDialog
from hotline_desktop.paths import CONNECTION_FILE, DataPaths
from hotline_desktop.services.connection import chinese_error


def _dialog(qtbot, services, tmp_path, url, password="s3cret:x", keep=False):
    dlg = ConnectionDialog(services.paths, pgpass=tmp_path / "pgpass")
    qtbot.addWidget(dlg)
    dlg.server_radio.setChecked(True)
    dlg.url_edit.setText(url)
    dlg.password_edit.setText(password)
    dlg.keep_password.setChecked(keep)
    return dlg


def test_a_kept_password_goes_to_the_pgpass_file_only(qtbot, services, message_boxes, tmp_path):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("other:5432:*:u:p\ndbhost:5432:hotline:clerk:old\n")
    dlg = _dialog(qtbot, services, tmp_path, "postgresql+psycopg://clerk@dbhost/hotline", keep=True)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dlg.result() == 1
    assert pgpass.read_text().splitlines() == ["other:5432:*:u:p", "dbhost:5432:hotline:clerk:s3cret\\:x"]
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    saved = (services.paths.root / CONNECTION_FILE).read_text()
    assert "s3cret" not in saved and DataPaths.from_override(services.paths.root).database_url == \
        "postgresql+psycopg://clerk@dbhost/hotline"


def test_a_password_typed_into_the_address_is_moved_out_of_it(qtbot, services, message_boxes, tmp_path):
    dlg = _dialog(qtbot, services, tmp_path, "postgresql+psycopg://clerk:pw9@dbhost/hotline", password="")
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dlg.url_edit.text() == "postgresql+psycopg://clerk@dbhost/hotline" and dlg.password_edit.text() == "pw9"
    assert "pw9" not in (services.paths.root / CONNECTION_FILE).read_text()
    assert not (tmp_path / "pgpass").exists()  # not asked to keep it


def test_an_unreachable_server_is_said_in_chinese(qtbot, services, tmp_path):
    url = f"postgresql+psycopg://clerk@/hotline?host={tmp_path / 'no-server'}&port=5999"
    dlg = _dialog(qtbot, services, tmp_path, url)
    dlg.test_button.click()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled() and dlg.status_label.text() != "", timeout=15000)
    assert "无法连接数据库服务器" in dlg.status_label.text() and "服务器未启动" in dlg.status_label.text()


def test_libpq_errors_read_in_chinese():
    url = "postgresql+psycopg://clerk@dbhost:6543/hotline"
    assert chinese_error(Exception('FATAL:  password authentication failed for user "clerk"'), url) == \
        "用户名或密码错误（用户 clerk）"
    assert "没有数据库“hotline”" in chinese_error(Exception('FATAL:  database "hotline" does not exist'), url)
    assert "dbhost:6543" in chinese_error(Exception("connection refused"), url)
    assert "超时" in chinese_error(Exception("timeout expired"), url)
