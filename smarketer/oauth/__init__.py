"""Signing in to a mailbox the way desktop mail apps do (OAuth 2, RFC 8252): provider presets,
the browser sign-in with a one-shot loopback listener, refresh tokens in the OS keyring and
access tokens refreshed before they expire, for SMTP and IMAP XOAUTH2."""
