"""Every command takes a store on a server: --db postgresql://… or SMARKETER_DATABASE_URL."""

import pytest

from smarketer.db import close_database
from tests.cli.conftest import one_line_error

pytestmark = pytest.mark.postgresql


def test_commands_work_on_a_server_store_by_url_and_by_environment(run_cli, empty_server_database):
    added = run_cli(
        "contacts", "add", "--first-name", "Zoë", "--last-name", "Łukasiewicz", "--email", "zoe@example.com",
        "--tag", "vip", db=empty_server_database,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run_cli(
        "contacts", "list", "--json", db=None, env={"SMARKETER_DATABASE_URL": empty_server_database}
    )
    assert [c["email"] for c in listed.json()["contacts"]] == ["zoe@example.com"]
    found = run_cli("contacts", "list", "--search", "lukas", "--json", db=empty_server_database).json()
    assert [c["email"] for c in found["contacts"]] == ["zoe@example.com"]


def test_a_server_that_cannot_be_reached_or_a_bad_url_is_one_line(run_cli):
    from tests.postgres import free_port

    down = run_cli("contacts", "list", db=f"postgresql://owner@127.0.0.1:{free_port()}/business")
    assert down.returncode == 1 and "cannot be reached" in down.stderr
    assert len(down.stderr.strip().splitlines()) == 1 and "Traceback" not in down.stderr
    bad = run_cli("contacts", "list", db="postgresql://owner@db.example.com")
    assert bad.returncode == 2 and "name the database" in bad.stderr


def test_move_store_from_the_command_line(run_cli, demo_store, empty_server_database):
    close_database()
    done = run_cli("move-store", "--to", empty_server_database, db=demo_store)
    assert done.returncode == 0, done.stderr
    assert "row count and checksum match" in done.stdout
    listed = run_cli("contacts", "list", "--json", db=empty_server_database).json()
    assert listed["count"] == 60
    again = run_cli("move-store", "--to", empty_server_database, db=demo_store)
    assert "is not empty" in one_line_error(again)


def test_backup_and_restore_of_a_server_store_use_pg_dump(run_cli, server_store, tmp_path, monkeypatch):
    from smarketer.db.models.contacts import Contact

    Contact.create(first_name="Kept", last_name="Safe")
    close_database()
    made = run_cli("backup", "-o", tmp_path / "business.dump", db=server_store)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "business.dump").read_bytes().startswith(b"PGDMP")
    assert run_cli("contacts", "add", "--first-name", "Later", db=server_store).returncode == 0

    refused = run_cli("restore", tmp_path / "business.dump", db=server_store)
    assert "add --force" in one_line_error(refused)
    restored = run_cli("restore", tmp_path / "business.dump", "--force", db=server_store)
    assert restored.returncode == 0, restored.stderr
    names = [c["name"] for c in run_cli("contacts", "list", "--json", db=server_store).json()["contacts"]]
    assert names == ["Kept Safe"]
    assert "kept as" in restored.stdout  # what the store held before is a dump in the backups

    sqlite_file = tmp_path / "plain.db"
    assert run_cli("contacts", "list", db=sqlite_file).returncode == 0
    wrong = run_cli("restore", sqlite_file, "--force", db=server_store)
    assert "move-store" in one_line_error(wrong)

    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump to be found
    from smarketer.db import dump

    monkeypatch.setattr(dump.glob, "glob", lambda pattern: [])
    with pytest.raises(Exception, match="pg_dump: not found.*postgresql-client"):
        dump.find_program("pg_dump")
