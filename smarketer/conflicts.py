"""Two seats, one row: a save over someone else's newer save is refused, never silent.

The store refuses it (``db.versions.StaleEdit``); ``EditConflict`` tells the user who changed
the contact, deal or proposal and when. The editor then offers to reload their version or to
overwrite it with what was typed (saving again with ``expected_version`` = theirs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from smarketer.db.versions import StaleEdit
from smarketer.errors import UserError


class EditConflict(UserError):
    """Someone else saved this row since it was read: nothing was written."""

    def __init__(self, what: str, stale: StaleEdit):
        self.what = what
        self.version: int | None = stale.now.version  # save with this to overwrite theirs
        self.by = stale.now.changed_by or "another Smarketer"
        self.at: datetime | None = stale.now.changed_at
        self.deleted = stale.now.version is None
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.deleted:
            return f"This {self.what} was deleted by someone else while you were editing it."
        when = f" at {self.at.astimezone():%H:%M:%S on %a %d %b}" if self.at else ""
        return f"{self.by} changed this {self.what}{when}, while you were editing it."


@contextmanager
def checked(what: str) -> Iterator[None]:
    """Turn the store's refusal into an EditConflict naming ``what`` ("contact", "deal" …)."""
    try:
        yield
    except StaleEdit as exc:
        raise EditConflict(what, exc) from None
