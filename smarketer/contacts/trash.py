"""Deleted contacts wait in the trash until restored or the trash is emptied."""

from __future__ import annotations

from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Contact


def delete_contacts(ids: list[int]) -> None:
    """Move contacts to the trash (restorable)."""
    Contact.update(deleted_at=utc_now()).where(Contact.id.in_(ids)).execute()


def restore_contacts(ids: list[int]) -> None:
    Contact.update(deleted_at=None).where(Contact.id.in_(ids)).execute()


def empty_trash() -> int:
    return Contact.delete().where(Contact.deleted_at.is_null(False)).execute()
