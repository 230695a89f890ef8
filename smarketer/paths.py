"""Where Smarketer keeps things on this machine.

Everything lives under the platform's per-user folders (platformdirs). Setting the
environment variable ``SMARKETER_HOME`` puts all of it under one folder instead, which
the tests use so they never touch a real user's data.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from smarketer import APP_NAME

_APP_DIR = "smarketer"


def _home_override() -> Path | None:
    value = os.environ.get("SMARKETER_HOME")
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """The folder for databases (created on first use)."""
    home = _home_override()
    if home:
        return _ensure(home / "data")
    return _ensure(Path(platformdirs.user_data_dir(_APP_DIR, appauthor=False)))


def config_dir() -> Path:
    """The folder for per-machine UI state such as window geometry."""
    home = _home_override()
    if home:
        return _ensure(home / "config")
    return _ensure(Path(platformdirs.user_config_dir(_APP_DIR, appauthor=False)))


def log_dir() -> Path:
    home = _home_override()
    if home:
        return _ensure(home / "logs")
    return _ensure(Path(platformdirs.user_log_dir(_APP_DIR, appauthor=False)))


def log_file() -> Path:
    return log_dir() / "smarketer.log"


def backup_dir() -> Path:
    """Automatic and pre-migration backups."""
    return _ensure(data_dir() / "backups")


def default_database() -> Path:
    return data_dir() / "smarketer.db"


def demo_database() -> Path:
    return data_dir() / "demo.db"


def ui_state_file() -> Path:
    return config_dir() / f"{APP_NAME.lower()}-ui.ini"
