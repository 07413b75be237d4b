"""文件 → 数据库连接…: this data folder's own database (SQLite), or a shared server database
(PostgreSQL). Saved in the data folder; applies at the next start (the open tabs keep theirs)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.gui.workers import run_in_background
from hotline_desktop.services import connection
from hotline_desktop.services.errors import ServiceError

OK_STYLE = "color:#067647;"
ERROR_STYLE = "color:#b42318;"


class ConnectionDialog(QDialog):
    def __init__(self, paths, parent: QWidget | None = None, pgpass=None):
        super().__init__(parent)
        self.paths = paths
        self.pgpass = pgpass  # the libpq password file (None: the user's own; tests give a path)
        self.state = connection.current(paths)
        self.setWindowTitle(self.tr("数据库连接"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        now = QLabel(self.tr("当前使用：{0}").format(self.state.in_use), self)
        now.setWordWrap(True)
        layout.addWidget(now)
        self.local_radio = QRadioButton(self.tr("本机数据库（数据文件夹中的 hotline.db，单人使用）"), self)
        self.server_radio = QRadioButton(self.tr("服务器数据库（PostgreSQL，多个席位共用）"), self)
        group = QButtonGroup(self)
        for r in (self.local_radio, self.server_radio):
            group.addButton(r)
            layout.addWidget(r)
        row = QHBoxLayout()
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("postgresql+psycopg://用户@主机/数据库")
        self.test_button = QPushButton(self.tr("测试连接"), self)
        self.test_button.clicked.connect(self.test_connection)
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.test_button)
        layout.addLayout(row)
        pw_row = QHBoxLayout()
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码（不写进地址，也不保存在设置中）"))
        self.keep_password = QCheckBox(self.tr("保存到本机 pgpass 文件（仅本用户可读）"), self)
        pw_row.addWidget(QLabel(self.tr("密码"), self))
        pw_row.addWidget(self.password_edit, 1)
        pw_row.addWidget(self.keep_password)
        layout.addLayout(pw_row)
        hint = QLabel(self.tr("密码只用于测试连接，或保存在本机的 pgpass 文件中（也可用 PGPASSWORD 环境变量），"
                              "不会写进地址或数据文件夹。更改在下次启动本软件时生效。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        layout.addWidget(hint)
        if self.state.overridden:
            over = QLabel(self.tr("注意：本次启动由命令行 --database-url 或环境变量 HOTLINE_DATABASE_URL 指定数据库，"
                                  "它们优先于这里保存的设置。"), self)
            over.setWordWrap(True)
            over.setStyleSheet(ERROR_STYLE)
            layout.addWidget(over)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        saved = self.state.saved_url
        self.url_edit.setText(saved or "")
        (self.server_radio if saved else self.local_radio).setChecked(True)
        self.server_radio.toggled.connect(self._sync)
        self.url_edit.textChanged.connect(lambda _t: self.status_label.clear())  # an old verdict goes
        self._sync()

    def _sync(self) -> None:
        on = self.server_radio.isChecked()
        for w in (self.url_edit, self.test_button, self.password_edit, self.keep_password):
            w.setEnabled(on)

    def _url_and_password(self) -> tuple[str, str]:
        """The typed address without a password (one typed into it moves to the password field)."""
        from sqlalchemy.engine import URL, make_url

        url = self.url_edit.text().strip()
        try:
            u = make_url(url)
        except Exception:  # noqa: BLE001 - check_format says what is wrong with it
            return url, self.password_edit.text()
        if u.password:
            self.password_edit.setText(str(u.password))
            url = URL.create(u.drivername, username=u.username, host=u.host, port=u.port, database=u.database,
                             query=u.query).render_as_string(hide_password=False)
            self.url_edit.setText(url)
        return url, self.password_edit.text()

    def _say(self, text: str, ok: bool) -> None:
        self.status_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status_label.setText(text)

    def test_connection(self) -> None:
        url, password = self._url_and_password()
        if not url:
            self._say(self.tr("请填写服务器数据库地址。"), False)
            return
        self.test_button.setEnabled(False)

        def done(text: str) -> None:
            self.test_button.setEnabled(True)
            self._say(text, True)

        def failed(e: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._say(str(e) if isinstance(e, ServiceError) else self.tr("测试没有完成：{0}").format(e), False)

        run_in_background(self, self.tr("正在连接数据库服务器…"), lambda: connection.probe(url, password or None),
                          done, failed)

    def save(self) -> None:
        url, password = self._url_and_password() if self.server_radio.isChecked() else (None, "")
        if self.server_radio.isChecked() and not url:
            self._say(self.tr("请填写服务器数据库地址，或选择本机数据库。"), False)
            return
        try:
            connection.save(self.paths, url)
            if url and password and self.keep_password.isChecked():
                connection.save_password(url, password, self.pgpass)
        except ServiceError as e:
            self._say(str(e), False)
            return
        except OSError as e:
            self._say(self.tr("密码没有保存（{0}）").format(e.strerror or e), False)
            return
        if url != self.state.saved_url:
            QMessageBox.information(self, self.tr("数据库连接"), self.tr("已保存。下次启动本软件时使用新的数据库连接。"))
        self.accept()
