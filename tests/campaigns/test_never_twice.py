"""Never twice, proven with real processes: two senders started at once, a second sender while
the first waits to retry, a lease that expires during that wait, and a sender killed while
another waits for the lease. Every trial counts what a real SMTP server (aiosmtpd) received."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from smarketer.campaigns import outbox
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db import db

DRIVER = Path(__file__).with_name("send_driver.py")
TRIALS = int(os.environ.get("SMARKETER_TRIALS", "4"))


def fill(count, tag="fair"):
    for i in range(count):
        save_contact(ContactData(first_name=f"P{i}", email=f"p{i}@example.com", tags=(tag,)))


def cli(home, store, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "smarketer", "--db", str(store), *args],
        env={**os.environ, "SMARKETER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def driver(home, store, campaign_id, lease_seconds, renew_every, retry_delay, *extra):
    return subprocess.Popen(
        [
            sys.executable,
            str(DRIVER),
            str(store),
            str(campaign_id),
            str(lease_seconds),
            str(renew_every),
            str(retry_delay),
            *extra,
        ],
        env={**os.environ, "SMARKETER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def states(store, campaign_id):
    """How many of the campaign's rows are in each state (read here, on either backend)."""
    rows = db.execute_sql(
        "SELECT state, count(*) FROM outbox_message WHERE campaign_id = ? GROUP BY state", (campaign_id,)
    ).fetchall()
    return dict(rows)


