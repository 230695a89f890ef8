"""A store on a PostgreSQL server: opening, creating, refusing (a private cluster on 127.0.0.1)."""

import pytest

from smarketer.db import StoreError, close_database, db, location, open_database, schema_version
from smarketer.db.migrations import LATEST_VERSION
from smarketer.db.server import ServerLocation, to_psycopg
from tests.postgres import free_port, psycopg

pytestmark = pytest.mark.postgresql


def test_an_empty_database_gets_the_latest_schema_with_the_stages(empty_server_database):
    open_database(empty_server_database)
    assert schema_version(db.obj) == LATEST_VERSION
    from smarketer.db.models.contacts import Contact
    from smarketer.db.models.deals import Stage

    assert [s.name for s in Stage.select().order_by(Stage.position)][:2] == ["New lead", "Contacted"]
    assert Stage.create(name="Later", position=9, probability=5).id == 8  # ids go on after the seeds
    zoe = Contact.create(first_name="Zoë", last_name="Ørsted", email="zoe@example.com")
    assert Contact.get_by_id(zoe.id).first_name == "Zoë"
    close_database()
    open_database(empty_server_database)  # opened again: not created twice
    assert Contact.select().count() == 1


def test_a_newer_schema_on_the_server_is_refused_untouched(server_store):
    db.execute_sql("UPDATE smarketer_schema SET version = ?", (LATEST_VERSION + 1,))
    close_database()
    with pytest.raises(StoreError, match=rf"newer Smarketer \(schema {LATEST_VERSION + 1}\)"):
        open_database(server_store)
    with psycopg.connect(server_store) as conn:
        assert conn.execute("SELECT version FROM smarketer_schema").fetchone()[0] == LATEST_VERSION + 1


def test_a_database_of_another_program_is_refused_untouched(empty_server_database):
    with psycopg.connect(empty_server_database, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="tables of another program"):
        open_database(empty_server_database)
    with psycopg.connect(empty_server_database) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
    assert names == ["invoices"]


def test_a_server_that_cannot_be_reached_is_one_clear_line():
    url = f"postgresql://owner@127.0.0.1:{free_port()}/business"
    with pytest.raises(StoreError) as caught:
        open_database(url)
    message = str(caught.value)
    assert message.startswith(f"postgresql://owner@127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}/business:")
    assert "cannot be reached" in message and "\n" not in message


def test_a_missing_database_and_a_refused_user_are_named(postgres):
    with pytest.raises(StoreError, match="no such database"):
        open_database(postgres.url("nowhere"))
    with pytest.raises(StoreError, match="role .*stranger.* does not exist|refused"):
        open_database(postgres.url("postgres").replace("smarketer@", "stranger@"))


def test_the_password_never_stays_in_the_location_and_remote_hosts_verify_tls():
    where = location("postgresql://owner:s3cret@db.example.com/business?application_name=x")
    assert isinstance(where, ServerLocation)
    assert "s3cret" not in str(where) and "s3cret" not in repr(where)
    assert str(where) == "postgresql://owner@db.example.com:5432/business?application_name=x"
    params = where.connect_params()
    assert params["sslmode"] == "verify-full" and "password" not in params
    assert location("postgresql://owner@localhost/b").connect_params().get("sslmode") is None
    assert (
        location("postgresql://o@db.example.com/b?sslmode=require").connect_params()["sslmode"] == "require"
    )
    with pytest.raises(StoreError, match="name the database"):
        location("postgresql://owner@db.example.com")


def test_the_cores_placeholders_become_psycopgs():
    assert to_psycopg("SELECT '?%' || ? WHERE a LIKE '%x' AND b = ?") == (
        "SELECT '?%%' || %s WHERE a LIKE '%%x' AND b = %s"
    )
