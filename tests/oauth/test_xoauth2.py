"""XOAUTH2 against real servers on 127.0.0.1: campaigns through aiosmtpd (STARTTLS) whose
tokens are checked with the local provider, the inbox through Dovecot's oauth2 passdb asking the
provider's introspection endpoint; refresh during a long send, a revoked sign-in pausing the
campaign in words, and no token in the store, the log or a backup."""

import imaplib
import logging

import pytest

from smarketer import backup, logs, paths
from smarketer.campaigns import outbox, sender
from smarketer.campaigns.account import SmtpAccount, save_account
from smarketer.campaigns.transport import SmtpTransport
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.campaigns import Campaign, OutboxMessage
from smarketer.inbox.account import ImapAccount, save_imap_account
from smarketer.inbox.sync import InboxUnavailable, sync
from smarketer.settings import BusinessProfile, save_profile
from tests.oauth.conftest import PROVIDER, source
from tests.oauth.provider_server import CLIENT_ID, USER

MINUTES = 60
SERVER_LOGGERS = (
    "authlib.oauth2.rfc6749.grants",
    "authlib.oauth2.rfc6749.authorization_server",
    "authlib.oauth2.rfc7662",
    "mail.log",
    "werkzeug",
)


@pytest.fixture
def oauth_account(store, xoauth2_smtp, signed_in):
    controller, _recorder, _ctx = xoauth2_smtp
    save_profile(BusinessProfile(name="Hollis & Reed", address="12 Quay Street\nGalway H91", email=USER))
    for i in range(12):
        save_contact(ContactData(first_name=f"Guest{i}", email=f"guest{i}@example.com", tags=("workshop",)))
    return save_account(
        SmtpAccount(
            host="127.0.0.1",
            port=controller.port,
            security="starttls",
            username=USER,
            from_address=USER,
            provider=PROVIDER,
            auth="oauth2",
            client_id=CLIENT_ID,
            rate_per_minute=100000,
            daily_cap=1000,
        )
    )


def send(campaign, clock, ctx):
    return sender.send_campaign(
        campaign.id,
        password=source(clock),
        sleep=lambda _s: None,
        reconnect_delay=0,
        transport_factory=lambda acc, pw: SmtpTransport(acc, pw, ssl_context=ctx),
    )


def campaign():
    made = outbox.create_campaign("Spring", "tag", "workshop", "Spring workshop", "Hello!")
    outbox.start(made.id)
    return made


def test_a_long_send_renews_the_token_before_it_expires(oauth_account, xoauth2_smtp, clock, provider):
    _controller, recorder, ctx = xoauth2_smtp
    recorder.after_data = lambda count: clock.advance(10 * MINUTES)  # two hours in all
    result = send(campaign(), clock, ctx)
    assert (result.status, result.sent) == ("done", 12)
    assert sorted(rcpt for rcpt, _m in recorder.messages) == sorted(
        f"guest{i}@example.com" for i in range(12)
    )  # each once
    assert recorder.refused == 0  # never offered a dead token: renewed ahead of time
    assert len(set(recorder.accepted_tokens)) >= 2  # signed in afresh with a new token
    assert all(provider.username_for(t) is None for t in recorder.accepted_tokens[:-1])


def test_a_revoked_sign_in_pauses_the_campaign_with_sign_in_again(
    oauth_account, xoauth2_smtp, clock, provider, memory_keyring
):
    _controller, recorder, ctx = xoauth2_smtp

    def owner_revokes(count):
        if count == 3:
            provider.revoke_all()  # e.g. removed in the Google account's security page
            clock.advance(2 * 3600)

    recorder.after_data = owner_revokes
    made = campaign()
    result = send(made, clock, ctx)
    assert (result.status, result.sent) == ("paused", 3)
    reason = Campaign.get_by_id(made.id).pause_reason
    assert reason == (
        "Your sign-in to Test Mail has expired or was revoked. Sign in again "
        "(Settings → Email account → Sign in with Test Mail)."
    )
    assert OutboxMessage.select().where(OutboxMessage.state == "queued").count() == 9
    assert memory_keyring.store == {}  # the dead refresh token is not kept


