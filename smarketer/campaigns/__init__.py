"""Email campaigns: the SMTP account, templates, composing, the durable outbox, sending."""
