"""A board with 2,000 open deals: time to show, time for one move, peak memory. Run by hand:

    .venv/bin/python bench/deals.py [--deals 2000]

The baseline is the bare SQL the board needs (deals joined to contacts and companies, next
tasks) run with sqlite3 directly.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-deals-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")

    from smarketer.db import db
    from smarketer.db.models.deals import Deal, StageChange, Task
    from smarketer.demo import write_demo
    from smarketer.pipeline.deals import move_deal
    from smarketer.pipeline.stage_list import open_stages

    store = write_demo(tmp / "store.db", contacts=2000)
    rng = random.Random(5)
    stages = open_stages()
    contact_ids = [r[0] for r in db.execute_sql("SELECT id FROM contact").fetchall()]
    today = date.today()
    with db.atomic():
        Deal.delete().execute()
        for i in range(args.deals):
            deal = Deal.create(
                title=f"Deal {i}",
                contact=rng.choice(contact_ids),
                value=Decimal(rng.randint(1, 200) * 50),
                stage=rng.choice(stages),
                position=i,
                expected_close=today + timedelta(days=rng.randint(-20, 180)),
            )
            StageChange.create(deal=deal, to_stage=deal.stage_id)
            if i % 2:
                Task.create(
                    title="Follow up",
                    due_date=today + timedelta(days=rng.randint(-5, 9)),
                    deal=deal,
                    contact=deal.contact_id,
                )

    conn = sqlite3.connect(store)
    start = time.perf_counter()
    conn.execute("""SELECT d.*, c.first_name, c.last_name, co.name FROM deal d
                    LEFT JOIN contact c ON c.id = d.contact_id
                    LEFT JOIN company co ON co.id = d.company_id
                    JOIN stage s ON s.id = d.stage_id WHERE s.kind = 'open'
                    ORDER BY d.position""").fetchall()
    conn.execute("SELECT * FROM task WHERE done_at IS NULL AND deal_id IS NOT NULL").fetchall()
    baseline = (time.perf_counter() - start) * 1000
    conn.close()

    from PySide6.QtWidgets import QApplication

    from smarketer.ui.deals.board import DealsSection
    from smarketer.ui.hub import Hub

    app = QApplication([])
    start = time.perf_counter()
    section = DealsSection(Hub())
    section.resize(1600, 900)
    section.show()
    app.processEvents()
    shown = (time.perf_counter() - start) * 1000
    cards = sum(len(c.model.cards) for c in section.columns)
    print(f"{cards:,} open deals on {len(section.columns)} columns")
    print(
        f"show the board: {shown:.0f} ms  target < 500 ms  "
        f"(bare SQL for the same rows {baseline:.0f} ms, ratio {shown / baseline:.0f}x)"
    )

    moves, after = [], []
    for _ in range(10):
        column = rng.choice(section.columns)
        if not column.model.cards:
            continue
        deal_id = rng.choice(column.model.cards).id
        target = rng.choice(section.columns)
        start = time.perf_counter()
        section.move(deal_id, target.stage.id, 0)  # store, then the two columns redrawn
        moves.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        app.processEvents()  # the deferred side panel (90-day figures, forecast)
        after.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    move_deal(deal_id, section.columns[0].stage.id, 0)
    core_move = (time.perf_counter() - start) * 1000
    print(
        f"one move as the board does it (store + the two columns): median "
        f"{statistics.median(moves):.0f} ms, max {max(moves):.0f} ms  target < 50 ms; "
        f"the store part alone {core_move:.1f} ms; then the side figures, deferred: "
        f"median {statistics.median(after):.0f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
