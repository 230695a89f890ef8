"""Does the window stay responsive at real size? Run by hand:

    .venv/bin/python bench/responsiveness.py [--contacts 100000] [--store FILE]

Builds a demo store of 100,000 contacts (or reuses --store) with a draft campaign to all of
them, then starts the app offscreen in a fresh process with a 10 ms heartbeat QTimer on the
GUI thread and drives it as a user would: every section (Ctrl+1 … Ctrl+7), a search typed key
by key, the campaign body edited key by key, a contact opened, a deal moved. It prints the time
from process start to the first tick, to the window with the first contact rows, and the
longest gap between two ticks during each step (a gap is a freeze: target < 100 ms).

Beside the app it measures plain baselines the same way: a bare PySide6 window with a table of
the first rows of the same file (first tick, first rows), the bare heartbeat's own jitter, and
bare SQL for campaign creation and search, and prints each figure's ratio to its baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEARCHES = [
    "a",
    "e",
    "m",
    "s",
    "an",
    "mar",
    "anna",
    "müller",
    "lukas",
    "zoe",
    "bakery",
    "studio",
    "+49",
    "+353",
    "workshop",
    "newsletter",
    "dublin",
    "berlin",
    "ha",
    "owner",
    "siobhan",
    "đặng",
    "orsted",
    "kestrel arch",
    "jonas becker",
    "lisbon",
    "trade",
    "vip",
    "example",
    "mail",
]
BODY = (
    "Hello {{ contact.first_name }},\n\nwe run a spring workshop for "
    "{{ contact.company | default('small businesses') }} in {{ contact.city }}.\n\n"
    "{{ sender.name }}\n"
)


# ---------------------------------------------------------------- the store


def build_store(path: Path, count: int) -> None:
    from smarketer.campaigns import outbox
    from smarketer.contacts.listing import ContactFilter
    from smarketer.contacts.saved_segments import save_segment
    from smarketer.db import close_database
    from smarketer.demo import write_demo

    start = time.perf_counter()
    write_demo(path, contacts=count, force=True)
    print(f"demo store of {count:,} contacts: {time.perf_counter() - start:.1f} s")
    everyone = save_segment("Everyone", ContactFilter())
    start = time.perf_counter()
    outbox.create_campaign("Spring to all", "segment", str(everyone.id), "Spring news", BODY)
    print(f"campaign create to all {count:,}: {(time.perf_counter() - start) * 1000:.0f} ms")
    close_database()


def campaign_figures(path: Path) -> None:
    """Create, check and queue a campaign to everyone, on a copy; bare SQL beside it."""
    import shutil

    from smarketer.campaigns import audience, outbox
    from smarketer.db import close_database, open_database

    copy = path.with_name("queue-copy.db")
    shutil.copy(path, copy)
    open_database(copy)
    from smarketer.contacts.saved_segments import find_segment

    everyone = find_segment("Everyone")
    t = time.perf_counter()
    campaign = outbox.create_campaign("Queue test", "segment", str(everyone.id), "Hi", BODY)
    summary = audience.summarize(campaign.id)
    checked = time.perf_counter() - t
    t = time.perf_counter()
    added = audience.queue(campaign.id)
    queued = time.perf_counter() - t
    close_database()
    conn = sqlite3.connect(copy)
    t = time.perf_counter()
    conn.execute("CREATE TABLE bare (campaign_id, contact_id, email, token)")
    conn.execute("INSERT INTO bare SELECT 1, id, email, hex(randomblob(16)) FROM contact")
    conn.commit()
    bare = time.perf_counter() - t
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    print(
        f"campaign create + count + missing-field check ({len(summary.eligible):,} "
        f"recipients, {summary.missing_count:,} lacking a field): {checked:.2f} s"
    )
    print(
        f"queue {added:,} recipients: {queued:.2f} s  target: seconds  "
        f"(bare INSERT … SELECT of the same rows {bare:.2f} s, ratio {queued / bare:.1f}x)"
    )


def search_figures(path: Path) -> None:
    """What the list does per search: the first page (its ids in name order and its rows, shown
    at once) and then, in a second job, the ids of every match (for the count and scrolling);
    bare FTS5 (first 200 matches by rank, no order by name) beside it."""
    from smarketer.contacts.listing import ContactFilter, contact_ids, fetch_rows, first_ids
    from smarketer.db import close_database, open_database
    from smarketer.db.search import match_expression

    open_database(path)
    times, cpu, whole, bare = [], [], [], []
    for query in SEARCHES:
        f = ContactFilter(text=query)
        t, c = time.perf_counter(), time.process_time()
        ids, _complete = first_ids(f)
        fetch_rows(ids[:200])
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        t = time.perf_counter()
        contact_ids(f)
        whole.append((time.perf_counter() - t) * 1000)
    conn = sqlite3.connect(path)
    for query in SEARCHES:
        t = time.perf_counter()
        conn.execute(
            "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ? LIMIT 200", (match_expression(query),)
        ).fetchall()
        bare.append((time.perf_counter() - t) * 1000)
    conn.close()
    close_database()

    def p95(values):
        return sorted(values)[round(0.95 * (len(values) - 1))]

    print(
        f"search, {len(SEARCHES)} queries incl. one-letter and common terms, first page shown: "
        f"p50 {statistics.median(times):.1f} ms  p95 {p95(times):.1f} ms  max {max(times):.1f} ms  "
        f"target p95 < 30, max < 60  (bare FTS5 first 200: p95 {p95(bare):.1f} ms, "
        f"ratio {p95(times) / max(p95(bare), 0.1):.1f}x; "
        f"CPU time p95 {p95(cpu):.1f} ms, max {max(cpu):.1f} ms)"
    )
    print(
        f"  then every match in name order (a worker; the count): p50 {statistics.median(whole):.0f} ms  "
        f"p95 {p95(whole):.0f} ms  max {max(whole):.0f} ms"
    )
    print(f"  load average: {os.getloadavg()[0]:.1f}")


# ---------------------------------------------------------------- the app, in a child process


class GapSampler:
    """With --why: samples the GUI thread's Python stack every 2 ms, so that each step's longest
    gap can be explained by the functions seen on the stack during it (printed to stderr)."""

    def __init__(self) -> None:
        import threading

        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self.main = threading.main_thread().ident
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.002):
            frame = sys._current_frames().get(self.main)
            stack = []
            while frame is not None:
                code = frame.f_code
                where = code.co_filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
                stack.append(f"{where}:{code.co_name}")
                frame = frame.f_back
            self.samples.append((time.time(), tuple(reversed(stack))))

    def explain(self, name: str, start: float, end: float, top: int = 25) -> None:
        """The functions most often on the stack during the gap (inclusive), then the innermost."""
        from collections import Counter

        inside = [stack for t, stack in self.samples if start < t < end]
        if not inside:
            return
        on_stack: Counter[str] = Counter()
        innermost: Counter[str] = Counter(stack[-1] for stack in inside if stack)
        for stack in inside:
            on_stack.update({where for where in stack if not where.startswith("bench/")})
        out = [f"\n== {name}: gap of {(end - start) * 1000:.0f} ms, {len(inside)} samples"]
        out += [f"  {n / len(inside):5.0%}  {where}" for where, n in on_stack.most_common(top)]
        out += ["  innermost:"] + [f"  {n / len(inside):5.0%}  {w}" for w, n in innermost.most_common(8)]
        print("\n".join(out), file=sys.stderr)


def child_app(store: str, t0: float, rows_only: bool = False) -> None:
    """Runs in a fresh process: start the app, drive it, print the figures as JSON."""
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    sampler = GapSampler() if os.environ.get("SMARKETER_BENCH_WHY") else None
    ticks: list[float] = []
    app = QApplication([sys.argv[0]])
    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: ticks.append(time.time()))
    heartbeat.start()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from smarketer.db import open_database
    from smarketer.ui.app import make_application
    from smarketer.ui.hub import Hub
    from smarketer.ui.main_window import MainWindow

    make_application()
    open_database(Path(store))
    window = MainWindow(Path(store), Hub())
    results: dict = {"steps": []}
    if rows_only:  # the window opened straight on Contacts: time to its first rows
        window.go_to_section("Contacts")
        window.show()

        def rows_tick():
            results["first_rows"] = time.time() - t0
            results["first_row"] = window.contacts.model.index(0, 0).data()
            app.quit()

        QTimer.singleShot(0, rows_tick)
        app.exec()
        from smarketer.ui.workers import wait_for_all

        wait_for_all()  # as the app does when it quits: its jobs finish first
        print(json.dumps(results))
        return
    window.show()

    def key(k, mod=Qt.KeyboardModifier.NoModifier, widget=None):
        QTest.keyClick(widget or window, k, mod)

    def ctrl(n):
        return lambda: key(getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)

    def typing(widget_of, text):
        keys = list(text)

        def one():
            if keys:
                QTest.keyClicks(widget_of(), keys.pop(0))
                QTimer.singleShot(90, one)  # a brisk typist

        return one

    def first_rows_shown() -> bool:
        section = window._built.get(2)
        return bool(section is not None and section.model.rowCount() and section.model.index(0, 0).data())

    def campaign_counted() -> bool:
        return "recipients" in window.campaigns.composer.info.text()

    def open_contact():
        table = window.contacts.table
        table.setFocus()
        table.selectRow(5)

    def move_deal():
        board = window.deals
        for column in board.columns[:-1]:
            if column.model.cards:
                board.select(column.model.cards[0].id)
                break
        board.step(1)  # what Ctrl+Right does

    steps = [
        ("after the first tick: Dashboard figures computed, Today and Campaigns built", lambda: None, None),
        ("Ctrl+3 Contacts (first rows of 100k)", ctrl(3), first_rows_shown),
        ("Ctrl+1 Dashboard", ctrl(1), None),
        ("Ctrl+2 Today", ctrl(2), None),
        ("Ctrl+4 Campaigns (draft to all: counting)", ctrl(4), campaign_counted),
        ("Ctrl+5 Deals", ctrl(5), None),
        ("Ctrl+6 Proposals", ctrl(6), None),
        ("Ctrl+7 Settings", ctrl(7), None),
        (
            "Ctrl+3 then type a search 'anna' key by key",
            lambda: (
                ctrl(3)(),
                window.contacts.filters.search.setFocus(),
                typing(lambda: window.contacts.filters.search, "anna")(),
            ),
            None,
        ),
        ("clear the search (all 100k again)", lambda: window.contacts.filters.search.clear(), None),
        ("open a contact", open_contact, None),
        (
            "Ctrl+4 then type ' Thanks!' in the campaign body",
            lambda: (
                ctrl(4)(),
                window.campaigns.composer.body.setFocus(),
                window.campaigns.composer.body.moveCursor(
                    window.campaigns.composer.body.textCursor().MoveOperation.End
                ),
                typing(lambda: window.campaigns.composer.body, " Thanks!")(),
            ),
            campaign_counted,
        ),
        ("Ctrl+5 then move a deal (Ctrl+Right)", lambda: (ctrl(5)(), move_deal()), None),
    ]
    state = {"step": -1, "began": 0.0}

    def advance():
        index = state["step"]
        now = time.time()
        if index >= 0:
            _name, _action, done = steps[index]
            busy = QThreadPool.globalInstance().activeThreadCount() > 0 or (done is not None and not done())
            settle = 5.0 if index == 0 else 1.2  # the first step waits for the background build
            if busy or now - state["began"] < settle:
                QTimer.singleShot(50, advance)
                return
            mine = [state["began"]] + [t for t in ticks if t >= state["began"]] + [now]
            gaps = [b - a for a, b in zip(mine, mine[1:], strict=False)]
            if sampler is not None and gaps:
                worst = gaps.index(max(gaps))
                sampler.explain(steps[index][0], mine[worst], mine[worst + 1])
            results["steps"].append(
                (steps[index][0], max(gaps) * 1000 if gaps else None, (now - state["began"]) * 1000)
            )
        if index + 1 == len(steps):
            app.quit()
            return
        state["step"] = index + 1
        state["began"] = time.time()
        print(f"step: {steps[index + 1][0]}", file=sys.stderr, flush=True)  # where a stall is
        if index + 1 == 0:  # from the first tick: the time before it is the start-up figure
            state["began"] = ticks[0]
        steps[index + 1][1]()
        QTimer.singleShot(50, advance)

    def first_tick():
        if not ticks:
            QTimer.singleShot(1, first_tick)
            return
        results["first_tick"] = ticks[0] - t0
        advance()

    QTimer.singleShot(0, first_tick)
    app.exec()
    from smarketer.ui.workers import wait_for_all

    wait_for_all()
    print(json.dumps(results))


def child_bare(store: str, t0: float) -> None:
    """The plain baseline: PySide6 and a table of the first 50 contacts by name, from SQL."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

    ticks: list[float] = []
    app = QApplication([sys.argv[0]])
    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: ticks.append(time.time()))
    heartbeat.start()
    conn = sqlite3.connect(store)
    rows = conn.execute(
        "SELECT first_name, last_name, email FROM contact "
        "WHERE deleted_at IS NULL ORDER BY sort_name LIMIT 50"
    ).fetchall()
    table = QTableWidget(len(rows), 3)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.setItem(i, j, QTableWidgetItem(value))
    table.resize(1180, 760)
    table.show()
    results = {}

    def done():
        if not ticks:  # the heartbeat has not ticked yet
            QTimer.singleShot(1, done)
            return
        results["first_tick"] = ticks[0] - t0
        results["first_rows"] = results["first_tick"]
        QTimer.singleShot(2000, finish)

    def finish():
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        results["idle_gap"] = max(gaps[5:]) * 1000 if len(gaps) > 5 else None
        app.quit()

    QTimer.singleShot(0, done)
    app.exec()
    print(json.dumps(results))


