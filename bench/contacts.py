"""Contacts at 100,000: import, search, list opening and memory. Run by hand:

    .venv/bin/python bench/contacts.py [--contacts 100000]

Prints each figure, its target, and the import's ratio to a plain baseline (csv module +
sqlite3 executemany of the same rows into a bare table: no validation, no index, no FTS).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smarketer.demo.people import CITIES, COMPANY_KINDS, COMPANY_STEMS, FIRST_NAMES, LAST_NAMES, TAGS  # noqa: E402

QUERIES = [
    "anna",
    "müller",
    "lukas",
    "zoe",
    "bakery",
    "nordl",
    "+49",
    "workshop",
    "dub",
    "orsted",
    "jonas becker",
    "studio",
    "vip",
    "ha",
    "kestrel arch",
    "noemail",
    "siobhan",
    "đặng",
    "trade",
    "lisbon",
]


def make_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "First Name",
                "Last Name",
                "Email Address",
                "Company",
                "Job Title",
                "Phone",
                "City",
                "Tags",
                "Notes",
            ]
        )
        for i in range(n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            company = f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)} {i % 3000}"
            city = rng.choice(CITIES)
            out.writerow(
                [
                    first,
                    last,
                    f"p{i}.{rng.randint(0, 999)}@example.com",
                    company,
                    "Owner",
                    f"+49 30 {rng.randint(1000000, 9999999)}",
                    city[0],
                    ", ".join(rng.sample(TAGS, rng.choice([0, 1, 2]))),
                    "Met at the fair; interested in the workshop." if i % 4 == 0 else "",
                ]
            )


def baseline(path: Path, db_path: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE c (f, l, e, co, t, p, ci, tg, n)")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        conn.executemany("INSERT INTO c VALUES (?,?,?,?,?,?,?,?,?)", reader)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-bench-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    source = tmp / "contacts.csv"
    make_csv(source, args.contacts)
    print(f"{args.contacts:,} contacts, CSV {source.stat().st_size / 1e6:.1f} MB")

    from smarketer.contacts.listing import ContactFilter, contact_ids, fetch_rows
    from smarketer.db import open_database
    from smarketer.exchange.files import plan_import, run_import

    base = baseline(source, tmp / "baseline.db")
    open_database(tmp / "store.db")
    start = time.perf_counter()
    summary = run_import(plan_import(source), tag="bench")
    took = time.perf_counter() - start
    print(
        f"import: {took:.2f} s ({summary.created:,} created)  target < 15 s  "
        f"baseline csv+executemany {base:.2f} s  ratio {took / base:.1f}x"
    )

    latencies = []
    for query in QUERIES:
        t = time.perf_counter()
        ids = contact_ids(ContactFilter(text=query))
        fetch_rows(ids[:200])
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p95 = latencies[int(round(0.95 * (len(latencies) - 1)))]
    print(
        f"search (ids of every match + first page): p50 {statistics.median(latencies):.1f} ms"
        f"  p95 {p95:.1f} ms  max {latencies[-1]:.1f} ms  target p95 < 50 ms"
    )

    from PySide6.QtWidgets import QApplication

    from smarketer.ui.hub import Hub
    from smarketer.ui.main_window import MainWindow

    app = QApplication([])
    start = time.perf_counter()
    window = MainWindow(tmp / "store.db", Hub())
    window.go_to(1)
    window.show()
    app.processEvents()
    shown = window.contacts.table.model().index(0, 0).data()
    first_rows = (time.perf_counter() - start) * 1000
    t = time.perf_counter()
    window.contacts.model.refresh()
    window.contacts.model.index(0, 0).data()
    list_only = (time.perf_counter() - t) * 1000
    print(
        f"open window on Contacts to first rows: {first_rows:.0f} ms (list alone "
        f"{list_only:.0f} ms, first row {shown!r})  target < 300 ms"
    )
    for row in range(0, args.contacts, 997):  # scroll through everything
        window.contacts.model.index(row, 1).data()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory with the list open and scrolled end to end: {peak:.0f} MB  target < 400 MB")


if __name__ == "__main__":
    main()
