"""File → Open Database on a Server…: a PostgreSQL address, and a password kept in the keyring.

The address is remembered without its password; a server that asks for one gets it from the
OS keyring (offered once here), PGPASSWORD or ~/.pgpass.
"""

from __future__ import annotations

from typing import Any

from smarketer.db import ServerLocation, StoreError, location
from smarketer.db.server import KEYRING_SERVICE
from smarketer.ui import dialogs

LAST_URL = "store/last_server"


def save_password(where: ServerLocation, password: str) -> bool:
    """Keep ``password`` in the OS keyring for ``where``; False when there is no keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, f"{where.user}@{where.host}:{where.port}", password)
    except KeyringError:
        return False
    return True


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

    def refused(exc: StoreError) -> None:
        if "password" not in exc.problem:
            dialogs.show_error(window, tr("Cannot open database"), str(exc))
            return
        password = dialogs.ask_password(
            window,
            tr("Password for {}").format(where.name),
            tr("The server's password for {}:").format(where.user),
        )
        if password is None:
            return
        if save_password(where, password):
            window.open_store(where)
        else:
            dialogs.show_error(
                window,
                tr("No keyring"),
                tr("This computer has no keyring to keep the password: put it in ~/.pgpass or PGPASSWORD."),
            )

    window.open_store(where, on_refused=refused)
