"""One way to fail.

What the user can put right is a :class:`UserError`: its ``str()`` is one line that says what
is wrong and, where it helps, what to do. The command line prints it as
``smarketer: error: …`` and the window shows it in a message; anything else is a bug and shows
its traceback (in the terminal, the log and the crash dialog).

Most user errors are also ``ValueError`` subclasses, so callers that catch ``ValueError`` for
bad input keep working.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(Exception):
    """Something the user can put right; ``str()`` is a one-line message."""


class InputInvalid(UserError, ValueError):
    """One value as typed that cannot be used (an amount, a name, a choice)."""


class FieldErrors(UserError, ValueError):
    """Several fields of one form are wrong: ``errors`` maps each field to its message.

    A form shows each message beside its field; one line joins them elsewhere.
    """

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))
