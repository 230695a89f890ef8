"""How results are printed: a table for eyes (dates and money in the business's locale), or
with ``--json`` one JSON document per command (dates ISO 8601, amounts as exact decimal text).

Every listing and ``show`` command builds its document first and renders the table from it,
so the two never disagree.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from smarketer.cli.console import table

__all__ = ["Local", "add_json_flag", "dumps", "fields_table", "show", "stream", "table"]

JSON_HELP = "print one JSON document (described in the README) instead of a table"


def add_json_flag(parser) -> None:
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps(document) -> str:
    return json.dumps(document, default=_encode, ensure_ascii=False, indent=2)


def show(args, document: dict, text: Callable[[], str]) -> int:
    """Print ``document`` as JSON when ``--json`` was given, else the text ``text()`` builds."""
    print(dumps(document) if getattr(args, "json", False) else text())
    return 0


def stream(head: dict, key: str, items: Iterable[dict]) -> None:
    """Print the document ``{**head, key: [*items]}`` one item at a time, so a list of any
    length is never held whole in memory (``key`` comes last). Each item is one line (the fast
    C encoder; ``indent`` would take the pure-Python one)."""
    out = sys.stdout
    out.write(dumps({**head, key: []}).removesuffix("[]\n}") + "[")
    separator = "\n    "
    for item in items:
        out.write(separator + json.dumps(item, default=_encode, ensure_ascii=False))
        separator = ",\n    "
    out.write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def fields_table(pairs: list[tuple[str, str]]) -> str:
    """ "Label  value" lines, values aligned (empty ones left out); a value of several lines
    stays indented."""
    pairs = [(label, value) for label, value in pairs if value]
    width = max((len(label) for label, _ in pairs), default=0)
    lines = []
    for label, value in pairs:
        first, *rest = str(value).splitlines() or [""]
        lines.append(f"{label.ljust(width)}  {first}".rstrip())
        lines += [f"{' ' * width}  {line}".rstrip() for line in rest]
    return "\n".join(lines)


@dataclass(frozen=True)
class Local:
    """Dates, instants and money as the business writes them (its profile's locale)."""

    locale: str
    currency: str

    @classmethod
    def of_profile(cls) -> Local:
        from smarketer import settings

        profile = settings.load_profile()
        return cls(profile.locale, profile.currency)

    def day(self, value: date | None) -> str:
        from smarketer.money import format_day

        return format_day(value, self.locale) if value else ""

    def instant(self, value: datetime | None) -> str:
        from smarketer.money import format_instant

        return format_instant(value, self.locale) if value else ""

    def money(self, value: Decimal, currency: str | None = None) -> str:
        from smarketer.money import format_money

        return format_money(value, currency or self.currency, self.locale)
