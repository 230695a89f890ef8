from tests.campaigns.conftest import account, recipients, smtp_server  # noqa: F401
