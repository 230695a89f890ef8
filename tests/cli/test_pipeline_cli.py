"""`stages`, `deal …`, `deals list`, `task …` and `tasks` through the real entry point."""

from datetime import date, timedelta

from tests.cli.conftest import one_line_error


def _contact(run_cli):
    assert run_cli("contacts", "add", "--first-name", "Zoë", "--email", "zoe@example.com").returncode == 0


def test_stages_list(run_cli):
    listed = run_cli("stages", "list")
    assert listed.lines[0].split() == ["Stage", "Kind", "Prob.", "Deals"]
    document = run_cli("stages", "list", "--json").json()
    kinds = [s["kind"] for s in document["stages"]]
    assert kinds[-2:] == ["won", "lost"] and set(kinds[:-2]) == {"open"}
    assert [line.split()[0] for line in listed.lines[1:]] == [
        s["name"].split()[0] for s in document["stages"]
    ]


def test_deal_create_show_move_won_lost(run_cli):
    _contact(run_cli)
    created = run_cli(
        "deal",
        "create",
        "Website refresh",
        "--contact",
        "zoe@example.com",
        "--value",
        "4800.50",
        "--close",
        "2030-03-31",
        "--probability",
        "40",
    )
    assert created.returncode == 0, created.stderr
    first_stage = run_cli("stages", "list", "--json").json()["stages"][0]["name"]
    assert created.stdout.strip() == (f"Created deal 1: Website refresh ({first_stage}, €4,800.50)")
    deal = run_cli("deal", "show", "website refresh", "--json").json()["deal"]
    assert deal["value"] == "4800.50" and deal["weighted"] == "1920.20"
    assert deal["contact"] == "Zoë" and deal["expected_close"] == "2030-03-31"
    assert [h["to"] for h in deal["history"]] == [first_stage]
    shown = run_cli("deal", "show", "1")
    assert shown.lines[0] == "Deal 1: Website refresh"
    assert "31 Mar 2030" in shown.stdout  # the profile's locale (en_IE), not ISO

    listed = run_cli("deals", "list", "--json").json()
    assert listed["total"] == "4800.50" and listed["deals"][0]["title"] == "Website refresh"

    stages = [s["name"] for s in run_cli("stages", "list", "--json").json()["stages"]]
    moved = run_cli("deal", "move", "1", stages[1])
    assert moved.stdout.strip() == f"Deal 1 Website refresh: now {stages[1]} (€4,800.50)"
    no_reason = run_cli("deal", "move", "1", "Lost")
    assert one_line_error(no_reason) == "smarketer: error: Say why the deal was lost."
    won = run_cli("deal", "won", "1", "--value", "5200")
    assert won.stdout.strip() == "Deal 1 Website refresh: now Won (€5,200.00)"
    lost = run_cli("deal", "lost", "Website refresh", "--reason", "Chose a competitor")
    assert "now Lost" in lost.stdout
    deal = run_cli("deal", "show", "1", "--json").json()["deal"]
    assert deal["lost_reason"] == "Chose a competitor"
    assert [h["to"] for h in deal["history"]] == [first_stage, stages[1], "Won", "Lost"]


def test_deal_mistakes_are_one_line_and_write_nothing(run_cli, store_sql):
    assert "no deal '9'" in one_line_error(run_cli("deal", "show", "9"))
    assert "not an amount" in one_line_error(run_cli("deal", "create", "X", "--value", "ten"), code=2)
    too_much = run_cli("deal", "create", "X", "--value", "1e20")
    assert "value: " in one_line_error(too_much)
    odds = run_cli("deal", "create", "X", "--probability", "140")
    assert "probability: The probability must be from 0 to 100." in one_line_error(odds)
    assert "no stage named 'Nope'" in one_line_error(run_cli("deal", "create", "X", "--stage", "Nope"))
    assert store_sql("SELECT count(*) FROM deal") == [(0,)]


def test_tasks_add_done_snooze(run_cli):
    _contact(run_cli)
    run_cli("deal", "create", "Logo")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    added = run_cli("task", "add", "Call back", "--due", yesterday, "--deal", "Logo")
    assert added.returncode == 0, added.stderr
    run_cli("task", "add", "Send quote", "--due", "today", "--time", "09:30", "--contact", "zoe@example.com")
    listed = run_cli("tasks")
    assert listed.lines[0].split() == ["ID", "When", "Task", "For"]
    assert "(overdue)" in listed.lines[1] and "Call back" in listed.lines[1]
    assert "today 09:30" in listed.lines[2] and "Zoë" in listed.lines[2]
    document = run_cli("task", "list", "--json").json()
    assert [t["title"] for t in document["overdue"]] == ["Call back"]
    assert document["today"][0]["due_time"] == "09:30"
    assert document["overdue"][0]["due_date"] == yesterday

    snoozed = run_cli("task", "snooze", "1", "--days", "3")
    assert snoozed.returncode == 0, snoozed.stderr
    assert (
        run_cli("task", "list", "--upcoming", "--json").json()["upcoming"][0]["due_date"]
        == (date.today() + timedelta(days=3)).isoformat()
    )
    assert run_cli("task", "done", "2").stdout.strip() == "Done: Send quote"
    assert run_cli("tasks").stdout.strip() == "Nothing overdue and nothing due today."
    assert "give 1 to 365 days" in one_line_error(run_cli("task", "snooze", "1", "--days", "9999"), code=2)
    assert "no task 42" in one_line_error(run_cli("task", "done", "42"))
    orphan = run_cli("task", "add", "Nothing", "--due", "today")
    assert one_line_error(orphan) == "smarketer: error: A task belongs to a deal or a contact."
