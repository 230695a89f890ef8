"""A real IMAP server for the tests: a private Dovecot on 127.0.0.1 with a throwaway config
and passwd-file. The test command installs Dovecot in CI; elsewhere these tests say how."""

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.campaigns.conftest import account, free_port, smtp_server  # noqa: F401

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


def private_dovecot(auth: str, files: dict[str, str] | None = None):
    """Start a private Dovecot whose authentication is the config text ``auth`` (``{base}``,
    ``{mail}``, ``{uid}`` and ``{gid}`` filled in; ``files`` are written beside the config
    first); yields its port, base folder and mail folder and stops it afterwards."""
    if DOVECOT is None:
        pytest.skip(
            "Dovecot is not installed (apt-get install dovecot-imapd; `python3 dev.py test` does it in CI)"
        )
    if os.geteuid() != 0:
        pytest.skip("the private Dovecot instance needs root here")
    nobody = pwd.getpwnam("nobody")
    port = free_port()
    # pytest's tmp_path is private to root; Dovecot's own users must reach these files
    base = Path(tempfile.mkdtemp(prefix="smarketer-dovecot-"))
    base.chmod(0o755)
    (base / "run").mkdir(parents=True)
    (base / "state").mkdir()
    mail = base / "mail"
    mail.mkdir()
    os.chown(mail, nobody.pw_uid, nobody.pw_gid)
    fill = {"base": base, "mail": mail, "uid": nobody.pw_uid, "gid": nobody.pw_gid}
    for name, text in (files or {}).items():
        (base / name).write_text(text.format(**fill))
    conf = base / "dovecot.conf"
    conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:{mail}/%u
{auth.format(**fill)}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
""")
    subprocess.run([DOVECOT, "-c", str(conf)], check=True, timeout=30)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield {"port": port, "base": base, "mail": mail}
    finally:
        pid = int((base / "run" / "master.pid").read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                break
        shutil.rmtree(base, ignore_errors=True)


PASSWORD_AUTH = """
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = {base}/users
}}
userdb {{
  driver = passwd-file
  args = {base}/users
}}
"""


@pytest.fixture
def dovecot():
    users = {"users": "owner:{{PLAIN}}secret:{uid}:{gid}::{mail}/owner::\n"}
    for server in private_dovecot(PASSWORD_AUTH, users):
        yield dict(server, user="owner", password="secret")


def append(server, raw: bytes, folder: str = "INBOX") -> None:
    conn = imaplib.IMAP4("127.0.0.1", server["port"])
    conn.login(server["user"], server["password"])
    if folder != "INBOX":
        conn.create(folder)
    typ, data = conn.append(folder, None, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert typ == "OK", data
    conn.logout()
