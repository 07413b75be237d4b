"""Pick a backup to restore: from the data folder's backups, or any file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _size(p: Path) -> str:
    try:
        n = p.stat().st_size
    except OSError:
        return ""
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class BackupPickerDialog(QDialog):
    """`chosen` is the selected backup path after accept()."""

    def __init__(self, backups: Sequence, backups_folder: Path, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("从备份恢复"))
        self.resize(520, 400)
        self.chosen: Path | None = None
        self._folder = Path(backups_folder)
        layout = QVBoxLayout(self)
        label = QLabel(intro, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget(self)
        for b in backups:  # services.backup.list() / list_backups(paths): newest first
            item = QListWidgetItem(f"{b.label}    {_size(b.path)}")
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            item.setToolTip(str(b.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.list.addItem(self.tr("（备份文件夹中没有备份）"))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.itemDoubleClicked.connect(lambda _i: self._accept_selected())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(self.tr("恢复所选备份"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(self.list.currentItem() is not None and self.list.count() > 0
                                       and self.list.item(0).flags() != Qt.ItemFlag.NoItemFlags)
        file_button = buttons.addButton(self.tr("选择其他文件…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept_selected)
        buttons.rejected.connect(self.reject)
        file_button.clicked.connect(self._choose_file)
        layout.addWidget(buttons)

    def _accept_selected(self) -> None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if data:
            self.chosen = Path(data)
            self.accept()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), str(self._folder), self.tr("数据库备份 (*.db *.sqlite);;所有文件 (*)")
        )
        if path:
            self.chosen = Path(path)
            self.accept()


def pick_backup(backups: Sequence, backups_folder: Path, intro: str, parent: QWidget | None = None) -> Path | None:
    dlg = BackupPickerDialog(backups, backups_folder, intro, parent)
    return dlg.chosen if dlg.exec() == QDialog.DialogCode.Accepted else None
