"""The command line. With no sub-command it opens the app; sub-commands run headless jobs.

Every sub-command takes the global ``--db FILE`` (or ``--db postgresql://user@host:port/name``
for a store on a server; ``SMARKETER_DATABASE_URL`` gives either when ``--db`` is not given).
Errors print one line to stderr and exit
non-zero: 2 for a mistake in the command itself, 1 when the work could not be done. Only a
``UserError`` (or a store that cannot be opened, a locked or full disk, a file that cannot be
read or written) is such a line; any other exception is a bug and prints its traceback.

One module per command group registers its sub-commands (``register(commands)``) and sets
``run`` on each parser to the function that does the work.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

import peewee

from smarketer import __version__, paths
from smarketer.cli import (
    address_book,
    campaigns,
    completion,
    contacts,
    desktop,
    mail,
    pipeline,
    profile,
    proposals,
    reports,
    segments,
    store,
)
from smarketer.cli.console import EXIT_FAILED, EXIT_USAGE, Parser, fail, store_location
from smarketer.db import StoreError, location, store_problem
from smarketer.errors import UserError

__all__ = ["EXIT_FAILED", "EXIT_USAGE", "build_parser", "main"]

GROUPS = (
    store,
    profile,
    contacts,
    address_book,
    segments,
    pipeline,
    proposals,
    mail,
    campaigns,
    reports,
    desktop,
    completion,
)


DATABASE_URL = "SMARKETER_DATABASE_URL"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="smarketer",
        description="Sales and marketing for the owner-operator. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"smarketer {__version__}")
    parser.add_argument(
        "--db",
        type=store_location,
        metavar="FILE|URL",
        help=f"the database file to use (default: {paths.default_database()}; created if it does not "
        f"exist), or a store on a server: postgresql://user@host:port/name (also from {DATABASE_URL})",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a freshly generated demo database"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(commands)
    parser.set_defaults(root_parser=parser)  # for `completion`, which describes every command
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.db is None and os.environ.get(DATABASE_URL):
        try:
            args.db = location(os.environ[DATABASE_URL])
        except StoreError as exc:
            parser.error(f"{DATABASE_URL}: {exc}")
    from smarketer.logs import setup_logging

    setup_logging()
    if args.command is None:
        from smarketer.ui.app import run_app

        return run_app(db_path=args.db, demo=args.demo)
    try:
        return args.run(args)
    except (UserError, StoreError) as exc:  # what the user can put right: one line
        return fail(str(exc))
    except (sqlite3.OperationalError, peewee.OperationalError) as exc:
        problem = store_problem(exc)
        if problem is None:
            raise  # a bug: its traceback, not a one-line message
        return fail(problem)
    except BrokenPipeError:  # the reader stopped early (`… | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:
        return fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return fail("interrupted")
