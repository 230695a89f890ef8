"""The store: one SQLite file, opened through peewee. Imports neither Qt nor the core."""

from smarketer.db.database import (
    APPLICATION_ID,
    StoreError,
    close_database,
    db,
    open_database,
    schema_version,
    store_problem,
)

__all__ = [
    "APPLICATION_ID",
    "StoreError",
    "close_database",
    "db",
    "open_database",
    "schema_version",
    "store_problem",
]
