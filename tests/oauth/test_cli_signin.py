"""`smtp set --provider`, `smtp signin --no-browser` and `inbox signin` from the command line,
against the local provider; `inbox sync` then reads Dovecot with the signed-in token."""

import io
import logging
import re
import sys

from smarketer import cli
from smarketer.campaigns.account import load_account
from smarketer.db import close_database
from tests.oauth.conftest import PROVIDER
from tests.oauth.provider_server import CLIENT_ID, USER


class Terminal(io.StringIO):
    """Standard output; a sign-in address printed there is opened in the browser, as the
    owner would copy it."""

    def __init__(self, browser):
        super().__init__()
        self.browser = browser

    def write(self, text):
        for url in re.findall(r"http://127\.0\.0\.1:\d+/authorize\?\S+", text):
            self.browser(url)
        return super().write(text)


def run(monkeypatch, browser, *argv):
    out = Terminal(browser)
    monkeypatch.setattr(sys, "stdout", out)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        code = cli.main(list(argv))
    finally:
        close_database()
        for handler in root.handlers[:]:  # the command's log file is this test's only
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    return code, out.getvalue()


def test_gmail_preset_fills_servers_limits_and_sign_in(tmp_path, monkeypatch, browser, capsys):
    code, out = run(
        monkeypatch,
        browser,
        "--db",
        str(tmp_path / "s.db"),
        "smtp",
        "set",
        "--provider",
        "gmail",
        "--from",
        "anna@gmail.com",
    )
    assert code == 0
    assert "via smtp.gmail.com:465 (ssl), 20 a minute, 400 a day" in out
    assert "Sign in with Gmail next: smarketer smtp signin" in out
    code, out = run(monkeypatch, browser, "--db", str(tmp_path / "s.db"), "smtp", "signin", "--no-browser")
    assert code == 1
    assert "no registered client ID for Gmail" in capsys.readouterr().err


def test_signin_without_a_browser_prints_the_address_and_waits(
    tmp_path, monkeypatch, browser, provider, memory_keyring, oauth_dovecot
):
    db = str(tmp_path / "s.db")
    code, out = run(
        monkeypatch,
        browser,
        "--db",
        db,
        "smtp",
        "set",
        "--provider",
        PROVIDER,
        "--host",
        "127.0.0.1",
        "--port",
        "2525",
        "--security",
        "none",
        "--from",
        USER,
        "--client-id",
        CLIENT_ID,
    )
    assert code == 0 and load_account_from(db).auth == "oauth2"
    code, out = run(monkeypatch, browser, "--db", db, "smtp", "signin", "--no-browser")
    assert code == 0, out
    assert "Open this address in a browser on this computer" in out
    assert f"Signed in to Test Mail as {USER}. The sign-in is kept in the system keyring." in out
    assert len(memory_keyring.store) == 1

    code, out = run(
        monkeypatch,
        browser,
        "--db",
        db,
        "inbox",
        "set",
        "--provider",
        PROVIDER,
        "--host",
        "127.0.0.1",
        "--port",
        str(oauth_dovecot["port"]),
        "--security",
        "none",
        "--username",
        USER,
        "--client-id",
        CLIENT_ID,
    )
    assert code == 0 and "inbox signin" in out
    code, out = run(monkeypatch, browser, "--db", db, "inbox", "sync")  # one sign-in serves both
    assert code == 0 and "No new messages." in out


def load_account_from(db):
    from smarketer.db import open_database

    open_database(db)
    try:
        return load_account()
    finally:
        close_database()


def test_signin_for_a_password_account_says_what_to_do(tmp_path, monkeypatch, browser, capsys):
    db = str(tmp_path / "s.db")
    monkeypatch.setenv("SMARKETER_IMAP_PASSWORD", "pw")
    assert (
        run(
            monkeypatch,
            browser,
            "--db",
            db,
            "inbox",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            "143",
            "--security",
            "none",
            "--username",
            "anna",
        )[0]
        == 0
    )
    assert run(monkeypatch, browser, "--db", db, "inbox", "signin")[0] == 1
    assert "signs in with a password" in capsys.readouterr().err
