"""Seats see each other's work: the window asks the store every couple of seconds whether
someone else (another seat, another process) changed it, and if so the hub announces
``changed_elsewhere`` once, with the tables (see ``db/watch.py``). The check costs the same
on 10 or 100,000 contacts; the refreshes it causes read what they show as they always do."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from smarketer.db.watch import StoreWatch
from smarketer.ui.hub import Hub

log = logging.getLogger(__name__)

INTERVAL_MS = 1500


class SeatWatcher(QObject):
    def __init__(self, hub: Hub, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.hub = hub
        self.watch: StoreWatch | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)
        hub.store_changed.connect(self.restart)
        self.restart()
        self.timer.start()

    def restart(self) -> None:
        """Watch the store that is open now (after opening another one)."""
        self.stop()
        try:
            self.watch = StoreWatch()
        except Exception:  # noqa: BLE001 - no watching is better than no window; logged
            log.exception("cannot watch the store for other seats' changes")

    def check(self) -> None:
        if self.watch is None:
            return
        try:
            changed = self.watch.changes()
        except Exception:  # noqa: BLE001 - a store closed meanwhile (opening another)
            return
        if changed:
            self.hub.changed_elsewhere.emit(changed)

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.close()
            self.watch = None
