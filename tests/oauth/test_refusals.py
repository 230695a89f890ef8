"""Refusals of the owner's account in words with the next step, from a real SMTP server that
answers as Gmail and Microsoft 365 do."""

import pytest
from aiosmtpd.smtp import AuthResult

from smarketer.campaigns.account import SmtpAccount
from smarketer.campaigns.compose import owner_test_message
from smarketer.campaigns.refusals import explain
from smarketer.campaigns.transport import SendFailed, send_test
from smarketer.settings import BusinessProfile
from tests.campaigns.conftest import Recorder
from tests.campaigns.test_tls_and_keyring import certificate  # noqa: F401
from tests.oauth.conftest import starttls_server

GMAIL = "534 5.7.9 Application-specific password required."
TENANT = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
    "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
)
BASIC = "535 5.7.139 Authentication unsuccessful, basic authentication is disabled."


@pytest.fixture
def refusing_server(certificate):  # noqa: F811 - from tests.campaigns.test_tls_and_keyring
    answer = {"reply": GMAIL}

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False, message=answer["reply"])

    for controller, client_context in starttls_server(Recorder(), certificate, authenticator=authenticator):
        yield controller, answer, client_context


@pytest.mark.parametrize(
    "reply, words",
    [
        (GMAIL, "Google asks for an app password or a sign-in with Google"),
        (TENANT, "An administrator turns it on: Microsoft 365 admin center → Users → Active users"),
        (BASIC, "Microsoft no longer accepts passwords for this mailbox"),
        ("535 5.7.3 Authentication unsuccessful", "did not accept the user name and password"),
    ],
)
def test_a_refused_login_is_explained_with_the_next_step(refusing_server, reply, words):
    controller, answer, ctx = refusing_server
    answer["reply"] = reply
    account = SmtpAccount(
        host="127.0.0.1",
        port=controller.port,
        security="starttls",
        username="anna@hollisreed.example",
        from_address="anna@hollisreed.example",
    )
    msg = owner_test_message(account, BusinessProfile(name="Hollis & Reed", address="Galway"))
    with pytest.raises(SendFailed) as refused:
        send_test(account, "wrong", msg, ssl_context=ctx)
    text = refused.value.explained()
    assert words in text and text.endswith(f"(The server said: {reply})")


def test_imap_and_other_refusals():
    assert "did not accept the user name and password" in explain(
        None, "[AUTHENTICATIONFAILED] Authentication failed.", "Settings → Inbox"
    )
    assert "Settings → Inbox" in explain(
        None, "[AUTHENTICATIONFAILED] Invalid credentials", "Settings → Inbox"
    )
    assert explain(552, "5.2.2 Mailbox full") == ("The server refused the account: 552 5.2.2 Mailbox full")
