"""One EmailMessage per recipient: headers, text and HTML parts, the compliance footer.

Every header value passes through ``templates.one_line`` first, so a contact named
"Eve\\r\\nBcc: everyone@example.com" can never add a header, on any Python version. Display names
are encoded per RFC 2047 by the email package's headerregistry.
"""

from __future__ import annotations

import html
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from smarketer.campaigns.account import SmtpAccount
from smarketer.campaigns.templates import Rendered, one_line
from smarketer.db.fields import utc_now
from smarketer.settings import BusinessProfile


def unsubscribe_mailto(account: SmtpAccount, token: str) -> str:
    return f"mailto:{account.from_address}?subject={quote('unsubscribe ' + token)}"


def footer_text(profile: BusinessProfile, account: SmtpAccount, token: str) -> str:
    address = ", ".join(profile.address.splitlines())
    how = (f"unsubscribe here: {account.unsubscribe_url}?token={token}"
           if account.unsubscribe_url else "reply with the word unsubscribe")
    return (f"\n\n--\n{profile.name}, {address}\n"
            f"You receive this email from {profile.name}. To receive no more, {how}.\n")


def footer_html(profile: BusinessProfile, account: SmtpAccount, token: str) -> str:
    address = html.escape(", ".join(profile.address.splitlines()))
    name = html.escape(profile.name)
    if account.unsubscribe_url:
        link = html.escape(f"{account.unsubscribe_url}?token={token}")
        how = f'<a href="{link}">unsubscribe here</a>'
    else:
        how = (f'<a href="{html.escape(unsubscribe_mailto(account, token))}">unsubscribe</a> '
               "(or reply with the word unsubscribe)")
    return (f'<hr><p style="color:#666;font-size:12px">{name}, {address}<br>'
            f"You receive this email from {name}. To receive no more, {how}.</p>")


def _address(name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def build_message(rendered: Rendered, *, to_name: str, to_email: str, account: SmtpAccount,
                  profile: BusinessProfile, token: str, message_id: str | None = None,
                  references: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _address(account.from_name or profile.name, account.from_address)
    msg["To"] = _address(to_name, to_email)
    if account.reply_to:
        msg["Reply-To"] = _address(account.from_name or profile.name, account.reply_to)
    msg["Subject"] = one_line(rendered.subject)
    msg["Date"] = format_datetime(utc_now())
    msg["Message-ID"] = message_id or make_msgid(domain=account.from_address.rpartition("@")[2])
    if references:
        msg["In-Reply-To"] = references
        msg["References"] = references
    targets = [f"<{unsubscribe_mailto(account, token)}>"]
    if account.unsubscribe_url:
        targets.insert(0, f"<{account.unsubscribe_url}?token={token}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["List-Unsubscribe"] = ", ".join(targets)
    msg.set_content(rendered.text.rstrip() + footer_text(profile, account, token))
    if rendered.html is not None:
        msg.add_alternative(
            f"<!DOCTYPE html><html><body>{rendered.html}"
            f"{footer_html(profile, account, token)}</body></html>", subtype="html")
    return msg
