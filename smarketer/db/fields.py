"""Column types with the guarantees the domain needs: aware instants and exact money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import overload

from peewee import TextField


def utc_now() -> datetime:
    return datetime.now(UTC)


def read_instant(text: str) -> datetime:
    """A stored instant (ISO 8601) as an aware datetime: a column read with raw SQL."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class InstantField(TextField):
    """A point in time, stored as ISO 8601 in UTC and always read back timezone-aware.

    A naive datetime is refused: an instant without a zone is a bug waiting to happen.
    """

    @overload
    def db_value(self, value: None) -> None: ...
    @overload
    def db_value(self, value: datetime | str) -> str: ...
    def db_value(self, value: datetime | str | None) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError(f"{self.name}: naive datetime {value!r}; use an aware one")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def python_value(self, value: str | None) -> datetime | None:
        return None if value is None else read_instant(value)


class DecimalTextField(TextField):
    """An exact Decimal stored as text (SQLite's NUMERIC would turn it into a float)."""

    def db_value(self, value: Decimal | str | int | float | None) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError(f"{self.name}: floats are not money; pass a Decimal or a string")
        return str(Decimal(value))

    def python_value(self, value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)
