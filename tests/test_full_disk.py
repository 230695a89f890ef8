"""A full disk while importing: one clear line, no traceback, the store as it was. The disk is a
real one, just small: a tmpfs mounted for the test (needs root, as in CI; skipped otherwise)."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def count(store):
    conn = sqlite3.connect(store)
    try:
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        conn.close()


def test_an_import_onto_a_full_disk_says_so_in_one_line(tmp_path, smarketer_home, small_disk):
    from smarketer.db import close_database
    from smarketer.demo import write_demo

    write_demo(tmp_path / "demo.db", contacts=60)
    close_database()
    store = small_disk / "demo.db"
    shutil.copy(tmp_path / "demo.db", store)
    before = count(store)
    rows = ["first_name,last_name,email,notes"] + [
        f"Person{i},Family{i},person{i}@example.com,{'a long note ' * 40}" for i in range(6000)
    ]
    (tmp_path / "big.csv").write_text("\n".join(rows), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "smarketer", "--db", str(store), "import", str(tmp_path / "big.csv")],
        capture_output=True,
        text=True,
        env={**os.environ, "SMARKETER_HOME": str(smarketer_home)},
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors == ["smarketer: error: the disk is full: free some space, then try again"], done.stderr
    assert count(store) == before  # nothing half-imported, nothing lost
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
