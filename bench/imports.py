"""Import of 100,000 contacts, and where its time goes. Run by hand:

    .venv/bin/python bench/imports.py [--contacts 100000] [--profile] [--postgres]

The file looks like a real export: 2,000 email domains, phones mostly in international form
with some written locally, a third of the rows with tags, a quarter with notes, accented
names. Prints the import's time, the target from issue 13 (under 8 s) and the ratio to a plain
baseline (csv module + sqlite3 executemany of the same rows into a bare table: no encoding
check, no validation, no duplicates, no search index). ``--postgres`` imports the same file into
a private PostgreSQL cluster too (tests/postgres.py: initdb in a temporary folder, fsync off),
against a baseline of psycopg COPY of the same rows into a bare table.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smarketer.demo.people import CITIES, COMPANY_KINDS, COMPANY_STEMS, FIRST_NAMES, LAST_NAMES, TAGS  # noqa: E402

HEADER = [
    "First Name",
    "Last Name",
    "E-mail Address",
    "E-mail 2 Address",
    "Company",
    "Job Title",
    "Business Phone",
    "Mobile Phone",
    "Business City",
    "Categories",
    "Notes",
]


def make_csv(path: Path, n: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    domains = [f"{rng.choice(COMPANY_STEMS).lower().replace(' ', '')}{i}.example" for i in range(2000)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            domain = rng.choice(domains)
            phone = (
                f"+49 30 {rng.randint(1000000, 9999999)}"
                if rng.random() < 0.8
                else f"030 {rng.randint(1000000, 9999999)}"
            )
            out.writerow(
                [
                    first,
                    last,
                    f"p{i}.{rng.randint(0, 999)}@{domain}",
                    f"p{i}@gmail.example" if i % 10 == 0 else "",
                    f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)} {i % 3000}",
                    "Owner",
                    phone,
                    f"+49 151 {rng.randint(1000000, 9999999)}" if i % 5 == 0 else "",
                    rng.choice(CITIES)[0],
                    ", ".join(rng.sample(TAGS, rng.choice([0, 0, 1, 2]))),
                    "Met at the fair; interested in the workshop." if i % 4 == 0 else "",
                ]
            )


def baseline(path: Path, db_path: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute(f"CREATE TABLE c ({', '.join(f'c{i}' for i in range(len(HEADER)))})")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        conn.executemany(f"INSERT INTO c VALUES ({', '.join('?' * len(HEADER))})", reader)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def postgres_import(source: Path, profile: bool) -> None:
    """The same import into a fresh PostgreSQL database of a private cluster."""
    from smarketer.db import close_database, open_database
    from smarketer.exchange.files import plan_import, run_import
    from tests.postgres import Cluster, find_bindir, psycopg

    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed: no PostgreSQL figures")
        return
    cluster = Cluster(bindir).start()
    try:
        with cluster.admin() as conn:
            conn.execute("CREATE DATABASE bench")
            conn.execute("CREATE DATABASE baseline")
        start = time.perf_counter()
        with (
            psycopg.connect(cluster.url("baseline")) as conn,
            open(source, newline="", encoding="utf-8") as fh,
        ):
            reader = csv.reader(fh)
            next(reader)
            conn.execute(f"CREATE TABLE c ({', '.join(f'c{i} text' for i in range(len(HEADER)))})")
            with conn.cursor().copy("COPY c FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
        base = time.perf_counter() - start
        open_database(cluster.url("bench"))
        start, cpu = time.perf_counter(), time.process_time()
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        summary = run_import(plan_import(source), tag="bench")
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        if profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        close_database()
        print(
            f"PostgreSQL import: {took:.2f} s ({summary.created:,} created; "
            f"{took / max(summary.created, 1) * 1000:.2f} ms a contact; this process's CPU {cpu:.2f} s)"
        )
        print(f"PostgreSQL baseline csv + COPY: {base:.2f} s  ratio {took / base:.1f}x")
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    parser.add_argument("--postgres", action="store_true", help="import into PostgreSQL too")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-bench-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    source = tmp / "contacts.csv"
    make_csv(source, args.contacts)
    print(f"{args.contacts:,} rows, CSV {source.stat().st_size / 1e6:.1f} MB")

    from smarketer.db import open_database
    from smarketer.exchange.files import plan_import, run_import

    base = baseline(source, tmp / "baseline.db")
    open_database(tmp / "store.db")
    start, cpu = time.perf_counter(), time.process_time()
    plan = plan_import(source)
    planned = time.perf_counter() - start
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    summary = run_import(plan, tag="bench")
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(
        f"import: {took:.2f} s (of which reading the file's layout {planned:.2f} s; "
        f"{summary.created:,} created, {len(summary.rejected)} rejected)  target < 8 s"
    )
    print(f"baseline csv + executemany: {base:.2f} s  ratio {took / base:.1f}x")
    print(
        f"CPU time of the import: {cpu:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if args.postgres:
        postgres_import(source, args.profile)
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
