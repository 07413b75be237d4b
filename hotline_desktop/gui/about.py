"""The 关于 and 帮助 texts: version, where the data lives, licences; keyboard shortcuts."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from hotline_desktop import APP_TITLE, __version__

# (distribution, shown name, licence) of what the installed program contains.
COMPONENTS = (
    ("PySide6-Essentials", "Qt for Python (PySide6) / Qt", "LGPL-3.0"),
    ("SQLAlchemy", "SQLAlchemy", "MIT"),
    ("alembic", "Alembic", "MIT"),
    ("openpyxl", "openpyxl", "MIT"),
    ("defusedxml", "defusedxml", "PSF-2.0"),
    ("python-calamine", "python-calamine", "MIT"),
    ("reportlab", "ReportLab", "BSD-3-Clause"),
    ("platformdirs", "platformdirs", "MIT"),
    ("chinesecalendar", "chinesecalendar", "MIT"),
)

# (keys, what they do) — the shortcuts 帮助 lists; keep in step with the actions.
SHORTCUTS = (
    ("F1", "打开本帮助"),
    ("Ctrl+Z", "撤销（当前页）"),
    ("Ctrl+Y / Ctrl+Shift+Z", "重做"),
    ("Ctrl+N", "承办单位：新增单位；督办通知：新建通知；知识库：采集新条目"),
    ("回车（Enter / Return）/ 双击", "承办单位：编辑所选单位；督办通知：编辑所选通知；年度考核完成情况：转到该单位"),
    ("Ctrl+P", "督办通知：打印所选通知"),
    ("Ctrl+F", "聚焦当前页的搜索框"),
    ("直接输入 / F2", "月度数据：编辑单元格"),
    ("回车 / Shift+回车", "月度数据：确认并下移 / 上移"),
    ("Tab / Shift+Tab", "月度数据：右移 / 左移"),
    ("Ctrl+C / Ctrl+V", "月度数据：复制 / 粘贴（可与 Excel 互相粘贴整块）"),
    ("Delete", "月度数据：清除所选单元格；年度考核：移除所选证明材料"),
    ("Ctrl+Q", "退出"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("About", text)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "—"


def about_html(paths) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(name)}</td><td>{e(_version(dist))}</td><td>{e(lic)}</td></tr>" for dist, name, lic in COMPONENTS
    )
    return _tr(
        "<h3>{title}</h3>"
        "<p>版本 {version}<br>Python {py} · Qt {qt} · PySide6 {pyside}</p>"
        "<p><b>数据文件夹：</b>{root}<br><b>数据库：</b>{db}<br><b>备份：</b>{backups}</p>"
        "<p><b>所用组件及许可证：</b></p>"
        "<table cellspacing='0' cellpadding='2'><tr><th align='left'>组件</th><th align='left'>版本</th>"
        "<th align='left'>许可证</th></tr>{rows}</table>"
        "<p>Qt 与 PySide6 按 LGPL-3.0 使用（动态链接，可替换）。PDF 使用系统中文字体（宋体、黑体或文泉驿正黑）嵌入子集。</p>"
    ).format(
        title=e(APP_TITLE), version=e(__version__), py=e(platform.python_version()), qt=e(qVersion()),
        pyside=e(PYSIDE_VERSION), root=e(str(paths.root)), db=e(paths.location),
        backups=e(str(paths.backups)), rows=rows,
    )


def help_html() -> str:
    e = html.escape
    rows = "".join(f"<tr><td><b>{e(k)}</b>　</td><td>{e(t)}</td></tr>" for k, t in SHORTCUTS)
    return _tr(
        "<h3>键盘快捷键</h3><table cellspacing='0' cellpadding='3'>{rows}</table>"
        "<p>月度数据表格的用法与 Excel 相同：选中单元格直接输入即可；有误的单元格标红并列在表格下方，"
        "点击列表中的条目可跳到该单元格。每次修改立即保存，可随时撤销。</p>"
    ).format(rows=rows)


class HelpDialog(QDialog):
    """帮助: the keyboard shortcuts; non-modal, one instance per window (F1 raises it)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_tr("帮助"))
        self.browser = QTextBrowser(self)
        self.browser.setHtml(help_html())
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_tr("关闭"))
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(560, 520)

