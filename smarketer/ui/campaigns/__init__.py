"""The Campaigns section and the email account settings."""
