"""The owner's SMTP account. Settings live in the store; the password in the OS keyring
(``smarketer.passwords``), or for this session only, or in SMARKETER_SMTP_PASSWORD. An account
that signs in with Google or Microsoft (``auth == "oauth2"``) has no password: its refresh token
is in the keyring (``smarketer.oauth.tokens``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, ClassVar
from urllib.parse import urlsplit

from smarketer.db.models.base import Setting
from smarketer.errors import FieldErrors, InputInvalid
from smarketer.oauth.providers import PROVIDERS, provider
from smarketer.passwords import (  # noqa: F401 - the account's password, where callers look
    PasswordUnavailable,
    forget_password,
    get_password,
    keyring_available,
    remember_for_session,
    store_password,
)
from smarketer.validation import normalise_email

ACCOUNT_KEY = "smtp_account"
KEYRING_SERVICE = "Smarketer SMTP"
PASSWORD_ENV = "SMARKETER_SMTP_PASSWORD"
SECURITY = ("ssl", "starttls", "none")
AUTH = ("password", "oauth2")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class AccountInvalid(FieldErrors):
    """An account's fields that are wrong, each with its message."""


@dataclass(frozen=True)
class SmtpAccount:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    rate_per_minute: int = 20  # conservative: a personal mailbox, not a bulk service
    daily_cap: int = 400
    unsubscribe_url: str = ""  # optional one-click page; mailto is always offered
    only_with_consent: bool = False  # opt-in rules (GDPR): leave out contacts without consent
    provider: str = "other"  # a preset in smarketer.oauth.providers
    auth: str = "password"  # password | oauth2 (sign in with Google/Microsoft)
    client_id: str = ""  # the owner's own OAuth client (Advanced); empty: the shipped one
    client_secret: str = ""  # Google's desktop-app "secret", which Google says is not secret

    keyring_service: ClassVar[str] = KEYRING_SERVICE
    password_env: ClassVar[str] = PASSWORD_ENV
    server_kind: ClassVar[str] = "smtp"  # which of a provider preset's servers

    @property
    def key(self) -> str:
        return f"{self.username or self.from_address}@{self.host}"

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_address)


def validate_account(account: SmtpAccount) -> tuple[SmtpAccount, dict[str, str]]:
    errors: dict[str, str] = {}
    # the fields as typed in a form (a port may still be text): checked and converted below
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(account).items()}
    if not values["host"]:
        errors["host"] = "Enter your mail server, e.g. smtp.example.com."
    try:
        port = int(values["port"])
        if not 1 <= port <= 65535:
            raise ValueError
        values["port"] = port
    except (TypeError, ValueError):
        errors["port"] = "The port is a number such as 465 (SSL) or 587 (STARTTLS)."
    if values["security"] not in SECURITY:
        errors["security"] = "Choose SSL/TLS, STARTTLS or none."
    elif values["security"] == "none" and values["host"] not in LOCAL_HOSTS:
        errors["security"] = "Unencrypted sending is only allowed to this computer (localhost)."
    for key in ("from_address", "reply_to"):
        if values[key]:
            try:
                values[key] = normalise_email(values[key])
            except InputInvalid as exc:
                errors[key] = str(exc)
        elif key == "from_address":
            errors[key] = "Enter the address your emails come from."
    for key, low in (("rate_per_minute", 1), ("daily_cap", 1)):
        try:
            values[key] = int(values[key])
            if values[key] < low:
                raise ValueError
        except (TypeError, ValueError):
            errors[key] = "Enter a whole number of at least 1."
    check_sign_in(values, errors)
    page = urlsplit(values["unsubscribe_url"]) if values["unsubscribe_url"] else None
    if page and (page.scheme != "https" or not page.hostname or page.fragment):
        errors["unsubscribe_url"] = (
            "The unsubscribe page must be an https:// address (a query string is fine, a #fragment is not)."
        )
    for key in ("from_name",):
        values[key] = " ".join(values[key].split())  # no line breaks in a header
    return replace(account, **values), errors


def check_sign_in(values: dict[str, Any], errors: dict[str, str]) -> None:
    """The provider and sign-in method of an SMTP or IMAP account's values (in place)."""
    if values["provider"] not in PROVIDERS:
        errors["provider"] = f"Choose one of {', '.join(PROVIDERS)}."
    elif values["auth"] not in AUTH:
        errors["auth"] = "Sign in with a password or with the provider (oauth2)."
    elif values["auth"] == "oauth2":
        if not provider(values["provider"]).oauth:
            errors["auth"] = (
                f"{provider(values['provider']).name} signs in with a password; "
                "choose Gmail, Google Workspace, Microsoft 365 or Outlook.com."
            )
        if "@" not in values["username"]:
            errors["username"] = "Enter the mailbox's address you sign in with."


def apply_provider(account, key: str):
    """An SMTP or IMAP account with the provider's server, port, security and sign-in method
    filled in, and for sending its rate and daily cap; "other" keeps the hand-filled form."""
    preset = provider(key)
    values: dict = dict(provider=preset.key, auth=preset.signin)
    server = getattr(preset, account.server_kind)
    if server is not None:
        values.update(host=server.host, port=server.port, security=server.security)
    if account.server_kind == "smtp" and preset.key != "other":
        values.update(username=account.username or account.from_address)
        if server is not None:
            values.update(rate_per_minute=preset.rate_per_minute, daily_cap=preset.daily_cap)
    return replace(account, **values)


def credentials(account):
    """What the SMTP or IMAP login needs: the password (PasswordUnavailable if none), or for a
    signed-in mailbox a TokenSource handing out fresh access tokens."""
    if account.auth == "oauth2":
        from smarketer.oauth.tokens import TokenSource  # (its keyring and HTTP parts load on use)

        return TokenSource.for_account(account)
    return get_password(account)


def needs_sign_in(account) -> bool:
    """A provider sign-in that is missing, expired or revoked (its refresh token is gone)."""
    if account.auth != "oauth2":
        return False
    from smarketer.oauth.tokens import Grant, has_refresh_token

    return not has_refresh_token(Grant(account.provider, account.username))


def load_account() -> SmtpAccount:
    row = Setting.get_or_none(Setting.key == ACCOUNT_KEY)
    if row is None:
        return SmtpAccount()
    known = SmtpAccount.__dataclass_fields__
    return SmtpAccount(**{k: v for k, v in row.value.items() if k in known})


def save_account(account: SmtpAccount) -> SmtpAccount:
    clean, errors = validate_account(account)
    if errors:
        raise AccountInvalid(errors)
    Setting.replace(key=ACCOUNT_KEY, value=asdict(clean)).execute()
    return clean
