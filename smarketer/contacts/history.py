"""A contact's timeline (notes and everything that happened to them) and how a day is written."""

from __future__ import annotations

from datetime import date, datetime

from smarketer.db.models.contacts import Activity
from smarketer.errors import InputInvalid


def add_note(contact_id: int, text: str) -> Activity:
    text = text.strip()
    if not text:
        raise InputInvalid("A note needs some text.")
    summary = text.splitlines()[0][:120]
    return Activity.create(contact=contact_id, kind="note", summary=summary, body=text)


def timeline(contact_id: int) -> list[Activity]:
    """The contact's timeline, newest first, each event once: an entry that repeats the one
    before it (same kind and text within the same minute, e.g. recorded twice by a retried
    job) is left out."""
    kept: list[Activity] = []
    for entry in (
        Activity.select()
        .where(Activity.contact == contact_id)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    ):
        if kept and _same_event(kept[-1], entry):
            continue
        kept.append(entry)
    return kept


def _same_event(a: Activity, b: Activity) -> bool:
    return (a.kind, a.summary, a.body, a.ref_type, a.ref_id) == (
        b.kind,
        b.summary,
        b.body,
        b.ref_type,
        b.ref_id,
    ) and abs((a.occurred_at - b.occurred_at).total_seconds()) < 60


def day_text(value: date | datetime, today: date | None = None) -> str:
    """A day as the app writes it everywhere: "Thu 19 Nov", with the year when it is not
    this year ("Mon 03 Mar 2025")."""
    from datetime import date as date_type

    today = today or date_type.today()
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    text = f"{day:%a %d %b}"
    return text if day.year == today.year else f"{text} {day.year}"
