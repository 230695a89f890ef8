"""Every message box and file picker goes through here: the one seam tests replace or drive.

Boxes are shown with ``open()`` (window-modal, non-blocking) and report through callbacks, so
code that tests drive never sits in a nested event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

DB_FILTER = "Smarketer databases (*.db *.sqlite *.smarketer);;All files (*)"


def ask_open_file(parent: QWidget, title: str, file_filter: str = DB_FILTER) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(name) if name else None


def ask_save_file(
    parent: QWidget, title: str, suggested: str = "", file_filter: str = DB_FILTER
) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return Path(name) if name else None


def _box(parent, icon, title, text, detail="", buttons=QMessageBox.StandardButton.Ok):
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setObjectName("smarketerMessage")
    if detail:
        box.setDetailedText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def show_error(parent: QWidget | None, title: str, text: str, detail: str = "") -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Critical, title, text, detail)
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.open()
    return box


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    on_yes: Callable[[], None],
    yes_text: str = "OK",
    destructive: bool = False,
    on_no: Callable[[], None] | None = None,
) -> QMessageBox:
    """Ask before doing something; ``on_yes`` runs only if the user agrees (else ``on_no``).
    Escape cancels."""
    box = _box(
        parent,
        QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question,
        title,
        text,
        buttons=QMessageBox.StandardButton.Cancel,
    )
    yes = box.addButton(
        yes_text, QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel if destructive else yes)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)

    def done(_result: int) -> None:
        if box.clickedButton() is yes:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(done)
    box.open()
    return box


def choose(
    parent: QWidget,
    title: str,
    text: str,
    choices: list[tuple[str, Callable[[], None]]],
    cancel_text: str,
    on_cancel: Callable[[], None] | None = None,
    detail: str = "",
) -> QMessageBox:
    """Ask which of ``choices`` (button text, what it does) to take; the first is the default.
    Escape (``cancel_text``) runs ``on_cancel``."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text, detail, QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).setText(cancel_text)
    buttons = [(box.addButton(label, QMessageBox.ButtonRole.AcceptRole), act) for label, act in choices]
    box.setDefaultButton(buttons[0][0])
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)

    def done(_result: int) -> None:
        chosen = next((act for button, act in buttons if box.clickedButton() is button), on_cancel)
        if chosen is not None:
            chosen()

    box.finished.connect(done)
    box.open()
    return box


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """A one-line answer, or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value.strip() if ok and value.strip() else None


def open_url(url: str) -> bool:
    """Hand a mailto:, file: or web address to the desktop."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl(url))


def ask_password(parent: QWidget, title: str, label: str) -> str | None:
    """A password for this session only; None when cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return value if ok and value else None


def busy(parent: QWidget, title: str, text: str, on_cancel: Callable[[], None]) -> QProgressDialog:
    """A window-modal "working…" box (a busy bar) whose Cancel, Escape or close calls
    ``on_cancel``; the caller closes it with ``end_busy`` when the work is done."""
    box = QProgressDialog(text, QCoreApplication.translate("dialogs", "Cancel"), 0, 0, parent)
    box.setObjectName("smarketerBusy")
    box.setWindowTitle(title)
    box.setMinimumDuration(0)
    box.setAutoClose(False)
    box.setAutoReset(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.canceled.connect(on_cancel)
    box.open()
    return box


def end_busy(box: QProgressDialog) -> None:
    """Close a ``busy`` box without it counting as a cancel."""
    box.canceled.disconnect()
    box.close()


def ask_number(parent: QWidget, title: str, label: str, value: int, low: int, high: int) -> int | None:
    from PySide6.QtWidgets import QInputDialog

    number, ok = QInputDialog.getInt(parent, title, label, value, low, high)
    return number if ok else None
