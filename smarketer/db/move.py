"""Move a business between backends: the open store copied into an EMPTY target, then checked.

``move_store(target)`` copies every table of the open store (a SQLite file or a server) into a
new SQLite file or an empty PostgreSQL database, in one transaction on the target, and before
that transaction commits compares each table's row count and content checksum on both sides
(``transfer.table_digest``): a copy that differs is rolled back, leaving the target empty. The
source is only read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee
from peewee import Database, SqliteDatabase

from smarketer.db.base import Location, StoreError, db
from smarketer.db.server import ServerDatabase, ServerLocation, connect_server

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MovedTable:
    name: str
    rows: int
    checksum: str


def _file_target(path: Path) -> SqliteDatabase:
    import smarketer.db.migrations as migrations
    from smarketer.db.database import file_pragmas

    if path.exists():
        raise StoreError(path, "already exists; move-store writes only into a new file")
    if not path.parent.is_dir():
        raise StoreError(path, f"the folder {path.parent} does not exist")
    target = SqliteDatabase(str(path), pragmas=file_pragmas(5000))
    target.connect()
    migrations.migrate(target, path, path.parent)
    return target


def _server_target(location: ServerLocation) -> ServerDatabase:
    from smarketer.db.server_open import refused, server_version

    try:
        target = connect_server(location)
    except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
        raise refused(location, exc) from None
    try:
        if server_version(target, location) is not None:
            raise StoreError(location, "is not empty; move-store writes only into an empty database")
    except BaseException:
        target.close()
        raise
    return target


def move_store(
    to: Location | str, progress: Callable[[int, int], None] | None = None
) -> tuple[Location, list[MovedTable]]:
    """Copy the open store into ``to`` (a new file, or an empty server database) and verify it
    table by table; return where it went and what was moved."""
    from smarketer.db.database import location
    from smarketer.db.migrations import LATEST_VERSION
    from smarketer.db.server_schema import create_schema, own_tables, reference_store
    from smarketer.db.transfer import copy_rows, reset_identities, table_digest

    to = location(to)
    source = db.obj
    if source is None:
        raise StoreError(Path("?"), "no store is open")
    reference = reference_store()
    tables = [name for name, _sql in own_tables(reference)]
    reference.close()
    totals = {t: source.execute_sql(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    grand, done = sum(totals.values()), 0
    target: Database = _server_target(to) if isinstance(to, ServerLocation) else _file_target(to)
    moved: list[MovedTable] = []
    try:
        with target.atomic():
            if isinstance(target, ServerDatabase):
                create_schema(target, LATEST_VERSION)
                target.execute_sql("SET CONSTRAINTS ALL DEFERRED")
            else:
                target.execute_sql("PRAGMA defer_foreign_keys = ON")
            for table in reversed(tables):  # the seeded rows (the stages) make way for the copy
                target.execute_sql(f"DELETE FROM {table}")

            def step(_table: str, rows: int) -> None:
                if progress:
                    progress(done + rows, grand)

            for table in tables:
                copy_rows(source, target, [table], step)
                done += totals[table]
            reset_identities(target, tables)
            for table in tables:
                there = table_digest(target, table)
                here = table_digest(source, table)
                if there != here:
                    raise StoreError(
                        to,
                        f"the copy of {table} does not match ({there[0]:,} rows copied of {here[0]:,}); "
                        "nothing was kept",
                    )
                moved.append(MovedTable(table, *here))
    except BaseException as exc:
        target.close()
        if isinstance(to, Path):  # a new file that did not become a store goes
            for leftover in (to, to.with_name(to.name + "-wal"), to.with_name(to.name + "-shm")):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, peewee.DatabaseError | peewee.InterfaceError):
            raise StoreError(
                to, f"the copy failed and nothing was kept ({str(exc).splitlines()[0]})"
            ) from None
        raise
    target.close()
    log.info("Moved the store to %s (%d rows)", to, grand)
    return to, moved
