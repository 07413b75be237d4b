"""文件 → 数据库连接…: this data folder's own database (SQLite), or a shared server database
(PostgreSQL). Saved in the data folder; applies at the next start (the open tabs keep theirs)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
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
    def __init__(self, paths, parent: QWidget | None = None):
        super().__init__(parent)
        self.paths = paths
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
        hint = QLabel(self.tr("密码请放在 pgpass 文件或 PGPASSWORD 环境变量中，不要写进地址。更改在下次启动本软件时生效。"), self)
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
        self.url_edit.setEnabled(on)
        self.test_button.setEnabled(on)

    def _say(self, text: str, ok: bool) -> None:
        self.status_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status_label.setText(text)

    def test_connection(self) -> None:
        url = self.url_edit.text().strip()
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

        run_in_background(self, self.tr("正在连接数据库服务器…"), lambda: connection.probe(url), done, failed)

    def save(self) -> None:
        url = self.url_edit.text().strip() if self.server_radio.isChecked() else None
        if self.server_radio.isChecked() and not url:
            self._say(self.tr("请填写服务器数据库地址，或选择本机数据库。"), False)
            return
        try:
            connection.save(self.paths, url)
        except ServiceError as e:
            self._say(str(e), False)
            return
        if url != self.state.saved_url:
            QMessageBox.information(self, self.tr("数据库连接"), self.tr("已保存。下次启动本软件时使用新的数据库连接。"))
        self.accept()
