"""Opening, creating and refusing stores."""

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from smarketer.db import APPLICATION_ID, StoreError, close_database, db, open_database
from smarketer.db.migrations import LATEST_VERSION
from smarketer.db.models.contacts import Contact


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_created_migrated_and_marked(tmp_path):
    path = tmp_path / "new.db"
    database = open_database(path)
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("user_version") == LATEST_VERSION
    assert pragma("application_id") == APPLICATION_ID
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2
    assert pragma("busy_timeout") == 5000


def test_store_keeps_data_across_reopen(tmp_path):
    path = tmp_path / "s.db"
    open_database(path)
    Contact.create(first_name="Zoë", last_name="Łukasiewicz", email="zoe@example.com")
    close_database()
    open_database(path)
    contact = Contact.get()
    assert contact.full_name == "Zoë Łukasiewicz"
    assert contact.created_at.tzinfo is not None


def test_naive_datetimes_and_floats_are_refused(store):
    with pytest.raises(ValueError, match="naive"):
        Contact.create(first_name="A", consent_at=datetime(2026, 1, 1))
    Contact.create(first_name="B", consent_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="does not exist") as info:
        open_database(tmp_path / "nope" / "x.db")
    assert "nope" in str(info.value)
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"name,email\nAda,ada@example.com\n", "not a SQLite database"),
        (bytes(range(256)) * 40, "not a SQLite database"),
    ],
)
def test_files_that_are_not_stores_are_refused_untouched(tmp_path, content, message):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(StoreError, match=message) as info:
        open_database(path)
    assert str(path) in str(info.value)
    assert digest(path) == before


def test_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="another program"):
        open_database(path)
    assert digest(path) == before


def test_truncated_store_is_refused_untouched(demo_store, tmp_path):
    close_database()
    data = demo_store.read_bytes()
    broken = tmp_path / "truncated.db"
    broken.write_bytes(data[: len(data) // 3])
    before = digest(broken)
    with pytest.raises(StoreError, match="damaged"):
        open_database(broken)
    assert digest(broken) == before


def test_corrupt_pages_are_refused(demo_store, tmp_path):
    close_database()
    data = bytearray(demo_store.read_bytes())
    for offset in range(4096 * 2, len(data) - 4096, 4096):  # scribble over every b-tree page
        data[offset : offset + 64] = b"\xff" * 64
    broken = tmp_path / "corrupt.db"
    broken.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        open_database(broken)


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    open_database(path)
    db.execute_sql(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    close_database()
    before = digest(path)
    with pytest.raises(StoreError, match="newer Smarketer"):
        open_database(path)
    assert digest(path) == before


def test_read_only_file_is_refused(tmp_path):
    path = tmp_path / "ro.db"
    open_database(path)
    close_database()
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_database(path)
    finally:
        path.chmod(0o644)


def test_locked_store_gives_a_clear_message(tmp_path):
    path = tmp_path / "locked.db"
    open_database(path)
    close_database()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # another program keeps the file to itself
    conn.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            open_database(path, busy_timeout_ms=100)
    finally:
        conn.rollback()
        conn.close()


def test_each_thread_gets_its_own_connection(store):
    Contact.create(first_name="Main")
    seen = []

    def worker():
        seen.append(Contact.select().count())
        Contact.create(first_name="Worker", lead_source="thread")
        db.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [1]
    assert Contact.select().count() == 2


def test_money_is_stored_exactly(store):
    from smarketer.settings import BusinessProfile, load_profile, save_profile

    save_profile(BusinessProfile(name="X", default_tax_rate=Decimal("7.125")))
    assert load_profile().default_tax_rate == Decimal("7.125")


def scribble_over_an_index(path, tmp_path):
    """A copy of ``path`` whose index of contacts by email is garbage: the tables read fine."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        row[0]
        for row in conn.execute(
            "SELECT rootpage FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'contact' AND rootpage > 1"
        )
    ]
    conn.close()
    data = bytearray(path.read_bytes())
    for root in roots:
        offset = (root - 1) * page_size
        data[offset : offset + page_size] = b"\xfe" * page_size
    broken = tmp_path / "index-damaged.db"
    broken.write_bytes(bytes(data))
    return broken


def test_opening_checks_cheaply_and_the_full_check_finds_the_rest(demo_store, tmp_path):
    """Opening reads the header, the length it promises and each table's first row (no cost
    that grows with the file); the page-by-page check, run after the window is up, finds a
    damaged index that opening does not read."""
    from smarketer.db.database import damage_found, probe

    close_database()
    assert damage_found(demo_store) is None
    broken = scribble_over_an_index(demo_store, tmp_path)
    assert probe(broken) == LATEST_VERSION  # opens
    problem = damage_found(broken)
    assert problem is not None and "damaged" in problem and str(broken) in problem
    with pytest.raises(StoreError, match="damaged"):
        probe(broken, thorough=True)  # what a backup or a restore asks for
