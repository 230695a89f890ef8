"""Undo for changes made with one click: the change is done first, then pushed here.

``push_done(stack, hub, text, undo, redo, after, changes)`` records a change that already
happened: ``undo`` puts the store back (usually a ``smarketer.snapshots`` restore), ``redo`` does
the change again, ``after`` refreshes what shows it. The hub announces ``changes`` (kinds of
data, as ``run_job`` does) for the change, its undo and its redo. The corner toast offers Undo
as well as Ctrl+Z.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QUndoCommand, QUndoStack

from smarketer.ui.workers import announce


class DoneChange(QUndoCommand):
    def __init__(
        self, text: str, undo: Callable[[], object], redo: Callable[[], object], after: Callable[[], object]
    ):
        super().__init__(text)
        self._undo, self._redo, self._after = undo, redo, after
        self._done = True  # pushed after the change was made: the first redo does nothing

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._redo()
        self._after()

    def undo(self) -> None:
        self._undo()
        self._after()


def push_done(
    stack: QUndoStack | None,
    hub,
    text: str,
    undo: Callable[[], object],
    redo: Callable[[], object],
    after: Callable[[], object],
    changes: Iterable[str] = (),
) -> DoneChange | None:
    """Record a change already made and announce it with an Undo button in the toast."""
    kinds = tuple(changes)

    def after_and_announce() -> None:
        after()
        announce(hub, kinds)

    announce(hub, kinds)
    if stack is None:
        return None
    command = DoneChange(text, undo, redo, after_and_announce)
    stack.push(command)

    def undo_this() -> None:
        if stack.canUndo() and stack.command(stack.index() - 1) is command:
            stack.undo()

    if hub is not None:
        hub.toast.emit(text, "Undo", undo_this)
    return command
