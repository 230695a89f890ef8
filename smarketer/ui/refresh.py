"""A section's read of the store when other seats changed it: debounced, in a worker, never piling up.

``Refresh(read, show, parent)``: ``request(*args)`` waits ``DEBOUNCE_MS`` for more requests, then
runs ``read(*args)`` (the newest args) with ``run_job`` and hands the result to ``show`` on the
GUI thread. Asked again while a read runs, it reads once more afterwards and shows only that
newest answer: however many changes arrive, at most one read runs and one waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from smarketer.ui.workers import Job, run_job

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250


class Refresh(QObject):
    def __init__(self, read: Callable[..., Any], show: Callable[[Any], None], parent: QObject) -> None:
        super().__init__(parent)
        self.read, self.show = read, show
        self.args: tuple[Any, ...] = ()
        self.job: Job | None = None
        self.again = False
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        """Whether a read is waiting or running (tests wait for it to end)."""
        return self.timer.isActive() or self.job is not None

    def request(self, *args: Any) -> None:
        self.args = args
        if self.job is not None:
            self.again = True
        else:
            self.timer.start()

    def _start(self) -> None:
        self.again = False
        self.job = run_job(self.read, *self.args, on_success=self._done, on_failure=self._failed, parent=self)

    def _done(self, result: Any) -> None:
        self.job = None
        if self.again:
            self._start()  # changed again meanwhile: this answer is already old
            return
        self.show(result)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        log.warning("refreshing after another seat's change failed: %s", exc)
        if self.again:
            self._start()
