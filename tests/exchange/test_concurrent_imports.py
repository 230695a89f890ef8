"""Two seats importing into one store at the same moment, each a real process: every row
arrives once, with an id of its own, and the duplicates rule holds across the two files."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.listing import ContactFilter, count
from smarketer.db import db
from smarketer.db.models.contacts import Contact, ContactTag, ImportRun, Tag

# On both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")

DRIVER = Path(__file__).with_name("import_driver.py")
OWN = 2_300  # each file's own addresses: more than one batch of new ids (2,000)
SHARED = 200  # addresses in both files: one contact each, whoever comes first


def write_file(path: Path, seat: str) -> None:
    lines = ["First Name,Last Name,Email,Company,Tags"]
    lines += [f"P{n},Seat{seat},{seat}{n}@example.com,Firm {n % 50},fair" for n in range(OWN)]
    lines += [f"S{n},Both,shared{n}@example.com,Firm {n % 50},both" for n in range(SHARED)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_two_processes_importing_at_once_lose_nothing_and_share_no_id(store, tmp_path):
    go = tmp_path / "go"
    seats = []
    for seat in ("a", "b"):
        source = tmp_path / f"{seat}.csv"
        write_file(source, seat)
        ready = tmp_path / f"{seat}.ready"
        command = [sys.executable, str(DRIVER), str(store), str(source), f"from-{seat}", str(ready), str(go)]
        seats.append(
            (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), ready)
        )
    deadline = time.monotonic() + 120
    while not all(ready.exists() for _process, ready in seats):
        assert time.monotonic() < deadline and all(p.poll() is None for p, _ready in seats), (
            "a seat did not start"
        )
        time.sleep(0.01)
    go.touch()
    results = []
    for process, _ready in seats:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append([int(v) for v in out.split()])

    assert sorted(created for created, _skipped, _run in results) == [OWN, OWN + SHARED]
    assert sorted(skipped for _created, skipped, _run in results) == [0, SHARED]
    rows = list(Contact.select(Contact.id, Contact.email).tuples())
    assert len(rows) == 2 * OWN + SHARED
    assert len({contact_id for contact_id, _email in rows}) == len(rows)
    expected = {f"{seat}{n}@example.com" for seat in "ab" for n in range(OWN)}
    assert {email for _id, email in rows} == expected | {f"shared{n}@example.com" for n in range(SHARED)}
    assert {r.created for r in ImportRun.select()} == {OWN, OWN + SHARED}
    # Each file's tag on each of its rows; the companies named once, whoever made them.
    for seat in "ab":
        tag = Tag.get(Tag.name == f"from-{seat}")
        tagged = ContactTag.select().where(ContactTag.tag == tag).count()
        assert tagged in (OWN, OWN + SHARED)
    assert db.execute_sql("SELECT count(*) FROM company").fetchone()[0] == 50
    # Both files' rows are found by search, and a contact saved afterwards gets a new id.
    assert count(ContactFilter(text="Seata")) == OWN
    assert count(ContactFilter(text="Seatb")) == OWN
    later = save_contact(ContactData(first_name="Later", email="later@example.com"))
    assert later.id > max(contact_id for contact_id, _email in rows)
    assert count(ContactFilter(text="later")) == 1
