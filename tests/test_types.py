"""The checked-in mypy configuration holds: the core (every module of ``smarketer`` but the ui)
type-checks without an error, the modules pyproject.toml [tool.mypy] lists as strict under its
strict settings."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_core_type_checks(tmp_path):
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("needs the source tree")
    pytest.importorskip("mypy")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),  # nothing written into the source tree
            "--exclude",
            "^smarketer/ui/",
            "smarketer",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
