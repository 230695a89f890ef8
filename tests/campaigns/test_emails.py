"""What a recipient's mail program receives, read back from the raw bytes a real SMTP server
(aiosmtpd) took: line breaks, plain text a person can read, merge values that stay text,
headers within RFC limits, List-Id, unsubscribe URLs; and recipients whose message cannot be
made fail one by one while the rest go out."""

import re
from dataclasses import replace
from email import message_from_bytes, policy

import pytest

from smarketer.campaigns import outbox, sender, templates
from smarketer.campaigns.account import load_account, save_account
from smarketer.campaigns.outbox import CampaignError
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.campaigns import Campaign, OutboxMessage

BODY = """Hello {{ contact.first_name }},

our **spring workshop** is on. [Book a seat](https://cal.example/book?ref=news).

Best wishes,
{{ sender.name }}
"""


class RawRecorder:
    def __init__(self):
        self.raw = {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.raw[envelope.rcpt_tos[0]] = envelope.original_content or envelope.content
        return "250 OK"


@pytest.fixture
def raw_server(account):
    from aiosmtpd.controller import Controller

    from tests.campaigns.conftest import free_port

    recorder = RawRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    save_account(replace(load_account(), port=controller.port))
    yield recorder
    controller.stop()


def person(first, email, **extra):
    return save_contact(ContactData(first_name=first, email=email, tags=("news",), **extra))


def send(body=BODY, subject="Spring, {{ contact.first_name }}"):
    campaign = outbox.create_campaign("Spring", "tag", "news", subject, body)
    outbox.start(campaign.id)
    return campaign, sender.send_campaign(campaign.id)


def parsed(raw):
    return message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=policy.default)


def test_line_breaks_plain_text_list_id_and_encoding(raw_server):
    person("Zoë", "zoe@example.com")
    send()
    msg = parsed(raw_server.raw["zoe@example.com"])
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert re.search(r"Best wishes,<br ?/?>\s*Anna Hollis", html)  # the break is kept
    assert "Best wishes,\nAnna Hollis" in text
    assert "**" not in text and "spring workshop" in text  # Markdown read, not shown
    assert "Book a seat (https://cal.example/book?ref=news)" in text
    assert "\n-- \nHollis & Reed" in text  # the signature separator with its space
    assert msg["List-Id"] == "Hollis & Reed <hollis-reed.hollisreed.example>"
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            assert part["Content-Transfer-Encoding"] == "quoted-printable"


def test_merge_values_stay_text_in_the_html(raw_server):
    person(
        "[Click me](javascript:alert(1))", "eve@example.com", last_name="![x](http://tracker.example/p.gif)"
    )
    send(body="Hello {{ contact.full_name }}, **welcome**.\n")
    html = parsed(raw_server.raw["eve@example.com"]).get_body(("html",)).get_content()
    assert "<strong>welcome</strong>" in html  # the owner's Markdown works …
    assert "<a " not in html.split("<hr>")[0] and "<img" not in html  # … the contact's doesn't
    assert "[Click me](javascript:alert(1)) ![x](http://tracker.example/p.gif)" in html


def test_a_very_long_name_is_folded_within_the_line_limits(raw_server):
    person("Zoë" + "ü" * 600 + " Long" * 80, "long@example.com")
    person("X" * 1000, "ascii@example.com")
    _, result = send()
    assert result.sent == 2  # the server took both (a line over 998 octets is refused)
    for address in ("long@example.com", "ascii@example.com"):
        raw = raw_server.raw[address]
        head = raw.split(b"\r\n\r\n", 1)[0]
        lines = head.split(b"\r\n")
        assert max(len(line) for line in lines) <= 998  # RFC 5322's hard limit
        assert max(len(line) for line in lines if b"mailto:" not in line) <= 78  # folded
        for word in re.findall(rb"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head):
            assert len(word) <= 75
    assert str(parsed(raw_server.raw["long@example.com"])["To"].addresses[0].display_name).startswith("Zoëüü")


def test_unsubscribe_page_with_a_query_string(raw_server):
    save_account(replace(load_account(), unsubscribe_url="https://hollisreed.example/u?list=news"))
    person("Ada", "ada@example.com")
    send()
    msg = parsed(raw_server.raw["ada@example.com"])
    token = OutboxMessage.get(OutboxMessage.email == "ada@example.com").token
    link = f"https://hollisreed.example/u?list=news&token={token}"
    assert f"<{link}>" in str(msg["List-Unsubscribe"])
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in msg.get_body(("plain",)).get_content()
    assert link.replace("&", "&amp;") in msg.get_body(("html",)).get_content()


def test_a_recipient_without_a_field_fails_alone_with_its_name(raw_server):
    person("Ada", "ada@example.com", city="Galway")
    person("Bob", "bob@example.com")  # no city
    person("Cy", "cy@example.com", city="Cork")
    campaign, result = send(body="See you in {{ contact.city }}, {{ contact.first_name }}.\n")
    assert (result.sent, result.failed, result.status) == (2, 1, "done")
    assert set(raw_server.raw) == {"ada@example.com", "cy@example.com"}
    report = outbox.report(campaign.id)
    [(email, reason)] = report.failures
    assert email == "bob@example.com" and "city" in reason and "Bob" in reason


@pytest.mark.parametrize(
    "body",
    [
        "{{ contact.__class__.__mro__ }}",  # refused by the sandbox
        "{% for i in range(10**8) %}x{% endfor %}",  # too many
        "{{ 'x' * 10**9 }}",  # too big
        "{{ contact.shoe_size }}",  # no such field
    ],
)
def test_a_template_that_cannot_be_filled_creates_no_campaign(account, body):
    with pytest.raises((CampaignError, templates.TemplateProblem)):
        outbox.create_campaign("Bad", "contacts", "[1]", "Hi", body)
    assert Campaign.select().count() == 0


def test_rendering_is_bounded_in_time():
    slow = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    with pytest.raises(templates.TemplateProblem, match="took longer"):
        templates.render("Hi", slow, templates.SAMPLE_CONTEXT)
