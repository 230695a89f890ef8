"""Tokens for one mailbox: the refresh token in the OS keyring (never the store, a log or a
backup), the short-lived access token in this process's memory only, refreshed a minute before
it expires. ``TokenSource`` is what the SMTP and IMAP code authenticate with (XOAUTH2)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from smarketer import passwords
from smarketer.errors import UserError
from smarketer.oauth.providers import Provider, provider, shipped_client

if TYPE_CHECKING:  # requests and authlib cost about 0.3 s to import: only when signing in
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.requests_client import OAuth2Session

log = logging.getLogger(__name__)
MARGIN = 60  # seconds before expiry at which an access token is renewed
TIMEOUT = 30

_access: dict[str, tuple[str, float]] = {}  # grant key -> (access token, expires at)
_lock = threading.Lock()


class SignInNeeded(UserError, RuntimeError):
    """The mailbox needs the owner to sign in (again); the message says why and how."""


class TokenServiceUnreachable(UserError, RuntimeError):
    """The provider's token service could not be reached (offline): try again later."""


@dataclass(frozen=True)
class Grant:
    """Where one mailbox's refresh token lives in the keyring. SMTP and IMAP of one mailbox
    share it: one sign-in grants both."""

    provider: str
    username: str

    keyring_service: ClassVar[str] = "Smarketer OAuth"
    password_env: ClassVar[str] = "SMARKETER_OAUTH_REFRESH_TOKEN"

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.username.strip().lower()}"


def client_for(preset: Provider, client_id: str = "", client_secret: str = "") -> tuple[str, str]:
    """The owner's own client if given, else the project's shipped one; SignInNeeded when
    there is none."""
    if not client_id:
        shipped = shipped_client(preset.family)
        client_id, client_secret = shipped["client_id"], shipped["client_secret"]
    if not client_id:
        raise SignInNeeded(
            f"Smarketer has no registered client ID for {preset.name} yet. Register one (see "
            "the README, 'Signing in with Google or Microsoft') and paste it in Settings → "
            "Email account → Advanced, or pass --client-id."
        )
    return client_id, client_secret


def session(preset: Provider, client_id: str, client_secret: str = "", **kwargs) -> OAuth2Session:
    """An authlib client for the provider: a public client (PKCE, no secret) unless the
    provider issued a desktop-app secret (Google does; it is not confidential)."""
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        client_id,
        client_secret or None,
        token_endpoint_auth_method="client_secret_post" if client_secret else "none",
        **kwargs,
    )


def has_refresh_token(grant: Grant) -> bool:
    try:
        passwords.get_password(grant)
        return True
    except passwords.PasswordUnavailable:
        return False


def keep_tokens(grant: Grant, token: dict, clock: Callable[[], float] = time.time) -> bool:
    """Keep a token response: the refresh token in the keyring (False: this session only, no
    keyring), the access token in memory."""
    kept = True
    if token.get("refresh_token"):
        kept = passwords.store_password(grant, token["refresh_token"])
    with _lock:
        _access[grant.key] = (token["access_token"], clock() + float(token.get("expires_in") or 3600))
    return kept


def sign_out(grant: Grant) -> None:
    with _lock:
        _access.pop(grant.key, None)
    passwords.forget_password(grant)


def oauth_error_words(exc: OAuthError, preset: Provider) -> str:
    """What a token service's refusal means, and what to do next."""
    text = f"{exc.error} {exc.description or ''}"
    where = f"Settings → Email account → {preset.button or 'Sign in'}"
    if any(
        code in text
        for code in ("AADSTS65001", "AADSTS90094", "AADSTS90099", "admin_consent", "consent_required")
    ):
        return (
            f"Your organisation requires an administrator to approve Smarketer for "
            f"{preset.name}. Ask your Microsoft 365 administrator to grant admin consent "
            "(Microsoft Entra admin center → Enterprise applications → Smarketer → "
            f"Permissions → Grant admin consent), then sign in again ({where})."
        )
    if exc.error in ("invalid_client", "unauthorized_client"):
        return (
            f"{preset.name} does not accept this client ID ({exc.error}). Check the client "
            "ID in Settings → Email account → Advanced."
        )
    if exc.error == "access_denied":
        return f"The sign-in to {preset.name} was cancelled or refused. Sign in again ({where})."
    if exc.error == "invalid_grant":
        return f"Your sign-in to {preset.name} has expired or was revoked. Sign in again ({where})."
    return f"{preset.name} refused the sign-in ({exc.error}). Sign in again ({where})."


