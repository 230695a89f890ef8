"""Campaign throughput: rendering 10,000 personal messages, and sending 2,000 to a local
aiosmtpd with the rate limit off. Run by hand:

    .venv/bin/python bench/campaigns.py

The baseline is a bare smtplib loop sending the same pre-built messages over one connection.
The outbox does more per message: two committed state changes (sending, then sent), a
timeline entry, a reachability check, and a fresh render.
"""

from __future__ import annotations

import os
import smtplib
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BODY = """Hello {{ contact.first_name | default("there") }},

we run a **spring workshop** for {{ contact.company | default("small businesses") }} in
{{ contact.city | default("town") }}. Would you like a place?

Best, {{ sender.name }}
"""


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-campaigns-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    from aiosmtpd.controller import Controller

    from smarketer.campaigns import outbox, sender
    from smarketer.campaigns.account import SmtpAccount, save_account
    from smarketer.contacts.listing import ContactFilter
    from smarketer.contacts.saved_segments import save_segment
    from smarketer.db.models.contacts import Contact
    from smarketer.demo import write_demo

    write_demo(tmp / "store.db", contacts=10_000)
    handler = Counter()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    save_account(
        SmtpAccount(
            host="127.0.0.1",
            port=port,
            security="none",
            from_address="anna@hollisreed.example",
            rate_per_minute=10**7,
            daily_cap=10**7,
        )
    )
    everyone = save_segment("Everyone", ContactFilter())
    campaign = outbox.create_campaign(
        "Bench", "segment", str(everyone.id), "Spring, {{ contact.first_name | default('friend') }}", BODY
    )
    from smarketer import settings
    from smarketer.campaigns import templates
    from smarketer.campaigns.account import load_account
    from smarketer.db.models.contacts import Company

    profile, account = settings.load_profile(), load_account()
    companies = {c.id: c for c in Company.select()}
    people = list(Contact.select().limit(10_000))
    for person in people:  # what the sender reads per recipient, read up front here
        if person.company_id:
            person.company = companies[person.company_id]
    start = time.perf_counter()
    rendered = [
        templates.render(
            campaign.subject, campaign.body, outbox.context_for(c, f"token{c.id}", profile, account)
        )
        for c in people
    ]
    render = time.perf_counter() - start
    print(
        f"render {len(rendered):,} personalised messages (subject, text and HTML parts): "
        f"{render:.2f} s  target < 3 s"
    )
    start = time.perf_counter()
    messages = [
        outbox.message_for(campaign, c, f"token{c.id}", profile=profile, account=account)
        for c in people[:2000]
    ]
    built = time.perf_counter() - start
    print(
        f"… and as complete MIME messages (headers, footer, both parts), 2,000 of them: "
        f"{built:.2f} s ({built / 2:.2f} ms each)"
    )

    sample = messages[:2000]
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for msg in sample:
            smtp.send_message(msg, to_addrs=["someone@example.com"])
    bare = time.perf_counter() - start
    print(
        f"bare smtplib, 2,000 pre-built messages over one connection: {bare:.2f} s ({2000 / bare:.0f} msg/s)"
    )

    import json

    first = [c.id for c in people[:2000]]
    send = outbox.create_campaign("Bench send", "contacts", json.dumps(first), "Hi", BODY)
    start = time.perf_counter()
    result = sender.send_campaign(send.id)
    took = time.perf_counter() - start
    print(
        f"outbox, 2,000 messages rendered and sent with the rate limit off: {took:.2f} s "
        f"({result.sent / took:.0f} msg/s, {result.sent} sent)  target >= 200 msg/s  "
        f"ratio to bare smtplib {took / bare:.1f}x"
    )
    mailmerge_rate = _mailmerge(tmp, port, 2000)
    if mailmerge_rate:
        print(
            f"the mailmerge CLI (renders and sends, no outbox), 2,000 messages: "
            f"{mailmerge_rate:.0f} msg/s; Smarketer's outbox is "
            f"{result.sent / took / mailmerge_rate:.2f}x its rate"
        )
    controller.stop()


def _mailmerge(tmp: Path, port: int, count: int) -> float | None:
    """The peer a solo owner scripts today (pip install mailmerge), on the same sink."""
    import shutil
    import subprocess

    exe = shutil.which("mailmerge") or str(Path(sys.executable).with_name("mailmerge"))
    if not Path(exe).exists():
        print("mailmerge not installed (pip install mailmerge): no peer figure")
        return None
    folder = tmp / "mailmerge"
    folder.mkdir()
    (folder / "mailmerge_server.conf").write_text(
        f"[smtp_server]\nhost = 127.0.0.1\nport = {port}\nsecurity = Never\nusername = None\nratelimit = 0\n",
        encoding="utf-8",
    )
    (folder / "mailmerge_template.txt").write_text(
        "TO: {{email}}\nSUBJECT: Spring, {{name}}\nFROM: anna@hollisreed.example\n"
        "MIME-Version: 1.0\nContent-Type: text/markdown\n\n"
        "Hello {{name}},\n\nwe run a **spring workshop**. Would you like a place?\n\n"
        "Best, Anna\n",
        encoding="utf-8",
    )
    rows = ["email,name"] + [f"p{i}@example.com,Person {i}" for i in range(count)]
    (folder / "mailmerge_database.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [exe, "--no-dry-run", "--no-limit", "--output-format", "raw"],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return count / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
