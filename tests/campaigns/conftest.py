"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives and can be told
to refuse, defer or drop; and an SMTP account pointing at it."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from smarketer.campaigns.account import SmtpAccount, save_account
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.settings import BusinessProfile, save_profile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every accepted message; ``script`` maps a recipient to replies to give first."""

    def __init__(self):
        self.messages = []
        self.script: dict[str, list[str]] = {}
        self.drop_after: int | None = None  # close the connection once this many arrived
        self.stall: set[str] = set()  # take these, but answer too late for the client
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        replies = self.script.get(address.lower())
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.drop_after is not None and len(self.messages) >= self.drop_after:
                self.drop_after = None
                server.transport.close()  # the server goes away mid-campaign
                return "421 4.3.2 Service shutting down"
        if envelope.rcpt_tos[0] in self.stall:
            await asyncio.sleep(1.5)
        with self.lock:
            self.messages.append(
                (envelope.rcpt_tos[0], message_from_bytes(envelope.content, policy=policy.default))
            )
        return "250 2.0.0 Queued as 12345"

    def to(self, address):
        return [m for rcpt, m in self.messages if rcpt == address]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, recorder
    controller.stop()


@pytest.fixture
def account(store, smtp_server):
    controller, _ = smtp_server
    save_profile(
        BusinessProfile(
            name="Hollis & Reed", address="12 Quay Street\nGalway H91", email="hello@hollisreed.example"
        )
    )
    return save_account(
        SmtpAccount(
            host="127.0.0.1",
            port=controller.port,
            security="none",
            from_address="hello@hollisreed.example",
            from_name="Anna Hollis",
            rate_per_minute=100000,
            daily_cap=1000,
        )
    )


@pytest.fixture
def recipients(account):
    people = []
    for first, last, email in (
        ("Zoë", "Łukasiewicz", "zoe@example.com"),
        ("<script>alert(1)</script>", "Bobby", "bobby@example.com"),
        ("Hans", "Ørsted", "hans@example.dk"),
        ("Ada", "", "ada@example.com"),
    ):
        people.append(
            save_contact(
                ContactData(first_name=first, last_name=last, email=email, tags=("workshop",), consent=True)
            )
        )
    return people
