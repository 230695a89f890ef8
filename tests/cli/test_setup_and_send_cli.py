"""A fresh store set up and sending a campaign with the command line alone, then `profile`,
`smtp show` and `campaign report` read back (a real aiosmtpd on 127.0.0.1)."""

import re

from tests.cli.conftest import one_line_error


def test_a_fresh_store_sends_a_campaign_with_the_cli_alone(run_cli, smtp_server, tmp_path):
    controller, recorder = smtp_server
    assert run_cli("profile", "show").stdout.startswith("No business profile yet")
    refused = run_cli("profile", "set", "--name", "Hollis & Reed", "--currency", "EURO", "--tax", "230")
    line = one_line_error(refused)
    assert "currency: Unknown currency 'EURO'" in line and "default_tax_rate: " in line
    assert run_cli("profile", "show", "--json").json()["profile"]["name"] == ""  # unchanged

    profile = run_cli(
        "profile",
        "set",
        "--name",
        "Hollis & Reed",
        "--address",
        "12 Quay Street\\nGalway H91",
        "--email",
        "hello@hollisreed.example",
        "--locale",
        "en_IE",
        "--tax",
        "23",
    )
    assert profile.stdout.strip() == "Profile saved: Hollis & Reed"
    shown = run_cli("profile", "show", "--json").json()["profile"]
    assert shown["address"] == "12 Quay Street\nGalway H91"
    assert shown["default_tax_rate"] == "23" and shown["region"] == "IE"
    assert shown["logo"] is False
    text = run_cli("profile", "show").stdout
    assert "Address          12 Quay Street\n                 Galway H91" in text

    account = run_cli(
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        controller.port,
        "--security",
        "none",
        "--from",
        "hello@hollisreed.example",
        "--from-name",
        "Anna Hollis",
        "--rate",
        "6000",
        "--daily-cap",
        "1000",
    )
    assert account.returncode == 0, account.stderr
    smtp = run_cli("smtp", "show", "--json").json()["account"]
    assert smtp["host"] == "127.0.0.1" and smtp["port"] == controller.port
    assert smtp["password"] == "not needed" and smtp["from_name"] == "Anna Hollis"

    for first, email in (("Zoë", "zoe@example.com"), ("Ada", "ada@example.com")):
        assert (
            run_cli(
                "contacts", "add", "--first-name", first, "--email", email, "--tag", "workshop", "--consent"
            ).returncode
            == 0
        )
    assert run_cli("segment", "create", "Workshop", "--tag", "workshop").returncode == 0
    (tmp_path / "spring.md").write_text(
        "Subject: Spring workshop\n\nHello {{ contact.first_name }},\n\nsee you in March.\n", encoding="utf-8"
    )
    created = run_cli("campaign", "create", "Spring", "--to", "Workshop", "--template", "spring.md")
    assert created.returncode == 0, created.stderr
    sent = run_cli("campaign", "send", "Spring")
    assert sent.returncode == 0, sent.stderr
    assert "Spring: 2 sent, 0 failed" in sent.stdout
    assert sorted(rcpt for rcpt, _ in recorder.messages) == ["ada@example.com", "zoe@example.com"]
    zoe = recorder.to("zoe@example.com")[0]
    assert zoe["Subject"] == "Spring workshop"
    assert "Hello Zoë" in zoe.get_body(("plain",)).get_content()
    assert "12 Quay Street" in zoe.get_body(("plain",)).get_content()  # the profile's address

    (listed,) = run_cli("campaign", "list", "--json").json()["campaigns"]
    assert (listed["name"], listed["sent"], listed["failed"]) == ("Spring", 2, 0)
    assert run_cli("campaign", "list").lines[1].split()[:4] == ["Spring", "done", "0", "2"]
    report = run_cli("campaign", "report", "Spring", "--json").json()
    assert report["campaign"]["name"] == "Spring"
    assert report["summary"]["by_state"] == {"sent": 2}
    lines = {r["email"]: r for r in report["recipients"]}
    assert lines["zoe@example.com"]["state"] == "sent" and lines["zoe@example.com"]["name"] == "Zoë"
    assert re.match(r"\d{4}-\d\d-\d\dT", lines["zoe@example.com"]["sent_at"])
    assert lines["zoe@example.com"]["replied_at"] is None
    table = run_cli("campaign", "report", "Spring")
    assert table.lines[0].startswith("Spring [done]: 2 sent.")
    assert table.lines[2].split()[:3] == ["Recipient", "Email", "State"]
    assert any(line.split()[:3] == ["Zoë", "zoe@example.com", "sent"] for line in table.lines)
    timeline = run_cli("contacts", "show", "zoe@example.com", "--json").json()
    assert any(e["kind"] == "email" for e in timeline["contact"]["timeline"])


def test_campaign_report_shows_replies_and_bounces(run_cli, tmp_path):
    """A reply and a bounce recorded by the inbox loop appear on their recipients' lines."""
    from datetime import UTC, datetime

    from smarketer.campaigns import outbox
    from smarketer.contacts.editing import ContactData, save_contact
    from smarketer.db import close_database, open_database
    from smarketer.db.models.campaigns import InboundMessage, OutboxMessage

    open_database(tmp_path / "store.db")
    ids = [
        save_contact(ContactData(first_name=n, email=f"{n}@example.com", tags=("t",))).id
        for n in ("ann", "bob")
    ]
    campaign = outbox.create_campaign("Trial", "tag", "t", "Hi", "Hello", False)
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    for number, cid in enumerate(ids):
        OutboxMessage.create(
            campaign=campaign,
            contact=cid,
            email=f"{cid}@x",
            token=f"t{cid}",
            state="sent",
            sent_at=when,
            message_id=f"<m{number}@x>",
        )
    InboundMessage.create(
        folder="INBOX",
        uid=1,
        from_address="ann@example.com",
        received_at=when,
        kind="reply",
        contact=ids[0],
        campaign=campaign,
    )
    InboundMessage.create(
        folder="INBOX",
        uid=2,
        received_at=when,
        kind="hard_bounce",
        contact=ids[1],
        campaign=campaign,
        detail="5.1.1 user unknown",
    )
    close_database()
    report = run_cli("campaign", "report", "Trial", "--json").json()
    ann, bob = report["recipients"]
    assert ann["replied_at"] == "2026-03-02T09:30:00+00:00" and ann["bounce"] == ""
    assert bob["replied_at"] is None and bob["bounce"] == "hard_bounce: 5.1.1 user unknown"
    assert report["summary"]["replies"] == 1
    text = run_cli("campaign", "report", "Trial").stdout
    assert "hard_bounce: 5.1.1 user unknown" in text
    missing = run_cli("campaign", "report", "Nope")
    assert "no campaign named 'Nope'" in one_line_error(missing)


def test_smtp_show_never_prints_the_password(run_cli):
    secret = "correct horse battery staple"
    given = run_cli(
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        "2525",
        "--security",
        "none",
        "--username",
        "anna",
        "--from",
        "anna@example.com",
        env={"SMARKETER_SMTP_PASSWORD": secret},
    )
    assert given.returncode == 0, given.stderr
    with_env = run_cli("smtp", "show", "--json", env={"SMARKETER_SMTP_PASSWORD": secret})
    assert with_env.json()["account"]["password"] == "available"
    assert secret not in with_env.stdout
    without = run_cli("smtp", "show")
    assert secret not in without.stdout
    fields = dict(line.split(None, 1) for line in without.lines)
    assert fields["Server"] == "127.0.0.1:2525 (none)" and fields["Password"] == "missing"
    assert fields["Username"] == "anna"
