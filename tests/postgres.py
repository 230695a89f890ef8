"""A private PostgreSQL cluster for the tests: initdb in a temporary folder, listening on
127.0.0.1 on a free port, stopped and removed at the end of the session.

The server refuses to run as root, so under root (CI) the cluster belongs to the unprivileged
``postgres`` user that Debian's package creates. Without PostgreSQL's programs the tests that
need it are skipped (``dev.py test`` installs the ``postgresql`` package in CI).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from smarketer.db.server import load_driver

psycopg = load_driver()
SUPERUSER = "smarketer"
TEMPLATE = "smarketer_template"


def find_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: on the PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="smarketer-pg-"))
        self.port = free_port()
        self.user = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.counter = 0

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=self.user,
            cwd=self.folder,
        )

    def start(self) -> Cluster:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create_database(self, template: str = "template1") -> str:
        """A new database (a copy of ``template``), and its URL."""
        self.counter += 1
        name = f"test_{self.counter}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def password_database(self, password: str) -> str:
        """A new empty database owned by a new role that must give ``password`` (stored as
        scram-sha-256; pg_hba asks it of this role only, the others stay trusted); its URL,
        without the password. Returns once the server asks for it."""
        from psycopg import sql

        self.counter += 1
        role, name = f"seat_{self.counter}", f"test_{self.counter}"
        with self.admin() as conn:
            conn.execute("SET password_encryption = 'scram-sha-256'")
            create = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}")
            conn.execute(create.format(sql.Identifier(role), sql.Literal(password)))
            conn.execute(f"CREATE DATABASE {name} OWNER {role}")
        hba = self.folder / "data" / "pg_hba.conf"
        hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        url = f"postgresql://{role}@127.0.0.1:{self.port}/{name}"
        with self.admin() as conn:
            conn.execute("SELECT pg_reload_conf()")
        for _ in range(1000):  # the server reloads its rules when it gets to it
            try:
                psycopg.connect(url, password="").close()
            except psycopg.OperationalError as exc:
                if "password" in str(exc):
                    return url
        raise RuntimeError("the server never asked for the password")

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def wait_until_blocked(ask, thread, condition: str = "wait_event_type = 'Lock'") -> None:
    """Return once a session on the server waits as ``condition`` says (``ask(sql)`` runs a
    query on a connection of the caller's, e.g. ``db.execute_sql``), while ``thread`` (the one
    expected to wait) is still running; fail the test if that never happens."""
    for _ in range(3000):
        if ask(f"SELECT count(*) FROM pg_stat_activity WHERE {condition}").fetchone()[0]:
            return
        thread.join(0.01)
    raise AssertionError("the second seat never waited for the first")
