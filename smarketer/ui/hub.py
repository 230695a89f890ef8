"""App-wide events, passed to whoever needs them (never fished out of QApplication)."""

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    #: The store was replaced (opened another file, restored a backup): reload everything.
    store_changed = Signal()
    #: Rows of a table changed; the argument is the table name ("contact", "setting", …).
    data_changed = Signal(str)
    #: Someone else (another seat or process) changed the store; the argument is the set of
    #: tables ("*": a SQLite file cannot say which). See ui/seat_watch.py.
    changed_elsewhere = Signal(object)
    #: A short message for the status bar.
    notify = Signal(str)
    #: A notification in the corner: (text, action text, action callable or None).
    toast = Signal(str, str, object)