@pytest.fixture
def app_log(monkeypatch):
    """The app's own log file, at its most talkative, for this test only."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if not getattr(h, "_smarketer", False)])
    monkeypatch.setattr(root, "level", root.level)
    for server_side in SERVER_LOGGERS:  # the servers run in this process only in the test
        monkeypatch.setattr(logging.getLogger(server_side), "level", logging.WARNING)
    logs.setup_logging(logging.DEBUG)
    yield paths.log_file()
    for handler in root.handlers:
        if getattr(handler, "_smarketer", False):
            handler.close()


def test_the_token_never_reaches_the_store_the_log_or_a_backup(
    oauth_account, xoauth2_smtp, clock, provider, tmp_path, app_log
):
    _controller, recorder, ctx = xoauth2_smtp
    recorder.after_data = lambda count: clock.advance(20 * MINUTES)
    assert send(campaign(), clock, ctx).sent == 12
    copy = backup.backup_open_store(tmp_path / "copy.db")
    secrets = [t.access_token for t in provider.tokens] + provider.refresh_tokens()
    assert len(secrets) >= 6  # signed in, then renewed twice
    assert app_log.read_text().count("Access token for Test Mail renewed") >= 2
    for path in [tmp_path / "store.db", copy, app_log, *tmp_path.glob("store.db-*")]:
        data = path.read_bytes()
        assert not [s for s in secrets if s.encode() in data], path


@pytest.fixture
def imap_account(store, oauth_dovecot, signed_in):
    return save_imap_account(
        ImapAccount(
            host="127.0.0.1",
            port=oauth_dovecot["port"],
            security="none",
            username=USER,
            provider=PROVIDER,
            auth="oauth2",
            client_id=CLIENT_ID,
        )
    )


def deliver(account, clock, raw: bytes) -> None:
    conn = imaplib.IMAP4("127.0.0.1", account.port)
    conn.authenticate("XOAUTH2", lambda _c: source(clock).xoauth2().encode())
    assert conn.append("INBOX", None, None, raw)[0] == "OK"
    conn.logout()


REPLY = (
    b"From: Guest <guest@example.com>\r\nTo: owner@example.test\r\n"
    b"Subject: Re: Spring workshop\r\nMessage-ID: <r1@example.com>\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nCount me in!\r\n"
)


def test_the_inbox_signs_in_to_dovecot_with_xoauth2_and_renews_the_token(imap_account, clock, provider):
    deliver(imap_account, clock, REPLY)
    assert sync(imap_account, source(clock)).read == 1
    first = provider.tokens[-1].access_token
    clock.advance(2 * 3600)  # the access token has expired meanwhile
    deliver(imap_account, clock, REPLY.replace(b"r1@", b"r2@"))
    assert sync(imap_account, source(clock)).read == 1
    assert provider.username_for(first) is None and len(provider.tokens) == 2


def test_dovecot_refuses_a_dead_token_and_the_inbox_says_sign_in_again(imap_account, clock, provider):
    conn = imaplib.IMAP4("127.0.0.1", imap_account.port)
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        conn.authenticate(
            "XOAUTH2", lambda c: b"" if c else f"user={USER}\x01auth=Bearer forged\x01\x01".encode()
        )
    conn.logout()
    provider.revoke_all()
    clock.advance(2 * 3600)
    with pytest.raises(InboxUnavailable, match="has expired or was revoked. Sign in again"):
        sync(imap_account, source(clock))


def test_a_refused_token_is_renewed_once_and_tried_again(imap_account, clock, provider):
    """The server may end a token before its time (a password change): one refresh, once."""
    src = source(clock)
    first = src.access_token()
    provider.tokens[-1].access_revoked = True  # the refresh token lives on
    assert sync(imap_account, src).read == 0
    assert len(provider.tokens) == 2 and src.access_token() != first


def test_oauthbearer_is_understood_by_dovecot(imap_account, clock):
    """RFC 7628, for servers that offer OAUTHBEARER only."""
    conn = imaplib.IMAP4("127.0.0.1", imap_account.port)
    text = source(clock).oauthbearer("127.0.0.1", imap_account.port).encode()
    assert conn.authenticate("OAUTHBEARER", lambda c: b"" if c else text)[0] == "OK"
    conn.logout()
