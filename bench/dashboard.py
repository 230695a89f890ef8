"""The dashboard on a big store: 100k contacts, 200 campaigns, 300k outbox rows, 5,000 deals.
Run by hand: ``.venv/bin/python bench/dashboard.py``. Prints the time to compute the figures
and to build and show the section, against the bare SQL counts as a baseline."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-dashboard-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    from smarketer.db import close_database, open_database

    store = tmp / "store.db"
    open_database(store)
    close_database()
    rng = random.Random(3)
    now = datetime.now(UTC)
    stamp = lambda d: (now - timedelta(days=d)).isoformat(timespec="microseconds")  # noqa: E731
    conn = sqlite3.connect(store)
    conn.executemany(
        "INSERT INTO contact (first_name, last_name, email, lead_source, created_at, "
        "updated_at, sort_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f"F{i}",
                f"L{i}",
                f"c{i}@example.com",
                rng.choice(["Web", "Fair", "Referral"]),
                stamp(rng.uniform(0, 700)),
                stamp(0),
                f"l{i}",
            )
            for i in range(100_000)
        ],
    )
    conn.executemany(
        "INSERT INTO campaign (name, audience_kind, audience, subject, body, "
        "status, created_at) VALUES (?, 'tag', 'x', 's', 'b', 'done', ?)",
        [(f"Campaign {i}", stamp(400 - 2 * i)) for i in range(200)],
    )
    conn.executemany(
        "INSERT INTO outbox_message (campaign_id, contact_id, email, token, state, queued_at, "
        "sent_at) VALUES (?, ?, ?, ?, 'sent', ?, ?)",
        [
            (
                1 + i // 1500,
                1 + (i * 7919) % 100_000,
                "x",
                f"t{i}",
                stamp(400 - 2 * (i // 1500)),
                stamp(400 - 2 * (i // 1500)),
            )
            for i in range(300_000)
        ],
    )
    stages = [r[0] for r in conn.execute("SELECT id FROM stage")]
    conn.executemany(
        "INSERT INTO deal (title, contact_id, value, stage_id, position, stage_entered_at, "
        "closed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f"Deal {i}",
                rng.randint(1, 100_000),
                str(rng.randint(1, 400) * 25),
                (s := rng.choice(stages)),
                i,
                stamp(5),
                stamp(rng.uniform(0, 300)) if s > 5 else None,
                stamp(rng.uniform(0, 400)),
                stamp(0),
            )
            for i in range(5000)
        ],
    )
    conn.commit()
    start = time.perf_counter()
    for sql in (
        "SELECT count(*) FROM contact WHERE created_at >= ?",
        "SELECT count(*) FROM outbox_message WHERE state = 'sent' AND sent_at >= ?",
        "SELECT count(*) FROM deal WHERE created_at >= ?",
    ):
        conn.execute(sql, (stamp(30),)).fetchone()
    baseline = (time.perf_counter() - start) * 1000
    conn.close()

    from smarketer import dashboard

    open_database(store)
    start = time.perf_counter()
    dashboard.build(dashboard.period("30d"))
    compute = (time.perf_counter() - start) * 1000
    from PySide6.QtWidgets import QApplication

    from smarketer.ui.dashboard import DashboardSection
    from smarketer.ui.hub import Hub

    app = QApplication([])
    start = time.perf_counter()
    section = DashboardSection(Hub())
    section.resize(1400, 900)
    section.show()
    from PySide6.QtCore import QEventLoop

    while section.loading:  # computed in the background, then drawn; wait, do not spin
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    app.processEvents()
    shown = (time.perf_counter() - start) * 1000
    print(
        f"compute the dashboard: {compute:.0f} ms; build and show the section: {shown:.0f} ms"
        f"  target < 500 ms  (three bare SQL counts: {baseline:.0f} ms)"
    )


if __name__ == "__main__":
    main()
