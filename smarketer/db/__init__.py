"""The store: one SQLite file, or a database on a PostgreSQL server, opened through peewee.
Imports neither Qt nor the core."""

from smarketer.db.database import (
    Location,
    StoreError,
    close_database,
    db,
    location,
    on_server,
    open_database,
    schema_version,
    store_problem,
)
from smarketer.db.files import APPLICATION_ID
from smarketer.db.server import ServerLocation

__all__ = [
    "APPLICATION_ID",
    "Location",
    "ServerLocation",
    "StoreError",
    "close_database",
    "db",
    "location",
    "on_server",
    "open_database",
    "schema_version",
    "store_problem",
]
