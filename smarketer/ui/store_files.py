"""File → Open Database, Back Up Now, Restore from Backup and Help → Open the Demo: the store
the window works on, switched, copied or restored, with the slow parts in background jobs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from smarketer import backup, paths
from smarketer.db import StoreError, close_database, location, open_database
from smarketer.ui import dialogs
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job


class StoreWindow(Protocol):
    """What of the main window the store actions use."""

    store_path: Path
    actions: dict[str, QAction]
    hub: Hub

    def reload_all(self) -> None: ...
    def show_busy(self, text: str) -> None: ...
    def done_busy(self, text: str = "") -> None: ...


class StoreFiles(QObject):
    def __init__(self, window: StoreWindow, parent: QObject):
        super().__init__(parent)
        self.window = window

    def choose_store(self) -> None:
        path = dialogs.ask_open_file(self.window, self.tr("Open a Smarketer database"))
        if path is not None:
            self.open_store(path)

    def open_store(self, path, on_refused=None) -> bool:
        """Switch to the store at ``path`` (a file or a server's address); when it cannot be
        opened the current one stays open and ``on_refused(error)`` (or a message) says why."""
        previous = self.window.store_path
        try:
            open_database(path, backup_dir=paths.backup_dir())
        except StoreError as exc:
            open_database(previous, backup_dir=paths.backup_dir())
            if on_refused is not None:
                on_refused(exc)
            else:
                dialogs.show_error(self.window, self.tr("Cannot open database"), str(exc))
            return False
        self.window.store_path = location(path)
        self.window.reload_all()
        self.window.hub.notify.emit(self.tr("Opened {}").format(self.window.store_path))
        return True

    def open_demo(self) -> None:
        """Write a fresh demo business (in the data folder) and switch to it."""
        from smarketer.demo import write_demo

        previous = self.window.store_path
        close_database()
        self.window.show_busy(self.tr("Preparing the demo…"))
        self.window.actions["demo"].setEnabled(False)

        def opened(path: Path) -> None:
            self.window.actions["demo"].setEnabled(True)
            self.window.done_busy()
            self.open_store(path)

        def failed(exc: BaseException) -> None:
            self.window.actions["demo"].setEnabled(True)
            open_database(previous, backup_dir=paths.backup_dir())
            self.window.done_busy()
            dialogs.show_error(self.window, self.tr("Cannot open the demo"), str(exc))
            self.window.reload_all()

        run_job(
            write_demo, paths.demo_database(), force=True, on_success=opened, on_failure=failed, parent=self
        )

    def backup_now(self) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d")
        suffix = ".db" if isinstance(self.window.store_path, Path) else ".dump"  # a server: pg_dump
        dest = dialogs.ask_save_file(
            self.window,
            self.tr("Back up the database to"),
            f"{self.window.store_path.stem}-backup-{stamp}{suffix}",
        )
        if dest is None:
            return
        self.window.show_busy(self.tr("Backing up…"))
        self.window.actions["backup"].setEnabled(False)

        def finished(text: str) -> None:
            self.window.actions["backup"].setEnabled(True)
            self.window.done_busy(text)

        def failed(exc: BaseException) -> None:
            finished("")
            dialogs.show_error(self.window, self.tr("Backup failed"), str(exc))

        run_job(
            backup.backup_open_store,
            dest,
            on_success=lambda out: finished(self.tr("Backed up to {}").format(out)),
            on_failure=failed,
            parent=self,
        )

    def choose_restore(self) -> None:
        source = dialogs.ask_open_file(self.window, self.tr("Restore from which backup?"))
        if source is None:
            return
        dialogs.confirm(
            self.window,
            self.tr("Restore from backup?"),
            self.tr(
                "Replace everything in {} with the contents of {}?\n\nThe current contents are "
                "kept as an automatic backup first, so this can be undone by restoring that."
            ).format(self.window.store_path.name, source.name),
            lambda: self.restore_from(source),
            yes_text=self.tr("Restore"),
            destructive=True,
        )

    def restore_from(self, source: Path) -> None:
        target = self.window.store_path
        close_database()
        self.window.show_busy(self.tr("Restoring…"))

        def reopen(kept, error: BaseException | None = None) -> None:
            try:
                open_database(target, backup_dir=paths.backup_dir())
            except StoreError as exc:
                error = error or exc
            self.window.done_busy("" if error else self.tr("Restored from {}.").format(source.name))
            if error:
                dialogs.show_error(self.window, self.tr("Restore failed"), str(error))
            self.window.reload_all()

        run_job(
            backup.restore,
            source,
            target,
            force=True,
            on_success=reopen,
            on_failure=lambda exc: reopen(None, exc),
            parent=self,
        )
