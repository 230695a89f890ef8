"""What every command group shares: exit codes, the one-line parser, errors, tables, the store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TypeVar

from smarketer import paths

T = TypeVar("T")

EXIT_FAILED = 1
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not the whole usage text."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def command(actions, name: str, help_text: str, example: str, **kwargs) -> Parser:
    """A sub-command whose --help says what it does and ends with an example."""
    return actions.add_parser(
        name,
        help=help_text,
        description=help_text[0].upper() + help_text[1:] + ".",
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )


def found(thing: T | None, message: str | Callable[[], str]) -> T:
    """``thing`` when there is one; else a UserError saying so (``message`` may be a function,
    for a message that costs a query)."""
    if thing is None:
        from smarketer.errors import UserError

        raise UserError(message() if callable(message) else message)
    return thing


def fail(message: str) -> int:
    print(f"smarketer: error: {message}", file=sys.stderr)
    return EXIT_FAILED


def store_location(text: str):
    """``--db`` and ``--to``: a file's path or a ``postgresql://`` URL (its password never kept)."""
    import argparse

    from smarketer.db import StoreError, location

    try:
        return location(text)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_store(args) -> Path:
    from smarketer.db import open_database

    path = args.db or paths.default_database()
    open_database(path, backup_dir=paths.backup_dir())
    return path


def progress_printer(label: str) -> Callable[[int, int], None]:
    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(f"\r{label} {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return show


def table(rows: list[list[str]], right: AbstractSet[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )
