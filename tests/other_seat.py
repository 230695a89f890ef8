"""Another seat on the same store, for tests: a second connection (peewee connects per
thread) saving as "anna@laptop"."""

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
