"""Reading new messages from the owner's mailbox, read-only.

Per folder, the last UID seen is kept with the folder's UIDVALIDITY. Messages are fetched
with BODY.PEEK (nothing is marked read or moved). When the server reports a new UIDVALIDITY
the folder is read again from the start; messages already recorded are recognised by their
Message-ID, so nothing is counted twice.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

from smarketer.campaigns.account import load_account
from smarketer.campaigns.refusals import explain
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import ImapFolderState
from smarketer.errors import UserError
from smarketer.inbox import process
from smarketer.inbox.account import ImapAccount
from smarketer.inbox.classify import classify
from smarketer.oauth.tokens import SignInNeeded, TokenServiceUnreachable, TokenSource

BATCH = 50


class InboxUnavailable(UserError):
    """The mailbox could not be read; the message says why (server down, wrong password…)."""


@dataclass
class SyncResult:
    read: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    resynced: list[str] = field(default_factory=list)

    def text(self) -> str:
        if not self.read:
            return "No new messages."
        parts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(self.kinds.items()))
        return f"{self.read} new message(s): {parts}."


def authenticate(conn: imaplib.IMAP4, account: ImapAccount, secret: str | TokenSource) -> None:
    """LOGIN with a password, or AUTHENTICATE XOAUTH2 (OAUTHBEARER where only that is
    offered) with a signed-in mailbox's access token, refreshed and tried once more if
    refused."""
    if not isinstance(secret, TokenSource):
        conn.login(account.username, secret)
        return
    bearer = "AUTH=OAUTHBEARER" in conn.capabilities and "AUTH=XOAUTH2" not in conn.capabilities
    for attempt in (1, 2):
        text = (secret.oauthbearer(account.host, account.port) if bearer else secret.xoauth2()).encode()

        def answer(challenge: bytes, text: bytes = text) -> bytes:
            return b"" if challenge else text  # a refusal's challenge (JSON details): answered empty

        try:
            conn.authenticate("OAUTHBEARER" if bearer else "XOAUTH2", answer)
            return
        except imaplib.IMAP4.error:
            if attempt == 2:
                raise
            secret.invalidate()


def connect(
    account: ImapAccount,
    password: str | TokenSource,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30,
) -> imaplib.IMAP4:
    context = ssl_context or ssl.create_default_context()
    conn: imaplib.IMAP4
    try:
        if account.security == "ssl":
            conn = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=context, timeout=timeout)
        else:
            conn = imaplib.IMAP4(account.host, account.port, timeout=timeout)
            if account.security == "starttls":
                conn.starttls(ssl_context=context)
    except (TimeoutError, OSError, imaplib.IMAP4.error) as exc:
        raise InboxUnavailable(
            f"Cannot reach {account.host}:{account.port} ({exc}); the "
            "inbox will be read when the server is back."
        ) from None
    try:
        authenticate(conn, account, password)
    except (SignInNeeded, TokenServiceUnreachable) as exc:
        conn.logout()
        raise InboxUnavailable(str(exc)) from None
    except imaplib.IMAP4.error as exc:
        conn.logout()
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise InboxUnavailable(
            f"The server refused the login for {account.username}. "
            + explain(None, str(reason), "Settings → Inbox")
        ) from None
    return conn


def _uidvalidity(conn: imaplib.IMAP4) -> int:
    _typ, data = conn.response("UIDVALIDITY")
    return int(data[0]) if data and data[0] else 0


def sync(
    account: ImapAccount,
    password: str | TokenSource,
    *,
    ssl_context: ssl.SSLContext | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncResult:
    result = SyncResult()
    unsubscribe_address = load_account().from_address
    conn = connect(account, password, ssl_context)
    try:
        for folder in account.folders:
            typ, _data = conn.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                raise InboxUnavailable(f"The folder {folder!r} cannot be opened.")
            validity = _uidvalidity(conn)
            state = ImapFolderState.get_or_none(ImapFolderState.folder == folder)
            if state is None or state.uidvalidity != validity:
                if state is not None:
                    result.resynced.append(folder)
                state = ImapFolderState.replace(folder=folder, uidvalidity=validity, last_uid=0).execute()
                state = ImapFolderState.get(ImapFolderState.folder == folder)
            typ, data = conn.uid("SEARCH", f"UID {state.last_uid + 1}:*")
            uids = [int(u) for u in (data[0] or b"").split() if int(u) > state.last_uid]
            for start in range(0, len(uids), BATCH):
                if cancelled and cancelled():
                    return result
                chunk = uids[start : start + BATCH]
                typ, fetched = conn.uid("FETCH", ",".join(map(str, chunk)), "(UID BODY.PEEK[])")
                for item in fetched:
                    if not isinstance(item, tuple):
                        continue
                    found = re.search(rb"UID (\d+)", item[0])
                    if found is None:
                        continue
                    uid = int(found.group(1))
                    msg = message_from_bytes(item[1], policy=policy.compat32)
                    try:
                        received = parsedate_to_datetime(msg.get("Date", ""))
                        if received.tzinfo is None:
                            raise ValueError
                    except (TypeError, ValueError):
                        received = utc_now()
                    classified = classify(msg, unsubscribe_address)
                    recorded = process.apply(
                        classified,
                        message_id=(msg.get("Message-ID") or "").strip() or None,
                        folder=folder,
                        uid=uid,
                        received_at=received,
                        soft_bounce_limit=account.soft_bounce_limit,
                    )
                    if recorded is not None:
                        result.read += 1
                        result.kinds[classified.kind] += 1
                    ImapFolderState.update(last_uid=max(uid, state.last_uid), synced_at=utc_now()).where(
                        ImapFolderState.folder == folder
                    ).execute()
                    state.last_uid = max(uid, state.last_uid)
                if progress:
                    progress(min(start + BATCH, len(uids)), len(uids))
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return result
