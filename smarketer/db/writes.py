"""Transactions that write, the same way on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from peewee import SqliteDatabase, _atomic

from smarketer.db import db
from smarketer.db.fields import utc_now


def write_transaction() -> _atomic:
    """A transaction that is going to write. On SQLite it takes the write lock at once
    (``BEGIN IMMEDIATE``): a transaction that reads and then writes could otherwise fail when
    another process wrote in between. On a server, row locks (``FOR UPDATE``) do that job."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def lock_rows(query: Any) -> Any:
    """``query`` with ``FOR UPDATE`` on a server (SQLite's write lock already covers it)."""
    return query.for_update() if on_server() else query


def on_server() -> bool:
    """True when the store is a database server (several seats), not a SQLite file."""
    return not isinstance(db.obj, SqliteDatabase)


def store_now() -> datetime:
    """The store's clock: this computer's for a SQLite file, the server's (``now()``) for a
    server, so that seats on several computers compare leases against one clock."""
    if isinstance(db.obj, SqliteDatabase):
        return utc_now()
    stamp = db.execute_sql("SELECT now()").fetchone()[0]
    return cast(datetime, stamp).astimezone(UTC)
