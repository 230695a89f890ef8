"""Backups of the store: on demand, automatically on start (keeping the last 10), and restore.

Copies go through SQLite's online backup API, so they are consistent even while the app has
the file open and is writing to it. A store on a PostgreSQL server is backed up with pg_dump
and restored with pg_restore (``smarketer.db.dump``): one archive file, one transaction.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from smarketer import paths
from smarketer.db import ServerLocation, StoreError, db, location
from smarketer.db import dump as server_dump
from smarketer.db.database import probe
from smarketer.db.files import copy_database
from smarketer.db.migrations import LATEST_VERSION

AUTO_KEEP = 10


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def _check_destination(dest: Path, source: Path | None = None) -> Path:
    dest = Path(dest).expanduser()
    if not dest.parent.is_dir():
        raise StoreError(dest, f"the folder {dest.parent} does not exist")
    if dest.is_dir():
        raise StoreError(dest, "is a folder; name the backup file to write")
    if source is not None and dest.exists() and dest.resolve() == Path(source).resolve():
        raise StoreError(dest, "is the database itself; choose another file for the backup")
    return dest


def backup_open_store(dest: Path) -> Path:
    """Copy the store that is open now (the ``db`` proxy) to ``dest``."""
    served = getattr(db.obj, "location", None)
    if isinstance(served, ServerLocation):
        return server_dump.dump(served, _check_destination(dest))
    source = Path(db.obj.database)
    dest = _check_destination(dest, source)
    try:
        return copy_database(db.connection(), dest)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(dest, f"the backup could not be written ({exc})") from None


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def backup_file(source: Path | ServerLocation, dest: Path) -> Path:
    """Copy the store at ``source`` (open elsewhere or not) to ``dest`` without changing it."""
    where = location(source)
    if isinstance(where, ServerLocation):
        return server_dump.dump(where, _check_destination(dest))
    source = where
    if not source.exists():
        raise StoreError(source, "does not exist")
    probe(source, thorough=True)  # never a backup of a damaged store
    dest = _check_destination(dest, source)
    conn = _read_only(source)
    try:
        return copy_database(conn, dest)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(dest, f"the backup could not be written ({exc})") from None
    finally:
        conn.close()


def auto_backup_folder(db_path: Path) -> Path:
    """One folder per store, named after the file and its full path."""
    resolved = str(Path(db_path).expanduser().resolve())
    digest = hashlib.sha1(resolved.encode()).hexdigest()[:8]
    folder = paths.backup_dir() / f"{Path(db_path).stem}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def list_auto_backups(db_path: Path) -> list[Path]:
    """Automatic backups of this store, newest first."""
    return sorted(auto_backup_folder(db_path).glob("*.db"), reverse=True)


def automatic_backup(db_path: Path, keep: int = AUTO_KEEP) -> Path:
    """Back up the open store into its automatic-backup folder and keep the newest ``keep``."""
    folder = auto_backup_folder(db_path)
    made = backup_open_store(folder / f"{Path(db_path).stem}-{_stamp()}.db")
    for old in list_auto_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
    return made


def restore(backup: Path, target: Path, *, force: bool = False) -> Path | None:
    """Replace the store at ``target`` with the contents of ``backup``.

    The store must not be open in this process. Refuses to overwrite an existing ``target``
    unless ``force``; when it does overwrite, the old contents are first copied into the
    automatic-backup folder, whose path is returned (None when there was nothing to keep).
    """
    where = location(target)
    if isinstance(where, ServerLocation):
        return _restore_server(Path(backup).expanduser(), where, force=force)
    backup, target = Path(backup).expanduser(), where
    if not backup.exists():
        raise StoreError(backup, "does not exist")
    version = probe(backup, thorough=True)
    if version == 0:
        raise StoreError(backup, "is an empty store; there is nothing to restore")
    if version > LATEST_VERSION:
        raise StoreError(backup, f"was written by a newer Smarketer (schema {version})")
    if not target.parent.is_dir():
        raise StoreError(target, f"the folder {target.parent} does not exist")
    if backup.resolve() == target.resolve():
        raise StoreError(target, "is the backup itself; nothing to do")
    kept = None
    if target.exists():
        if not force:
            raise StoreError(target, "already exists; add --force to overwrite it")
        probe(target)
        kept = auto_backup_folder(target) / f"{target.stem}-before-restore-{_stamp()}.db"
        backup_file(target, kept)
    src = _read_only(backup)
    dest = sqlite3.connect(str(target), timeout=5)
    try:
        src.backup(dest)
    except sqlite3.Error as exc:
        raise StoreError(target, f"could not be restored ({exc})") from None
    finally:
        dest.close()
        src.close()
    return kept


def _restore_server(backup: Path, target: ServerLocation, *, force: bool) -> Path | None:
    """Replace a server store with a pg_dump archive, keeping a dump of what it held first."""
    from smarketer.db.server import connect_server
    from smarketer.db.server_open import server_version

    if not backup.exists():
        raise StoreError(backup, "does not exist")
    if not server_dump.is_dump(backup):
        raise StoreError(
            backup,
            "is not a pg_dump archive (a SQLite file goes to a server with move-store --to)",
        )
    database = connect_server(target)
    try:
        holds = server_version(database, target) is not None
    finally:
        database.close()
    kept = None
    if holds:
        if not force:
            raise StoreError(target, "already holds a store; add --force to overwrite it")
        kept = auto_backup_folder_for(target) / f"{target.stem}-before-restore-{_stamp()}.dump"
        server_dump.dump(target, kept)
    server_dump.restore_dump(backup, target)
    return kept


def auto_backup_folder_for(where: Path | ServerLocation) -> Path:
    """The automatic-backup folder of a file or a server store."""
    if isinstance(where, ServerLocation):
        digest = hashlib.sha1(str(where).encode()).hexdigest()[:8]
        folder = paths.backup_dir() / f"{where.stem}-{digest}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return auto_backup_folder(where)
