"""A mail server's refusal of the owner's account, in words, with the next step: Gmail's
534-5.7.9, Microsoft's 535 5.7.139, 5.7.3/5.7.8 wrong credentials, IMAP's AUTHENTICATIONFAILED,
and a sign-in that has expired or was revoked."""

from __future__ import annotations

ACCOUNT = "Settings → Email account"

APP_PASSWORD = (
    "Google asks for an app password or a sign-in with Google. In {where} choose Gmail (or "
    "Google Workspace) and Sign in with Google; or create an app password (Google Account → "
    "Security → 2-Step Verification → App passwords) and enter it as the password."
)
BASIC_AUTH_OFF = (
    "Microsoft no longer accepts passwords for this mailbox. In {where} choose Microsoft 365 "
    "(or Outlook.com) and Sign in with Microsoft."
)
SMTP_AUTH_OFF = (
    "Sending through SMTP (SMTP AUTH) is turned off for your Microsoft 365 organisation or "
    "this mailbox. An administrator turns it on: Microsoft 365 admin center → Users → Active "
    "users → the mailbox → Mail → Manage email apps → Authenticated SMTP; or for everyone, "
    "Set-TransportConfig -SmtpClientAuthenticationDisabled $false in Exchange Online "
    "PowerShell."
)
WRONG_CREDENTIALS = (
    "The server did not accept the user name and password (or the sign-in). Check them in "
    "{where}; if you sign in with Google or Microsoft, sign in again."
)
AUTH_REQUIRED = (
    "The server wants the account to log in before sending. Enter the user name and password "
    "(or sign in) in {where}."
)


def account_refusal(code: int | None, reply: str, where: str = ACCOUNT) -> str | None:
    """Words for an authentication refusal, or None when ``reply`` is not one."""
    text = reply.lower()
    if "5.7.9" in text or "application-specific password" in text:
        words = APP_PASSWORD
    elif "5.7.139" in text:
        words = BASIC_AUTH_OFF if "basic auth" in text else SMTP_AUTH_OFF
    elif (
        "5.7.3" in text
        or "5.7.8" in text
        or code == 535
        or "authenticationfailed" in text
        or "authentication failed" in text
        or "invalid credentials" in text
    ):
        words = WRONG_CREDENTIALS
    elif code == 530 or "authentication required" in text:
        words = AUTH_REQUIRED
    else:
        return None
    return words.format(where=where)


def explain(code: int | None, reply: str, where: str = ACCOUNT) -> str:
    """The refusal in words with the next step, then exactly what the server said."""
    said = f"{code} {reply}" if code else reply
    words = account_refusal(code, reply, where)
    if words is None:
        return f"The server refused the account: {said}"
    return f"{words} (The server said: {said})"
