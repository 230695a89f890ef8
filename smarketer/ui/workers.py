"""One way to run a core job off the GUI thread.

``run_job(fn, *args, on_success=..., on_failure=..., on_progress=...)`` runs ``fn`` on Qt's
thread pool and calls the callbacks back on the GUI thread. With ``on_progress`` or
``cancellable=True`` the function also receives ``progress(done, total)`` and ``cancelled()``
keywords, the shape every long core job has; with ``on_status`` a ``status(text)`` keyword.
Pass plain data in, never widgets.

A job announces what it changes (in the spirit of Anki's ``CollectionOp``): with
``changes={"contact"}, hub=hub`` the hub's ``data_changed`` is emitted for each kind once the job
succeeded, so widgets never emit by hand. Without ``on_failure`` the failure is shown: a
``UserError`` as its one line in a message, anything else is a bug and goes to the crash
handler (the log and the crash dialog). A cancelled job shows nothing.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from smarketer.db import db
from smarketer.errors import UserError
from smarketer.jobs import Cancelled

if TYPE_CHECKING:
    from smarketer.ui.hub import Hub

log = logging.getLogger(__name__)
_running: set[Job] = set()


class Job(QObject):
    """A handle on background work; lives on the GUI thread, its signals arrive there."""

    progressed = Signal(int, int)
    status = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    # Emitted from the worker thread; queued over to this object's slots on the GUI thread.
    _progress_from_worker = Signal(int, int)
    _status_from_worker = Signal(str)
    _result_from_worker = Signal(bool, object)

    def __init__(self, owner: QObject | None = None) -> None:
        super().__init__()
        self._owner = owner  # a widget whose callbacks these are: gone, they are not called
        self.announce: Callable[[], None] | None = None  # tells the hub what a success changed
        self._cancelled = False
        self.done = False
        self._progress_from_worker.connect(self._relay_progress)
        self._status_from_worker.connect(self.status)
        self._result_from_worker.connect(self._relay_result)

    def cancel(self) -> None:
        self._cancelled = True

    def is_cancelled(self) -> bool:
        return self._cancelled

    @Slot(int, int)
    def _relay_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(bool, object)
    def _relay_result(self, ok: bool, value: object) -> None:
        self.done = True
        if ok and self.announce is not None:
            self.announce()  # whether or not the widget that asked is still there
        if self._owner is not None and not shiboken6.isValid(self._owner):
            _running.discard(self)  # its window was closed meanwhile: nobody to tell
            return
        (self.succeeded if ok else self.failed).emit(value)
        self.finished.emit()
        _running.discard(self)


class _Runner(QRunnable):
    def __init__(self, job: Job, call: Callable[[], Any]):
        super().__init__()
        self.job, self.call = job, call

    def run(self) -> None:
        store = db.obj  # the store may be switched meanwhile: close this thread's link to both
        ok, result = True, None
        try:
            result = self.call()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, none lost
            if not isinstance(exc, Cancelled):  # a cancel is no failure: nothing to log
                log.exception("Background job failed")
            ok, result = False, exc
        finally:
            # peewee keeps one connection per thread: never leave one open in a pool thread.
            # Closed before the result is told, so whoever acts on it (opens the file the job
            # wrote, say) never meets this connection's last checkpoint half way.
            for used in {id(d): d for d in (store, db.obj) if d is not None}.values():
                if not used.is_closed():
                    used.close()
        try:
            self.job._result_from_worker.emit(ok, result)
        except RuntimeError:  # the application is being torn down: nobody left to tell
            log.debug("A job ended after its application: %r", result)


def show_failure(exc: BaseException, parent: QObject | None = None) -> None:
    """How a job's failure shows when its caller has no handler of its own."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, UserError):
        from smarketer.ui import dialogs

        title = QCoreApplication.translate("run_job", "Not done")
        window = parent if isinstance(parent, QWidget) else QApplication.activeWindow()
        dialogs.show_error(window, title, str(exc))
        return
    sys.excepthook(type(exc), exc, exc.__traceback__)  # a bug: logged, the crash dialog


def announce(hub: Hub | None, changes: Iterable[str]) -> None:
    """Tell the app which kinds of data changed: the one place ``hub.data_changed`` is emitted
    (by ``run_job(changes=...)``, ``save_now``, undo and redo)."""
    for kind in changes if hub is not None and shiboken6.isValid(hub) else ():
        hub.data_changed.emit(kind)


def save_now(
    fn: Callable[..., Any], *args: Any, changes: Iterable[str], hub: Hub | None, **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` on the GUI thread, then announce ``changes``: for a short save of
    a few rows (bounded cost) whose result the caller shows at once. Anything whose cost grows
    with the data goes through ``run_job`` instead."""
    result = fn(*args, **kwargs)
    announce(hub, changes)
    return result


def run_job(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_status: Callable[[str], None] | None = None,
    cancellable: bool = False,
    changes: Iterable[str] = (),
    hub: Hub | None = None,
    parent: QObject | None = None,
    **kwargs: Any,
) -> Job:
    """Run ``fn(*args, **kwargs)`` in the background (see the module's docstring).

    ``parent`` is the widget the callbacks belong to: a failure without ``on_failure`` is shown
    over it, and once it is deleted (its window closed) the callbacks are no longer called."""
    changes = tuple(changes)
    if changes and hub is None:
        raise TypeError("run_job(changes=...) needs the hub that announces them")
    job = Job(parent)
    if changes:
        assert hub is not None

        job.announce = lambda: announce(hub, changes)
    if on_success:
        job.succeeded.connect(on_success)
    job.failed.connect(on_failure or (lambda exc: show_failure(exc, parent)))
    if on_progress:
        job.progressed.connect(on_progress)
    if on_status:
        job.status.connect(on_status)
        kwargs["status"] = job._status_from_worker.emit
    if on_progress or cancellable:
        kwargs["progress"] = job._progress_from_worker.emit
        kwargs["cancelled"] = job.is_cancelled
    _running.add(job)
    QThreadPool.globalInstance().start(_Runner(job, lambda: fn(*args, **kwargs)))
    return job


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Block until background jobs end (used when quitting and in tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
