"""The Contacts section: segments on the left, the filtered list, the editor on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smarketer.contacts.editing import unsubscribe
from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.saved_segments import segment_filter
from smarketer.contacts.trash import delete_contacts, restore_contacts
from smarketer.ui import dialogs
from smarketer.ui.contacts.editor import ContactEditor
from smarketer.ui.contacts.filters import FilterBar
from smarketer.ui.contacts.model import COLUMNS, ContactTableModel
from smarketer.ui.contacts.segments import SegmentPanel
from smarketer.ui.forms import save_or_ask
from smarketer.ui.hub import Hub
from smarketer.ui.sections import NEXT_TURN_MS, EmptyState, IntoResults, Section, title_label
from smarketer.ui.workers import announce, run_job

if TYPE_CHECKING:  # imported when first used: not on the way to the window's first rows
    from smarketer.ui.contacts.duplicates import DuplicatesDialog
    from smarketer.ui.contacts.import_dialog import ImportDialog

IMPORT_FILTER = "Contacts (*.csv *.xlsx *.vcf *.vcard *.txt *.tsv);;All files (*)"
EXPORT_FILTER = "CSV for spreadsheets (*.csv);;Excel workbook (*.xlsx);;vCard (*.vcf)"


class DeleteContacts(QUndoCommand):
    """Move contacts to the trash; undo brings them back."""

    def __init__(self, ids: list[int], on_change):
        super().__init__(f"Delete {len(ids)} contact{'s' if len(ids) != 1 else ''}")
        self.ids, self.on_change = ids, on_change

    def redo(self) -> None:
        delete_contacts(self.ids)
        self.on_change()

    def undo(self) -> None:
        restore_contacts(self.ids)
        self.on_change()


class ContactsSection(Section):
    label = "Contacts"
    new_item_text = "&New Contact"
    open_deal_for = Signal(int)
    #: "Open the demo" on the empty state: look around in a full demo business.
    demo_requested = Signal()

    def __init__(self, hub: Hub, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self._leaving = False  # saving the edited contact before showing the next
        self.hub, self.undo_stack = hub, undo_stack
        self.model = ContactTableModel(self)
        self._select_after: int | None = None  # kept or chosen selection for the next rows

        # header
        self.count_label = title_label("", "subtitle")
        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Contacts")))
        header.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignBottom)
        self.actions_: dict[str, QAction] = {}
        for key, text, shortcut, slot in [
            ("import", self.tr("Import…"), "Ctrl+I", self.choose_import),
            ("export", self.tr("Export…"), "Ctrl+E", self.choose_export),
            ("duplicates", self.tr("Find duplicates…"), None, self.show_duplicates),
            ("delete", self.tr("Delete"), QKeySequence.StandardKey.Delete, self.delete_selected),
            ("restore", self.tr("Restore from trash"), None, self.restore_selected),
            ("unsubscribe", self.tr("Unsubscribe"), None, self.unsubscribe_selected),
        ]:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                text += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            action.setToolTip(text.replace("…", ""))
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_[key] = action
        for key in ("import", "export", "duplicates"):
            button = QPushButton(self.actions_[key].text())
            button.setToolTip(self.actions_[key].toolTip())
            button.clicked.connect(self.actions_[key].trigger)
            header.addWidget(button)
        self.new_button = QPushButton(self.tr("New contact"))
        self.new_button.setToolTip(self.tr("Add a contact (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        header.addWidget(self.new_button)
        self.layout_.addLayout(header)
        # Built top down: the containers join the section first and each part joins its
        # container once (built bottom up, every widget is re-parented once per level).
        self.pages = QStackedWidget()
        self.layout_.addWidget(self.pages, 1)
        self.splitter = QSplitter()
        self.pages.addWidget(self.splitter)

        # segments
        self.segment_panel = SegmentPanel(lambda: self.model.big)
        self.segment_panel.chosen.connect(self.apply_filters)
        self.segment_panel.save_wanted.connect(self.save_segment)

        # filters
        self.filters = FilterBar()
        self.filters.changed.connect(self.apply_filters)
        IntoResults(self.filters.search, lambda: self.table, self.filters.flush)

        # list
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Contact list"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # the indicator first: sorting enabled sorts at once by it (name descending, else)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header_view.setStretchLastSection(True)
        header_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header_view.customContextMenuRequested.connect(self._column_menu)
        for column, width in enumerate((170, 220, 170, 130, 80, 140, 100)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for key in ("delete", "restore", "unsubscribe", "export"):
            self.table.addAction(self.actions_[key])
        self.table.doubleClicked.connect(lambda _i: self.editor.first_name.setFocus())

        self.splitter.addWidget(self.segment_panel)
        middle = QWidget()
        self.splitter.addWidget(middle)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.filters)
        middle_layout.addWidget(self.table, 1)

        # The editor pane follows on the next turn of the event loop (a quarter of building the
        # section); asking for it builds it at once.
        self._editor: ContactEditor | None = None
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self.editor)

        self.empty = EmptyState(
            self.tr("No contacts yet"),
            self.tr(
                "Import the CSV or vCard file that Google Contacts, Outlook, LinkedIn, "
                "Apple Contacts or Mailchimp exports, or add your first contact by hand."
            ),
            self.tr("Import contacts…"),
            self.choose_import,
        )
        add_first = QPushButton(self.tr("Add a contact"))
        add_first.clicked.connect(self.new_item)
        self.empty.layout().insertWidget(
            self.empty.layout().count() - 1, add_first, 0, Qt.AlignmentFlag.AlignHCenter
        )
        self.open_demo = QPushButton(self.tr("Open the demo"))
        self.open_demo.setToolTip(
            self.tr("Look around in a demo business; File → Open Database… brings you back to yours")
        )
        self.open_demo.clicked.connect(self.demo_requested)
        self.empty.layout().insertWidget(
            self.empty.layout().count() - 1, self.open_demo, 0, Qt.AlignmentFlag.AlignHCenter
        )
        self.pages.addWidget(self.empty)
        self.model.refreshed.connect(self._rows_ready)
        self.reload()

    @property
    def editor(self) -> ContactEditor:
        if self._editor is None:
            editor = self._editor = ContactEditor(self.splitter)
            self.splitter.addWidget(editor)
            editor.saved.connect(self._saved)
            editor.new_deal_requested.connect(self.open_deal_for)
            editor.timeline.task_added.connect(lambda _id: announce(self.hub, ("task",)))
            self.splitter.setStretchFactor(1, 3)
            self.splitter.setStretchFactor(2, 2)
            self.splitter.setSizes([210, 620, 420])
            editor.show()  # now, not on the layout's next turn: leaving the page saves what it shows
            editor.load(self._current_id())
        return self._editor

    def finish_building(self) -> None:
        self.editor  # noqa: B018 - built by asking

    # Section interface

    def reload(self) -> None:
        self.filters.fill_tags()
        self.model.refresh()  # first: the list's size says whether to count in a worker
        self.segment_panel.fill()
        self.apply_filters()
        if self._editor is not None:  # one built later loads the current contact itself
            self._editor.load(self._current_id())

    def changed_elsewhere(self) -> None:
        """Another seat or process changed contacts: the list reads them again (keeping the
        selection and scroll while the same rows remain), and the open contact too unless
        something is typed in it (its save then asks: see forms.ResolvesConflicts)."""
        if self.model.loading:
            return
        self._select_after = self._current_id()
        self.model.refresh()
        editor = self._editor
        if editor is not None and editor.contact_id is not None and not editor.has_changes():
            editor.load(editor.contact_id)

    def new_item(self) -> None:
        self.pages.setCurrentWidget(self.splitter)
        self.table.clearSelection()
        self.editor.load(None)
        self.editor.first_name.setFocus()

    def focus_search(self) -> bool:
        self.pages.setCurrentWidget(self.splitter)
        self.filters.search.setFocus()
        self.filters.search.selectAll()
        return True

    # filters and segments

    def current_filter(self) -> ContactFilter:
        return self.filters.current_filter(trash=self.segment_panel.in_trash_chosen)

    def _combined_filter(self) -> ContactFilter:
        f = self.current_filter()
        segment = self.segment_panel.segment()
        return segment_filter(segment).narrowed_by(f) if segment else f

    def apply_filters(self) -> None:
        if self._select_after is None:
            self._select_after = self._current_id()
        self.model.set_filter(self._combined_filter())
        if not self.model.loading:
            self._rows_ready()

    def _rows_ready(self) -> None:
        """The list shows the current filter: count, actions, and the contact kept selected."""
        selected = self._select_after
        if not self.model.partial:  # else keep it for when the whole list is here
            self._select_after = None
        total = self.segment_panel.total
        shown = self.model.rowCount()
        if self.model.partial:
            self.count_label.setText(self.tr("Counting matches…"))
        else:
            self.count_label.setText(
                self.tr("{:,} shown of {:,}").format(shown, total)
                if shown != total
                else self.tr("{:,} contacts").format(total)
            )
        in_trash = self.segment_panel.in_trash_chosen
        self.actions_["delete"].setEnabled(not in_trash)
        self.actions_["restore"].setEnabled(in_trash)
        empty_store = total == 0 and not in_trash and not self.segment_panel.in_trash
        self.pages.setCurrentWidget(self.empty if empty_store else self.splitter)
        if selected is not None:
            self.select_contact(selected, focus=False)

    def save_segment(self) -> None:
        """Keep what the list shows as a segment; the list then shows that segment."""
        segment = self.segment_panel.save(self._combined_filter())
        if segment is None:
            return
        self.filters.clear()
        self.apply_filters()
        self.hub.notify.emit(self.tr("Saved segment {}.").format(segment.name))

    # selection and editing

    def _current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.contact_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.contact_id(r) for r in rows]

    def select_contact(self, contact_id: int, focus: bool = True) -> bool:
        row = self.model.row_of(contact_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        if focus:
            self.table.setFocus()
        return True

    def _current_changed(self, current, _previous) -> None:
        if self._editor is None:
            return  # built on the next turn, it loads the current contact itself
        contact_id = self.model.contact_id(current.row()) if current.isValid() else None
        if contact_id == self.editor.contact_id or self._leaving:
            return
        if not self.editor.has_changes():
            self.editor.load(contact_id)
            return
        # Forms save as you go: the edited contact is saved as the owner moves on. Saving
        # refreshes the list, so the move to the next contact is made once that is done.
        self._leaving = True
        edited = self.editor.contact_id

        def go_on() -> None:
            self._leaving = False
            if contact_id is not None:
                self.select_contact(contact_id, focus=False)
            if self.editor.contact_id != contact_id:
                self.editor.load(contact_id)

        def stay() -> None:
            self._leaving = False
            if edited is not None:
                self.select_contact(edited, focus=False)

        QTimer.singleShot(0, lambda: save_or_ask(self.editor, go_on, stay))

    def _saved(self, contact_id: int) -> None:
        self.filters.fill_tags()
        self._select_after = contact_id  # once the list has it (at once, or from a worker)
        self.model.refresh()
        self.segment_panel.fill()
        self.apply_filters()
        announce(self.hub, ("contact",))

    def _changed(self) -> None:
        self.segment_panel.fill()
        self.model.refresh()
        self.apply_filters()
        self.editor.load(self._current_id())
        announce(self.hub, ("contact",))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        what = self.tr("this contact") if len(ids) == 1 else self.tr("{} contacts").format(len(ids))
        first_row = min(i.row() for i in self.table.selectionModel().selectedRows())

        def delete() -> None:
            self.undo_stack.push(DeleteContacts(ids, self._changed))
            self._select_row(first_row)  # the next contact, ready for the next key press
            self.hub.notify.emit(self.tr("Moved {} to the trash. Undo with Ctrl+Z.").format(what))
            self.hub.toast.emit(
                self.tr("Moved {} to the trash.").format(what), self.tr("Undo"), self.undo_stack.undo
            )

        dialogs.confirm(
            self,
            self.tr("Delete contacts?"),
            self.tr("Move {} to the trash? You can undo this, or restore from the trash later.").format(what),
            delete,
            yes_text=self.tr("Delete"),
            destructive=True,
        )

    def _select_row(self, row: int) -> None:
        count = self.model.rowCount()
        if count:
            self.select_contact(self.model.contact_id(min(row, count - 1)))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            restore_contacts(ids)
            self._changed()

    def unsubscribe_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            done = unsubscribe(ids)
            self.hub.notify.emit(self.tr("Unsubscribed {} contact(s).").format(done))
            self._changed()

    # columns

    def _column_menu(self, pos) -> None:
        menu = QMenu(self)
        for column, (_key, label) in enumerate(COLUMNS):
            action = menu.addAction(self.tr(label))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.setEnabled(column != 0)
            action.toggled.connect(lambda on, c=column: self.table.setColumnHidden(c, not on))
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def header_state(self):
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state) -> None:
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    # import, export, duplicates

    def choose_import(self) -> None:
        path = dialogs.ask_open_file(self, self.tr("Import contacts from"), IMPORT_FILTER)
        if path is not None:
            self.open_import(path)

    def open_import(self, path) -> ImportDialog | None:
        from smarketer.exchange.csv_io import UnreadableFile
        from smarketer.exchange.files import plan_import
        from smarketer.ui.contacts.import_dialog import ImportDialog

        try:
            plan = plan_import(path)
        except UnreadableFile as exc:
            dialogs.show_error(self, self.tr("Cannot import this file"), str(exc))
            return None
        dialog = ImportDialog(plan, self, self.hub)  # the dialog's jobs announce the change
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(
            lambda summary: (
                self.reload(),
                self.hub.notify.emit(self.tr("Import finished: {}").format(summary.text())),
            )
        )
        dialog.undone.connect(lambda text: (self.reload(), self.hub.notify.emit(text)))
        dialog.open()
        return dialog

    def undo_import(self, run_id: int | None = None) -> None:
        """Offer to undo an import (the last one by default), then show the result."""
        from smarketer.ui.contacts.undo_import import undo_import

        undo_import(
            self,
            run_id,
            lambda text: (self.reload(), self.hub.notify.emit(text)),
            self.hub,
        )

    def choose_export(self) -> None:
        ids = self.selected_ids()
        what = "selection" if len(ids) > 1 else "list"
        if len(ids) <= 1:
            ids = self.model.ids()
        path = dialogs.ask_save_file(
            self,
            self.tr("Export {:,} contacts ({}) to").format(len(ids), what),
            "contacts.csv",
            EXPORT_FILTER,
        )
        if path is None:
            return
        from smarketer.exchange.files import export_contacts

        run_job(
            export_contacts,
            ids,
            path,
            on_success=lambda n: self.hub.notify.emit(
                self.tr("Exported {:,} contacts to {}.").format(n, path)
            ),
            on_failure=lambda exc: dialogs.show_error(self, self.tr("Export failed"), str(exc)),
            parent=self,
        )

    def show_duplicates(self) -> DuplicatesDialog:
        from smarketer.ui.contacts.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._changed)
        dialog.open()
        return dialog
