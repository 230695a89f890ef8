"""Shared fixtures. Every test gets its own store under tmp_path and its own SMARKETER_HOME,
so no test touches a real user's data."""

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from smarketer.db import close_database, open_database  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def smarketer_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SMARKETER_HOME", str(home))
    yield home
    close_database()
    # A test that ran the CLI in this process leaves the app's log handler on the root
    # logger, pointing into its own tmp folder; the next test must start without it.
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_smarketer", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def store(tmp_path) -> Path:
    """An empty, migrated store that is open for the test."""
    path = tmp_path / "store.db"
    open_database(path, backup_dir=tmp_path)
    return path


@pytest.fixture
def demo_store(tmp_path) -> Path:
    """A small demo store (60 contacts), open for the test."""
    from smarketer.demo import write_demo

    return write_demo(tmp_path / "demo.db", contacts=60)
