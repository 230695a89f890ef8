"""The campaign command line, and a sender killed mid-campaign then restarted."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from smarketer.contacts.editing import ContactData, save_contact, unsubscribe
from smarketer.contacts.listing import contact_ids
from smarketer.db import close_database

TEMPLATE = """---
subject: "Spring workshop, {{ contact.first_name | default('friend') }}"
---
Hello {{ contact.first_name | default("there") }}, join our workshop.
"""


def run(home, tmp_path, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "smarketer", "--db", str(tmp_path / "store.db"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "SMARKETER_HOME": str(home), **(env or {})},
        timeout=120,
    )


def fill(count):
    for i in range(count):
        save_contact(ContactData(first_name=f"P{i}", email=f"p{i}@example.com", tags=("fair",)))


def test_smtp_set_create_list_and_send(tmp_path, smarketer_home, account, smtp_server):
    controller, server = smtp_server
    fill(5)
    close_database()
    result = run(
        smarketer_home,
        tmp_path,
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        controller.port,
        "--security",
        "none",
        "--from",
        "hello@hollisreed.example",
        "--from-name",
        "Anna",
        "--rate",
        "6000",
    )
    assert result.returncode == 0, result.stderr
    assert "via 127.0.0.1" in result.stdout
    (tmp_path / "spring.md").write_text(TEMPLATE, encoding="utf-8")
    created = run(
        smarketer_home, tmp_path, "campaign", "create", "Spring", "--to", "fair", "--template", "spring.md"
    )
    assert created.returncode == 0, created.stderr
    assert "Created campaign Spring: 5 recipients" in created.stdout
    sent = run(smarketer_home, tmp_path, "campaign", "send", "Spring")  # no terminal: no question
    assert sent.returncode == 0, sent.stderr
    assert "[y/N]" not in sent.stdout
    assert "Spring: 5 sent, 0 failed, 0 unknown, 0 still queued" in sent.stdout
    assert server.to("p3@example.com")[0]["Subject"] == "Spring workshop, P3"
    listed = run(smarketer_home, tmp_path, "campaign", "list")
    assert listed.stdout.splitlines()[1].split() == ["Spring", "done", "0", "5", "0", "0", "0"]


def test_send_exits_non_zero_when_some_failed(tmp_path, smarketer_home, account, smtp_server):
    _, server = smtp_server
    fill(3)
    server.script["p1@example.com"] = ["550 5.1.1 no such user"]
    from smarketer.campaigns import outbox

    outbox.create_campaign("Spring", "tag", "fair", "Hi", "Hello")
    close_database()
    sent = run(smarketer_home, tmp_path, "campaign", "send", "Spring")
    assert sent.returncode == 1
    assert "failed p1@example.com: 550 5.1.1 no such user" in sent.stdout


def test_smtp_password_without_a_keyring(tmp_path, smarketer_home, store):
    result = run(
        smarketer_home,
        tmp_path,
        "smtp",
        "set",
        "--host",
        "smtp.example.com",
        "--port",
        "587",
        "--security",
        "starttls",
        "--username",
        "anna",
        "--from",
        "anna@example.com",
        env={"SMARKETER_SMTP_PASSWORD": "s3cret", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 0, result.stderr
    assert "No system keyring here: the password was not stored" in result.stdout
    conn = sqlite3.connect(tmp_path / "store.db")
    stored = " ".join(str(v) for row in conn.execute("SELECT * FROM setting") for v in row)
    conn.close()
    assert "s3cret" not in stored
    insecure = run(
        smarketer_home,
        tmp_path,
        "smtp",
        "set",
        "--host",
        "smtp.example.com",
        "--port",
        "25",
        "--security",
        "none",
        "--from",
        "anna@example.com",
    )
    assert insecure.returncode == 1 and "only allowed to this computer" in insecure.stderr


def test_killed_sender_restarts_without_sending_anyone_twice(tmp_path, smarketer_home, account, smtp_server):
    _, server = smtp_server
    fill(40)
    from smarketer.campaigns import outbox

    outbox.create_campaign("Spring", "tag", "fair", "Hi {{ contact.first_name }}", "Hello")
    close_database()
    sender = subprocess.Popen(
        [sys.executable, "-m", "smarketer", "--db", str(tmp_path / "store.db"), "campaign", "send", "Spring"],
        cwd=tmp_path,
        env={**os.environ, "SMARKETER_HOME": str(smarketer_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(server.messages) < 12 and time.monotonic() < deadline:
        time.sleep(0.005)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    received_before = len(server.messages)
    assert 12 <= received_before < 40
    again = run(smarketer_home, tmp_path, "campaign", "send", "Spring")
    conn = sqlite3.connect(tmp_path / "store.db")
    unknown = {e for (e,) in conn.execute("SELECT email FROM outbox_message WHERE state = 'unknown'")}
    states = dict(conn.execute("SELECT state, count(*) FROM outbox_message GROUP BY state"))
    conn.close()
    received = [rcpt for rcpt, _ in server.messages]
    assert len(received) == len(set(received)), "somebody got the email twice"
    everyone = {f"p{i}@example.com" for i in range(40)}
    assert set(received) | unknown == everyone
    assert states.get("queued", 0) == 0 and states.get("sending", 0) == 0
    assert again.returncode == 0, again.stdout + again.stderr


def on_terminal(home, tmp_path, command, answer):
    """Run ``smarketer --db … COMMAND`` under a pseudo-terminal, typing ``answer``."""
    import shlex

    line = shlex.join([sys.executable, "-m", "smarketer", "--db", str(tmp_path / "store.db"), *command])
    return subprocess.run(
        ["script", "-qec", line, "/dev/null"],
        input=answer,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "SMARKETER_HOME": str(home)},
    )


def test_send_on_a_terminal_shows_the_review_and_asks(tmp_path, smarketer_home, account, smtp_server):
    import shutil

    import pytest

    if shutil.which("script") is None:
        pytest.skip("needs script(1) from util-linux for a pseudo-terminal")
    _, server = smtp_server
    fill(5)
    unsubscribe([contact_ids()[0]])
    from smarketer.campaigns import outbox

    outbox.create_campaign("Spring", "tag", "fair", "Hi {{ contact.first_name }}", "Hello.")
    close_database()
    refused = on_terminal(smarketer_home, tmp_path, ["campaign", "send", "Spring"], "n\n")
    assert "Spring: 4 recipient(s)" in refused.stdout
    assert "left out: 1 unsubscribed" in refused.stdout
    assert "from: Anna Hollis <hello@hollisreed.example> via 127.0.0.1" in refused.stdout
    assert "Send to 4? [y/N]" in refused.stdout
    assert "Nothing sent." in refused.stdout
    assert server.messages == []
    sent = on_terminal(smarketer_home, tmp_path, ["campaign", "send", "Spring"], "y\n")
    assert "Spring: 4 sent" in sent.stdout, sent.stdout
    assert len(server.messages) == 4


def test_smtp_set_takes_the_unsubscribe_page_for_one_click(tmp_path, smarketer_home, account, smtp_server):
    controller, server = smtp_server
    fill(1)
    close_database()
    base = [
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        controller.port,
        "--security",
        "none",
        "--from",
        "hello@hollisreed.example",
        "--rate",
        "6000",
    ]
    refused = run(smarketer_home, tmp_path, *base, "--unsubscribe-page", "http://x.example/u")
    assert refused.returncode == 1 and "https://" in refused.stderr
    done = run(
        smarketer_home,
        tmp_path,
        *base,
        "--unsubscribe-page",
        "https://hollisreed.example/u?list=news",
        "--only-with-consent",
    )
    assert done.returncode == 0, done.stderr
    shown = run(smarketer_home, tmp_path, "smtp", "show")
    assert "https://hollisreed.example/u?list=news" in shown.stdout
    (tmp_path / "spring.md").write_text(TEMPLATE, encoding="utf-8")
    assert (
        run(
            smarketer_home,
            tmp_path,
            "campaign",
            "create",
            "Spring",
            "--to",
            "fair",
            "--template",
            "spring.md",
        ).returncode
        == 0
    )
    run(smarketer_home, tmp_path, *base, "--any-consent")  # the page is kept when left out
    sent = run(smarketer_home, tmp_path, "campaign", "send", "Spring", "--yes")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    [msg] = server.to("p0@example.com")
    assert "https://hollisreed.example/u?list=news&token=" in str(msg["List-Unsubscribe"])
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
