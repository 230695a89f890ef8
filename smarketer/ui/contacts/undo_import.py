"""Undo an import from the app: File → Undo Last Import and the import summary's button.

The check (who was used since) and the undo itself run off the GUI thread; in between the
owner confirms, seeing which contacts would be kept because they were used since."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from smarketer.exchange import history
from smarketer.ui import dialogs
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job


def _tr(text: str) -> str:
    return QCoreApplication.translate("UndoImport", text)


def undo_import(
    parent: QWidget, run_id: int | None, done: Callable[[str], None], hub: Hub | None = None
) -> None:
    """Offer to undo import ``run_id`` (the last one that can be, when None); ``done`` gets
    a one-line result after the undo (announced to ``hub`` as a change of contacts)."""
    run = history.last_undoable() if run_id is None else None
    if run_id is None and run is None:
        dialogs.show_info(parent, _tr("Undo Import"), _tr("There is no import to undo."))
        return
    target = run_id if run_id is not None else run.id

    def failed(exc: BaseException) -> None:
        dialogs.show_error(parent, _tr("Cannot undo the import"), str(exc))

    def checked(check: history.UndoCheck) -> None:
        text = _tr(
            "Undo the import of {}?\n{}\n\n{} contacts will be removed or put back as they were."
        ).format(check.run.source, check.run.describe(), check.undoable)
        if check.used:
            text += "\n\n" + _tr(
                "{} contacts were used since the import and will be kept as they are:\n{}"
            ).format(len(check.used), check.describe_used())
        dialogs.confirm(parent, _tr("Undo Import"), text, go, yes_text=_tr("Undo Import"), destructive=True)

    def go() -> None:
        run_job(
            history.undo_import,
            target,
            keep_used=True,
            changes=("contact",) if hub else (),
            hub=hub,
            on_failure=failed,
            on_success=lambda n: done(_tr("Import undone: {} contacts taken back.").format(n)),
        )

    run_job(history.check_undo, target, on_success=checked, on_failure=failed)
