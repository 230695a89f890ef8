"""What every long core job shares: the exception that says "the owner cancelled".

A job takes ``progress(done, total)`` and ``cancelled()`` callables; when it notices a cancel it
rolls its transaction back and raises ``Cancelled`` (or a subclass), which callers report as
a cancel, not as a failure.
"""


class Cancelled(Exception):
    """The owner cancelled; nothing was left half done."""
