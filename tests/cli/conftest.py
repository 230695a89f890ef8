"""The command line run as a user runs it: a separate process on a real store."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.campaigns.conftest import smtp_server  # noqa: F401 - a real SMTP server (aiosmtpd)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)

    @property
    def lines(self) -> list[str]:
        return self.stdout.rstrip("\n").splitlines()


@pytest.fixture
def cli_store(request) -> str:
    """The store the commands use: store.db, or, in a module that takes the ``backend``
    fixture and gets "postgresql", a new database on the test server (its URL)."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgresql":
        return request.getfixturevalue("empty_server_database")
    return "store.db"


@pytest.fixture
def store_sql(cli_store, tmp_path):
    """``store_sql(sql, *params)``: the rows of one statement (committed) on the commands'
    store, whichever the backend."""
    from smarketer.db import close_database, db, open_database

    def run(sql, *params):
        open_database(cli_store if cli_store.startswith("postgresql") else tmp_path / cli_store)
        try:
            with db.atomic():
                cursor = db.execute_sql(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            close_database()

    return run


@pytest.fixture
def run_cli(smarketer_home, tmp_path, cli_store):
    """``run_cli(*args, db=..., code=...)``: smarketer --db DB ARGS in a fresh process."""

    def run(*args, db=cli_store, input=None, env=None):
        full_env = dict(os.environ, SMARKETER_HOME=str(smarketer_home), LANG="C.UTF-8", **(env or {}))
        cmd = [sys.executable, "-m", "smarketer", *(["--db", str(db)] if db else []), *map(str, args)]
        done = subprocess.run(
            cmd, capture_output=True, text=True, cwd=tmp_path, env=full_env, input=input, timeout=120
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def one_line_error(result: Run, code: int = 1) -> str:
    """The single stderr line of a refused command (asserting the exit code)."""
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("smarketer"), lines[0]
    return lines[0]
