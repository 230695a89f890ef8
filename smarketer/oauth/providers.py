"""Provider presets: servers, ports, security, the sign-in method and sending limits below
what each provider publishes. "other" keeps the hand-filled form.

OAuth client IDs come from one shipped file (``resources/oauth_clients.json``, empty until the
project registers its public clients) unless the owner pastes their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from smarketer.errors import UserError


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str  # ssl | starttls | none


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    smtp: Server | None = None
    imap: Server | None = None
    signin: str = "password"  # password | oauth2
    rate_per_minute: int = 20
    daily_cap: int = 400
    limits: str = ""  # what the provider publishes, for the owner
    password_help: str = ""  # where an app password comes from
    # OAuth 2 (signin == "oauth2")
    family: str = ""  # whose client ID: google | microsoft
    button: str = ""  # "Sign in with Google"
    authorize_url: str = ""
    token_url: str = ""
    device_url: str = ""  # device-code flow, where the provider allows it for mail
    scopes: tuple[str, ...] = ()
    extra_params: dict[str, str] = field(default_factory=dict)

    @property
    def oauth(self) -> bool:
        return self.signin == "oauth2"


_GOOGLE: dict[str, Any] = dict(
    smtp=Server("smtp.gmail.com", 465, "ssl"),
    imap=Server("imap.gmail.com", 993, "ssl"),
    signin="oauth2",
    family="google",
    button="Sign in with Google",
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",
    scopes=("https://mail.google.com/",),
    # a refresh token is only given with offline access, and again only with consent
    extra_params={"access_type": "offline", "prompt": "consent"},
    password_help="An app password (Google Account → Security → 2-Step Verification → App "
    "passwords) works where 2-Step Verification is on; signing in is better.",
)
_MS_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)


def _microsoft(tenant: str) -> dict[str, Any]:
    base = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
    return dict(
        signin="oauth2",
        family="microsoft",
        button="Sign in with Microsoft",
        authorize_url=f"{base}/authorize",
        token_url=f"{base}/token",
        device_url=f"{base}/devicecode",
        scopes=_MS_SCOPES,
        extra_params={"prompt": "select_account"},
    )


PROVIDERS: dict[str, Provider] = {
    p.key: p
    for p in (
        Provider(
            "gmail",
            "Gmail",
            rate_per_minute=20,
            daily_cap=400,
            limits="Gmail allows about 500 recipients a day.",
            **_GOOGLE,
        ),
        Provider(
            "google-workspace",
            "Google Workspace",
            rate_per_minute=30,
            daily_cap=1800,
            limits="Google Workspace allows 2,000 messages a day.",
            **_GOOGLE,
        ),
        Provider(
            "microsoft",
            "Microsoft 365",
            smtp=Server("smtp.office365.com", 587, "starttls"),
            imap=Server("outlook.office365.com", 993, "ssl"),
            rate_per_minute=25,
            daily_cap=9000,
            limits="Microsoft 365 allows 30 messages a minute and 10,000 recipients a day.",
            **_microsoft("organizations"),
        ),
        Provider(
            "outlook-com",
            "Outlook.com / Hotmail",
            smtp=Server("smtp-mail.outlook.com", 587, "starttls"),
            imap=Server("outlook.office365.com", 993, "ssl"),
            rate_per_minute=10,
            daily_cap=250,
            limits="Outlook.com allows about 300 recipients a day.",
            **_microsoft("consumers"),
        ),
        Provider(
            "icloud",
            "iCloud Mail",
            smtp=Server("smtp.mail.me.com", 587, "starttls"),
            imap=Server("imap.mail.me.com", 993, "ssl"),
            rate_per_minute=10,
            daily_cap=900,
            limits="iCloud Mail allows 1,000 recipients a day.",
            password_help="iCloud needs an app-specific password: account.apple.com → "
            "Sign-In and Security → App-Specific Passwords.",
        ),
        Provider(
            "yahoo",
            "Yahoo Mail",
            smtp=Server("smtp.mail.yahoo.com", 465, "ssl"),
            imap=Server("imap.mail.yahoo.com", 993, "ssl"),
            rate_per_minute=10,
            daily_cap=400,
            limits="Yahoo Mail allows about 500 messages a day.",
            password_help="Yahoo needs an app password: Account Info → Account Security → "
            "Generate app password.",
        ),
        Provider(
            "fastmail",
            "Fastmail",
            smtp=Server("smtp.fastmail.com", 465, "ssl"),
            imap=Server("imap.fastmail.com", 993, "ssl"),
            rate_per_minute=20,
            daily_cap=1000,
            limits="Fastmail limits sending per hour and day by plan.",
            password_help="Fastmail needs an app password: Settings → Privacy & Security → "
            "Connected apps & API tokens → New app password.",
        ),
        Provider(
            "zoho",
            "Zoho Mail",
            smtp=Server("smtp.zoho.com", 465, "ssl"),
            imap=Server("imap.zoho.com", 993, "ssl"),
            rate_per_minute=10,
            daily_cap=250,
            limits="Zoho Mail's daily limit depends on the plan (from 50 on free).",
            password_help="With two-factor sign-in, Zoho needs an application-specific "
            "password: My Account → Security → App Passwords.",
        ),
        Provider("other", "Other (fill in by hand)"),
    )
}


class UnknownProvider(UserError, ValueError):
    pass


def provider(key: str) -> Provider:
    try:
        return PROVIDERS[key or "other"]
    except KeyError:
        raise UnknownProvider(f"Unknown provider {key!r}; choose one of {', '.join(PROVIDERS)}.") from None


def shipped_client(family: str) -> dict[str, str]:
    """The project's registered public client for ``family`` (empty strings until there is
    one)."""
    text = (resources.files("smarketer.resources") / "oauth_clients.json").read_text("utf-8")
    entry = json.loads(text).get(family, {})
    return {"client_id": entry.get("client_id", ""), "client_secret": entry.get("client_secret", "")}
