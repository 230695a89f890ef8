"""A second seat: the same figures on a SQLite file and on PostgreSQL, measured the same day.

    .venv/bin/python bench/second_seat.py [--contacts 100000] [--send 2000]

For each backend: importing the contacts (CSV), search latency (p50/p95 over the contact
benchmark's queries: every match's id and the first page's rows), the contact list's first page,
two seats (two processes) sending one campaign's outbox together to a local aiosmtpd (msg/s,
duplicates), and how long a deal move by one seat takes to be noticed by another (the window
checks every 1.5 s, so it shows within that plus this). PostgreSQL runs in a private cluster
(tests/postgres.py: fsync off, as in the tests); without it only SQLite is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.contacts import QUERIES, make_csv  # noqa: E402

SENDER = """
import sys
from smarketer.campaigns import lease, sender
from smarketer.db import open_database
open_database(sys.argv[1])
try:
    r = sender.send_campaign(int(sys.argv[2]), wait_for_lease=False)
    print(r.status, r.sent)
except lease.CampaignBusy:
    print("busy 0")
"""


class Recorder:
    def __init__(self):
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 OK"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[int(round(p * (len(ordered) - 1)))]


def measure(target: str, source: Path, n: int, send: int, port: int, recorder: Recorder) -> dict:
    from smarketer.campaigns import outbox
    from smarketer.campaigns.account import SmtpAccount, save_account
    from smarketer.contacts.listing import ContactFilter, contact_ids, fetch_rows, first_ids
    from smarketer.db import close_database, open_database
    from smarketer.db.watch import StoreWatch
    from smarketer.exchange.files import plan_import, run_import
    from smarketer.pipeline.deals import DealData, move_deal, save_deal
    from smarketer.pipeline.stage_list import open_stages
    from smarketer.settings import BusinessProfile, save_profile

    figures: dict = {}
    open_database(target)
    start = time.perf_counter()
    summary = run_import(plan_import(source), tag="bench")
    figures["import_s"] = time.perf_counter() - start
    assert summary.created == n, summary

    latencies = []
    for query in QUERIES * 3:
        t = time.perf_counter()
        ids = contact_ids(ContactFilter(text=query))
        fetch_rows(ids[:200])
        latencies.append((time.perf_counter() - t) * 1000)
    figures["search_p50_ms"] = statistics.median(latencies)
    figures["search_p95_ms"] = percentile(latencies, 0.95)

    firsts = []
    for _ in range(5):
        t = time.perf_counter()
        ids, _complete = first_ids(ContactFilter(), "name", False, 200)
        fetch_rows(ids)
        firsts.append((time.perf_counter() - t) * 1000)
    figures["first_page_ms"] = statistics.median(firsts)

    save_profile(BusinessProfile(name="Bench", address="1 Quay St\nGalway", email="bench@example.com"))
    save_account(
        SmtpAccount(
            host="127.0.0.1",
            port=port,
            security="none",
            from_address="bench@example.com",
            rate_per_minute=10**7,
            daily_cap=10**7,
        )
    )
    chosen = contact_ids(ContactFilter())[:send]
    name = f"Two seats {target}"
    campaign = outbox.create_campaign(
        name, "contacts", json.dumps(chosen), name, "Hello {{ contact.first_name }}"
    )
    outbox.start(campaign.id)
    before = len(recorder.received)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    seats = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, str(target), str(campaign.id)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [seat.communicate(timeout=600)[0].split() for seat in seats]
    took = time.perf_counter() - start
    got = recorder.received[before:]
    figures["send_msg_per_s"] = len(got) / took
    figures["send_delivered"] = len(got)
    figures["send_duplicates"] = len(got) - len(set(got))
    figures["send_split"] = " / ".join(f"{o[0]} {o[1]}" for o in outputs)

    deal = save_deal(DealData(title="Moved by the other seat"))
    stages = open_stages()
    seen: list[float] = []
    ready, stop = threading.Event(), threading.Event()
    moved_at: list[float] = []

    def other_seat():  # another connection, as another seat's window would have
        watch = StoreWatch()
        watch.changes()
        ready.set()
        while not stop.is_set():
            if watch.changes() and moved_at:
                seen.append(time.perf_counter() - moved_at[-1])
                moved_at.clear()
            time.sleep(0.005)
        watch.close()

    thread = threading.Thread(target=other_seat)
    thread.start()
    ready.wait(10)
    time.sleep(0.5)
    for i in range(10):
        moved_at.append(time.perf_counter())
        move_deal(deal.id, stages[(i + 1) % len(stages)].id)
        deadline = time.perf_counter() + 5
        while moved_at and time.perf_counter() < deadline:
            time.sleep(0.005)
    stop.set()
    thread.join(10)
    figures["move_seen_ms"] = statistics.median(seen) * 1000 if seen else float("nan")
    close_database()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-second-seat-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    source = tmp / "contacts.csv"
    make_csv(source, args.contacts)
    print(f"{args.contacts:,} contacts; load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")

    from aiosmtpd.controller import Controller

    from tests.campaigns.conftest import free_port

    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    targets = [("SQLite", str(tmp / "store.db"))]
    cluster = None
    try:
        from tests.postgres import Cluster, find_bindir

        bindir = find_bindir()
        if bindir is not None:
            cluster = Cluster(bindir).start()
            with cluster.admin() as conn:
                conn.execute("CREATE DATABASE bench")
            targets.append(("PostgreSQL", cluster.url("bench")))
        else:
            print("PostgreSQL is not installed: SQLite only")
        results = {
            label: measure(target, source, args.contacts, args.send, port, recorder)
            for label, target in targets
        }
    finally:
        controller.stop()
        if cluster is not None:
            cluster.stop()
    rows = [
        ("import", "import_s", "{:.1f} s"),
        ("search p50", "search_p50_ms", "{:.1f} ms"),
        ("search p95", "search_p95_ms", "{:.1f} ms"),
        ("list, first page", "first_page_ms", "{:.1f} ms"),
        (f"two seats sending {args.send:,}", "send_msg_per_s", "{:.0f} msg/s"),
        ("… duplicates", "send_duplicates", "{}"),
        ("… who sent what", "send_split", "{}"),
        ("deal move noticed by the other seat", "move_seen_ms", "{:.0f} ms"),
    ]
    print(f"{'':40}" + "".join(f"{label:>22}" for label, _ in targets))
    for title, key, fmt in rows:
        print(f"{title:40}" + "".join(f"{fmt.format(results[label][key]):>22}" for label, _ in targets))


if __name__ == "__main__":
    main()
