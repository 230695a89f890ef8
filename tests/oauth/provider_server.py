"""A real OAuth 2 provider on 127.0.0.1 for the tests, built from authlib's server components
(authorization code + PKCE, refresh with rotation, RFC 7662 introspection) hosted by Flask.

One test user consents automatically. Time on the server is a ``Clock`` the test moves, so
expiry is exercised without sleeping. ``username_for(token)`` is how the local SMTP server
checks an access token; Dovecot asks ``/introspect`` over HTTP."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE, DeviceAuthorizationEndpoint, DeviceCodeGrant
from flask import Flask, redirect, request
from werkzeug.serving import make_server

USER = "anna@hollisreed.example"
CLIENT_ID = "smarketer-test-client"
DOVECOT_CLIENT, DOVECOT_SECRET = "dovecot", "introspection-secret"


class Clock:
    """Seconds since the epoch that the test moves by hand; shared by client and server."""

    def __init__(self, start: float = 1_900_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Client:
    client_id: str
    secret: str = ""
    grant_types: tuple[str, ...] = ("authorization_code", "refresh_token", DEVICE_CODE_GRANT_TYPE)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):  # RFC 8252: any loopback port
        return redirect_uri.startswith("http://127.0.0.1:")

    def check_client_secret(self, client_secret):
        return bool(self.secret) and secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == ("client_secret_post" if self.secret else "none")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    user: str

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


@dataclass
class DeviceCredential:
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    clock: Clock

    def get_client_id(self):
        return self.client_id

    def get_scope(self):
        return self.scope

    def get_user_code(self):
        return self.user_code

    def is_expired(self):
        return self.clock() >= self.expires_at


@dataclass
class Token:
    access_token: str
    refresh_token: str
    scope: str
    user: str
    client_id: str
    issued_at: float
    expires_in: int
    clock: Clock
    revoked: bool = False  # the whole grant (refresh token too)
    access_revoked: bool = False  # this access token only (e.g. after a password change)

    def check_client(self, client):
        return client.get_client_id() == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return self.clock() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked or self.access_revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return Client(self.client_id)


@dataclass
class ProviderServer:
    clock: Clock
    expires_in: int = 3600
    clients: dict[str, Client] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    refused_consent: bool = False  # answer access_denied as a tenant needing admin consent
    devices: dict[str, DeviceCredential] = field(default_factory=dict)
    approved: set[str] = field(default_factory=set)  # user codes typed in on another device

    def username_for(self, access_token: str) -> str | None:
        """The user an access token belongs to, if it is live now."""
        with self.lock:
            for token in self.tokens:
                if token.access_token == access_token:
                    live = not token.is_revoked() and not token.is_expired()
                    return token.user if live else None
        return None

    def revoke_all(self) -> None:
        """The owner withdrew consent (or an admin did): every token stops working."""
        with self.lock:
            for token in self.tokens:
                token.revoked = True

    def refresh_tokens(self) -> list[str]:
        with self.lock:
            return [t.refresh_token for t in self.tokens]


def build_app(state: ProviderServer) -> Flask:
    app = Flask("test-oauth-provider")
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {
        "authorization_code": state.expires_in,
        "refresh_token": state.expires_in,
    }
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    state.clients[CLIENT_ID] = Client(CLIENT_ID)
    state.clients[DOVECOT_CLIENT] = Client(DOVECOT_CLIENT, DOVECOT_SECRET, grant_types=())

    def save_token(token, req):
        with state.lock:
            state.tokens.append(
                Token(
                    token["access_token"],
                    token.get("refresh_token", ""),
                    token.get("scope", ""),
                    req.user,
                    req.client.get_client_id(),
                    state.clock(),
                    int(token["expires_in"]),
                    state.clock,
                )
            )

    server = AuthorizationServer(app, query_client=state.clients.get, save_token=save_token)

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

        def save_authorization_code(self, code, req):
            data = req.payload.data
            state.codes[code] = Code(
                code,
                req.client.get_client_id(),
                req.payload.redirect_uri,
                req.payload.scope,
                data.get("code_challenge"),
                data.get("code_challenge_method"),
                req.user,
            )

        def query_authorization_code(self, code, client):
            found = state.codes.get(code)
            return found if found and found.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code):
            state.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]
        INCLUDE_NEW_REFRESH_TOKEN = True  # rotation, as Microsoft does

        def authenticate_refresh_token(self, refresh_token):
            with state.lock:
                for token in state.tokens:
                    if token.refresh_token == refresh_token and not token.revoked:
                        return token
            return None

        def authenticate_user(self, refresh_token):
            return refresh_token.user

        def revoke_old_credential(self, refresh_token):
            with state.lock:
                refresh_token.revoked = True

    class Introspection(IntrospectionEndpoint):
        CLIENT_AUTH_METHODS = ["client_secret_post"]

        def query_token(self, token_string, token_type_hint):
            with state.lock:
                return next((t for t in state.tokens if t.access_token == token_string), None)

        def introspect_token(self, token):
            return {
                "active": True,
                "username": token.user,
                "client_id": token.client_id,
                "scope": token.scope,
                "exp": int(token.issued_at + token.expires_in),
            }

        def check_permission(self, token, client, req):
            return client.get_client_id() == DOVECOT_CLIENT

    class DeviceEndpoint(DeviceAuthorizationEndpoint):
        CLIENT_AUTH_METHODS = ["none"]

        def get_verification_uri(self):
            return f"{state.url}/device"

        def save_device_credential(self, client_id, scope, data):
            state.devices[data["device_code"]] = DeviceCredential(
                client_id, scope, data["user_code"], state.clock() + data["expires_in"], state.clock
            )

    class DeviceGrant(DeviceCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

        def query_device_credential(self, device_code):
            return state.devices.get(device_code)

        def query_user_grant(self, user_code):
            return (USER, True) if user_code in state.approved else None

        def should_slow_down(self, credential):
            return False

    server.register_grant(CodeGrant, [CodeChallenge(required=True)])
    server.register_grant(DeviceGrant)
    server.register_endpoint(DeviceEndpoint)
    server.register_grant(RefreshGrant)
    server.register_endpoint(Introspection)

    @app.get("/authorize")
    def authorize():  # the test user is signed in and consents at once
        if state.refused_consent:  # as Microsoft answers for a tenant that needs an admin
            return redirect(
                request.args["redirect_uri"]
                + "?"
                + urlencode(
                    {
                        "error": "consent_required",
                        "state": request.args["state"],
                        "error_description": "AADSTS65001: The user or administrator has not "
                        "consented to use the application.",
                    }
                )
            )
        grant = server.get_consent_grant(end_user=USER)
        return server.create_authorization_response(grant_user=USER, grant=grant)

    @app.post("/devicecode")
    def device_code():
        return server.create_endpoint_response(DeviceAuthorizationEndpoint.ENDPOINT_NAME)

    @app.get("/device")
    def device():  # the test user types the code on another device and consents
        state.approved.add(request.args["user_code"])
        return "Signed in. You may close this page."

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.post("/introspect")
    def introspect():
        return server.create_endpoint_response(IntrospectionEndpoint.ENDPOINT_NAME)

    return app


class Running:
    """The provider served by werkzeug in a thread."""

    def __init__(self, state: ProviderServer):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.state = state
        self.http = make_server("127.0.0.1", 0, build_app(state), threaded=True)
        state.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