def run_child(kind: str, store: Path) -> dict:
    t0 = time.time()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SMARKETER_HOME": str(store.parent / "home")}
    # An installed app starts from compiled bytecode: let the children write and use it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, __file__, f"--{kind}", str(store), repr(t0)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if done.returncode != 0:
        sys.exit(f"{kind} child failed:\n{done.stderr[-3000:]}")
    if os.environ.get("SMARKETER_BENCH_WHY"):
        print(done.stderr, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1].startswith("--child-"):
        kind, store, t0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
        if kind == "--child-bare":
            child_bare(store, t0)
        else:
            child_app(store, t0, rows_only=kind == "--child-rows")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="reuse (or keep) the store at this path")
    parser.add_argument("--why", action="store_true", help="explain each step's longest gap (stderr)")
    parser.add_argument("--app-only", action="store_true", help="only the app's steps (with --store)")
    args = parser.parse_args()
    if args.why:
        os.environ["SMARKETER_BENCH_WHY"] = "1"
    store = args.store or Path(tempfile.mkdtemp(prefix="smarketer-bench-")) / "store.db"
    os.environ["SMARKETER_HOME"] = str(store.parent / "home")
    if not store.exists():
        build_store(store, args.contacts)
    if args.app_only:
        app = run_child("child-app", store)
        for name, gap, took in app["steps"]:
            print(f"  {gap or 0:7.0f} ms  {name}  (step took {took:.0f} ms)")
        return
    campaign_figures(store)
    search_figures(store)
    bare = run_child("child-bare", store)
    rows = run_child("child-rows", store)
    app = run_child("child-app", store)
    print(
        f"time to first tick: {app['first_tick'] * 1000:.0f} ms  (bare PySide6 table "
        f"{bare['first_tick'] * 1000:.0f} ms, ratio {app['first_tick'] / bare['first_tick']:.1f}x)"
    )
    first_rows = rows["first_rows"]
    print(
        f"window opened on Contacts, first rows shown ({rows['first_row']!r}): "
        f"{first_rows * 1000:.0f} ms  target < 800 ms  (bare "
        f"{bare['first_rows'] * 1000:.0f} ms, ratio {first_rows / bare['first_rows']:.1f}x)"
    )
    print(f"heartbeat jitter of the bare window at rest: {bare['idle_gap']:.0f} ms")
    print("longest gap between 10 ms ticks, per step (target < 100 ms):")
    for name, gap, took in app["steps"]:
        flag = "" if gap is not None and gap < 100 else "  <-- over"
        print(f"  {gap or 0:7.0f} ms  {name}  (step took {took:.0f} ms){flag}")


if __name__ == "__main__":
    main()
