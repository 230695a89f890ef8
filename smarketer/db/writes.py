"""Transactions that write, the same way on every backend."""

from __future__ import annotations

from typing import Any

from peewee import SqliteDatabase, _atomic

from smarketer.db import db


def write_transaction() -> _atomic:
    """A transaction that is going to write. On SQLite it takes the write lock at once
    (``BEGIN IMMEDIATE``): a transaction that reads and then writes could otherwise fail when
    another process wrote in between. On a server, row locks (``FOR UPDATE``) do that job."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def lock_rows(query: Any) -> Any:
    """``query`` with ``FOR UPDATE`` on a server (SQLite's write lock already covers it)."""
    return query if isinstance(db.obj, SqliteDatabase) else query.for_update()
