"""Insert field ▾: the merge fields a campaign can use, inserted at the cursor of the
subject or the body, so nobody has to type ``{{ contact.first_name }}`` by hand."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QMenu, QPlainTextEdit, QToolButton, QWidget

from smarketer.campaigns.templates import CONTACT_FIELDS

#: Fields whose empty value needs a word in its place ("Hello there,").
DEFAULTS = {"first_name": "there", "company": "your business"}
SENDER_FIELDS = (("name", "Your name"), ("business", "Your business name"), ("email", "Your email address"))


def field_text(group: str, key: str) -> str:
    default = DEFAULTS.get(key) if group == "contact" else None
    return f'{{{{ {group}.{key} | default("{default}") }}}}' if default else f"{{{{ {group}.{key} }}}}"


def insert_field_button(target: Callable[[], QWidget], parent: QWidget | None = None) -> QToolButton:
    """A button whose menu inserts a field into ``target()`` (a line or text edit)."""
    button = QToolButton(parent)
    button.setText(button.tr("Insert field"))
    button.setToolTip(button.tr("Insert a merge field (the contact's first name, company…) at the cursor"))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    contact = menu.addMenu(button.tr("Contact"))
    for key in CONTACT_FIELDS:
        label = key.replace("_", " ").capitalize()
        action = contact.addAction(label)
        action.setToolTip(field_text("contact", key))
        action.triggered.connect(lambda _c=False, k=key: insert(target(), field_text("contact", k)))
    sender = menu.addMenu(button.tr("You (the sender)"))
    for key, label in SENDER_FIELDS:
        action = sender.addAction(button.tr(label))
        action.triggered.connect(lambda _c=False, k=key: insert(target(), field_text("sender", k)))
    button.setMenu(menu)
    return button


def insert(widget: QWidget, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.insert(text)
        widget.editingFinished.emit()  # saved like a typed change
    elif isinstance(widget, QPlainTextEdit):
        widget.insertPlainText(text)
    widget.setFocus()
