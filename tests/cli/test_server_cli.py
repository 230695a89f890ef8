"""Every command takes a store on a server: --db postgresql://… or SMARKETER_DATABASE_URL."""

import pytest

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
