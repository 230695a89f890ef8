"""Account passwords: in the OS keyring, never in the store or a log.

Each account type says where its password lives (``keyring_service``) and which environment
variable the command line may use instead (``password_env``). Without a keyring backend, a
password is kept for this session only (``remember_for_session``).
"""

from __future__ import annotations

import os
from types import ModuleType

from smarketer.errors import UserError

_session: dict[tuple[str, str], str] = {}


class PasswordUnavailable(UserError, RuntimeError):
    """No keyring holds the password and none was given for this session."""


def _keyring() -> ModuleType:
    """The keyring library, loaded on first use: about 0.3 s that starting the app (or
    building the Campaigns section) need not pay."""
    import keyring
    import keyring.errors

    return keyring


def _slot(account) -> tuple[str, str]:
    return account.keyring_service, account.key


def store_password(account, password: str) -> bool:
    """Keep the password in the OS keyring; False (and kept for this session only) when
    there is no keyring."""
    keyring = _keyring()
    try:
        keyring.set_password(account.keyring_service, account.key, password)
        return True
    except keyring.errors.KeyringError:
        remember_for_session(account, password)
        return False


def remember_for_session(account, password: str) -> None:
    _session[_slot(account)] = password


def keyring_available() -> bool:
    backend = _keyring().get_keyring()
    return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__


def get_password(account) -> str:
    if _slot(account) in _session:
        return _session[_slot(account)]
    keyring = _keyring()
    try:
        stored = keyring.get_password(account.keyring_service, account.key)
    except keyring.errors.KeyringError:
        stored = None
    if stored is not None:
        return stored
    if os.environ.get(account.password_env):
        return os.environ[account.password_env]
    raise PasswordUnavailable(
        "No password for the email account: no keyring holds it. Enter it for this session, "
        f"or set {account.password_env} for the command line."
    )


def forget_password(account) -> None:
    _session.pop(_slot(account), None)
    keyring = _keyring()
    try:
        keyring.delete_password(account.keyring_service, account.key)
    except keyring.errors.KeyringError:
        pass
