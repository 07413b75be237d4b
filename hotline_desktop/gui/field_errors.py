"""Error lines under a form's fields: one label per field key ("" is the form's general line)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class FieldErrors:
    """Mixin for dialogs that set `_error_labels` (key -> QLabel, with "") and `_inputs` (key -> input).

    An input with an error gets the `invalid` property (the style sheet outlines it) and the first
    one takes the focus. Unknown keys go to the general line.
    """

    _error_labels: dict[str, QLabel]
    _inputs: dict[str, QWidget]

    def errors(self) -> dict[str, str]:
        """Messages currently shown, by field."""
        return {k: lab.text() for k, lab in self._error_labels.items() if not lab.isHidden()}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show exactly these problems (earlier ones that are no longer reported disappear)."""
        for key in self._error_labels:
            self._clear_error(key)
        self.set_field_errors(errors)

    def set_field_errors(self, errors: dict[str, str]) -> None:
        """Show these problems, leaving the other fields' messages as they are."""
        by_key: dict[str, list[str]] = {}
        for field, message in errors.items():
            by_key.setdefault(field if field in self._error_labels else "", []).append(message)
        first: QWidget | None = None
        for key, messages in by_key.items():
            label = self._error_labels[key]
            label.setText("\n".join(messages))
            label.show()
            w = self._inputs.get(key)
            if w is not None:
                _set_invalid(w, True)
                first = first or w
        if first is not None:
            first.setFocus()

    def _clear_error(self, key: str) -> None:
        label = self._error_labels.get(key)
        if label is None or label.isHidden():
            return
        label.hide()
        label.clear()
        w = self._inputs.get(key)
        if w is not None and w.property("invalid"):
            _set_invalid(w, False)


def _set_invalid(w: QWidget, invalid: bool) -> None:
    w.setProperty("invalid", invalid)
    w.style().unpolish(w)
    w.style().polish(w)
