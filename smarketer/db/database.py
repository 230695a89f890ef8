"""Opening, checking and migrating a Smarketer store: a SQLite file, or a PostgreSQL database.

``open_database(path_or_url)`` is the only way in. It refuses, with a message naming the file
(or server) and the problem, anything it cannot safely open (not SQLite, empty, corrupt,
read-only, locked, written by a newer Smarketer, a missing folder; a server that cannot be
reached, refuses us, or holds another program's tables), and then never writes to it.
A ``postgresql://`` URL goes to ``server.py``; everything else is a file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import peewee
from peewee import SqliteDatabase

from smarketer.db.base import Location, StoreError, db
from smarketer.db.files import APPLICATION_ID, SQLITE_HEADER, copy_database  # noqa: F401
from smarketer.db.server import ServerDatabase, ServerLocation, is_server_url, server_problem

__all__ = [
    "Location",
    "StoreError",
    "damage_found",
    "db",
    "location",
    "on_server",
    "open_database",
    "schema_version",
]


def file_pragmas(busy_timeout_ms: int) -> dict[str, object]:
    return {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,  # FULL: a committed transaction survives a power cut
        "busy_timeout": busy_timeout_ms,
        "cache_size": -64 * 1024,  # 64 MB of page cache: big imports and lists stay in memory
        "temp_store": "memory",
    }


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def probe(path: Path, *, thorough: bool = False) -> int:
    """Check an existing file read-only; return its schema version or raise StoreError.

    At open this costs no more on a big file than on a small one: the header, the length the
    header promises (a truncated file), the schema and the first row of every table (a
    scribbled-over root page). ``thorough`` adds SQLite's ``quick_check`` of every page (about
    a second per 100 MB): backups and restores ask for it; the app runs ``damage_found`` in
    the background once its window is up."""
    if path.is_dir():
        raise StoreError(path, "is a folder, not a database file")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except PermissionError:
        raise StoreError(path, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise StoreError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not header:
        raise StoreError(path, "is an empty file, not a Smarketer database")
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise StoreError(path, "is not a SQLite database (Smarketer stores are SQLite files)")
    if (short := _shorter_than_promised(path, header)) is not None:
        raise StoreError(path, f"is damaged: {short}")

    conn = _read_only(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:  # each table's root page and first leaf: cheap, and catches most damage
            conn.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")] if thorough else ["ok"]
    except sqlite3.DatabaseError as exc:
        if _is_lock_error(exc):
            raise StoreError(path, "is locked by another program; close it and try again") from None
        raise StoreError(path, f"is damaged and cannot be read ({exc})") from None
    finally:
        conn.close()
    if problems != ["ok"]:
        raise StoreError(path, f"is damaged: {'; '.join(problems[:3])}")
    if app_id != APPLICATION_ID and (tables or version):
        raise StoreError(path, "is a SQLite database of another program, not a Smarketer store")
    return version


def damage_found(path: Path) -> str | None:
    """SQLite's ``quick_check`` of every page of the store's file, read-only beside whoever has
    it open: None when sound, else what is wrong in one line (a job run after the window is up)."""
    try:
        probe(Path(path), thorough=True)
    except StoreError as exc:
        return str(exc) if "damaged" in str(exc) else None  # locked, gone meanwhile: not damage
    return None


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, timeout=1.0)
    except sqlite3.Error as exc:
        raise StoreError(path, f"cannot be opened ({exc})") from None


def _shorter_than_promised(path: Path, header: bytes) -> str | None:
    """A file cut short (a copy that stopped half way): its header says how many pages the
    database had at its last commit (valid when the change counter matches, SQLite's rule)."""
    if len(header) < 100:
        return "the file is cut short (no complete header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    size = path.stat().st_size
    if Path(f"{path}-wal").exists():
        return None  # open elsewhere: a checkpoint writes the header's page ahead of the rest
    if pages and counter_valid and size < pages * page_size:
        return f"the file is cut short ({size:,} of {pages * page_size:,} bytes)"
    return None


def location(target: Path | str | ServerLocation) -> Location:
    """A store's place from what a user typed: a ``postgresql://`` URL, or a file's path.
    Raises StoreError for a URL that cannot be read."""
    if isinstance(target, ServerLocation | Path):
        return target
    if is_server_url(target):
        try:
            return ServerLocation.parse(target)
        except ValueError as exc:
            raise StoreError(str(target).split("?")[0], str(exc).split(": ", 1)[-1]) from None
    return Path(target).expanduser()


def open_database(
    path: Path | str | ServerLocation,
    *,
    backup_dir: Path | None = None,
    busy_timeout_ms: int = 5000,
    create: bool = True,
) -> SqliteDatabase | ServerDatabase:
    """Open (or create) the store at ``path`` (a file, or a ``postgresql://`` URL), migrate it
    and bind the ``db`` proxy to it.

    ``backup_dir`` receives a copy of the file before any migration step runs (next to the
    file when not given). Raises StoreError with a user-facing message on any problem.
    """
    import smarketer.db.migrations as migrations

    where = location(path)
    if isinstance(where, ServerLocation):
        from smarketer.db.server_open import open_server

        close_database()
        database = open_server(where, create=create)
        db.initialize(database)
        return database
    path = where
    if not path.parent.is_dir():
        raise StoreError(path, f"the folder {path.parent} does not exist")
    existing = path.exists()
    if existing:
        version = probe(path)
        if version > migrations.LATEST_VERSION:
            raise StoreError(
                path,
                f"was written by a newer Smarketer (schema {version}); this version "
                f"understands schema {migrations.LATEST_VERSION} and older. Update Smarketer.",
            )
        if not _writable(path):
            raise StoreError(path, "is read-only; Smarketer needs to write to its database")
    elif not create:
        raise StoreError(path, "does not exist")
    elif not _writable(path.parent):
        raise StoreError(path, f"cannot be created: the folder {path.parent} is read-only")

    close_database()
    file = SqliteDatabase(str(path), pragmas=file_pragmas(busy_timeout_ms))
    try:
        file.connect()
        migrations.migrate(file, path, backup_dir or path.parent)
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        file.close()
        if _is_lock_error(exc):
            raise StoreError(path, "is locked by another program; close it and try again") from None
        raise StoreError(path, f"could not be brought up to date and was left unchanged ({exc})") from None
    except BaseException:
        file.close()
        raise
    db.initialize(file)
    return file


def close_database() -> None:
    """Close the current store, if any (a checkpoint folds the WAL back into the file)."""
    current = db.obj
    if current is not None and not current.is_closed():
        current.close()


def schema_version(database: SqliteDatabase | ServerDatabase) -> int:
    if isinstance(database, ServerDatabase):
        return database.execute_sql("SELECT version FROM smarketer_schema").fetchone()[0]
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def on_server(database: object = None) -> bool:
    """Whether ``database`` (the open store when None) is on a PostgreSQL server."""
    return isinstance(database if database is not None else db.obj, ServerDatabase)


def _writable(path: Path) -> bool:
    # Root may write anything, so a file with no write bits counts as read-only too.
    if path.is_file() and not path.stat().st_mode & 0o222:
        return False
    return os.access(path, os.W_OK)


_STORE_PROBLEMS = (  # what SQLite says → what the owner can do about it
    (
        ("database or disk is full", "disk full", "disk is full", "no space left"),
        "the disk is full: free some space, then try again",
    ),
    (
        ("database is locked", "database is busy", "database table is locked"),
        "the database is locked by another program (Smarketer open elsewhere?); try again when "
        "it has finished",
    ),
    (
        ("readonly database", "read-only", "unable to open database file"),
        "the store's file or folder cannot be written: check its permissions, or open a copy elsewhere",
    ),
)


def store_problem(exc: BaseException) -> str | None:
    """A one-line message for a store that could not be written (full disk, locked, read-only),
    looking through the chain of errors (a failed write, then "cannot rollback …"); None when
    ``exc`` is something else."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, sqlite3.Error | peewee.DatabaseError | peewee.InterfaceError | OSError):
            text = str(seen).lower()
            for needles, message in _STORE_PROBLEMS:
                if any(needle in text for needle in needles):
                    return message
            served = server_problem(seen) if _from_server(seen) else None
            if served:
                return served
        seen = seen.__cause__ or seen.__context__
    return None


def _from_server(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("psycopg") or isinstance(
        exc, peewee.OperationalError | peewee.InterfaceError
    )
