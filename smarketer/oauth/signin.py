"""Signing in as desktop mail apps do (RFC 8252): the system browser shows the provider's page,
the answer comes back to a one-shot listener on 127.0.0.1 at a random port; authorization code
with PKCE (S256) and ``state`` checked. For Microsoft, also the device-code flow (RFC 8628) for a
machine without a browser."""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError

from smarketer.jobs import Cancelled
from smarketer.oauth.providers import provider
from smarketer.oauth.tokens import Grant, SignInNeeded, client_for, keep_tokens, oauth_error_words, session

WAIT_SECONDS = 300
DONE_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>Smarketer</title>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p>"
)


@dataclass(frozen=True)
class SignedIn:
    provider: str
    username: str
    in_keyring: bool  # False: no system keyring, the sign-in lasts for this session only

    def text(self) -> str:
        where = (
            "The sign-in is kept in the system keyring."
            if self.in_keyring
            else "No system keyring: the sign-in lasts until Smarketer closes."
        )
        return f"Signed in to {provider(self.provider).name} as {self.username}. {where}"


class _AnswerServer(HTTPServer):
    answer: dict[str, str] | None = None  # the redirect's query, once the browser comes back


class _Answer(BaseHTTPRequestHandler):
    server: _AnswerServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        query = dict(parse_qsl(urlsplit(self.path).query))
        if "code" not in query and "error" not in query:
            self.send_error(404)
            return
        self.server.answer = query
        ok = "code" in query
        page = DONE_PAGE.format(
            title="Signed in" if ok else "Not signed in",
            text="You can close this tab and go back to Smarketer."
            if ok
            else "Go back to Smarketer to see why.",
        )
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # the request line holds the code: never print it
        pass


class LoopbackListener:
    """A one-shot HTTP listener on 127.0.0.1 at a port the system picks."""

    def __init__(self) -> None:
        self.server = _AnswerServer(("127.0.0.1", 0), _Answer)
        self.server.timeout = 0.25
        self.redirect_uri = f"http://127.0.0.1:{self.server.server_port}/"

    def wait(self, seconds: float, cancelled: Callable[[], bool]) -> dict[str, str]:
        deadline = time.monotonic() + seconds
        while (answer := self.server.answer) is None:
            if cancelled():
                raise Cancelled()
            if time.monotonic() > deadline:
                raise SignInNeeded(
                    f"No answer from the browser within {int(seconds // 60)} minutes; sign in again."
                )
            self.server.handle_request()
        return answer

    def close(self) -> None:
        self.server.server_close()


def _oauth_preset(provider_key: str):
    preset = provider(provider_key)
    if not preset.oauth:
        raise SignInNeeded(
            f"{preset.name} signs in with a password (or an app password), not through the browser."
        )
    return preset


def sign_in(
    provider_key: str,
    username: str,
    client_id: str = "",
    client_secret: str = "",
    *,
    open_url: Callable[[str], object] = webbrowser.open,
    cancelled: Callable[[], bool] | None = None,
    wait_seconds: float = WAIT_SECONDS,
    clock: Callable[[], float] = time.time,
    progress: Callable[[int, int], None] | None = None,
) -> SignedIn:
    """Open the provider's sign-in page with ``open_url`` (the browser; the command line may
    print it instead) and wait for its answer on the loopback listener. The refresh token
    goes to the keyring. SignInNeeded says in words what went wrong. (A background job;
    ``progress`` is accepted and unused: there is nothing to count.)"""
    preset = _oauth_preset(provider_key)
    client_id, client_secret = client_for(preset, client_id, client_secret)
    listener = LoopbackListener()
    client = session(
        preset,
        client_id,
        client_secret,
        scope=" ".join(preset.scopes),
        redirect_uri=listener.redirect_uri,
        code_challenge_method="S256",
    )
    try:
        verifier = generate_token(64)
        url, state = client.create_authorization_url(
            preset.authorize_url, code_verifier=verifier, login_hint=username, **preset.extra_params
        )
        open_url(url)
        answer = listener.wait(wait_seconds, cancelled or (lambda: False))
        if answer.get("state") != state:
            raise SignInNeeded("The browser's answer did not belong to this sign-in; sign in again.")
        if "error" in answer:
            raise SignInNeeded(
                oauth_error_words(OAuthError(answer["error"], answer.get("error_description")), preset)
            )
        try:
            token = client.fetch_token(
                preset.token_url, code=answer["code"], code_verifier=verifier, timeout=30
            )
        except OAuthError as exc:
            raise SignInNeeded(oauth_error_words(exc, preset)) from None
        except (requests.RequestException, ValueError) as exc:
            raise SignInNeeded(
                f"Cannot reach {preset.name}'s sign-in service "
                f"({type(exc).__name__}); check the connection and sign in "
                "again."
            ) from None
    finally:
        listener.close()
        client.close()
    return _signed_in(provider_key, username, token, clock)


def _signed_in(provider_key: str, username: str, token: dict, clock) -> SignedIn:
    if not token.get("refresh_token"):
        raise SignInNeeded(
            f"{provider(provider_key).name} gave no lasting sign-in (no "
            "refresh token); sign in again and allow offline access."
        )
    kept = keep_tokens(Grant(provider_key, username), token, clock)
    return SignedIn(provider_key, username, kept)


def sign_in_with_code(
    provider_key: str,
    username: str,
    client_id: str = "",
    *,
    show: Callable[[str], None],
    cancelled: Callable[[], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> SignedIn:
    """The device-code flow (Microsoft): ``show`` gets the text telling the owner which page to
    open on any device and which code to type; then the token service is polled."""
    preset = _oauth_preset(provider_key)
    if not preset.device_url:
        raise SignInNeeded(
            f"{preset.name} does not offer sign-in with a code for mail; use "
            "the browser sign-in (--no-browser prints its address)."
        )
    client_id, client_secret = client_for(preset, client_id)
    is_cancelled = cancelled or (lambda: False)
    try:
        reply = requests.post(
            preset.device_url, timeout=30, data={"client_id": client_id, "scope": " ".join(preset.scopes)}
        )
        data = reply.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInNeeded(f"Cannot reach {preset.name}'s sign-in service ({type(exc).__name__}).") from None
    if "error" in data:
        raise SignInNeeded(
            oauth_error_words(OAuthError(data["error"], data.get("error_description")), preset)
        )
    show(data.get("message") or f"Open {data['verification_uri']} and enter the code {data['user_code']}.")
    interval = float(data.get("interval") or 5)
    deadline = clock() + float(data.get("expires_in") or 900)
    client = session(preset, client_id, client_secret)
    try:
        while True:
            if is_cancelled():
                raise Cancelled()
            if clock() > deadline:
                raise SignInNeeded("The code expired before the sign-in was finished; sign in again.")
            try:
                token = client.fetch_token(
                    preset.token_url,
                    grant_type="urn:ietf:params:oauth:grant-type:device_code",
                    device_code=data["device_code"],
                    timeout=30,
                )
                break
            except OAuthError as exc:
                if exc.error == "authorization_pending":
                    sleep(interval)
                elif exc.error == "slow_down":
                    interval += 5
                    sleep(interval)
                else:
                    raise SignInNeeded(oauth_error_words(exc, preset)) from None
            except (requests.RequestException, ValueError) as exc:
                raise SignInNeeded(
                    f"Cannot reach {preset.name}'s sign-in service ({type(exc).__name__})."
                ) from None
    finally:
        client.close()
    return _signed_in(provider_key, username, token, clock)
