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


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster for the session (tests/postgres.py), with a template
    database that already holds the Smarketer schema; skipped without PostgreSQL."""
    from tests.postgres import TEMPLATE, Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; dev.py does it in CI)")
    cluster = Cluster(bindir).start()
    try:
        with cluster.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        open_database(cluster.url(TEMPLATE))
        close_database()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def empty_server_database(postgres):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = postgres.create_database()
    yield url
    close_database()
    postgres.drop_database(url)


@pytest.fixture
def server_store(postgres):
    """The URL of a new PostgreSQL store (the latest schema), open for the test."""
    from tests.postgres import TEMPLATE

    url = postgres.create_database(TEMPLATE)
    open_database(url)
    yield url
    close_database()
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request) -> str:
    """Which backend a test runs against; test modules that take it run on both."""
    return request.param


@pytest.fixture
def store(request, tmp_path):
    """An empty, migrated store that is open for the test: a SQLite file (its Path), or, in a
    test that also asks for ``backend`` and gets "postgresql", a server store (its URL)."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgresql":
        return request.getfixturevalue("server_store")
    path = tmp_path / "store.db"
    open_database(path, backup_dir=tmp_path)
    return path


@pytest.fixture
def demo_store(tmp_path) -> Path:
    """A small demo store (60 contacts), open for the test."""
    from smarketer.demo import write_demo

    return write_demo(tmp_path / "demo.db", contacts=60)
