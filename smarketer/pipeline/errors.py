"""What can go wrong with a pipeline change: a one-line reason, or a deal's field errors."""

from __future__ import annotations

from smarketer.errors import FieldErrors, UserError


class DealInvalid(FieldErrors):
    """A deal's fields that are wrong, each with its message."""


class PipelineError(UserError, ValueError):
    """A pipeline change that cannot be made; the message says why."""
