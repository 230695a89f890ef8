"""No silent lost update: rows that people edit carry a version number.

Contacts, deals and proposals have ``version`` (1 when made, one more on every save) and
``changed_by`` (the seat that saved last: ``user@host``). A save is a compare-and-set, ``UPDATE …
WHERE id = ? AND version = ?``: when another seat (another window, process or computer) saved
the row since this one read it, nothing is written and ``StaleEdit`` says who changed it and
when. The core turns that into a user's choice (``smarketer.conflicts``).
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import datetime
from functools import cache


@cache
def seat() -> str:
    """Who is saving: this user on this computer (what ``changed_by`` records)."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): the host still tells
        user = "someone"
    return f"{user}@{socket.gethostname()}"


@dataclass(frozen=True)
class RowNow:
    """The row as it is in the store now (None fields when it was deleted)."""

    version: int | None
    changed_by: str
    changed_at: datetime | None


class StaleEdit(Exception):
    """The row changed (or went) since it was read: the save wrote nothing."""

    def __init__(self, table: str, row_id: int, expected: int, now: RowNow):
        self.table, self.row_id, self.expected, self.now = table, row_id, expected, now
        super().__init__(
            f"{table} {row_id} is at version {now.version} (saved by {now.changed_by or 'unknown'}), "
            f"not {expected}"
        )
