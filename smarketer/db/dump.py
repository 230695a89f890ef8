"""Backups of a server store with PostgreSQL's own tools: ``pg_dump`` writes one archive file
(custom format), ``pg_restore`` puts it back in one transaction.

The programs are looked for on the PATH, then where Debian keeps them; without them the user
gets one line saying what to install. The password travels to them in their environment
(``PGPASSWORD``, from the keyring) and nowhere else.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from smarketer.db.base import StoreError
from smarketer.db.server import ServerLocation

DUMP_HEADER = b"PGDMP"


def find_program(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``; StoreError with what to install if absent."""
    found = shutil.which(name)
    if found:
        return found
    debian = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if debian:
        return debian[-1]
    raise StoreError(
        Path(name),
        "not found; backups of a server store need PostgreSQL's client programs on the PATH "
        "(e.g. apt-get install postgresql-client)",
    )


def _arguments(location: ServerLocation) -> tuple[list[str], dict[str, str]]:
    params = location.connect_params()
    args = ["--host", str(params["host"]), "--port", str(params["port"]), "--dbname", str(params["dbname"])]
    if params.get("user"):
        args += ["--username", str(params["user"])]
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    if params.get("sslmode"):
        env["PGSSLMODE"] = str(params["sslmode"])
    for key, variable in (("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if params.get(key):
            env[variable] = str(params[key])
    return [*args, "--no-password"], env


def _run(location: ServerLocation, command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[0].split(": ", 1)[-1] if lines else f"exit status {done.returncode}"
        raise StoreError(location, f"{what} failed ({reason})")


def dump(location: ServerLocation, dest: Path) -> Path:
    """Write a pg_dump archive of the server store at ``location`` to ``dest`` (written beside
    it first and renamed into place, so a failed backup never leaves half a file)."""
    dest = Path(dest).expanduser()
    partial = dest.with_name(dest.name + ".partial")
    args, env = _arguments(location)
    command = [find_program("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges"]
    try:
        _run(location, [*command, "--file", str(partial)], env, "the backup (pg_dump)")
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def is_dump(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(DUMP_HEADER)) == DUMP_HEADER
    except OSError:
        return False


def restore_dump(source: Path, location: ServerLocation) -> None:
    """Replace everything in the server database at ``location`` with the archive ``source``,
    in one transaction (a failure leaves the database as it was)."""
    args, env = _arguments(location)
    command = [
        find_program("pg_restore"),
        *args,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(source),
    ]
    _run(location, command, env, "the restore (pg_restore)")
