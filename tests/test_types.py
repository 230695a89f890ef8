"""The checked-in mypy configuration holds: the store and the modules split out of the
campaigns, pipeline, contacts, demo and proposals tangles type-check cleanly under its strict
settings (pyproject.toml [tool.mypy])."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRICT = [
    "smarketer/db",
    "smarketer/attribution.py",
    "smarketer/dashboard.py",
    "smarketer/errors.py",
    "smarketer/campaigns/errors.py",
    "smarketer/campaigns/lease.py",
    "smarketer/campaigns/suppression.py",
    "smarketer/campaigns/send_rows.py",
    "smarketer/campaigns/sender.py",
    "smarketer/contacts",
    "smarketer/demo",
    "smarketer/pipeline",
    "smarketer/proposals/catalog.py",
    "smarketer/proposals/contents.py",
    "smarketer/proposals/drafts.py",
    "smarketer/proposals/lifecycle.py",
    "smarketer/proposals/service.py",
]


def test_the_strict_modules_type_check():
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("needs the source tree")
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *STRICT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
