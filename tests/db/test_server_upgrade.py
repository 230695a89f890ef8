"""A server store at an older schema is brought up to date as a file is: the migration chain's
PostgreSQL steps, in one transaction, under a lock so two seats opening it at once upgrade it
once. No released schema is newer than the first server schema yet, so the tests add a step 11
(a new contact column) to the chain, and open a store created before it."""

import threading

import pytest

import smarketer.db.migrations as migrations
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db import StoreError, close_database, db, open_database, schema_version
from smarketer.db.server import ServerLocation
from smarketer.db.server_open import open_server
from tests.postgres import wait_until_blocked

pytestmark = pytest.mark.postgresql
NICKNAME = "ALTER TABLE contact ADD COLUMN nickname TEXT NOT NULL DEFAULT ''"


def test_every_version_after_the_first_server_schema_has_a_server_step():
    later = set(range(migrations.FIRST_SERVER_VERSION + 1, migrations.LATEST_VERSION + 1))
    assert set(migrations.SERVER_STEPS) == later


@pytest.fixture
def older_server(empty_server_database, monkeypatch):
    """A server store made by this Smarketer (schema 10), then a Smarketer with a step 11."""
    open_database(empty_server_database)
    save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    close_database()
    ran = []

    def server_step(database):
        ran.append(threading.current_thread().name)
        database.execute_sql(NICKNAME)

    version = migrations.LATEST_VERSION + 1
    monkeypatch.setattr(
        migrations, "STEPS", [*migrations.STEPS, lambda database: database.execute_sql(NICKNAME)]
    )
    monkeypatch.setattr(migrations, "LATEST_VERSION", version)
    monkeypatch.setitem(migrations.SERVER_STEPS, version, server_step)
    return empty_server_database, version, ran


def columns(table):
    rows = db.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY column_name",
        (table,),
    )
    return [name for (name,) in rows]


def test_an_older_server_store_is_upgraded_and_keeps_its_rows(older_server, postgres):
    url, version, ran = older_server
    open_database(url)
    assert schema_version(db.obj) == version and len(ran) == 1
    assert db.execute_sql("SELECT first_name, nickname FROM contact").fetchall() == [("Zoë", "")]
    upgraded = columns("contact")
    close_database()
    fresh = postgres.create_database()  # the same version made new: the same columns
    try:
        open_database(fresh)
        assert columns("contact") == upgraded and schema_version(db.obj) == version
    finally:
        close_database()
        postgres.drop_database(fresh)


def test_a_failing_step_leaves_the_older_store_untouched(older_server, monkeypatch):
    url, version, _ran = older_server

    def broken(database):
        database.execute_sql(NICKNAME)
        database.execute_sql("ALTER TABLE no_such_table ADD COLUMN x TEXT")

    monkeypatch.setitem(migrations.SERVER_STEPS, version, broken)
    with pytest.raises(StoreError, match="no_such_table"):
        open_database(url)
    close_database()
    monkeypatch.setattr(migrations, "LATEST_VERSION", version - 1)
    open_database(url)
    assert schema_version(db.obj) == version - 1 and "nickname" not in columns("contact")


def test_two_seats_opening_an_older_server_upgrade_it_once(older_server, postgres, monkeypatch):
    """The first seat holds the lock inside its upgrade; the second waits for it (the test
    sees it waiting on the server), then finds the store already upgraded."""
    url, version, ran = older_server
    inside, release, done, failures = threading.Event(), threading.Event(), [], []
    step = migrations.SERVER_STEPS[version]

    def slow_step(database):
        step(database)
        inside.set()
        release.wait(30)

    monkeypatch.setitem(migrations.SERVER_STEPS, version, slow_step)

    def seat():
        try:
            open_server(ServerLocation.parse(url)).close()
            done.append(threading.current_thread().name)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    first = threading.Thread(target=seat, name="first")
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=seat, name="second")
    second.start()
    with postgres.admin() as admin:
        wait_until_blocked(admin.execute, second, "wait_event = 'advisory'")
    release.set()
    first.join(30)
    second.join(30)
    assert not failures and sorted(done) == ["first", "second"]
    assert ran == ["first"]  # upgraded once
    open_database(url)
    assert schema_version(db.obj) == version
