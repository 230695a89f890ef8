"""Backups while the store is open and written to, rotation, and restore."""

import sqlite3
import threading

import pytest

from smarketer import backup
from smarketer.db import StoreError, close_database, db, open_database
from smarketer.db.models.contacts import Contact


def count(path, table="contact"):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_backup_while_another_connection_writes(demo_store, tmp_path):
    stop = threading.Event()

    def writer():
        conn = sqlite3.connect(demo_store, timeout=5)
        while not stop.is_set():
            conn.execute(
                "INSERT INTO activity (contact_id, kind, occurred_at, summary) "
                "VALUES (1, 'note', '2026-01-01T00:00:00+00:00', 'busy')"
            )
            conn.commit()
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        out = backup.backup_open_store(tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert count(out) == 60
    assert not list(tmp_path.glob("*.partial"))


def test_backup_refuses_to_overwrite_the_store_itself(demo_store):
    with pytest.raises(StoreError, match="database itself"):
        backup.backup_open_store(demo_store)


def test_automatic_backups_keep_the_newest_ten(demo_store):
    made = [backup.automatic_backup(demo_store) for _ in range(12)]
    kept = backup.list_auto_backups(demo_store)
    assert len(kept) == 10
    assert kept[0] == made[-1]
    assert made[0] not in kept and made[1] not in kept


def test_restore_refuses_to_overwrite_without_force(demo_store, tmp_path):
    saved = backup.backup_open_store(tmp_path / "saved.db")
    close_database()
    before = demo_store.read_bytes()
    with pytest.raises(StoreError, match="--force"):
        backup.restore(saved, demo_store)
    assert demo_store.read_bytes() == before


def test_restore_replaces_contents_and_keeps_the_old_ones(demo_store, tmp_path):
    saved = backup.backup_open_store(tmp_path / "saved.db")
    Contact.delete().execute()
    assert Contact.select().count() == 0
    close_database()
    kept = backup.restore(saved, demo_store, force=True)
    assert count(kept) == 0  # the replaced state is kept, in case the restore was a mistake
    open_database(demo_store)
    assert Contact.select().count() == 60


def test_restore_rejects_a_file_that_is_not_a_store(tmp_path, store):
    close_database()
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    with pytest.raises(StoreError, match="not a SQLite database"):
        backup.restore(junk, store, force=True)
    open_database(store)
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
