"""Add / edit one unit. Validates through the service on OK; saves nothing itself."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLabel, QWidget

from hotline_desktop.core.domain import UnitDraft, UnitKind, UnitRow, parent_kind_problem
from hotline_desktop.gui.field_errors import FieldErrors
from hotline_desktop.gui.ui_unit_dialog import Ui_UnitDialog
from hotline_desktop.services.units import draft_of

FIELDS = ("code", "name", "kind", "parent_code", "contact", "phone", "active", "notes")


class UnitDialog(FieldErrors, QDialog):
    """`draft()` gives what is typed; `accept()` only closes when the service finds no problem
    and `save(draft)` (the caller's undoable commit) succeeded: when the store cannot write
    (disk full, read-only), the dialog stays open with everything typed still in it.
    """

    def __init__(self, services, unit: UnitRow | None = None, parent: QWidget | None = None,
                 units: list[UnitRow] | None = None, save: Callable[[UnitDraft], bool] | None = None):
        super().__init__(parent)
        self.services = services
        self.unit = unit
        self._save = save
        self.ui = Ui_UnitDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(self.tr("编辑承办单位") if unit else self.tr("新增承办单位"))
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("确定"))
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

        for kind in UnitKind:
            self.ui.kindCombo.addItem(kind.label, kind.value)
        units = units if units is not None else services.units.list()
        self._by_code = {u.code: u for u in units}
        self._fill_parents(units)

        self._error_labels: dict[str, QLabel] = {
            "code": self.ui.codeError, "name": self.ui.nameError, "kind": self.ui.kindError,
            "parent_code": self.ui.parentError, "contact": self.ui.contactError,
            "phone": self.ui.phoneError, "notes": self.ui.notesError, "": self.ui.generalError,
        }
        self._inputs: dict[str, QWidget] = {
            "code": self.ui.codeEdit, "name": self.ui.nameEdit, "kind": self.ui.kindCombo,
            "parent_code": self.ui.parentCombo, "contact": self.ui.contactEdit,
            "phone": self.ui.phoneEdit, "notes": self.ui.notesEdit,
        }
        for label in self._error_labels.values():
            label.setProperty("errorText", True)
            label.setStyleSheet("color: #c62828;")
            label.hide()
        self.ui.codeEdit.textEdited.connect(lambda _t: self._clear_error("code"))
        self.ui.nameEdit.textEdited.connect(lambda _t: self._clear_error("name"))
        self.ui.phoneEdit.textEdited.connect(lambda _t: self._clear_error("phone"))
        self.ui.contactEdit.textEdited.connect(lambda _t: self._clear_error("contact"))
        self.ui.kindCombo.currentIndexChanged.connect(lambda _i: self._clear_error("kind"))
        self.ui.parentCombo.currentTextChanged.connect(lambda _t: self._clear_error("parent_code"))
        # the kinds' hierarchy (core rule) is shown as soon as kind or parent is picked
        self.ui.kindCombo.currentIndexChanged.connect(lambda _i: self._check_hierarchy())
        self.ui.parentCombo.currentIndexChanged.connect(lambda _i: self._check_hierarchy())

        self.set_draft(draft_of(unit) if unit else UnitDraft())
        self.resize(max(self.width(), 480), self.sizeHint().height())
        self.ui.codeEdit.setFocus()

    # -- parent combo --------------------------------------------------------------------
    def _fill_parents(self, units: list[UnitRow]) -> None:
        combo = self.ui.parentCombo
        combo.addItem(self.tr("（无）"), None)
        own = self.unit.id if self.unit else None
        for u in sorted(units, key=lambda u: (not u.active, u.code)):
            if u.id == own:
                continue
            text = f"{u.name}（{u.code}）" + ("" if u.active else self.tr(" [停用]"))
            combo.addItem(text, u.code)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.lineEdit().setPlaceholderText(self.tr("输入名称或编码搜索，可留空"))

    def _parent_code(self) -> str | None:
        combo = self.ui.parentCombo
        text = combo.currentText().strip()
        if not text or text == combo.itemText(0):
            return None
        i = combo.currentIndex()
        if i > 0 and combo.itemText(i) == combo.currentText():
            return combo.itemData(i)
        for j in range(1, combo.count()):  # typed: an exact code, name or item text
            code = combo.itemData(j)
            if text in (code, combo.itemText(j)) or combo.itemText(j).startswith(text + "（"):
                return code
        return text  # unknown: the service reports it

    def _select_parent(self, code: str | None) -> None:
        combo = self.ui.parentCombo
        i = combo.findData(code) if code else 0
        if i < 0:
            combo.setEditText(code or "")
        else:
            combo.setCurrentIndex(i)

    def hierarchy_problem(self) -> str | None:
        parent = self._by_code.get(self._parent_code() or "")
        kind = self.ui.kindCombo.currentData()
        if parent is None or kind is None:
            return None
        return parent_kind_problem(UnitKind(kind), parent.kind, parent.name)

    def _check_hierarchy(self) -> None:
        """Show (or clear) the hierarchy problem under 上级单位 without moving the focus."""
        problem = self.hierarchy_problem()
        label = self._error_labels["parent_code"]
        if problem:
            label.setText(problem)
            label.show()
            w = self.ui.parentCombo
            w.setProperty("invalid", True)
            w.style().unpolish(w)
            w.style().polish(w)
        else:
            self._clear_error("parent_code")

    # -- draft in / out ------------------------------------------------------------------
    def set_draft(self, d: UnitDraft) -> None:
        self.ui.codeEdit.setText(d.code)
        self.ui.nameEdit.setText(d.name)
        kind = d.kind.value if isinstance(d.kind, UnitKind) else str(d.kind)
        i = self.ui.kindCombo.findData(kind)
        self.ui.kindCombo.setCurrentIndex(max(i, 0))
        self._select_parent(d.parent_code)
        self.ui.contactEdit.setText(d.contact)
        self.ui.phoneEdit.setText(d.phone)
        self.ui.activeCheck.setChecked(bool(d.active))
        self.ui.notesEdit.setPlainText(d.notes)

    def draft(self) -> UnitDraft:
        return UnitDraft(
            code=self.ui.codeEdit.text(),
            name=self.ui.nameEdit.text(),
            kind=UnitKind(self.ui.kindCombo.currentData()),
            parent_code=self._parent_code(),
            contact=self.ui.contactEdit.text(),
            phone=self.ui.phoneEdit.text(),
            active=self.ui.activeCheck.isChecked(),
            notes=self.ui.notesEdit.toPlainText(),
        )

    def validate(self) -> bool:
        errs = self.services.units.validate(self.draft(), self.unit.id if self.unit else None)
        self.show_errors(dict(errs.errors))
        return not errs

    def accept(self) -> None:
        if self.validate() and (self._save is None or self._save(self.draft())):
            super().accept()
