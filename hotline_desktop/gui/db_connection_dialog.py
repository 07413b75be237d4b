"""文件 → 数据库连接…: SQLite (this computer's data folder, the default) or a PostgreSQL server.

The choice is saved in QSettings for the next start (`saved_database_url`): the URL without a
password; a password the operator asks to keep goes to the libpq password file
(services/connection.py). 测试连接 runs off the GUI thread and answers in Chinese.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.gui.workers import run_in_background
from hotline_desktop.services.connection import (
    DEFAULT_PORT,
    ServerConnection,
    check_connection,
    save_password,
)

KEY_BACKEND = "database/backend"  # "sqlite" | "postgresql"
KEY_URL = "database/url"  # postgresql+psycopg://user@host:port/db — never with a password
OK_STYLE, ERROR_STYLE = "color:#067647;", "color:#b42318;"


def saved_database_url(settings: QSettings | None = None) -> str | None:
    """The server URL chosen in the dialog for this start (None: SQLite)."""
    s = settings or QSettings()
    if s.value(KEY_BACKEND, "sqlite") != "postgresql":
        return None
    url = str(s.value(KEY_URL, "") or "").strip()
    return url or None


class DbConnectionDialog(QDialog):
    def __init__(self, current_url: str | None = None, parent: QWidget | None = None,
                 settings: QSettings | None = None, pgpass=None):
        super().__init__(parent)
        self._settings = settings or QSettings()
        self._pgpass = pgpass  # a path for tests; None: the user's own pgpass file
        self.setWindowTitle(self.tr("数据库连接"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.sqlite_radio = QRadioButton(self.tr("本机数据文件夹（SQLite，单人使用，默认）"), self)
        self.pg_radio = QRadioButton(self.tr("PostgreSQL 服务器（多个席位共用一个数据库）"), self)
        group = QButtonGroup(self)
        for b in (self.sqlite_radio, self.pg_radio):
            group.addButton(b)
            layout.addWidget(b)
        self.server_box = QGroupBox(self.tr("服务器"), self)
        form = QFormLayout(self.server_box)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText(self.tr("如 192.168.1.10 或 db.example.gov.cn"))
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.db_edit = QLineEdit(self)
        self.user_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_password = QCheckBox(self.tr("在本机保存密码（写入 PostgreSQL 密码文件，仅本用户可读）"), self)
        form.addRow(self.tr("主机"), self.host_edit)
        form.addRow(self.tr("端口"), self.port_spin)
        form.addRow(self.tr("数据库"), self.db_edit)
        form.addRow(self.tr("用户名"), self.user_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        form.addRow("", self.keep_password)
        layout.addWidget(self.server_box)
        self.test_button = QPushButton(self.tr("测试连接"), self)
        self.test_button.clicked.connect(self.test)
        layout.addWidget(self.test_button)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        note = QLabel(self.tr("更改在下次启动程序时生效。"), self)
        note.setStyleSheet("color:#555;")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.sqlite_radio.toggled.connect(self._update)
        url = current_url if current_url is not None else saved_database_url(self._settings)
        if url:
            c = ServerConnection.from_url(url)
            self.host_edit.setText(c.host)
            self.port_spin.setValue(c.port)
            self.db_edit.setText(c.database)
            self.user_edit.setText(c.user)
            self.pg_radio.setChecked(True)
        else:
            self.db_edit.setText("hotline")
            self.sqlite_radio.setChecked(True)
        self._update()

    def connection(self) -> ServerConnection:
        return ServerConnection(self.host_edit.text().strip(), self.port_spin.value(), self.db_edit.text().strip(),
                                self.user_edit.text().strip(), self.password_edit.text())

    def _update(self) -> None:
        on = self.pg_radio.isChecked()
        self.server_box.setEnabled(on)
        self.test_button.setEnabled(on)

    def _say(self, ok: bool, text: str) -> None:
        self.status_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status_label.setText(text)

    def test(self) -> None:
        conn = self.connection()
        self.test_button.setEnabled(False)
        self._say(True, self.tr("正在连接…"))

        def done(result):
            self.test_button.setEnabled(True)
            self._say(result.ok, result.message)

        def failed(e):
            self.test_button.setEnabled(True)
            self._say(False, str(e))

        run_in_background(self, self.tr("正在连接数据库服务器…"), lambda: check_connection(conn), done, failed)

    def accept(self) -> None:
        if self.sqlite_radio.isChecked():
            self._settings.setValue(KEY_BACKEND, "sqlite")
            self._settings.sync()
            super().accept()
            return
        conn = self.connection()
        bad = conn.problems()
        if bad:
            self._say(False, "；".join(bad))
            return
        if self.keep_password.isChecked() and conn.password:
            try:
                save_password(conn, self._pgpass)
            except OSError as e:
                self._say(False, self.tr("密码没有保存（{0}）").format(e.strerror or e))
                return
        self._settings.setValue(KEY_BACKEND, "postgresql")
        self._settings.setValue(KEY_URL, conn.url(with_password=False))
        self._settings.sync()
        super().accept()
