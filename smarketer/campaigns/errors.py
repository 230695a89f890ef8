"""The campaigns package's user-facing error."""

from smarketer.errors import UserError


class CampaignError(UserError, ValueError):
    """A campaign that cannot be created, changed or sent; the message says why."""
