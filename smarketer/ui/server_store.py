"""File → Open Database on a Server…: a PostgreSQL address, connected in the background.

Connecting (up to the server's 10 s timeout), checking and creating the schema run in a worker
behind a busy box with Cancel; the store the window shows stays open until the server is known
to be good. A server that cannot be reached says so in one line and offers Retry. A server
that asks for a password gets it from this dialog: kept in the OS keyring only when the user
ticks the box, else used for this session only. The address is remembered without a password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from smarketer.db import ServerLocation, StoreError, location
from smarketer.db.server import KEYRING_SERVICE, use_password_for_session
from smarketer.ui import dialogs
from smarketer.ui.workers import Job, run_job, show_failure

LAST_URL = "store/last_server"


def save_password(where: ServerLocation, password: str) -> bool:
    """Keep ``password`` in the OS keyring for ``where``; False when there is no keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, where.account, password)
    except KeyringError:
        return False
    return True


def check_server(where: ServerLocation) -> None:
    """The slow part of opening a server store, for a worker: connect, check the schema
    (creating it in an empty database), disconnect. Raises StoreError."""
    from smarketer.db.server_open import open_server

    open_server(where).close()


def open_server_store(window: Any) -> None:
    """Ask for the address and open it in ``window`` (the main window: ``open_store``,
    ``ui_state``)."""
    tr = window.tr
    last = str(window.ui_state.value(LAST_URL, "") or "postgresql://user@host:5432/smarketer")
    text = dialogs.ask_text(
        window,
        tr("Open a database on a server"),
        tr("PostgreSQL address (postgresql://user@host:port/name); no password here:"),
        last,
    )
    if text is None:
        return
    try:
        where = location(text)
    except StoreError as exc:
        dialogs.show_error(window, tr("Cannot open database"), str(exc))
        return
    if not isinstance(where, ServerLocation):
        window.open_store(where)
        return
    window.ui_state.setValue(LAST_URL, str(where))  # never the password
    connect(window, where)


def connect(window: Any, where: ServerLocation) -> Job:
    """Check ``where`` in a worker behind a busy box with Cancel, then switch the window to it."""
    tr = window.tr

    def cancel() -> None:
        job.cancel()  # the worker may still wait for the server: its answer is dropped
        window.hub.notify.emit(tr("Not opened: cancelled."))

    box = dialogs.busy(
        window, tr("Opening a database on a server"), tr("Connecting to {}…").format(where.name), cancel
    )

    def checked(_none: None) -> None:
        if not job.is_cancelled():
            dialogs.end_busy(box)
            window.open_store(where, on_refused=lambda exc: refused(window, where, exc))

    def failed(exc: BaseException) -> None:
        if job.is_cancelled():
            return
        dialogs.end_busy(box)
        if isinstance(exc, StoreError):
            refused(window, where, exc)
        else:
            show_failure(exc, window)

    job = run_job(check_server, where, on_success=checked, on_failure=failed, parent=window)
    window.server_job = job
    return job


def refused(window: Any, where: ServerLocation, exc: StoreError) -> None:
    """Say why in one line: Retry, or for a password, ask for it."""
    tr = window.tr
    if "password" not in exc.problem:
        dialogs.choose(
            window,
            tr("Cannot open database"),
            str(exc),
            [(tr("Retry"), lambda: connect(window, where))],
            tr("Cancel"),
        )
        return

    def typed(password: str, keep: bool) -> None:
        use_password_for_session(where, password)
        if keep and not save_password(where, password):
            window.hub.notify.emit(
                tr("No keyring on this computer: the password is kept for this session only.")
            )
        connect(window, where)

    ServerPasswordDialog(where, exc.problem, typed, window).open()


class ServerPasswordDialog(QDialog):
    """The server's password, and whether to keep it in the keyring (off unless ticked)."""

    def __init__(
        self, where: ServerLocation, problem: str, on_password: Callable[[str, bool], None], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverPassword")
        self.setWindowTitle(self.tr("Password for {}").format(where.name))
        self.on_password = on_password
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.keep = QCheckBox(self.tr("Keep it in this computer's keyring"))
        self.keep.setToolTip(self.tr("Unticked, it is used until Smarketer quits and kept nowhere"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        label = QLabel(self.tr("The server asks for the password of {}.").format(where.user or where.account))
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.password)
        layout.addWidget(self.keep)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accept(self) -> None:
        if not self.password.text():
            self.password.setFocus()
            return
        super().accept()
        self.on_password(self.password.text(), self.keep.isChecked())
