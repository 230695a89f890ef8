"""Rows from one store to another, whatever the backends, and a checksum to prove it.

Used to seed a new server store, and by ``move-store`` (``smarketer.storemove``) to carry a
business between a SQLite file and a PostgreSQL database in either direction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from peewee import Database

from smarketer.db.server import ServerDatabase, to_psycopg

BATCH = 2000


def _executemany(database: Database, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if isinstance(database, ServerDatabase):
        database.cursor().executemany(to_psycopg(sql), rows)
    else:
        database.connection().executemany(sql, rows)


def _boolean_columns(database: Database, table: str) -> set[str]:
    if not isinstance(database, ServerDatabase):
        return set()
    rows = database.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? AND data_type = 'boolean'",
        (table,),
    ).fetchall()
    return {r[0] for r in rows}


def _key(database: Database, table: str) -> str:
    """An ORDER BY that lists ``table``'s rows the same way on both backends."""
    columns = [c.name for c in database.get_columns(table)]
    keys = [c for c in database.get_primary_keys(table)] or columns
    return ", ".join(keys)


def copy_rows(
    source: Database,
    target: Database,
    tables: Iterable[str],
    progress: Callable[[str, int], None] | None = None,
) -> None:
    """Insert every row of ``tables`` (in this order: parents first) from ``source`` into
    ``target``, keeping ids. In the caller's transaction on ``target``."""
    for table in tables:
        cursor = source.execute_sql(f"SELECT * FROM {table} ORDER BY {_key(source, table)}")
        columns = [d[0] for d in cursor.description]
        flags = _boolean_columns(target, table)
        fix = [i for i, c in enumerate(columns) if c in flags]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        done = 0
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            if fix:
                batch = [
                    tuple(bool(v) if i in fix and v is not None else v for i, v in enumerate(r))
                    for r in batch
                ]
            _executemany(target, sql, batch)
            done += len(batch)
            if progress:
                progress(table, done)


def reset_identities(database: Database, tables: Iterable[str]) -> None:
    """After rows came in with their ids, the next new id follows the largest one (server)."""
    if not isinstance(database, ServerDatabase):
        return
    for table in tables:
        for column in database.get_columns(table):
            sequence = database.execute_sql(
                "SELECT pg_get_serial_sequence(?, ?)", (table, column.name)
            ).fetchone()[0]
            if sequence:
                database.execute_sql(
                    f"SELECT setval(?, coalesce((SELECT max({column.name}) FROM {table}), 0) + 1, false)",
                    (sequence,),
                )


def _canonical(value: Any) -> bytes:
    if value is None:
        return b"\x00"
    if isinstance(value, bool):
        return b"i" + str(int(value)).encode()
    if isinstance(value, int):
        return b"i" + str(value).encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return b"b" + bytes(value)
    return b"s" + str(value).encode()


def table_digest(database: Database, table: str) -> tuple[int, str]:
    """(row count, checksum of the rows' values): equal on both backends when the rows are
    equal, whatever the column types or the server's collation. Each row's SHA-256 is summed
    (mod 2**256), so the order the rows come in does not matter."""
    cursor = database.execute_sql(f"SELECT * FROM {table}")
    columns = sorted(range(len(cursor.description)), key=lambda i: cursor.description[i][0])
    total = count = 0
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            break
        for row in rows:
            count += 1
            digest = hashlib.sha256()
            for i in columns:
                digest.update(_canonical(row[i]))
                digest.update(b"\x1f")
            total = (total + int.from_bytes(digest.digest(), "big")) % (1 << 256)
    return count, f"{total:064x}"
