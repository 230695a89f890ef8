"""The store's file: `demo`, `backup`, `restore`, `move-store`, `check`."""

from __future__ import annotations

from pathlib import Path

from smarketer import paths
from smarketer.cli.console import store_location


def register(commands) -> None:
    demo = commands.add_parser("demo", help="write a demo database to FILE and exit")
    demo.add_argument("file", type=Path, metavar="FILE")
    demo.add_argument("--force", action="store_true", help="replace FILE if it exists")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default 2026)")
    demo.add_argument(
        "--contacts",
        type=int,
        default=None,
        metavar="N",
        help="how many contacts, 1 to 100,000 (default 240)",
    )
    demo.set_defaults(run=run_demo)

    backup = commands.add_parser("backup", help="copy the database to a backup file")
    backup.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    backup.set_defaults(run=run_backup)

    restore = commands.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.add_argument("--force", action="store_true", help="overwrite an existing database")
    restore.set_defaults(run=run_restore)

    move = commands.add_parser(
        "move-store",
        help="copy the whole store into an empty PostgreSQL database or a new file, and verify it",
        description="Copies every table of the store (--db) into TARGET: an empty database on a "
        "PostgreSQL server (postgresql://user@host:port/name) or a new SQLite file, then compares row "
        "counts and a checksum of each table on both sides before keeping the copy. The store itself "
        "is only read; point Smarketer at TARGET afterwards.",
    )
    move.add_argument("--to", required=True, metavar="TARGET", type=store_location, help="URL or new FILE.db")
    move.set_defaults(run=run_move_store)

    check = commands.add_parser(
        "check",
        help="read every page of the database file and report any damage",
        description="SQLite's quick_check of every page (about a second per 100 MB). Opening the "
        "store checks only what costs nothing on a big file; the app runs this check in the "
        "background after its window is up, and backups and restores run it too.",
    )
    check.set_defaults(run=run_check)


def run_demo(args) -> int:
    from smarketer import demo

    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    size = demo.DEFAULT_CONTACTS if args.contacts is None else args.contacts
    path = demo.write_demo(args.file, seed=seed, force=args.force, contacts=size)
    print(f"Wrote a demo database with {size:,} contacts to {path}")
    return 0


def run_backup(args) -> int:
    from smarketer.backup import backup_file

    out = backup_file(args.db or paths.default_database(), args.output)
    print(f"Backed up to {out}")
    return 0


def run_restore(args) -> int:
    from smarketer.backup import restore

    target = args.db or paths.default_database()
    kept = restore(args.backup, target, force=args.force)
    print(f"Restored {target} from {args.backup}")
    if kept:
        print(f"The replaced database was kept as {kept}")
    return 0


def run_move_store(args) -> int:
    from smarketer.cli.console import open_store, progress_printer
    from smarketer.db.move import move_store

    source = open_store(args)
    show = progress_printer("Copied")
    target, tables = move_store(args.to, progress=show)
    rows = sum(t.rows for t in tables)
    print(
        f"\rMoved {rows:,} rows in {len(tables)} tables from {source} to {target}; every table's "
        "row count and checksum match."
    )
    print(f"Use it with: smarketer --db {target}")
    return 0


def run_check(args) -> int:
    from smarketer.db.base import StoreError
    from smarketer.db.database import location, probe

    where = location(args.db or paths.default_database())
    if not isinstance(where, Path):
        print("A PostgreSQL server checks its own pages: nothing to check from here.")
        return 0
    if not where.exists():
        raise StoreError(where, "does not exist")
    version = probe(where, thorough=True)  # StoreError "… is damaged: …" otherwise
    print(f"{where}: every page read, no damage found (schema {version}).")
    return 0
