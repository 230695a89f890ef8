"""Opening a server store: connect, check what the database holds, create the schema if empty.

A database with our ``smarketer_schema`` table at a version this Smarketer knows is opened (an
older one upgraded first, see ``upgrade_server``); a newer one is refused as a newer file is; an
empty database gets the latest schema in one transaction (all or nothing); a database holding
other tables is refused untouched.
"""

from __future__ import annotations

import logging

import peewee

from smarketer.db.base import StoreError
from smarketer.db.files import APPLICATION_ID
from smarketer.db.server import ServerDatabase, ServerLocation, connect_server, server_problem
from smarketer.db.server_schema import VERSION_TABLE, create_schema

log = logging.getLogger(__name__)


def refused(location: ServerLocation, exc: BaseException) -> StoreError:
    problem = server_problem(exc) or f"cannot be opened ({str(exc).strip().splitlines()[0]})"
    return StoreError(location, problem)


def server_version(database: ServerDatabase, location: ServerLocation) -> int | None:
    """The schema version a server database holds; None when it is empty. Raises StoreError
    when it holds another program's tables."""
    if database.execute_sql("SELECT to_regclass(?)", (VERSION_TABLE,)).fetchone()[0] is None:
        others = database.execute_sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()[0]
        if others:
            raise StoreError(
                location, "holds tables of another program, not a Smarketer store; use an empty database"
            )
        return None
    row = database.execute_sql(f"SELECT version, application_id FROM {VERSION_TABLE}").fetchone()
    if row is None or row[1] != APPLICATION_ID:
        raise StoreError(location, "is not a Smarketer store (its schema table is not ours)")
    return int(row[0])


#: The advisory lock a seat holds while it upgrades a server store (ASCII "SmkU").
UPGRADE_LOCK = 0x536D6B55


def upgrade_server(database: ServerDatabase, location: ServerLocation) -> int:
    """Bring a server store up to the latest schema with the migration chain's PostgreSQL
    steps, all in one transaction (all or nothing) taken under an advisory lock, so that two
    seats opening an older server at once upgrade it once: the second waits, then finds it
    done. Returns the version it started from. Raises StoreError."""
    import smarketer.db.migrations as migrations

    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(?)", (UPGRADE_LOCK,))
        start = server_version(database, location) or 0
        if start < migrations.FIRST_SERVER_VERSION:
            raise StoreError(
                location, f"holds schema {start}, older than any server store; copy it with move-store"
            )
        for version in range(start + 1, migrations.LATEST_VERSION + 1):
            step = migrations.SERVER_STEPS.get(version)
            if step is None:
                raise StoreError(
                    location, f"cannot be brought to schema {version} on a server (no step for it)"
                )
            step(database)
            database.execute_sql(f"UPDATE {VERSION_TABLE} SET version = ?", (version,))
            log.info("Migrated %s to schema %d", location, version)
    return start


def open_server(location: ServerLocation, *, create: bool = True) -> ServerDatabase:
    import smarketer.db.migrations as migrations

    try:
        database = connect_server(location)
    except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
        raise refused(location, exc) from None
    try:
        version = server_version(database, location)
        if version is None:
            if not create:
                raise StoreError(location, "is an empty database, not a Smarketer store yet")
            with database.atomic():
                create_schema(database, migrations.LATEST_VERSION)
            log.info("Created the Smarketer schema %d in %s", migrations.LATEST_VERSION, location)
        elif version > migrations.LATEST_VERSION:
            raise StoreError(
                location,
                f"was written by a newer Smarketer (schema {version}); this version understands "
                f"schema {migrations.LATEST_VERSION} and older. Update Smarketer.",
            )
        elif version < migrations.LATEST_VERSION:
            upgrade_server(database, location)
    except StoreError:
        database.close()
        raise
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        database.close()
        raise refused(location, exc) from None
    return database
