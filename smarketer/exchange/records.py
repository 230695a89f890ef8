"""What a reader yields, and how raw cell text becomes contact values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: Fields a column can be mapped to, with their labels for the mapping step.
TARGETS: dict[str, str] = {
    "first_name": "First name",
    "middle_name": "Middle name (added to the first)",
    "last_name": "Last name",
    "full_name": "Full name (split)",
    "email": "Email",
    "other_emails": "Other email",
    "phone": "Phone",
    "title": "Job title",
    "company": "Company",
    "street": "Street",
    "postal_code": "Postal code",
    "city": "City",
    "region": "Region / state",
    "country": "Country",
    "website": "Website",
    "notes": "Notes",
    "notes_field": "Notes, with the column name",
    "status": "Lifecycle status",
    "lead_source": "Lead source",
    "tags": "Tags",
    "consent": "Consent (yes / date)",
    "consent_source": "Consent source",
    "do_not_email": "Do not email (yes / no)",
    "email_to_fix": "Email to fix (kept as written)",
    "unsubscribed": "Unsubscribed (yes / date)",
    "bounced": "Bounced (yes / date)",
}
#: Targets several columns may feed (their values are collected, not replaced).
MULTI = {"email", "other_emails", "tags", "notes", "notes_field"}
MAX_FIELD = 1000  # characters in any field but notes
MAX_NOTES = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_SHAPE = re.compile(r"\+[0-9][0-9 -]*")  # what a spreadsheet shows as text anyway
_TRUE = {"1", "y", "yes", "true", "x", "subscribed", "opted in", "opt-in", "ja", "oui", "si", "sí"}
_FALSE = {"", "0", "n", "no", "false", "nein", "non"}
_GOOGLE_SYSTEM_GROUPS = {"mycontacts", "starred", "friends & family"}


@dataclass
class Incoming:
    """One contact read from a file; ``where`` says where (e.g. "row 12", "card 3")."""

    where: str
    values: dict[str, object] = field(default_factory=dict)
    raw: list[str] = field(default_factory=list)


@dataclass
class Rejected:
    where: str
    reason: str
    raw: list[str] = field(default_factory=list)


def unneutralise(value: str) -> str:
    """Undo the apostrophe that spreadsheet-safe exports put before =, +, -, @."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet: formulas become plain text. A phone number
    made only of +, digits, spaces and dashes runs nothing and is left as it is."""
    if not value.startswith(_FORMULA_START) or _PHONE_SHAPE.fullmatch(value):
        return value
    return "'" + value


def parse_flag(value: str) -> tuple[bool, datetime | None] | None:
    """Read a yes/no or a date cell: (flag, when) or None when the cell says nothing."""
    text = value.strip().lower()
    if text in _FALSE:
        return None
    when = parse_instant(value)
    if when is not None:
        return True, when
    if text in _TRUE:
        return True, None
    return None


def parse_instant(value: str) -> datetime | None:
    text = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_TAG_SEPARATOR = re.compile(r"\s*(?::::|[,;|])\s*")
_EMAIL_SEPARATOR = re.compile(r"[,;\s]+")


def split_tags(value: str) -> list[str]:
    parts = _TAG_SEPARATOR.split(value)
    tags = []
    for part in parts:
        part = part.strip().strip('"').lstrip("*").strip()
        if part and part.lower() not in _GOOGLE_SYSTEM_GROUPS:
            tags.append(part)
    return tags


def split_full_name(value: str) -> tuple[str, str]:
    words = value.split()
    if len(words) < 2:
        return value.strip(), ""
    return " ".join(words[:-1]), words[-1]


_MULTI_VALUE = re.compile(r"\s*:::\s*")  # Google Contacts: several values in one cell


# Targets whose one-line cell is simply kept as it is (collect's last case).
_PLAIN_TARGETS = frozenset({"first_name", "last_name", "title", "company", "city", "street", "postal_code"})


def collect(values: dict[str, object], target: str, text: str, header: str = "") -> None:
    """Add one cell's text to a record under ``target`` (``header`` names the column, for
    values kept in the notes). Call ``finish`` once every cell is in."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unneutralise(text.strip())
    if not text:
        return
    if target == "notes" or ":::" not in text:  # (most cells: no regex needed)
        parts = [text]
    else:
        parts = [p for p in _MULTI_VALUE.split(text) if p]
    if target == "tags":
        _list_in(values, "tags").extend(split_tags(text))
    elif target in ("email", "other_emails"):
        found = parts if target == "email" else [e for p in parts for e in _EMAIL_SEPARATOR.split(p) if e]
        emails = _list_in(values, "emails")
        emails.extend(e for e in found if e not in emails)
    elif target == "notes":
        _add_note(values, text)
    elif target == "notes_field":
        _add_note(values, f"{header}: {' / '.join(parts)}" if header else text, "extra_notes")
    elif target in ("phone", "website"):
        if target not in values:
            values[target] = parts[0]
            parts = parts[1:]
        if parts:
            _add_note(values, f"{header or TARGETS[target]}: {' / '.join(parts)}", "extra_notes")
    elif target in ("full_name", "middle_name"):
        values.setdefault(target, text)
    elif target not in values:
        values[target] = text


def _list_in(values: dict[str, object], key: str) -> list[str]:
    """The record's list of texts under ``key`` (an empty one put there the first time)."""
    found = values.setdefault(key, [])
    assert isinstance(found, list)
    return found


def _add_note(values: dict[str, object], text: str, key: str = "notes") -> None:
    prior = values.get(key)
    values[key] = f"{prior}\n{text}" if prior else text


def finish(values: dict[str, object]) -> dict[str, object]:
    """Settle what needs every cell: the primary email and the others, middle and full
    names (a "Name" column is split only when no first or last name was given)."""
    emails = _list_in(values, "emails")
    del values["emails"]
    extra = values.pop("extra_notes", "")
    if extra:
        _add_note(values, str(extra))  # other columns' values, named, after the notes
    if emails:
        values["email"], values["other_emails"] = emails[0], emails[1:]
    middle = values.pop("middle_name", "")
    full = values.pop("full_name", "")
    if full and not (values.get("first_name") or values.get("last_name")):
        values["first_name"], values["last_name"] = split_full_name(str(full))
    if middle:
        values["first_name"] = f"{values.get('first_name', '')} {middle}".strip()
    return values


def record_from_cells(
    where: str, cells: list[str], ordered: list[tuple[int, str]], headers: Sequence[str]
) -> Incoming:
    """One row's cells as a record, the columns read in ``ordered`` (column, target) order."""
    values: dict[str, object] = {}
    width = len(cells)
    for index, target in ordered:
        if index < width:
            text = cells[index]
            if not text or text.isspace():
                continue  # (most files: many empty cells; collect would drop them anyway)
            if target in _PLAIN_TARGETS and target not in values and text.isprintable():
                text = text.strip()
                if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
                    text = text[1:]
                if text:
                    values[target] = text
                continue
            collect(values, target, text, headers[index])
    return Incoming(where, finish(values), cells)
