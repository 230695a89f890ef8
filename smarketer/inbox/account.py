"""The IMAP account the inbox loop reads (beside the SMTP one); password in the keyring."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import ClassVar

from smarketer.campaigns.account import LOCAL_HOSTS, AccountInvalid, check_sign_in
from smarketer.db.models.base import Setting

ACCOUNT_KEY = "imap_account"
KEYRING_SERVICE = "Smarketer IMAP"
PASSWORD_ENV = "SMARKETER_IMAP_PASSWORD"


@dataclass(frozen=True)
class ImapAccount:
    host: str = ""
    port: int = 993
    security: str = "ssl"  # ssl | starttls | none (this computer only)
    username: str = ""
    folders: tuple[str, ...] = field(default=("INBOX",))
    sync_minutes: int = 15
    soft_bounce_limit: int = 3  # soft bounces before an address is suppressed
    provider: str = "other"  # as for the SMTP account (smarketer.oauth.providers)
    auth: str = "password"  # password | oauth2
    client_id: str = ""
    client_secret: str = ""

    keyring_service: ClassVar[str] = KEYRING_SERVICE
    password_env: ClassVar[str] = PASSWORD_ENV
    server_kind: ClassVar[str] = "imap"

    @property
    def key(self) -> str:
        return f"{self.username}@{self.host}"

    @property
    def configured(self) -> bool:
        return bool(self.host and self.username)


def save_imap_account(account: ImapAccount) -> ImapAccount:
    errors = {}
    if not account.host.strip():
        errors["host"] = "Enter your mail server, e.g. imap.example.com."
    if not account.username.strip():
        errors["username"] = "Enter your user name."
    if account.security not in ("ssl", "starttls", "none"):
        errors["security"] = "Choose SSL/TLS, STARTTLS or none."
    elif account.security == "none" and account.host.strip() not in LOCAL_HOSTS:
        errors["security"] = "Unencrypted reading is only allowed on this computer (localhost)."
    if not 1 <= int(account.port) <= 65535:
        errors["port"] = "The port is a number such as 993."
    check_sign_in(
        {"provider": account.provider, "auth": account.auth, "username": account.username.strip()}, errors
    )
    if errors:
        raise AccountInvalid(errors)
    clean = replace(
        account,
        host=account.host.strip(),
        username=account.username.strip(),
        folders=tuple(f.strip() for f in account.folders if f.strip()) or ("INBOX",),
    )
    data = asdict(clean)
    data["folders"] = list(clean.folders)
    Setting.replace(key=ACCOUNT_KEY, value=data).execute()
    return clean


def load_imap_account() -> ImapAccount:
    row = Setting.get_or_none(Setting.key == ACCOUNT_KEY)
    if row is None:
        return ImapAccount()
    data = dict(row.value)
    data["folders"] = tuple(data.get("folders", ["INBOX"]))
    known = ImapAccount.__dataclass_fields__
    return ImapAccount(**{k: v for k, v in data.items() if k in known})
