"""Importing, in a worker once the window is up, the Qt-free modules the sections need.

A section is built when first shown (``main_window``), and building it imports its modules on
the GUI thread: at a quarter of a second for Campaigns or Contacts (PySide also reads the source
of every module imported after it), that is a freeze on the first visit. Imported beforehand in
a worker, they are already there. Only the core's modules are listed (never Qt's nor ``ui``'s):
importing them has no effect but their cost. What the window shows first does not wait for it.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import QObject, QTimer

from smarketer.ui.workers import Job, run_job

#: After the first paint and the first rows, before the sections with timers are built.
WARM_UP_MS = 600
MODULES = (
    # Campaigns (built a few seconds after the window, even when nobody visits it)
    "smarketer.campaigns.details",
    "smarketer.campaigns.outbox",
    "smarketer.campaigns.audience",
    "smarketer.campaigns.compose",
    "smarketer.campaigns.transport",
    "smarketer.oauth.providers",
    "jinja2.sandbox",  # a draft is checked when the owner leaves the section (Markdown too)
    "markdown",
    # Contacts: import and export
    "smarketer.exchange.files",
    "smarketer.exchange.export",
    "smarketer.exchange.importer",
    # Today, Proposals, Settings → Inbox
    "smarketer.overview",
    "smarketer.snapshots",
    "smarketer.proposals.listing",
    "smarketer.proposals.drafts",
    "smarketer.proposals.contents",
    "smarketer.proposals.lifecycle",
    "smarketer.proposals.presentation",
    "smarketer.inbox.process",
)


def import_modules(names: tuple[str, ...] = MODULES) -> list[str]:
    """Import ``names`` (in a worker); the ones that were not loaded yet."""
    import sys

    fresh = [name for name in names if name not in sys.modules]
    for name in fresh:
        importlib.import_module(name)
    return fresh


def schedule(window: QObject) -> None:
    """Start the imports ``WARM_UP_MS`` after now, unless ``window`` is gone by then."""

    def start() -> Job:
        return run_job(import_modules, parent=window)

    QTimer.singleShot(WARM_UP_MS, window, start)
