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
def run_cli(smarketer_home, tmp_path):
    """``run_cli(*args, db=..., code=...)``: smarketer --db DB ARGS in a fresh process."""

    def run(*args, db="store.db", input=None, env=None):
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
