"""The inbox loop against a real IMAP server: replies, auto-replies, bounces as Gmail,
Microsoft 365, Postfix and Exim write them, token and keyword unsubscribes, UIDVALIDITY."""

import imaplib

import pytest

from smarketer.campaigns import outbox
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.campaigns import InboundMessage, OutboxMessage
from smarketer.db.models.contacts import Activity, Contact
from smarketer.inbox import process
from smarketer.inbox.account import ImapAccount, load_imap_account, save_imap_account
from smarketer.inbox.classify import classify
from smarketer.inbox.sync import InboxUnavailable, sync
from tests.conftest import DATA
from tests.inbox.conftest import append

FIXTURES = DATA / "inbox"


@pytest.fixture
def sent_campaign(account):
    """A campaign whose emails carry the Message-IDs the fixtures reply to."""
    people = {}
    for _n, (first, email) in enumerate(
        (
            ("Zoë", "zoe@example.com"),
            ("Hans", "hans@example.dk"),
            ("Bobby", "bobby@example.com"),
            ("Nobody", "nobody@example.com"),
            ("Gone", "gone@contoso.example"),
            ("Left", "left@example.org"),
            ("Full", "full@mailbox.example"),
            ("Ada", "ada@example.com"),
        ),
        1,
    ):
        people[first] = save_contact(ContactData(first_name=first, email=email, tags=("spring",)))
    campaign = outbox.create_campaign("Spring", "tag", "spring", "Spring workshop", "Hello")
    outbox.queue(campaign.id)
    ids = {"Nobody": 1, "Gone": 2, "Hans": 3, "Zoë": 4, "Bobby": 5}
    for row in OutboxMessage.select():
        first = Contact.get_by_id(row.contact_id).first_name
        row.state = "sent"
        row.sent_at = row.queued_at
        row.message_id = f"<campaign-msg-{ids.get(first, 90 + row.id)}@hollisreed.example>"
        row.save()
    return campaign, people


@pytest.fixture
def imap(dovecot, store):
    return save_imap_account(
        ImapAccount(host="127.0.0.1", port=dovecot["port"], security="none", username="owner")
    )


def fill(dovecot, names):
    for name in names:
        append(dovecot, (FIXTURES / name).read_bytes())


def test_classifier_on_real_shaped_messages():
    from email import message_from_bytes, policy

    def kind(name):
        c = classify(message_from_bytes((FIXTURES / name).read_bytes(), policy=policy.compat32))
        return c.kind, [(b.recipient, b.status) for b in c.bounces]

    assert kind("gmail-bounce.eml") == ("hard_bounce", [("nobody@example.com", "5.1.1")])
    assert kind("m365-bounce.eml") == ("hard_bounce", [("gone@contoso.example", "5.1.10")])
    assert kind("postfix-soft-bounce.eml") == ("soft_bounce", [("full@mailbox.example", "4.2.2")])
    assert kind("exim-bounce.eml") == ("hard_bounce", [("left@example.org", "5.1.1")])
    assert kind("out-of-office.eml") == ("auto_reply", [])
    assert kind("reply-threaded.eml") == ("reply", [])
    assert kind("reply-unthreaded.eml") == ("reply", [])
    assert kind("keyword-optout.eml") == ("optout", [])


def test_sync_reads_everything_read_only_and_acts(dovecot, imap, sent_campaign):
    campaign, people = sent_campaign
    fill(
        dovecot,
        [
            "gmail-bounce.eml",
            "m365-bounce.eml",
            "postfix-soft-bounce.eml",
            "exim-bounce.eml",
            "out-of-office.eml",
            "reply-threaded.eml",
            "reply-unthreaded.eml",
            "keyword-optout.eml",
        ],
    )
    token = OutboxMessage.get(OutboxMessage.email == "ada@example.com").token
    append(
        dovecot,
        (
            f"From: Ada <ada@example.com>\nTo: hello@hollisreed.example\n"
            f"Subject: unsubscribe {token}\nMessage-ID: <unsub-1@example.com>\n"
            "Date: Mon, 23 Nov 2026 14:00:00 +0100\n\n"
        ).encode(),
    )
    result = sync(imap, "secret")
    assert result.read == 9
    assert result.kinds == {
        "hard_bounce": 3,
        "soft_bounce": 1,
        "auto_reply": 1,
        "reply": 2,
        "optout": 1,
        "unsubscribe": 1,
    }
    # bounces: hard ones bounced and suppressed, the soft one only counted
    for name in ("Nobody", "Gone", "Left"):
        assert Contact.get_by_id(people[name].id).bounced_at is not None, name
    assert Contact.get_by_id(people["Full"].id).bounced_at is None
    assert outbox.is_suppressed("left@example.org")
    # replies on the timeline, matched to the campaign; the auto-reply not counted
    zoe_events = [a.summary for a in Activity.select().where(Activity.contact == people["Zoë"].id)]
    assert "Reply received: Re: Spring workshop" in zoe_events
    assert process.replies(campaign.id) == 1
    unthreaded = InboundMessage.get(InboundMessage.message_id == "<reply-2@example.com>")
    assert (unthreaded.contact_id, unthreaded.campaign_id) == (people["Ada"].id, None)
    # the token unsubscribes at once; the keyword waits for the owner
    assert Contact.get_by_id(people["Ada"].id).unsubscribed_at is not None
    [optout] = process.to_confirm()
    assert optout.contact_id == people["Bobby"].id
    assert Contact.get_by_id(people["Bobby"].id).unsubscribed_at is None
    process.confirm_optout(optout.id)
    assert Contact.get_by_id(people["Bobby"].id).unsubscribed_at is not None
    # nothing was marked read on the server
    conn = imaplib.IMAP4("127.0.0.1", dovecot["port"])
    conn.login("owner", "secret")
    conn.select("INBOX", readonly=True)
    _typ, data = conn.search(None, "UNSEEN")
    assert len(data[0].split()) == 9
    conn.logout()
    # a second sync reads nothing new
    assert sync(imap, "secret").read == 0


