"""The store: one SQLite file, opened through peewee. Imports neither Qt nor the core."""

from smarketer.db.database import StoreError, close_database, db, open_database, schema_version, store_problem
from smarketer.db.files import APPLICATION_ID

__all__ = [
    "APPLICATION_ID",
    "StoreError",
    "close_database",
    "db",
    "open_database",
    "schema_version",
    "store_problem",
]
