"""STARTTLS with a self-signed certificate and AUTH, the password in a keyring, and the
no-keyring path."""

import datetime
import ipaddress
import ssl

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from keyring.backend import KeyringBackend

from smarketer.campaigns import account as smtp
from smarketer.campaigns import outbox, sender
from smarketer.campaigns.transport import SendFailed, SmtpTransport, TlsProblem, send_test
from smarketer.contacts.editing import ContactData, save_contact
from tests.campaigns.conftest import Recorder, free_port


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store = {}

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def get_password(self, service, username):
        return self.store.get((service, username))

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def tls_server(certificate):
    cert_file, key_file = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"anna" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    yield controller, recorder, ssl.create_default_context(cafile=str(cert_file))
    controller.stop()


@pytest.fixture
def tls_account(store, tls_server):
    from smarketer.settings import BusinessProfile, save_profile

    controller, _, _ = tls_server
    save_profile(BusinessProfile(name="Hollis & Reed", address="12 Quay Street, Galway"))
    return smtp.save_account(
        smtp.SmtpAccount(
            host="127.0.0.1",
            port=controller.port,
            security="starttls",
            username="anna",
            from_address="anna@hollisreed.example",
            rate_per_minute=100000,
        )
    )


def test_starttls_and_auth_with_the_password_from_the_keyring(tls_server, tls_account, memory_keyring):
    _, recorder, client_context = tls_server
    assert smtp.store_password(tls_account, "s3cret")
    assert memory_keyring.store == {(smtp.KEYRING_SERVICE, tls_account.key): "s3cret"}
    save_contact(ContactData(first_name="Zoë", email="zoe@example.com", tags=("fair",)))
    campaign = outbox.create_campaign("Fair", "tag", "fair", "Hello", "Hi {{ contact.first_name }}")
    outbox.start(campaign.id)
    result = sender.send_campaign(
        campaign.id, transport_factory=lambda a, p: SmtpTransport(a, p, ssl_context=client_context)
    )
    assert result.sent == 1
    assert recorder.to("zoe@example.com")[0].get_body(("plain",)).get_content().startswith("Hi Zoë")


def test_wrong_password_shows_the_servers_exact_reply(tls_server, tls_account):
    _, _, client_context = tls_server
    with pytest.raises(SendFailed) as info:
        send_test(tls_account, "wrong", outbox_message(tls_account), client_context)
    assert info.value.code == 535 and "5.7.8" in info.value.reply
    assert info.value.account_problem


def test_an_unverifiable_certificate_is_refused(tls_server, tls_account):
    with pytest.raises(TlsProblem, match="cannot be trusted: its certificate is not signed"):
        send_test(tls_account, "s3cret", outbox_message(tls_account))  # system trust only


def test_no_keyring_asks_for_the_session_and_never_stores(tls_account, monkeypatch):
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(smtp.PASSWORD_ENV, raising=False)
    try:
        assert not smtp.keyring_available()
        assert smtp.store_password(tls_account, "s3cret") is False  # kept for the session
        assert smtp.get_password(tls_account) == "s3cret"
        smtp.forget_password(tls_account)
        with pytest.raises(smtp.PasswordUnavailable, match="Enter it for this session"):
            smtp.get_password(tls_account)
        monkeypatch.setenv(smtp.PASSWORD_ENV, "from-env")
        assert smtp.get_password(tls_account) == "from-env"
    finally:
        keyring.set_keyring(before)


def outbox_message(account):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = account.from_address, account.from_address, "Test"
    msg.set_content("A test from Smarketer.")
    return msg


def test_smtp_and_imap_passwords_of_one_mailbox_stay_apart(store):
    from keyring.backends import fail

    from smarketer.inbox.account import ImapAccount

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        sending = smtp.SmtpAccount(host="mail.example.com", username="anna")
        reading = ImapAccount(host="mail.example.com", username="anna")
        assert sending.key == reading.key  # the same mailbox …
        smtp.store_password(sending, "smtp-secret")
        smtp.store_password(reading, "imap-secret")
        assert smtp.get_password(sending) == "smtp-secret"  # … two passwords
        assert smtp.get_password(reading) == "imap-secret"
    finally:
        smtp.forget_password(sending)
        smtp.forget_password(reading)
        keyring.set_keyring(before)


def test_an_untrusted_certificate_pauses_the_campaign_with_the_reason(
    tls_server, tls_account, memory_keyring, caplog
):
    _, recorder, _ = tls_server
    smtp.store_password(tls_account, "s3cret")
    save_contact(ContactData(first_name="Zoë", email="zoe@example.com", tags=("fair",)))
    campaign = outbox.create_campaign("Fair", "tag", "fair", "Hello", "Hi")
    outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id, reconnect_delay=0)  # the system's trust only
    assert (result.status, result.sent, result.account_problem) == ("paused", 0, True)
    assert "cannot be trusted" in result.reason and "not signed by an authority" in result.reason
    assert "cannot be trusted" in outbox.find_campaign("Fair").pause_reason
    assert "cannot be trusted" in caplog.text  # and it is in the log
    assert recorder.messages == []
    assert [r.state for r in outbox.outbox_rows(campaign.id)] == ["queued"]  # not lost
