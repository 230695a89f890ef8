"""Forms with an error line under every field: the one way the app shows invalid input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

Fields = dict[str, tuple[str, QWidget]]


def add_field_rows(
    form: QFormLayout,
    fields: Fields,
    after: Callable[[str], None] | None = None,
    extra: dict[str, QWidget] | None = None,
) -> dict[str, QLabel]:
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


def show_field_errors(fields: Fields, labels: dict[str, QLabel], errors: dict[str, str]) -> bool:
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
        if box is not None and box.indexOf(widget) >= 0 or (item is not None and item.widget() is widget):
            form.setRowVisible(row, visible)
            return


# ---------------------------------------------------------------- no edit is lost
#
# One model for the whole app: forms save as you go. A form you leave (another contact, another
# section, closing its dialog, quitting) is saved; only when what was typed cannot be saved yet
# (an invalid field) does the app ask: keep editing, or discard the changes.


def widget_value(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


class ResolvesConflicts:
    """For an editor of a row another seat may save meanwhile (see ``smarketer.conflicts``)."""

    _conflict_box = None
    _after_conflict: tuple[Callable[[], None], Callable[[], None] | None] | None = None

    if TYPE_CHECKING:  # given by the QWidget it is mixed into

        def tr(self, sourceText: str, /, disambiguation: str | None = ..., n: int = ...) -> str: ...

        def window(self) -> QWidget: ...

    def ask_about_conflict(
        self, conflict, differs: list[str], reload: Callable[[], None], overwrite: Callable[[], bool]
    ) -> bool:
        """``conflict`` (an ``conflicts.EditConflict``): offer Reload (their version) or
        Overwrite (what was typed here); Escape keeps editing, nothing typed is lost. Returns
        False (not saved yet); a leave waiting on the answer goes on after either choice."""
        if self._conflict_box is not None:
            return False
        from smarketer.ui import dialogs

        def answered(act: Callable[[], bool] | None) -> Callable[[], None]:
            def run() -> None:
                self._conflict_box = None
                proceed, stay = self._after_conflict or (None, None)
                self._after_conflict = None
                if act is not None and act():
                    if proceed is not None:
                        proceed()
                elif stay is not None:
                    stay()

            return run

        def reloaded() -> bool:
            reload()
            return True

        text = str(conflict)
        if differs and not conflict.deleted:
            text += " " + self.tr("Yours and theirs differ in: {}.").format(", ".join(differs))
        self._conflict_box = dialogs.choose(
            self.window(),
            self.tr("Changed by someone else"),
            text,
            [(self.tr("Reload theirs"), answered(reloaded))]
            + ([] if conflict.deleted else [(self.tr("Overwrite with mine"), answered(overwrite))]),
            self.tr("Keep editing"),
            answered(None),
        )
        return False

    def waits_for_conflict(self, proceed: Callable[[], None], stay: Callable[[], None] | None) -> bool:
        """When the conflict question is open, go on (or stay) once it is answered."""
        if self._conflict_box is None:
            return False
        self._after_conflict = (proceed, stay)
        return True


class KeepsEdits(ResolvesConflicts):
    """For a form with ``fields`` (see add_field_rows), ``save() -> truthy`` and ``load()``:
    knows whether anything changed since it was loaded or saved."""

    #: How the form is named when it cannot be saved ("This contact cannot be saved yet").
    edit_name = "This form"

    if TYPE_CHECKING:  # what the form it is mixed into has
        fields: Fields

        def load(self, *args: Any, **kwargs: Any) -> None: ...

        def save(self) -> bool: ...

    def edit_values(self):
        return tuple(widget_value(w) for _label, w in self.fields.values())

    def mark_clean(self) -> None:
        self._clean_values = self.edit_values()

    def has_changes(self) -> bool:
        clean = getattr(self, "_clean_values", None)
        return clean is not None and self.edit_values() != clean

    def discard(self) -> None:
        self.load()


def differing(fields: Fields, mine, theirs, names: dict[str, str] | None = None) -> list[str]:
    """The labels of the fields whose values differ between two dataclasses of a form
    (``names`` maps a field's key to the dataclass's name for it when they differ)."""
    names = names or {}
    return [
        label or key
        for key, (label, _widget) in fields.items()
        if hasattr(mine, name := names.get(key, key)) and getattr(mine, name) != getattr(theirs, name, None)
    ]


def save_or_ask(form, proceed: Callable[[], None], stay: Callable[[], None] | None = None) -> bool:
    """Leaving ``form``: save its changes, then ``proceed``; when they cannot be saved, ask
    whether to discard them (then proceed) or keep editing (``stay``). True if left at once."""
    from smarketer.ui import dialogs

    if not form.has_changes() or form.save():
        proceed()
        return True
    if form.waits_for_conflict(proceed, stay):
        return False

    def discard() -> None:
        form.discard()
        proceed()

    from PySide6.QtWidgets import QMessageBox

    box = dialogs.confirm(
        form.window(),
        form.tr("Keep editing?"),
        form.tr("{} cannot be saved yet: fix the marked fields, or discard your changes.").format(
            form.tr(form.edit_name)
        ),
        discard,
        yes_text=form.tr("Discard changes"),
        destructive=True,
        on_no=stay,
    )
    box.button(QMessageBox.StandardButton.Cancel).setText(form.tr("Keep editing"))
    return False


def unsaved_form(area: QWidget):
    """Save every changed form shown in ``area`` (a section, the window); return the first
    one that could not be saved, or None. Fields saved when editing finishes (campaign drafts,
    proposals) are finished first."""
    from PySide6.QtWidgets import QApplication

    focus = QApplication.focusWidget()
    if isinstance(focus, QLineEdit) and (focus is area or area.isAncestorOf(focus)):
        focus.editingFinished.emit()
    forms = [w for w in [area, *area.findChildren(QWidget)] if isinstance(w, KeepsEdits) and w.isVisible()]
    for form in forms:
        if form.has_changes() and not form.save():
            return form
    return None
