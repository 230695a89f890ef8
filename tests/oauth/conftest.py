"""A local OAuth 2 provider (authlib's server components), a browser that follows its pages, a
memory keyring, an SMTP server taking XOAUTH2 over STARTTLS and a Dovecot whose oauth2 passdb
asks the provider's introspection endpoint: every part real, on 127.0.0.1."""

import base64
import ssl
import threading

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from smarketer import passwords
from smarketer.oauth import providers, tokens
from tests.campaigns.conftest import Recorder, free_port
from tests.campaigns.test_tls_and_keyring import certificate, memory_keyring  # noqa: F401
from tests.inbox.conftest import private_dovecot
from tests.oauth.provider_server import (
    CLIENT_ID,
    DOVECOT_CLIENT,
    DOVECOT_SECRET,
    USER,
    Clock,
    ProviderServer,
    Running,
)

PROVIDER = "test-mail"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def provider(clock, monkeypatch, memory_keyring):  # noqa: F811
    """The provider running, and a preset for it beside Gmail's and Microsoft's."""
    state = ProviderServer(clock)
    running = Running(state)
    monkeypatch.setitem(
        providers.PROVIDERS,
        PROVIDER,
        providers.Provider(
            PROVIDER,
            "Test Mail",
            signin="oauth2",
            family="test",
            button="Sign in with Test Mail",
            authorize_url=f"{state.url}/authorize",
            token_url=f"{state.url}/token",
            device_url=f"{state.url}/devicecode",
            scopes=("mail", "offline_access"),
        ),
    )
    monkeypatch.setattr(tokens, "_access", {})  # no token from another test
    monkeypatch.setattr(passwords, "_session", {})
    yield state
    running.stop()


class Browser:
    """Follows the sign-in page like the system browser: in its own thread, redirects and
    all, ending at Smarketer's loopback listener."""

    def __init__(self):
        self.visited: list[str] = []
        self.pages: list[requests.Response] = []
        self.threads: list[threading.Thread] = []
        self.rewrite = lambda url: url

    def __call__(self, url: str) -> bool:
        self.visited.append(url)
        thread = threading.Thread(target=self._visit, args=(self.rewrite(url),))
        thread.start()
        self.threads.append(thread)
        return True

    def _visit(self, url):
        self.pages.append(requests.get(url, timeout=20))

    def join(self):
        for thread in self.threads:
            thread.join(20)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.join()


@pytest.fixture
def signed_in(provider, browser, clock):
    from smarketer.oauth.signin import sign_in

    result = sign_in(PROVIDER, USER, CLIENT_ID, open_url=browser, clock=clock)
    browser.join()
    return result


def source(clock):
    return tokens.TokenSource(PROVIDER, USER, CLIENT_ID, clock=clock)


class XOAuth2Recorder(Recorder):
    """The recording SMTP server, taking XOAUTH2 and checking each token with the provider;
    every transaction is refused once its session's token is no longer live."""

    def __init__(self, provider: ProviderServer):
        super().__init__()
        self.provider = provider
        self.accepted_tokens: list[str] = []
        self.refused = 0
        self.after_data = lambda count: None  # the test's hook: time passes, consent ends

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 - aiosmtpd's naming
        if len(args) < 2:  # smtplib always sends the initial response
            return AuthResult(success=False, handled=False)
        fields = dict(
            part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if "=" in part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        user = self.provider.username_for(token)
        if user is None or user != fields.get("user"):
            self.refused += 1
            return AuthResult(success=False, handled=False)
        self.accepted_tokens.append(token)
        return AuthResult(success=True, auth_data=token)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.provider.username_for(session.auth_data) is None:
            return "535 5.7.8 The session's token has expired"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        self.after_data(len(self.messages))
        return reply


def starttls_server(handler, cert_and_key, **auth):
    """An aiosmtpd on 127.0.0.1 that requires STARTTLS and AUTH; yields the controller and
    the client's TLS context trusting its certificate."""
    cert_file, key_file = cert_and_key
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        **auth,
    )
    controller.start()
    try:
        yield controller, ssl.create_default_context(cafile=str(cert_file))
    finally:
        controller.stop()


@pytest.fixture
def xoauth2_smtp(provider, certificate):  # noqa: F811
    recorder = XOAuth2Recorder(provider)
    for controller, client_context in starttls_server(recorder, certificate):
        yield controller, recorder, client_context


OAUTH2_AUTH = """
auth_mechanisms = xoauth2 oauthbearer
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {base}/oauth2.conf
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%u
}}
"""


@pytest.fixture
def oauth_dovecot(provider):
    introspection = (
        f"introspection_url = {provider.url}/introspect\n"
        "introspection_mode = post\n"
        f"client_id = {DOVECOT_CLIENT}\nclient_secret = {DOVECOT_SECRET}\n"
        "username_attribute = username\nactive_attribute = active\n"
        "active_value = true\n"
    )
    yield from private_dovecot(OAUTH2_AUTH, {"oauth2.conf": introspection})
