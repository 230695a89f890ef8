"""Talking to the owner's SMTP server: verified TLS by default, and a send that knows whether
a failure happened before the message data went out (safe to retry) or after (unknown)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import Message as EmailMessage

from smarketer.campaigns.account import SmtpAccount
from smarketer.campaigns.refusals import explain
from smarketer.oauth.tokens import SignInNeeded, TokenServiceUnreachable, TokenSource

TIMEOUT = 30


class SendFailed(Exception):
    """The server refused: ``code`` and ``reply`` are exactly what it said."""

    def __init__(self, code: int, reply: str, *, data_sent: bool = False):
        self.code, self.reply, self.data_sent = code, reply, data_sent
        super().__init__(f"{code} {reply}")

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500

    @property
    def account_problem(self) -> bool:
        """Replies about the sender's account, not the recipient: stop, do not burn through
        the list (authentication, policy, quota, daily limits)."""
        text = self.reply.lower()
        return (
            self.code in (530, 534, 535, 454)
            or " 5.7." in f" {text}"
            or text.startswith("5.7.")
            or "quota" in text
            or "limit" in text
            or "too many" in text
        )

    def explained(self) -> str:
        """What the refusal means for the owner, with the next step, and the exact reply."""
        return explain(self.code, self.reply)

    @property
    def recipient_bounced(self) -> bool:
        text = self.reply.lower()
        return self.code >= 500 and (
            text.startswith("5.1.")
            or " 5.1." in f" {text}"
            or self.code in (550, 551, 553)
            and "user" in text
        )


class SignInRequired(SendFailed):
    """The mailbox's sign-in is over (expired, revoked) or was never made; ``reply`` says so
    in words, with the next step."""

    def __init__(self, words: str):
        super().__init__(535, words)

    def explained(self) -> str:
        return self.reply


class TlsProblem(Exception):
    """The server's certificate or TLS setup cannot be trusted (untrusted, expired, another
    host's, or no TLS where it was asked for). An account problem, not being offline: waiting
    does not fix it, so the campaign pauses with this reason."""


def _tls_problem(host: str, port: int, exc: ssl.SSLError) -> TlsProblem:
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or exc.reason or str(exc)
        text = why.lower()
        if "expired" in text:
            hint = "its certificate has expired"
        elif "hostname" in text or "ip address mismatch" in text:
            hint = f"its certificate is for another host, not {host}"
        elif "self-signed" in text or "self signed" in text or "local issuer" in text:
            hint = "its certificate is not signed by an authority this computer trusts"
        else:
            hint = "its certificate could not be verified"
        return TlsProblem(
            f"{host}:{port} cannot be trusted: {hint} ({why}). Nothing was sent; "
            "check the server name in Settings → Email account or ask your "
            "provider."
        )
    return TlsProblem(
        f"A secure connection to {host}:{port} could not be set up ({exc.reason or exc}); "
        "check the port and the security setting (SSL or STARTTLS)."
    )


class ConnectionLost(Exception):
    """The network or the server went away; ``data_sent`` says whether it may have arrived."""

    def __init__(self, message: str, *, data_sent: bool):
        self.data_sent = data_sent
        super().__init__(message)


def _reply(error: smtplib.SMTPResponseException) -> str:
    value = error.smtp_error
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except OSError:
            pass


def authenticate(conn: smtplib.SMTP, account: SmtpAccount, secret: str | TokenSource | None) -> None:
    """SMTP AUTH: a password, or a signed-in mailbox's access token (XOAUTH2, else OAUTHBEARER
    where only that is offered). A refused token is refreshed and tried once more."""
    if not isinstance(secret, TokenSource):
        conn.login(account.username, secret or "")
        return
    offered = conn.esmtp_features.get("auth", "").upper().split()
    bearer = "OAUTHBEARER" in offered and "XOAUTH2" not in offered
    for attempt in (1, 2):
        text = secret.oauthbearer(account.host, account.port) if bearer else secret.xoauth2()
        try:  # a refusal comes as a 334 challenge (JSON details) that is answered empty
            conn.auth(
                "OAUTHBEARER" if bearer else "XOAUTH2",
                lambda challenge=None, text=text: text if challenge is None else "",
                initial_response_ok=True,
            )
            return
        except smtplib.SMTPAuthenticationError:
            if attempt == 2:
                raise
            secret.invalidate()


class SmtpTransport:
    """One connection. ``ssl_context`` defaults to the system's verified one."""

    def __init__(
        self,
        account: SmtpAccount,
        password: str | None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT,
    ):
        self.account, self.password = account, password
        self.context = ssl_context or ssl.create_default_context()
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        """Connect, secure and sign in (the connection is kept for the next sends)."""
        a = self.account
        conn: smtplib.SMTP | None = None
        try:
            if a.security == "ssl":
                conn = smtplib.SMTP_SSL(a.host, a.port, timeout=self.timeout, context=self.context)
            else:
                conn = plain = smtplib.SMTP(a.host, a.port, timeout=self.timeout)
                plain.ehlo()
                if a.security == "starttls":
                    plain.starttls(context=self.context)
                    plain.ehlo()
            if a.username:
                authenticate(conn, a, self.password)
        except SignInNeeded as exc:
            _close(conn)
            raise SignInRequired(str(exc)) from None
        except TokenServiceUnreachable as exc:
            _close(conn)
            raise ConnectionLost(str(exc), data_sent=False) from None
        except smtplib.SMTPResponseException as exc:
            _close(conn)
            raise SendFailed(exc.smtp_code, _reply(exc)) from None
        except ssl.SSLCertVerificationError as exc:
            _close(conn)
            raise _tls_problem(a.host, a.port, exc) from None
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError) as exc:
            _close(conn)  # the line dropped during the handshake: the network, not the account
            raise ConnectionLost(f"Cannot reach {a.host}:{a.port} ({exc})", data_sent=False) from None
        except ssl.SSLError as exc:
            _close(conn)
            raise _tls_problem(a.host, a.port, exc) from None
        except smtplib.SMTPNotSupportedError as exc:
            _close(conn)
            raise TlsProblem(
                f"{a.host}:{a.port} does not offer {a.security.upper()} "
                f"({exc}); pick the security setting your provider names."
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _close(conn)
            raise ConnectionLost(f"Cannot reach {a.host}:{a.port} ({exc})", data_sent=False) from None
        self.connection = conn
        return conn

    def send(self, msg: EmailMessage, to: str) -> str:
        """Send one message; returns the server's reply to the data."""
        if isinstance(self.password, TokenSource) and self.password.expiring():
            self.close()  # a session whose token is about to expire: sign in afresh
        conn = self.connection or self.connect()
        data_sent = False
        try:
            code, reply = conn.mail(self.account.from_address)
            if code != 250:
                conn.rset()
                raise SendFailed(code, reply.decode("utf-8", "replace"))
            code, reply = conn.rcpt(to)
            if code not in (250, 251):
                conn.rset()
                raise SendFailed(code, reply.decode("utf-8", "replace"))
            data_sent = True
            code, reply = conn.data(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
            if code != 250:
                raise SendFailed(code, reply.decode("utf-8", "replace"), data_sent=True)
            return f"{code} {reply.decode('utf-8', 'replace')}"
        except SendFailed:
            raise
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(exc.smtp_code, _reply(exc), data_sent=data_sent) from None
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self.connection = None
            raise ConnectionLost(
                f"The connection to {self.account.host} was lost ({exc})", data_sent=data_sent
            ) from None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                _close(self.connection)
            self.connection = None


def send_test(
    account: SmtpAccount, password: str | None, msg: EmailMessage, ssl_context: ssl.SSLContext | None = None
) -> str:
    """Send one message to the owner; the server's exact reply, or SendFailed/ConnectionLost."""
    transport = SmtpTransport(account, password, ssl_context)
    try:
        transport.connect()
        return transport.send(msg, account.from_address)
    finally:
        transport.close()
