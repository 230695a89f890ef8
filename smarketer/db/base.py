"""What every part of the store layer shares: the ``db`` proxy and the one error type."""

from __future__ import annotations

from pathlib import Path

from peewee import DatabaseProxy

from smarketer.db.server import ServerLocation

#: The open store; ``open_database`` binds it to a SQLite file or a server database.
db = DatabaseProxy()

#: Where a store lives: a file, or a database on a server.
Location = Path | ServerLocation


class StoreError(Exception):
    """A store that cannot be opened or written; ``str()`` is a one-line user message."""

    def __init__(self, path: Path | str | ServerLocation, problem: str):
        self.path: Location = path if isinstance(path, ServerLocation) else Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