class TokenSource:
    """A valid access token for one mailbox whenever asked, refreshed before it expires."""

    def __init__(
        self,
        provider_key: str,
        username: str,
        client_id: str = "",
        client_secret: str = "",
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = TIMEOUT,
    ):
        self.preset = provider(provider_key)
        self.username = username
        self.grant = Grant(provider_key, username)
        self.client_id, self.client_secret = client_id, client_secret
        self.clock, self.timeout = clock, timeout

    @classmethod
    def for_account(cls, account, **kwargs) -> TokenSource:
        return cls(account.provider, account.username, account.client_id, account.client_secret, **kwargs)

    @property
    def expires_at(self) -> float:
        with _lock:
            return _access.get(self.grant.key, ("", 0.0))[1]

    def expiring(self) -> bool:
        """True when the access token is gone or within a minute of expiring."""
        return self.expires_at - MARGIN <= self.clock()

    def access_token(self) -> str:
        with _lock:
            token = _access.get(self.grant.key, ("", 0.0))[0]
        return token if token and not self.expiring() else self.refresh()

    def refresh(self) -> str:
        """A new access token from the refresh token; SignInNeeded when the provider says the
        sign-in is over (the useless refresh token is forgotten), TokenServiceUnreachable when
        offline."""
        import requests
        from authlib.integrations.base_client.errors import OAuthError

        try:
            refresh_token = passwords.get_password(self.grant)
        except passwords.PasswordUnavailable:
            raise SignInNeeded(
                f"Not signed in to {self.preset.name} as {self.username}. Sign in "
                f"(Settings → Email account → {self.preset.button or 'Sign in'})."
            ) from None
        client_id, client_secret = client_for(self.preset, self.client_id, self.client_secret)
        client = session(self.preset, client_id, client_secret)
        try:
            token = client.refresh_token(
                self.preset.token_url, refresh_token=refresh_token, timeout=self.timeout
            )
        except OAuthError as exc:
            log.warning("Token refresh for %s refused: %s", self.preset.name, exc.error)
            if exc.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
                sign_out(self.grant)
            raise SignInNeeded(oauth_error_words(exc, self.preset)) from None
        except (requests.RequestException, ValueError) as exc:
            raise TokenServiceUnreachable(
                f"Cannot reach {self.preset.name}'s sign-in service ({type(exc).__name__}); "
                "will try again when the network is back."
            ) from None
        finally:
            client.close()
        if "refresh_token" in token and token["refresh_token"] == refresh_token:
            token = {k: v for k, v in token.items() if k != "refresh_token"}  # unchanged
        keep_tokens(self.grant, token, self.clock)
        log.info("Access token for %s renewed", self.preset.name)
        return token["access_token"]

    def invalidate(self) -> None:
        """The server refused the token: the next ask refreshes it."""
        with _lock:
            _access.pop(self.grant.key, None)

    def xoauth2(self) -> str:
        """The SASL XOAUTH2 initial response (Google's and Microsoft's format)."""
        return f"user={self.username}\x01auth=Bearer {self.access_token()}\x01\x01"

    def oauthbearer(self, host: str, port: int) -> str:
        """The SASL OAUTHBEARER initial response (RFC 7628)."""
        return (
            f"n,a={self.username},\x01host={host}\x01port={port}\x01auth=Bearer {self.access_token()}\x01\x01"
        )
