"""How a table is modelled (the JSON column, the base model, rows people edit with a
compare-and-set on their version) and the store-wide tables: settings and stored files."""

from __future__ import annotations

import json
from typing import Any

from peewee import (
    SQL,
    AutoField,
    BlobField,
    IntegerField,
    Model,
    TextField,
)

from smarketer.db.base import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.versions import RowNow, StaleEdit, seat


class JSONTextField(TextField):
    def db_value(self, value: object) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def replace(cls, __data: Any = None, **insert: Any) -> Any:
        """Insert a row or overwrite the one with its key, the same on both backends: an upsert
        on the primary key writing every other column (peewee's replace is SQLite's INSERT OR
        REPLACE, which PostgreSQL lacks)."""
        key = cls._meta.primary_key
        rest = [f for f in cls._meta.sorted_fields if f is not key]
        return cls.insert(__data, **insert).on_conflict(conflict_target=[key], preserve=rest)


class VersionedModel(BaseModel):
    """A row people edit: every save is a compare-and-set on ``version`` (see db/versions.py).

    ``save()`` writes only while the row still has the version this instance read (or was
    told, with ``expect(version)``), bumps it and records the seat; otherwise it writes nothing
    and raises ``StaleEdit``."""

    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
    changed_by = TextField(default="", constraints=[SQL("DEFAULT ''")])

    _compare: int | None = None

    def expect(self, version: int | None) -> None:
        """Save only over this version (the one an editor started from); None: as read."""
        if version is not None:
            self.version = version

    @classmethod
    def for_edit(cls, row_id: int, expected_version: int | None = None) -> Any:
        """The row to change, to be saved over ``expected_version``; StaleEdit when gone."""
        found = cls.get_or_none(cls._meta.primary_key == row_id)
        if found is None:
            raise StaleEdit(cls._meta.table_name, row_id, expected_version or 0, RowNow(None, "", None))
        found.expect(expected_version)
        return found

    def _pk_expr(self) -> Any:  # peewee's save() updates WHERE <this>: add the version to it
        expr = super()._pk_expr()  # type: ignore[misc]
        return expr if self._compare is None else expr & (type(self).version == self._compare)

    def save(self, force_insert: bool = False, only: Any = None) -> int:
        self.changed_by = seat()
        row_id = self._pk  # type: ignore[attr-defined]
        if force_insert or row_id is None:
            self.version = 1
            return super().save(force_insert=force_insert, only=only)
        expected = self._compare = self.version
        self.version = expected + 1
        try:
            rows = super().save(only=None if only is None else [*only, "version", "changed_by"])
        finally:
            self._compare = None
        if rows != 1:
            self.version = expected
            raise StaleEdit(self._meta.table_name, row_id, expected, self.row_now(row_id))
        return rows

    @classmethod
    def row_now(cls, row_id: int) -> RowNow:
        found = (
            cls.select(cls.version, cls.changed_by, cls.updated_at)  # type: ignore[attr-defined]
            .where(cls._meta.primary_key == row_id)
            .tuples()
            .first()
        )
        return RowNow(*found) if found else RowNow(None, "", None)

    @classmethod
    def bumped(cls) -> dict[Any, Any]:
        """The values a bulk ``update()`` adds when it changes what an editor shows."""
        return {cls.version: cls.version + 1, cls.changed_by: seat()}


class Setting(BaseModel):
    """One named value (JSON) of the business profile and other per-store settings."""

    key = TextField(primary_key=True)
    value = JSONTextField()


class StoredFile(BaseModel):
    """Bytes kept inside the store: the logo, the exact PDF a client was sent."""

    id = AutoField()
    name = TextField()
    mime_type = TextField()
    data = BlobField()
    created_at = InstantField(default=utc_now)
