"""`contacts …` and `segment …` through the real entry point on a real store."""

import json

import pytest

from tests.cli.conftest import one_line_error

# The commands on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


def _add(run_cli, *args):
    result = run_cli("contacts", "add", *args)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[2].rstrip(":"))


def test_add_list_show_edit_and_the_timeline(run_cli, tmp_path):
    zoe = _add(
        run_cli,
        "--first-name",
        "Zoë",
        "--last-name",
        "Łukasiewicz",
        "--email",
        "zoe@Example.COM",
        "--tag",
        "vip",
        "--tag",
        "fair 2026",
        "--consent",
        "--consent-source",
        "fair",
        "--city",
        "Galway",
        "--phone",
        "+353 91 123 456",
    )
    bob = _add(run_cli, "--first-name", "Bob", "--email", "bob@example.com", "--status", "customer")
    listed = run_cli("contacts", "list")
    assert listed.lines[0].split() == ["ID", "Name", "Email", "Company", "Status", "Tags", "Updated"]
    assert listed.lines[1].split()[:3] == [str(bob), "Bob", "bob@example.com"]
    assert "Zoë Łukasiewicz  zoe@example.com" in listed.lines[2]
    assert "fair 2026, vip" in listed.lines[2]
    assert listed.lines[-1] == "2 contacts (all contacts)"

    document = run_cli("contacts", "list", "--tag", "VIP", "--json").json()
    assert document["filter"] == "tagged VIP" and document["count"] == 1
    # Written as read, one contact a line (for a script reading it line by line too).
    streamed = run_cli("contacts", "list", "--json").stdout.splitlines()
    assert streamed[:4] == ["{", '  "filter": "all contacts",', '  "count": 2,', '  "contacts": [']
    assert [json.loads(line.rstrip(","))["id"] for line in streamed[4:-2]] == [bob, zoe]
    assert streamed[-2:] == ["  ]", "}"]
    assert run_cli("contacts", "list", "--tag", "nobody", "--json").json()["contacts"] == []
    (only,) = document["contacts"]
    assert only["id"] == zoe and only["email"] == "zoe@example.com"
    assert only["tags"] == ["fair 2026", "vip"] and only["consent"] is True
    assert only["created_at"].endswith("+00:00")  # ISO 8601 with its zone

    assert run_cli("contacts", "edit", str(zoe), "--city", "Dublin", "--no-consent").returncode == 0
    assert run_cli("contacts", "note", "zoe@example.com", "Wants a quote in March").returncode == 0
    shown = run_cli("contacts", "show", "zoe@example.com")
    assert shown.lines[0] == f"Contact {zoe}"
    fields = dict(
        line.split(None, 1)
        for line in shown.lines[1:]
        if line and line[0] != " " and len(line.split(None, 1)) == 2
    )
    assert fields["Address"] == "Dublin" and fields["Phone"] == "+353 91 123 456"
    assert fields["Consent"] == "not recorded" and fields["Tags"] == "fair 2026, vip"
    assert shown.lines[-1].endswith("note: Wants a quote in March")
    contact = run_cli("contacts", "show", str(zoe), "--json").json()["contact"]
    assert contact["city"] == "Dublin" and contact["consent"] is False
    assert contact["first_name"] == "Zoë" and contact["phone"] == "+353 91 123 456"
    assert [e["kind"] for e in contact["timeline"]] == ["note"]
    assert contact["timeline"][0]["body"] == "Wants a quote in March"


def test_filters_match_the_contact_list_and_search(run_cli):
    _add(
        run_cli,
        "--first-name",
        "Anna",
        "--email",
        "anna@dublin.example",
        "--company",
        "Quay Cafe",
        "--status",
        "customer",
        "--consent",
    )
    _add(
        run_cli,
        "--first-name",
        "Hans",
        "--last-name",
        "Ørsted",
        "--email",
        "hans@example.dk",
        "--status",
        "lead",
    )

    def names(*args):
        return [c["name"] for c in run_cli("contacts", "list", *args, "--json").json()["contacts"]]

    assert names("--search", "dublin") == ["Anna"]
    assert names("--status", "lead") == ["Hans Ørsted"]
    assert names("--company", "quay cafe") == ["Anna"]
    assert names("--consent", "missing") == ["Hans Ørsted"]
    nobody = run_cli("contacts", "list", "--search", "nobody-here")
    assert nobody.stdout.strip() == "No contacts match."
    unknown = run_cli("contacts", "list", "--company", "Nope Ltd")
    assert one_line_error(unknown) == "smarketer: error: no company named 'Nope Ltd'"
    bad_status = run_cli("contacts", "list", "--status", "vip")
    assert "unknown status 'vip'" in one_line_error(bad_status)


