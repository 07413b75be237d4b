"""文件 → 数据库连接…: SQLite by default; a server saved for the next start without its password."""

import stat

import pytest
from PySide6.QtCore import QSettings

from hotline_desktop.gui.db_connection_dialog import (
    KEY_BACKEND,
    KEY_URL,
    DbConnectionDialog,
    saved_database_url,
)
from hotline_desktop.services.connection import ServerConnection, check_connection


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def _fill(dlg, host="db.office.local", port=5432, db="hotline", user="clerk", password="s3cret:x"):
    dlg.pg_radio.setChecked(True)
    dlg.host_edit.setText(host)
    dlg.port_spin.setValue(port)
    dlg.db_edit.setText(db)
    dlg.user_edit.setText(user)
    dlg.password_edit.setText(password)


def test_sqlite_is_the_default_and_server_fields_are_off(qtbot, settings):
    dlg = DbConnectionDialog(None, settings=settings)
    qtbot.addWidget(dlg)
    assert dlg.sqlite_radio.isChecked() and not dlg.server_box.isEnabled() and not dlg.test_button.isEnabled()
    dlg.accept()
    assert saved_database_url(settings) is None


def test_server_saved_without_password_and_reopened(qtbot, settings, tmp_path):
    pgpass = tmp_path / "pgpass"
    dlg = DbConnectionDialog(None, settings=settings, pgpass=pgpass)
    qtbot.addWidget(dlg)
    _fill(dlg)
    dlg.accept()
    url = saved_database_url(settings)
    assert url == "postgresql+psycopg://clerk@db.office.local:5432/hotline"
    assert "s3cret" not in str(settings.value(KEY_URL)) and settings.value(KEY_BACKEND) == "postgresql"
    assert not pgpass.exists()  # not asked to keep it
    again = DbConnectionDialog(None, settings=settings)
    qtbot.addWidget(again)
    assert again.pg_radio.isChecked() and again.host_edit.text() == "db.office.local"
    assert again.user_edit.text() == "clerk" and again.password_edit.text() == ""


def test_kept_password_goes_to_a_private_pgpass_file_only(qtbot, settings, tmp_path):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("other:5432:*:u:p\ndb.office.local:5432:hotline:clerk:old\n")
    dlg = DbConnectionDialog(None, settings=settings, pgpass=pgpass)
    qtbot.addWidget(dlg)
    _fill(dlg)
    dlg.keep_password.setChecked(True)
    dlg.accept()
    lines = pgpass.read_text().splitlines()
    assert lines == ["other:5432:*:u:p", "db.office.local:5432:hotline:clerk:s3cret\\:x"]
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    assert "s3cret" not in str(settings.value(KEY_URL))


def test_missing_fields_are_named_and_nothing_saved(qtbot, settings):
    dlg = DbConnectionDialog(None, settings=settings)
    qtbot.addWidget(dlg)
    _fill(dlg, host="", user="")
    dlg.accept()
    assert "请填写服务器地址" in dlg.status_label.text() and "请填写用户名" in dlg.status_label.text()
    assert saved_database_url(settings) is None and dlg.result() == 0


def test_test_connection_reports_an_unreachable_server_in_chinese(qtbot, settings, tmp_path):
    dlg = DbConnectionDialog(None, settings=settings)
    qtbot.addWidget(dlg)
    _fill(dlg, host=str(tmp_path / "no-server-here"), port=5999)
    dlg.test()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=15000)
    assert "无法连接服务器" in dlg.status_label.text()


def test_connection_url_round_trip_with_a_socket_folder():
    c = ServerConnection("/tmp/sock dir", 6543, "hotline", "clerk", "pw")
    assert ServerConnection.from_url(c.url(with_password=True)) == c
    assert "pw" not in c.url()
    assert not check_connection(ServerConnection("h", 5432, "bad name", "u")).ok


def test_the_next_start_opens_the_saved_server(tmp_path, message_boxes, monkeypatch):
    from hotline_desktop.gui import app as gui_app

    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv(gui_app.ENV_EXIT_AFTER_SHOWN, "1")  # were SQLite opened, the window shows and quits (0)
    s = QSettings()  # the app's own settings (isolated per test)
    s.setValue(KEY_BACKEND, "postgresql")
    s.setValue(KEY_URL, ServerConnection(str(tmp_path / "no-server"), 5999, "hotline", "clerk").url())
    s.sync()
    assert gui_app.run_gui(str(tmp_path / "data")) == 1
    kind, _title, text = message_boxes.calls[-1]
    assert kind == "critical" and "无法连接数据库服务器" in text and "no-server" in text
    s.setValue(KEY_BACKEND, "sqlite")
    s.sync()
    assert saved_database_url() is None
