"""One EmailMessage per recipient: headers, text and HTML parts, the compliance footer.

Every header value passes through ``templates.one_line`` first, so a contact named
"Eve\\r\\nBcc: everyone@example.com" can never add a header, on any Python version. Display names
are encoded per RFC 2047 by the email package's headerregistry.
"""

from __future__ import annotations

import html
import re
from email import base64mime
from email.charset import QP, Charset
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from anyascii import anyascii

from smarketer.campaigns.account import SmtpAccount
from smarketer.campaigns.templates import Rendered, one_line
from smarketer.db.fields import utc_now
from smarketer.settings import BusinessProfile


def unsubscribe_mailto(account: SmtpAccount, token: str) -> str:
    return f"mailto:{account.from_address}?subject={quote('unsubscribe ' + token)}"


def unsubscribe_link(url: str, token: str) -> str:
    """The owner's unsubscribe page with this recipient's token added to its query (a page
    address that already has a query keeps it)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("token", token)])))


def list_id(profile: BusinessProfile, account: SmtpAccount) -> str:
    """A stable List-Id for the business (RFC 2919): "Name <slug.sender-domain>"."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(profile.name).lower()).strip("-") or "campaigns"
    domain = account.from_address.rpartition("@")[2].lower() or "localhost"
    return f"{_phrase(profile.name or slug)} <{slug[:60]}.{domain}>"


def footer_text(profile: BusinessProfile, account: SmtpAccount, token: str) -> str:
    address = ", ".join(profile.address.splitlines())
    how = (
        f"unsubscribe here: {unsubscribe_link(account.unsubscribe_url, token)}"
        if account.unsubscribe_url
        else "reply with the word unsubscribe"
    )
    return (
        f"\n\n-- \n{profile.name}, {address}\n"
        f"You receive this email from {profile.name}. To receive no more, {how}.\n"
    )


def footer_html(profile: BusinessProfile, account: SmtpAccount, token: str) -> str:
    address = html.escape(", ".join(profile.address.splitlines()))
    name = html.escape(profile.name)
    if account.unsubscribe_url:
        link = html.escape(unsubscribe_link(account.unsubscribe_url, token))
        how = f'<a href="{link}">unsubscribe here</a>'
    else:
        how = (
            f'<a href="{html.escape(unsubscribe_mailto(account, token))}">unsubscribe</a> '
            "(or reply with the word unsubscribe)"
        )
    return (
        f'<hr><p style="color:#666;font-size:12px">{name}, {address}<br>'
        f"You receive this email from {name}. To receive no more, {how}.</p>"
    )


def address(name: str, email: str) -> Address:
    """A headerregistry Address (for EmailMessage), its display name on one line."""
    local, _, domain = email.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def owner_test_message(account: SmtpAccount, profile: BusinessProfile) -> EmailMessage:
    """A short email from the owner to the owner: "can Smarketer send through this account?"."""
    sender = account.from_name or profile.name
    msg = EmailMessage()
    msg["From"] = address(sender, account.from_address)
    msg["To"] = address(sender, account.from_address)
    msg["Subject"] = "Smarketer test email"
    msg.set_content("This test shows that Smarketer can send through your account.")
    return msg


_MAX_NAME = 200  # characters of a display name kept in a header (a longer one is junk)
_WORD_BYTES = 45  # of UTF-8 per encoded-word: 45 bytes make 60 in base64, 72 with the frame
_TEXT = Charset("utf-8")
_TEXT.body_encoding = QP  # mostly-ASCII text stays readable in a Sent folder


def _encoded_words(text: str) -> str:
    """RFC 2047 encoded-words of at most 75 characters, whole characters in each; the
    generator folds between them, so no header line grows past 78 characters."""
    words, current = [], ""
    for char in text:
        if len((current + char).encode()) > _WORD_BYTES:
            words.append(base64mime.header_encode(current, "utf-8"))
            current = char
        else:
            current += char
    if current:
        words.append(base64mime.header_encode(current, "utf-8"))
    return " ".join(words)


def _plain_enough(text: str) -> bool:
    """ASCII whose words fold: may go into a header as it is."""
    return text.isascii() and all(len(word) <= 70 for word in text.split())


def _phrase(name: str) -> str:
    name = one_line(name)[:_MAX_NAME]
    if _plain_enough(name):
        return formataddr((name, "x@x")).rpartition(" <")[0] if name else ""
    return _encoded_words(name)


def _mailbox(name: str, email: str) -> str:
    """ "Name <addr>", a non-ASCII or overlong name encoded per RFC 2047."""
    phrase = _phrase(name)
    return f"{phrase} <{email}>" if phrase else email


def _header(value: str) -> str:
    value = one_line(value)
    return value if _plain_enough(value) else _encoded_words(value)


def _mime_text(text: str, subtype: str) -> MIMEText:
    # typeshed types the charset as a name; CPython takes a Charset, which skips the lookup.
    return MIMEText(text, subtype, _TEXT)  # type: ignore[arg-type]


def part_text(part: Message) -> str:
    """A leaf part's payload, transfer-decoded and decoded from its charset."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    return data.decode(part.get_content_charset() or "utf-8", "replace")


def build_message(
    rendered: Rendered,
    *,
    to_name: str,
    to_email: str,
    account: SmtpAccount,
    profile: BusinessProfile,
    token: str,
    message_id: str | None = None,
    references: str | None = None,
) -> Message:
    """The email for one recipient. Built with the email package's classic MIME classes:
    three times faster than EmailMessage's header registry, the same bytes on the wire."""
    text = _mime_text(rendered.text.rstrip() + footer_text(profile, account, token), "plain")
    if rendered.html is None:
        msg: Message = text
    else:
        msg = MIMEMultipart("alternative")
        msg.attach(text)
        msg.attach(
            _mime_text(
                f"<!DOCTYPE html><html><body>{rendered.html}"
                f"{footer_html(profile, account, token)}</body></html>",
                "html",
            )
        )
    sender = account.from_name or profile.name
    msg["From"] = _mailbox(sender, account.from_address)
    msg["To"] = _mailbox(to_name, to_email)
    if account.reply_to:
        msg["Reply-To"] = _mailbox(sender, account.reply_to)
    msg["Subject"] = _header(rendered.subject)
    msg["Date"] = format_datetime(utc_now())
    msg["Message-ID"] = message_id or make_msgid(domain=account.from_address.rpartition("@")[2])
    if references:
        msg["In-Reply-To"] = references
        msg["References"] = references
    targets = [f"<{unsubscribe_mailto(account, token)}>"]
    if account.unsubscribe_url:
        targets.insert(0, f"<{unsubscribe_link(account.unsubscribe_url, token)}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["List-Unsubscribe"] = ", ".join(targets)
    msg["List-Id"] = list_id(profile, account)
    return msg


def parts(msg: Message) -> tuple[str, str | None]:
    """(text, html) of a message, decoded, for previews."""
    text, html = "", None
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        content = part_text(part)
        if part.get_content_type() == "text/html":
            html = content
        elif part.get_content_type() == "text/plain" and not text:
            text = content
    return text, html


def header_text(msg: Message, name: str) -> str:
    value = msg[name]
    return str(make_header(decode_header(str(value)))) if value is not None else ""
