"""Facts about a store's file that opening it and migrating it share (no cycle between
``database.py`` and ``migrations.py``): our application id, SQLite's header, a safe copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

APPLICATION_ID = 0x534D4B54  # "SMKT" in PRAGMA application_id marks our files
SQLITE_HEADER = b"SQLite format 3\x00"


def copy_database(source: sqlite3.Connection, dest: Path) -> Path:
    """Write a consistent copy of an open database to ``dest`` (SQLite's online backup API).

    Safe while other connections read and write the source. The copy is written beside
    ``dest`` first and renamed into place, so a failed copy never leaves a half file.
    """
    dest = Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(str(partial))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    partial.replace(dest)
    return dest