def wait_until(condition, process=None, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or (process and process.poll() is not None):
            output = finish(process, timeout=5) if process else ""
            raise AssertionError(f"timed out; the sender said: {output}")
        time.sleep(0.02)


def received_for(server, subject):
    return [rcpt for rcpt, msg in server.messages if msg["Subject"] == subject]


def test_two_senders_started_at_once_send_each_recipient_once(
    backend, store, smarketer_home, account, smtp_server
):
    """On a SQLite file and on PostgreSQL (two processes, one server)."""
    _, server = smtp_server
    from dataclasses import replace

    from smarketer.campaigns.account import save_account

    save_account(replace(account, daily_cap=10**6))  # many trials in one day
    fill(300)
    everyone = {f"p{i}@example.com" for i in range(300)}
    for trial in range(TRIALS if backend == "sqlite" else max(1, TRIALS // 2)):  # a server is slower here
        subject = f"Trial {trial}"
        campaign = outbox.create_campaign(subject, "tag", "fair", subject, "Hello")
        first = cli(smarketer_home, store, "campaign", "send", subject)
        second = cli(smarketer_home, store, "campaign", "send", subject)
        results = [finish(first), finish(second)]
        received = received_for(server, subject)
        assert len(received) == len(set(received)), f"trial {trial}: somebody got it twice"
        assert set(received) == everyone, (
            f"trial {trial}: somebody got nothing",
            states(store, campaign.id),
            results,
        )
        for code, out, err in results:
            assert code == 0, out + err
            assert "Traceback" not in err
        assert states(store, campaign.id) == {"sent": 300}
        outputs = " ".join(out + err for _, out, err in results)
        assert "300 sent" in outputs
        if "being sent by" in outputs:  # the loser says who, in one line
            assert "being sent by Smarketer on " in outputs and ", pid " in outputs


def deferred_all(store, campaign_id, count):
    conn = sqlite3.connect(store)
    try:
        return (
            conn.execute(
                "SELECT count(*) FROM outbox_message WHERE campaign_id = ? AND "
                "state = 'queued' AND attempts = 1",
                (campaign_id,),
            ).fetchone()[0]
            == count
        )
    finally:
        conn.close()


def first_sender_waiting_to_retry(name, server, home, store, retry_delay):
    """Four recipients the server defers once; a first sender with a 1 s lease (renewed every
    0.2 s) has tried them all and now waits ``retry_delay`` seconds to retry."""
    fill(4)  # (five 4xx in a row would pause the campaign: the server is struggling)
    for i in range(4):
        server.script[f"p{i}@example.com"] = ["451 4.3.0 Try again later"]
    campaign = outbox.create_campaign(name, "tag", "fair", name, "Hello")
    outbox.start(campaign.id)
    first = driver(home, store, campaign.id, 1, 0.2, retry_delay)
    wait_until(lambda: deferred_all(store, campaign.id, 4), first)
    return campaign, first


def test_a_second_sender_cannot_take_over_while_the_first_waits_to_retry(
    store, smarketer_home, account, smtp_server
):
    _, server = smtp_server
    # The first waits 10 s to retry, far longer than its 1 s lease: only renewal keeps it.
    campaign, first = first_sender_waiting_to_retry("Retry", server, smarketer_home, store, 10)
    time.sleep(1.5)  # the lease would have expired twice over without renewal
    second = driver(smarketer_home, store, campaign.id, 1, 0.2, 0)
    code, out, err = finish(second)
    assert code == 0 and out.startswith("busy: This campaign is being sent by Smarketer on "), out + err
    code, out, err = finish(first)
    assert out.split()[:2] == ["done", "4"], out + err
    received = received_for(server, "Retry")
    assert sorted(received) == sorted(f"p{i}@example.com" for i in range(4))


def test_a_lease_lost_during_a_retry_wait_stops_the_sender_without_sending(
    store, smarketer_home, account, smtp_server
):
    _, server = smtp_server
    campaign, first = first_sender_waiting_to_retry("Expiry", server, smarketer_home, store, 3)
    first.send_signal(signal.SIGSTOP)  # frozen (a laptop lid, a debugger): the lease expires
    try:
        time.sleep(1.5)
        second = driver(smarketer_home, store, campaign.id, 1, 0.2, 0)
        code, out, err = finish(second)
        assert code == 0 and out.split()[:2] == ["done", "4"], out + err
    finally:
        first.send_signal(signal.SIGCONT)
    code, out, err = finish(first)
    status, sent = out.split()[:2]
    # It woke, found the lease gone (or the campaign done by the other) and sent nothing.
    assert status in ("lost", "done") and sent == "0", out + err
    received = received_for(server, "Expiry")
    assert sorted(received) == sorted(f"p{i}@example.com" for i in range(4))
    assert states(store, campaign.id) == {"sent": 4}


def test_a_sender_killed_while_another_waits_for_the_lease(store, smarketer_home, account, smtp_server):
    _, server = smtp_server
    fill(40)
    everyone = {f"p{i}@example.com" for i in range(40)}
    from dataclasses import replace

    from smarketer.campaigns.account import save_account

    save_account(replace(account, rate_per_minute=600))  # 10 a second: time to kill it
    campaign = outbox.create_campaign("Killed", "tag", "fair", "Killed", "Hello")
    outbox.start(campaign.id)
    first = driver(smarketer_home, store, campaign.id, 120, 10, 0)
    wait_until(lambda: len(received_for(server, "Killed")) >= 5, first)
    waiting = driver(smarketer_home, store, campaign.id, 120, 0.2, 0, "wait")
    time.sleep(1.0)  # it is waiting for the lease now
    first.send_signal(signal.SIGKILL)
    finish(first)
    code, out, err = finish(waiting)
    assert code == 0 and out.split()[0] == "done", out + err
    received = received_for(server, "Killed")
    assert len(received) == len(set(received)), "somebody got the email twice"
    conn = sqlite3.connect(store)
    unknown = {
        e
        for (e,) in conn.execute(
            "SELECT email FROM outbox_message WHERE state = 'unknown' AND campaign_id = ?", (campaign.id,)
        )
    }
    conn.close()
    assert set(received) | unknown == everyone
    assert len(unknown) <= 1  # at most the one in flight when it was killed
    assert states(store, campaign.id).get("queued", 0) == 0
