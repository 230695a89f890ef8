"""Another seat on the same store, for tests: a second connection (peewee connects per
thread) saving as "anna@laptop", or a second process running the command line."""

import os
import subprocess
import sys
import threading

from smarketer.db import db
from smarketer.db.models import base as model_module


def other_connection(work):
    """``work()`` on a second connection to the store (peewee connects per thread), saved
    as the seat "anna@laptop"; returns what it returned."""
    mine = model_module.seat
    model_module.seat = lambda: "anna@laptop"
    failure, result = [], []

    def run():
        try:
            with db.atomic():
                result.append(work())
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            failure.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    model_module.seat = mine
    assert not failure, failure
    return result[0] if result else None


def other_process(store, *args) -> str:
    """``smarketer --db STORE ARGS`` in a separate process (a file's Path or a server's URL);
    returns what it printed, failing the test if it failed."""
    done = subprocess.run(
        [sys.executable, "-m", "smarketer", "--db", str(store), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LANG": "C.UTF-8"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
