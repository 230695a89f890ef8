"""A plain DB-API cursor for the core's fast paths (bulk imports, queueing an outbox), the same on
both backends.

On a SQLite file it is sqlite3's own cursor, untouched. On a server it is ``ServerCursor``:
the core's SQLite-style SQL (``?`` placeholders, ``INSERT OR IGNORE``) is turned into
PostgreSQL's, and ``lastrowid`` is read back with ``RETURNING id``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from peewee import Database

from smarketer.db.base import db
from smarketer.db.server import ServerDatabase, to_psycopg

_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _with_ids() -> frozenset[str]:
    from smarketer.db.models import ALL_MODELS

    return frozenset(
        m._meta.table_name for m in ALL_MODELS if "id" in m._meta.fields and m._meta.fields["id"].primary_key
    )


@functools.lru_cache(maxsize=512)
def server_sql(sql: str, single: bool) -> tuple[str, bool]:
    """(PostgreSQL's text of ``sql``, whether it returns the new row's id)."""
    returning = False
    found = _INSERT.match(sql)
    if found:
        if found[1]:
            sql = _INSERT.sub(f"INSERT INTO {found[2]}", sql, count=1) + " ON CONFLICT DO NOTHING"
        elif single and found[2] in _with_ids() and "RETURNING" not in sql.upper():
            sql, returning = sql + " RETURNING id", True
    return to_psycopg(sql), returning


class ServerCursor:
    def __init__(self, database: ServerDatabase) -> None:
        self._cursor = database.cursor()
        self.lastrowid: int | None = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> ServerCursor:
        text, returning = server_sql(sql, True)
        self._cursor.execute(text if params else text.replace("%%", "%"), params or None)
        if returning:
            self.lastrowid = self._cursor.fetchone()[0]
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> ServerCursor:
        rows = list(rows)
        if rows:
            self._cursor.executemany(server_sql(sql, False)[0], rows)
        return self

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """``COPY table (columns) FROM STDIN`` of ``rows``: one statement for the lot."""
        with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


def insert_rows(cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many new rows through a ``raw_cursor``: ``executemany`` on a SQLite file, one
    ``COPY`` on a server (rather than a statement to run per row). The rows must not clash with
    a key already there: COPY cannot skip them."""
    if not rows:
        return
    if isinstance(cursor, ServerCursor):
        cursor.copy(table, columns, rows)
    else:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
        )


def raw_cursor(database: Database | None = None) -> Any:
    """A DB-API cursor on ``database`` (the open store when None) taking SQLite-style SQL."""
    database = database if database is not None else db.obj
    if isinstance(database, ServerDatabase):
        return ServerCursor(database)
    return database.connection().cursor()
