"""Starting the GUI: the QApplication, the store, the crash handler, the main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from smarketer import APP_ID, APP_NAME, __version__, backup, paths
from smarketer.db import StoreError, location, open_database
from smarketer.db.database import damage_found
from smarketer.ui import dialogs, style
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job, wait_for_all

log = logging.getLogger(__name__)


def crash_message(exc_type, exc, tb) -> tuple[str, str]:
    """The text and the detail shown for an uncaught exception."""
    detail = "".join(traceback.format_exception(exc_type, exc, tb))
    text = (
        f"Something went wrong: {exc_type.__name__}: {exc}\n\n"
        f"Your data is safe: every change is saved as you make it. The details were "
        f"written to the log at {paths.log_file()}."
    )
    return text, detail


def install_crash_handler() -> None:
    """Log uncaught exceptions and show them in a dialog instead of dying silently."""

    def handle(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        text, detail = crash_message(exc_type, exc, tb)
        parent = QApplication.activeWindow()
        dialogs.show_error(parent, f"{APP_NAME}: unexpected error", text, detail)

    sys.excepthook = handle


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setStyle(style.make_style())  # Fusion everywhere; the palette follows light or dark
    style.apply(app)
    return app


def start_automatic_backup(store_path: Path):
    """Back up the store in the background as the app starts, keeping the last ten."""
    return run_job(
        backup.automatic_backup,
        store_path,
        on_failure=lambda exc: log.warning("Automatic backup failed: %s", exc),
    )


def check_for_damage(window, store_path: Path):
    """SQLite's check of every page, in the background once the window is up (opening checks
    only what costs nothing on a big file); damage found is shown over the window."""

    def found(problem: str | None) -> None:
        if problem:
            log.error("Store damaged: %s", problem)
            dialogs.show_error(
                window,
                window.tr("{}: the database is damaged").format(APP_NAME),
                window.tr(
                    "{}\n\nStop working in it: what you change now may be lost. Restore the "
                    "newest backup (File → Restore from Backup…); the automatic backups are in {}."
                ).format(problem, paths.backup_dir()),
            )

    return run_job(
        damage_found,
        store_path,
        on_success=found,
        on_failure=lambda exc: log.warning("The store's check did not run: %s", exc),
        parent=window,
    )


#: Set to 1, the app quits as soon as its windows are up, after printing their titles: the
#: smoke test of a wheel or a bundle (tests/packaging) and the start-up measurement.
SMOKE_TEST_VARIABLE = "SMARKETER_SMOKE_TEST"


def report_started_and_quit(app: QApplication) -> None:
    titles = [w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()]
    print("started: " + " | ".join(sorted(titles)), flush=True)
    app.quit()


def run_app(db_path: Path | None = None, demo: bool = False) -> int:
    from smarketer.ui.main_window import MainWindow

    app = make_application()
    install_crash_handler()
    try:
        if demo:
            from smarketer.demo import write_demo

            path = write_demo(paths.demo_database(), force=True)
        else:
            path = location(db_path or paths.default_database())
            open_database(path, backup_dir=paths.backup_dir())
    except StoreError as exc:
        log.error("Cannot open store: %s", exc)
        QMessageBox.critical(None, f"{APP_NAME}: cannot open database", str(exc))
        return 1
    if not demo and isinstance(path, Path):  # a server keeps its own backups (pg_dump)
        start_automatic_backup(path)
    window = MainWindow(path, Hub())
    window.show()
    if not demo and isinstance(path, Path):
        check_for_damage(window, path)
    from smarketer.settings import setup_needed

    if not demo and setup_needed():
        window.open_setup()
    if os.environ.get(SMOKE_TEST_VARIABLE):
        QTimer.singleShot(0, lambda: report_started_and_quit(app))
    code = app.exec()
    wait_for_all()
    return code
