"""文件 → 数据库连接…: choose this folder's hotline.db or a server database, saved for the next start."""

from PySide6.QtWidgets import QDialogButtonBox

from hotline_desktop.gui.connection_dialog import ConnectionDialog
from hotline_desktop.paths import CONNECTION_FILE, DataPaths


def test_choosing_a_server_saves_it_for_the_next_start(qtbot, services, message_boxes, tmp_path):
    dlg = ConnectionDialog(services.paths)
    qtbot.addWidget(dlg)
    assert dlg.local_radio.isChecked() and not dlg.url_edit.isEnabled()
    dlg.server_radio.setChecked(True)
    assert dlg.url_edit.isEnabled() and dlg.test_button.isEnabled()
    dlg.url_edit.setText("mysql://u@h/db")
    save = dlg.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert "不支持的数据库类型" in dlg.status_label.text() and dlg.result() == 0  # said, not accepted
    assert not (services.paths.root / CONNECTION_FILE).exists()
    dlg.url_edit.setText("postgresql+psycopg://clerk@dbhost/hotline")
    dlg.resize(700, dlg.sizeHint().height())
    dlg.grab().save(str(tmp_path / "connection.png"))
    save.click()
    assert dlg.result() == 1
    assert DataPaths.from_override(services.paths.root).database_url == "postgresql+psycopg://clerk@dbhost/hotline"
    assert message_boxes.texts("information") == ["已保存。下次启动本软件时使用新的数据库连接。"]
    again = ConnectionDialog(services.paths)
    qtbot.addWidget(again)
    assert again.server_radio.isChecked() and again.url_edit.text() == "postgresql+psycopg://clerk@dbhost/hotline"


def test_the_menu_opens_it(qtbot, services):
    from hotline_desktop.gui.main_window import MainWindow

    win = MainWindow(services)
    qtbot.addWidget(win)
    assert win.connection_action.text() == "数据库连接(&D)…"
    dlg = win.connection_dialog(modal=False)
    assert isinstance(dlg, ConnectionDialog) and "hotline.db" in dlg.state.in_use
    dlg.close()
    win.release()


def test_testing_a_connection_runs_off_the_gui_thread_and_says_what_is_there(qtbot, services):
    import pg_support
    import pytest

    if not pg_support.server_url():
        pytest.skip("no PostgreSQL test server (--pg-url)")
    url = pg_support.empty_database()
    try:
        dlg = ConnectionDialog(services.paths)
        qtbot.addWidget(dlg)
        dlg.server_radio.setChecked(True)
        dlg.url_edit.setText(url)
        dlg.test_button.click()
        qtbot.waitUntil(lambda: "空数据库" in dlg.status_label.text(), timeout=20000)
        assert dlg.test_button.isEnabled()
        dlg.url_edit.setText(url.replace("port=", "port=1"))
        assert dlg.status_label.text() == ""  # the verdict was for the old address
    finally:
        pg_support.drop(url)
