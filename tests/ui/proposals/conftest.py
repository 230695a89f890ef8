from tests.campaigns.conftest import account, smtp_server  # noqa: F401 - real SMTP (aiosmtpd)