def test_repeated_soft_bounces_suppress(dovecot, imap, sent_campaign):
    _campaign, people = sent_campaign
    raw = (FIXTURES / "postfix-soft-bounce.eml").read_bytes()
    for n in range(3):
        append(dovecot, raw.replace(b"<postfix-delay-1@", f"<postfix-delay-{n}@".encode()))
    sync(imap, "secret")
    assert Contact.get_by_id(people["Full"].id).bounced_at is not None
    assert outbox.is_suppressed("full@mailbox.example")


def test_a_new_uidvalidity_resyncs_without_duplicates(dovecot, imap, sent_campaign):
    save_imap_account(
        ImapAccount(
            host="127.0.0.1", port=dovecot["port"], security="none", username="owner", folders=("Replies",)
        )
    )
    replies_account = load_imap_account()
    append(dovecot, (FIXTURES / "reply-threaded.eml").read_bytes(), folder="Replies")
    assert sync(replies_account, "secret").read == 1
    conn = imaplib.IMAP4("127.0.0.1", dovecot["port"])
    conn.login("owner", "secret")
    conn.delete("Replies")
    conn.logout()
    append(dovecot, (FIXTURES / "reply-threaded.eml").read_bytes(), folder="Replies")
    append(dovecot, (FIXTURES / "reply-unthreaded.eml").read_bytes(), folder="Replies")
    result = sync(replies_account, "secret")
    assert result.resynced == ["Replies"]
    assert result.read == 1  # only the new one; the old one is known by its Message-ID
    assert InboundMessage.select().count() == 2


def test_wrong_password_and_server_down_say_so(dovecot, imap, store):
    with pytest.raises(InboxUnavailable, match="refused the login for owner"):
        sync(imap, "wrong")
    down = ImapAccount(host="127.0.0.1", port=1, security="none", username="owner")
    with pytest.raises(InboxUnavailable, match="Cannot reach 127.0.0.1:1"):
        sync(down, "secret")


def test_inbox_commands(dovecot, tmp_path, smarketer_home, sent_campaign):
    import os
    import subprocess
    import sys

    from smarketer.db import close_database

    fill(dovecot, ["reply-threaded.eml", "keyword-optout.eml"])
    store = smarketer_home.parent / "store.db"
    close_database()

    def run(*args, password="secret"):
        env = {
            **os.environ,
            "SMARKETER_HOME": str(smarketer_home),
            "SMARKETER_IMAP_PASSWORD": password,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        return subprocess.run(
            [sys.executable, "-m", "smarketer", "--db", str(store), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    set_result = run(
        "inbox",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        str(dovecot["port"]),
        "--security",
        "none",
        "--username",
        "owner",
    )
    assert set_result.returncode == 0, set_result.stderr
    assert "No system keyring here" in set_result.stdout
    synced = run("inbox", "sync")
    assert synced.returncode == 0, synced.stderr
    assert "2 new message(s): 1 optout, 1 reply." in synced.stdout
    assert "to confirm: bobby@example.com" in synced.stdout
    listed = run("campaign", "list")
    assert listed.stdout.splitlines()[1].split()[-1] == "1"  # one reply
    wrong = run("inbox", "sync", password="nope")
    assert wrong.returncode == 1 and "refused the login for owner" in wrong.stderr
