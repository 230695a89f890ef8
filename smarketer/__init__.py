"""Smarketer: sales and marketing for the owner-operator, in one offline desktop app."""

__version__ = "0.1.0"
APP_NAME = "Smarketer"
