"""What a reader yields, and how raw cell text becomes contact values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: Fields a column can be mapped to, with their labels for the mapping step.
TARGETS: dict[str, str] = {
    "first_name": "First name",
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
    "status": "Lifecycle status",
    "lead_source": "Lead source",
    "tags": "Tags",
    "consent": "Consent (yes / date)",
    "unsubscribed": "Unsubscribed (yes / date)",
    "bounced": "Bounced (yes / date)",
}
#: Targets several columns may feed (their values are collected, not replaced).
MULTI = {"other_emails", "tags", "notes"}
MAX_FIELD = 1000  # characters in any field but notes
MAX_NOTES = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
    """Make a cell safe to open in a spreadsheet: formulas become plain text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


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


def split_tags(value: str) -> list[str]:
    parts = re.split(r"\s*(?::::|[,;|])\s*", value)
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


def collect(values: dict[str, object], target: str, text: str) -> None:
    """Add one cell's text to a record under ``target``."""
    text = unneutralise(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    if not text:
        return
    if target == "tags":
        values.setdefault("tags", []).extend(split_tags(text))
    elif target == "other_emails":
        values.setdefault("other_emails", []).extend(
            e for e in re.split(r"[,;\s]+", text) if e)
    elif target == "notes":
        prior = values.get("notes")
        values["notes"] = f"{prior}\n{text}" if prior else text
    elif target == "full_name":
        first, last = split_full_name(text)
        values.setdefault("first_name", first)
        values.setdefault("last_name", last)
    elif target not in values:
        values[target] = text
