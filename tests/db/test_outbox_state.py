"""The outbox's states are one enum whose values are exactly what the store accepts."""

import re
import sqlite3

from smarketer.db.models.campaigns import OutboxMessage, OutboxState


def test_the_enum_names_every_state_the_store_accepts_and_no_other(store):
    sql = (
        sqlite3.connect(store)
        .execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox_message'")
        .fetchone()[0]
    )
    listed = re.search(r"CHECK \(state IN \(([^)]*)\)\)", sql).group(1)
    assert {s.strip(" '") for s in listed.split(",")} == {s.value for s in OutboxState}
    assert OutboxMessage.state.default == "queued"
