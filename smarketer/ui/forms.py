"""Forms with an error line under every field: the one way the app shows invalid input."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

Fields = dict[str, tuple[str, QWidget]]


def add_field_rows(form: QFormLayout, fields: Fields,
                   after: Callable[[str], None] | None = None,
                   extra: dict[str, QWidget] | None = None) -> dict[str, QLabel]:
    """Add each (label, widget) with a hidden error label beneath it; return the error labels.

    ``extra`` puts a widget between a field and its error line (a hint); ``after(key)`` may
    add rows after a field."""
    errors: dict[str, QLabel] = {}
    for key, (text, widget) in fields.items():
        if not widget.accessibleName():
            widget.setAccessibleName(text or getattr(widget, "text", lambda: "")())
        error = QLabel()
        error.setProperty("role", "fieldError")
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.hide()
        errors[key] = error
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        if extra and key in extra:
            box.addWidget(extra[key])
        box.addWidget(error)
        form.addRow(text, box)
        if after:
            after(key)
    return errors


def show_field_errors(fields: Fields, labels: dict[str, QLabel],
                      errors: dict[str, str]) -> bool:
    """Show each field's message (hide the others), focus the first invalid field; True if
    there was any."""
    for key, label in labels.items():
        label.setText(errors.get(key, ""))
        label.setVisible(key in errors)
    first = next((k for k in fields if k in errors), None)
    if first is not None:
        fields[first][1].setFocus()
    return first is not None


def set_field_visible(form: QFormLayout, widget: QWidget, visible: bool) -> None:
    """Show or hide the row (label, field, hint and error line) that holds ``widget``."""
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        box = item.layout() if item is not None else None
        if box is not None and box.indexOf(widget) >= 0 or (
                item is not None and item.widget() is widget):
            form.setRowVisible(row, visible)
            return
