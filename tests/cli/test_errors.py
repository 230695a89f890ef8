"""One way to fail: what the user can put right is one line; a bug shows its traceback."""

import os
import sqlite3
import subprocess
import sys

import pytest

from smarketer.errors import FieldErrors, UserError
from tests.cli.conftest import one_line_error


def _run_with(patch: str, args: list[str], tmp_path, smarketer_home):
    """The real entry point with one core function replaced by ``patch`` (Python source)."""
    script = (
        f"import sys, smarketer.pipeline.tasks as tasks, sqlite3\n{patch}\n"
        "from smarketer.cli import main\nsys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env=dict(os.environ, SMARKETER_HOME=str(smarketer_home)),
    )


@pytest.mark.parametrize(
    "error", ["ValueError('a bug')", "LookupError('a bug')", "RuntimeError('a bug')", "KeyError('a bug')"]
)
def test_a_bug_prints_its_traceback_not_a_user_message(tmp_path, smarketer_home, error):
    result = _run_with(
        f"def agenda():\n    raise {error}\ntasks.agenda = agenda",
        ["--db", "s.db", "tasks"],
        tmp_path,
        smarketer_home,
    )
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert f"{error.split('(')[0]}: " in result.stderr
    assert "smarketer: error" not in result.stderr


def test_a_full_disk_is_one_line_and_another_sqlite_error_is_a_bug(tmp_path, smarketer_home):
    full = _run_with(
        "def agenda():\n    raise sqlite3.OperationalError('database or disk is "
        "full')\ntasks.agenda = agenda",
        ["--db", "s.db", "tasks"],
        tmp_path,
        smarketer_home,
    )
    assert full.returncode == 1
    assert full.stderr.strip() == ("smarketer: error: the disk is full: free some space, then try again")
    bug = _run_with(
        "def agenda():\n    raise sqlite3.OperationalError('no such column: x')\ntasks.agenda = agenda",
        ["--db", "s.db", "tasks"],
        tmp_path,
        smarketer_home,
    )
    assert "Traceback" in bug.stderr and "no such column: x" in bug.stderr


def test_a_store_locked_by_another_program_is_one_line(run_cli, tmp_path):
    assert run_cli("tasks").returncode == 0  # creates the store
    holder = sqlite3.connect(tmp_path / "store.db")
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    holder.execute("INSERT INTO tag (name) VALUES ('held')")
    try:
        result = run_cli(
            "smtp",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            "25",
            "--security",
            "none",
            "--from",
            "owner@example.com",
        )
    finally:
        holder.rollback()
        holder.close()
    assert "locked by another program" in one_line_error(result)
    assert sqlite3.connect(tmp_path / "store.db").execute("SELECT count(*) FROM setting").fetchone()[0] == 0


def test_user_errors_are_one_line_through_the_core_classes(run_cli):
    missing = run_cli("proposal", "show", "P-1")
    assert one_line_error(missing) == ("smarketer: error: no proposal 'P-1' (see: smarketer proposal list)")


def test_the_core_error_classes_share_one_base():
    from smarketer.campaigns.account import AccountInvalid
    from smarketer.campaigns.outbox import CampaignError
    from smarketer.campaigns.templates import TemplateProblem
    from smarketer.contacts.editing import ContactInvalid
    from smarketer.exchange.csv_io import UnreadableFile
    from smarketer.inbox.sync import InboxUnavailable
    from smarketer.passwords import PasswordUnavailable
    from smarketer.pipeline.errors import DealInvalid, PipelineError
    from smarketer.proposals.drafts import ProposalError
    from smarketer.proposals.pricing import PricingError
    from smarketer.settings import ProfileInvalid

    for cls in (AccountInvalid, ContactInvalid, DealInvalid, ProfileInvalid):
        assert issubclass(cls, FieldErrors) and issubclass(cls, ValueError)
    for cls in (
        CampaignError,
        TemplateProblem,
        UnreadableFile,
        InboxUnavailable,
        PasswordUnavailable,
        PipelineError,
        PricingError,
        ProposalError,
    ):
        assert issubclass(cls, UserError)
    problem = ContactInvalid({"email": "not an address", "phone": "too short"})
    assert problem.errors == {"email": "not an address", "phone": "too short"}
    assert str(problem) == "email: not an address; phone: too short"
