"""A contact's columns and fields, named once: the bulk writers (import, demo, undo) read the
stored columns from the model, the CLI and the editor the same list of text fields."""

from __future__ import annotations

from datetime import datetime

from peewee import Field

from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import LIFECYCLE_STATUSES, Contact

__all__ = [
    "COLUMNS",
    "LIFECYCLE_STATUSES",
    "LINE_FIELDS",
    "TEXT_FIELDS",
    "new_row",
]  # the statuses: for the ui

# Every column of the contact table, in the model's order.
COLUMNS: tuple[str, ...] = tuple(f.column_name for f in Contact._meta.sorted_fields)

# The one-line text fields of ContactData, in the order a form shows them (the CLI's
# --first-name … options, the contact editor's line edits); the notes are the long text.
LINE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "company",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "website",
    "lead_source",
    "consent_source",
)
TEXT_FIELDS = (*LINE_FIELDS, "notes")  # every text field of ContactData a person types


def _stored_default(field: Field, now: datetime) -> object:
    default = field.default
    if default is utc_now:  # created_at, updated_at
        value = now
    else:
        value = default() if callable(default) else default
    return None if value is None else field.db_value(value)


def new_row(now: datetime) -> dict[str, object]:
    """The stored values of a contact made ``now`` with nothing filled in (the model's
    defaults, as the database holds them; ``id`` None), by column."""
    return {f.column_name: _stored_default(f, now) for f in Contact._meta.sorted_fields}
