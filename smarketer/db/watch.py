"""Seeing the other seats' work: has someone else written to the store since we last looked?

- A SQLite file: ``PRAGMA data_version`` changes when another connection (another process, or
  one of this app's worker threads) commits. Reading it costs microseconds whatever the size of
  the store, so a timer can ask it every second or two.
- A server: every table a user sees has a statement-level trigger that sends its name on the
  ``smarketer_changes`` channel (``NOTIFY``; the server sends a name once per transaction). A
  thread LISTENs on a connection of its own and collects the names until they are asked for.

``StoreWatch.changes()`` returns the names of the tables changed since the last call (``ANY``
when a SQLite file cannot say which), never blocking.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from peewee import SqliteDatabase

from smarketer.db import db

log = logging.getLogger(__name__)

CHANNEL = "smarketer_changes"
ANY = "*"
#: The tables whose changes another seat wants to see (lists, the board, the editors).
WATCHED = (
    *("contact", "contact_tag", "company", "deal", "stage", "task", "campaign", "segment"),
    *("proposal", "proposal_item", "proposal_section", "setting"),
)

_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION smarketer_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    *(
        f"CREATE OR REPLACE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION smarketer_notify()"
        for table in WATCHED
    ),
]


def install_notify_triggers(database: Any) -> None:
    """On a server: make every watched table announce its changes (idempotent)."""
    with database.atomic():
        for statement in _TRIGGERS:
            database.execute_sql(statement)


class StoreWatch:
    """Asks the open store what other seats changed; ``close()`` when done."""

    def __init__(self) -> None:
        self.database = db.obj
        self.sqlite = isinstance(self.database, SqliteDatabase)
        self._version: int | None = None
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.sqlite:
            self._version = self._data_version()
        else:
            install_notify_triggers(self.database)
            self._thread = threading.Thread(target=self._listen, name="store-watch", daemon=True)
            self._thread.start()

    def _data_version(self) -> int:
        return int(self.database.execute_sql("PRAGMA data_version").fetchone()[0])

    def changes(self) -> set[str]:
        """The tables changed by someone else since the last call (empty: nothing)."""
        if self.sqlite:
            version = self._data_version()
            changed, self._version = version != self._version, version
            return {ANY} if changed else set()
        with self._lock:
            seen, self._seen = self._seen, set()
        return seen

    def _listen(self) -> None:
        import psycopg

        params = self.database.location.connect_params()
        while not self._stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    own = conn.info.backend_pid
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            if note.pid != own:
                                with self._lock:
                                    self._seen.add(note.payload)
            except psycopg.Error as exc:  # the server went away: try again in a moment
                log.warning("watching the store for other seats' changes: %s", exc)
                with self._lock:
                    self._seen.add(ANY)  # what was missed meanwhile
                self._stop.wait(5)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