def test_tag_untag_delete_and_restore(run_cli, store_sql):
    zoe = _add(run_cli, "--first-name", "Zoë", "--email", "zoe@example.com", "--tag", "old")
    tagged = run_cli("contacts", "tag", "zoe@example.com", "vip", "Fair 2026")
    assert tagged.stdout.strip() == "Zoë <zoe@example.com>: tags Fair 2026, old, vip"
    untagged = run_cli("contacts", "untag", str(zoe), "OLD")
    assert untagged.stdout.strip() == "Zoë <zoe@example.com>: tags Fair 2026, vip"

    refused = run_cli("contacts", "delete", str(zoe), "999")
    assert "no contact '999'" in one_line_error(refused)
    assert run_cli("contacts", "list", "--json").json()["count"] == 1  # nothing deleted

    deleted = run_cli("contacts", "delete", "zoe@example.com")
    assert deleted.stdout.strip() == (
        f"Moved 1 contact to the trash (undo: smarketer contacts restore {zoe})"
    )
    assert run_cli("contacts", "list", "--json").json()["count"] == 0
    assert run_cli("contacts", "list", "--trash", "--json").json()["count"] == 1
    assert store_sql("SELECT deleted_at IS NOT NULL FROM contact") == [(True,)]
    assert run_cli("contacts", "restore", str(zoe)).returncode == 0
    assert run_cli("contacts", "list", "--json").json()["count"] == 1


def test_invalid_fields_are_one_line_and_nothing_is_written(run_cli, tmp_path):
    result = run_cli("contacts", "add", "--email", "not-an-address", "--phone", "12")
    line = one_line_error(result)
    assert line.startswith("smarketer: error: email: ") and "phone: " in line
    assert run_cli("contacts", "list", "--json").json()["count"] == 0
    missing = run_cli("contacts", "show", "nobody@example.com")
    assert one_line_error(missing).startswith("smarketer: error: no contact 'nobody@example.com'")
    usage = run_cli("contacts", "add", "--status", "vip")
    assert "invalid choice: 'vip'" in one_line_error(usage, code=2)


def test_segments_use_the_same_filter_words(run_cli):
    _add(run_cli, "--first-name", "Anna", "--email", "anna@example.com", "--tag", "vip", "--consent")
    _add(run_cli, "--first-name", "Bob", "--email", "bob@example.com", "--tag", "vip")
    created = run_cli("segment", "create", "VIPs", "--tag", "vip", "--consent", "recorded")
    assert created.stdout.strip() == "Saved segment VIPs: tagged vip, consent recorded (1 contacts)"
    again = run_cli("segment", "create", "vips", "--tag", "vip")
    assert "add --replace" in one_line_error(again)
    listed = run_cli("segment", "list")
    assert listed.lines[0].split() == ["Segment", "Contacts", "Filter"]
    assert listed.lines[1].split() == ["VIPs", "1", "tagged", "vip,", "consent", "recorded"]
    (segment,) = run_cli("segment", "list", "--json").json()["segments"]
    assert segment["name"] == "VIPs" and segment["count"] == 1
    assert segment["filter"]["tags"] == ["vip"] and segment["filter"]["consent"] == "recorded"
    in_segment = run_cli("contacts", "list", "--segment", "vips", "--json").json()
    assert [c["name"] for c in in_segment["contacts"]] == ["Anna"]
    assert run_cli("segment", "delete", "VIPs").returncode == 0
    assert run_cli("segment", "list").stdout.startswith("No segments yet")
    assert run_cli("contacts", "list", "--json").json()["count"] == 2  # contacts stay
