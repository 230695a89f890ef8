"""The contact detail pane: a validated form, tags with completion, and the timeline."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smarketer import settings
from smarketer.conflicts import EditConflict
from smarketer.contacts import history
from smarketer.contacts.columns import LIFECYCLE_STATUSES, LINE_FIELDS
from smarketer.contacts.editing import (
    ContactData,
    ContactInvalid,
    ContactRecord,
    contact_record,
    save_contact,
    unsubscribe,
    validate_contact,
)
from smarketer.contacts.history import day_text, timeline
from smarketer.contacts.tags import all_tag_names
from smarketer.ui import dialogs
from smarketer.ui.contacts.completers import CompanyCompleter, ContactPicker
from smarketer.ui.flow import button_row
from smarketer.ui.forms import KeepsEdits, add_field_rows, differing, show_field_errors


class TagsEdit(QLineEdit):
    """Comma-separated tags; completion offers known tags for the word being typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(self.tr("workshop, vip, trade fair 2026"))
        self._words = QStringListModel(self)
        self._completer = QCompleter(self._words, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._insert)
        self.textEdited.connect(self._complete)

    def set_known(self, tags: list[str]) -> None:
        self._words.setStringList(tags)

    def tags(self) -> list[str]:
        return [t.strip() for t in self.text().split(",") if t.strip()]

    def set_tags(self, tags) -> None:
        self.setText(", ".join(tags))

    def _current_word(self) -> str:
        return self.text()[: self.cursorPosition()].split(",")[-1].strip()

    def _complete(self) -> None:
        word = self._current_word()
        if not word:
            self._completer.popup().hide()
            return
        self._completer.setCompletionPrefix(word)
        if self._completer.completionCount():
            self._completer.complete()

    def _insert(self, tag: str) -> None:
        before = self.text()[: self.cursorPosition()]
        after = self.text()[self.cursorPosition() :]
        head = before.rsplit(",", 1)[0] + ", " if "," in before else ""
        self.setText(f"{head}{tag}, {after.lstrip(', ')}".rstrip(", ") + ", ")


class ContactEditor(KeepsEdits, QWidget):
    """Edit one contact (or create one). Emits ``saved(contact_id)``."""

    edit_name = "This contact"

    saved = Signal(int)
    new_deal_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.contact_id: int | None = None
        self.version: int | None = None  # what this form was loaded from (see editing.py)
        self.record: ContactRecord | None = None  # the contact as it was loaded
        self._base = ContactData()  # what the form does not show comes from here
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.email = QLineEdit()
        self.other_emails = QLineEdit()
        self.other_emails.setPlaceholderText(self.tr("more addresses, separated by commas"))
        self.phone = QLineEdit()
        self.title = QLineEdit()
        self.company = QLineEdit()
        CompanyCompleter(self.company)
        self.street = QLineEdit()
        self.postal_code = QLineEdit()
        self.city = QLineEdit()
        self.region = QLineEdit()
        self.country = QLineEdit()
        self.website = QLineEdit()
        self.status = QComboBox()
        for status in LIFECYCLE_STATUSES:
            self.status.addItem(self.tr(status.capitalize()), status)
        self.lead_source = QLineEdit()
        self.referred_by = ContactPicker()
        self.consent = QCheckBox(self.tr("Agreed to receive emails"))
        self.consent_source = QLineEdit()
        self.consent_source.setPlaceholderText(self.tr("where: signup form, in person…"))
        self.do_not_email = QCheckBox(self.tr("Do not email"))
        self.tags = TagsEdit()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.email_state = QLabel()
        self.email_state.setProperty("role", "fieldError")

        self.fields = {
            "first_name": (self.tr("First name"), self.first_name),
            "last_name": (self.tr("Last name"), self.last_name),
            "email": (self.tr("Email"), self.email),
            "other_emails": (self.tr("Other emails"), self.other_emails),
            "phone": (self.tr("Phone"), self.phone),
            "title": (self.tr("Job title"), self.title),
            "company": (self.tr("Company"), self.company),
            "street": (self.tr("Street"), self.street),
            "postal_code": (self.tr("Postal code"), self.postal_code),
            "city": (self.tr("City"), self.city),
            "region": (self.tr("Region"), self.region),
            "country": (self.tr("Country"), self.country),
            "website": (self.tr("Website"), self.website),
            "status": (self.tr("Status"), self.status),
            "lead_source": (self.tr("Lead source"), self.lead_source),
            "referred_by_id": (self.tr("Referred by"), self.referred_by),
            "tags": (self.tr("Tags"), self.tags),
            "consent": (self.tr("Consent"), self.consent),
            "consent_source": (self.tr("Consent from"), self.consent_source),
            "do_not_email": ("", self.do_not_email),
            "notes": (self.tr("Notes"), self.notes),
        }
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip(self.tr("Save this contact (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.email_button = QPushButton(self.tr("Email…"))
        self.email_button.setToolTip(self.tr("Write to this contact in your mail app"))
        self.deal_button = QPushButton(self.tr("New deal"))
        self.deal_button.setToolTip(self.tr("Open a deal for this contact"))
        self.unsubscribe_button = QPushButton(self.tr("Unsubscribe"))
        self.unsubscribe_button.setToolTip(self.tr("Never include this contact in campaigns"))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.load(self.contact_id))
        self.email_button.clicked.connect(self._email)
        self.deal_button.clicked.connect(lambda: self.new_deal_requested.emit(self.contact_id))
        self.unsubscribe_button.clicked.connect(self._unsubscribe)
        self.status_line = QLabel()
        self.status_line.setProperty("role", "subtitle")

        buttons = button_row(
            self.email_button,
            self.deal_button,
            self.unsubscribe_button,
            self.revert_button,
            self.save_button,
            align_right=True,
        )  # wraps on a narrow window, Save last

        # Built top down: the containers join this pane first and each field joins the form
        # once (built bottom up, every field is re-parented once per level it is nested in).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setProperty("role", "emptyTitle")
        layout.addWidget(self.heading)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(scroll, self.tr("Details"))
        form_holder = QWidget()
        scroll.setWidget(form_holder)
        holder_layout = QVBoxLayout(form_holder)
        form = QFormLayout()
        holder_layout.addLayout(form)
        holder_layout.addStretch(1)
        # A field wider than what is left beside the labels goes under its label: the pane
        # beside the list is narrow on a 1024 px screen, and must not scroll sideways.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.errors = add_field_rows(form, self.fields)
        form.addRow("", self.email_state)

        self.timeline = TimelineView()
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        layout.addWidget(self.status_line)
        layout.addWidget(buttons)
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # loading

    def refresh_choices(self) -> None:
        self.tags.set_known(all_tag_names())

    def load(self, contact_id: int | None) -> None:
        self.refresh_choices()
        self.contact_id = contact_id
        contact = self.record = contact_record(contact_id)
        self._base = data = contact.data if contact else ContactData()
        self.version = contact.version if contact else None
        self.show_data(data)
        self.heading.setText(contact.heading if contact else self.tr("New contact"))
        for button in (self.email_button, self.deal_button, self.unsubscribe_button):
            button.setEnabled(contact is not None)
        state = []
        if contact is not None:
            if contact.unsubscribed_at:
                state.append(
                    self.tr("Unsubscribed on {}").format(f"{contact.unsubscribed_at.astimezone():%Y-%m-%d}")
                )
            if contact.bounced_at:
                state.append(
                    self.tr("Email bounced on {}").format(f"{contact.bounced_at.astimezone():%Y-%m-%d}")
                )
            self.unsubscribe_button.setEnabled(contact.unsubscribed_at is None)
            if contact.email_to_fix:
                state.append(
                    self.tr(
                        'Email needs fixing: the import read "{}"; type the right address and save'
                    ).format(contact.email_to_fix)
                )
        self.email_state.setText(" · ".join(state))
        self.email_state.setVisible(bool(state))
        self.timeline.load(contact_id)
        self.status_line.clear()
        self.mark_clean()

    def show_data(self, d: ContactData) -> None:
        for key in LINE_FIELDS:
            self.fields[key][1].setText(getattr(d, key))
        self.other_emails.setText(", ".join(d.other_emails))
        self.status.setCurrentIndex(max(0, self.status.findData(d.status)))
        self.referred_by.set_contact(d.referred_by_id)
        self.consent.setChecked(d.consent)
        self.do_not_email.setChecked(d.do_not_email)
        self.tags.set_tags(d.tags)
        self.notes.setPlainText(d.notes)
        self.show_errors({})

    def data(self) -> ContactData:
        return replace(
            self._base,
            **{k: self.fields[k][1].text() for k in LINE_FIELDS},
            other_emails=tuple(e.strip() for e in self.other_emails.text().split(",")),
            status=self.status.currentData(),
            referred_by_id=self.referred_by.contact_id(),
            consent=self.consent.isChecked(),
            do_not_email=self.do_not_email.isChecked(),
            tags=tuple(self.tags.tags()),
            notes=self.notes.toPlainText(),
        )

    def edit_values(self):
        return self.data()

    def discard(self) -> None:
        self.load(self.contact_id)

    def show_errors(self, errors: dict[str, str]) -> None:
        if errors:
            self.tabs.setCurrentIndex(0)
        show_field_errors(self.fields, self.errors, errors)

    def save(self) -> bool:
        region = settings.load_profile().region
        mine = self.data()
        try:
            contact = save_contact(mine, self.contact_id, region=region, expected_version=self.version)
        except ContactInvalid as exc:
            self.show_errors(exc.errors)
            self.status_line.setText(self.tr("Not saved: fix the marked fields."))
            return False
        except EditConflict as exc:
            version = exc.version
            self.status_line.setText(self.tr("Not saved: someone else changed this contact."))
            theirs = contact_record(self.contact_id)
            if theirs is not None:
                self._base = theirs.data  # an overwrite keeps what this form does not show
            return self.ask_about_conflict(
                exc,
                differing(
                    self.fields,
                    validate_contact(mine, region)[0],
                    validate_contact(theirs.data, region)[0] if theirs else ContactData(),
                ),
                lambda: self.load(self.contact_id if theirs else None),
                lambda: self._overwrite(version),
            )
        self.load(contact.id)
        self.status_line.setText(self.tr("Saved."))
        self.saved.emit(contact.id)
        return True

    def _overwrite(self, version: int | None) -> bool:
        self.version = version
        return self.save()

    def _email(self) -> None:
        email = self.record.data.email if self.record else ""
        if email:
            dialogs.open_url(f"mailto:{quote(email, safe='@')}")

    def _unsubscribe(self) -> None:
        if self.contact_id:
            unsubscribe([self.contact_id])
            self.load(self.contact_id)
            self.saved.emit(self.contact_id)


KIND_LABELS = {
    "note": "Note",
    "email": "Email",
    "merge": "Merged",
    "unsubscribed": "Email",
    "deal": "Deal",
    "proposal": "Proposal",
    "import": "Import",
}


class TimelineView(QWidget):
    """Everything that happened with a contact, newest first; add a note or a task."""

    task_added = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.contact_id: int | None = None
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAccessibleName(self.tr("Timeline"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Write a note…"))
        self.note.setFixedHeight(60)
        self.note.setTabChangesFocus(True)
        self.add_button = QPushButton(self.tr("Add note"))
        self.add_button.setToolTip(self.tr("Add the note to the timeline (Ctrl+Return)"))
        self.add_button.clicked.connect(self.add_note)
        QShortcut(
            QKeySequence("Ctrl+Return"), self.note, self.add_note, context=Qt.ShortcutContext.WidgetShortcut
        )
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.task_title = QLineEdit()
        self.task_title.setPlaceholderText(self.tr("Follow-up task for this contact"))
        self.task_due = QDateEdit(QDate.currentDate().addDays(1))
        self.task_due.setCalendarPopup(True)
        self.task_due.setDisplayFormat("yyyy-MM-dd")
        self.task_button = QPushButton(self.tr("Add task"))
        self.task_button.clicked.connect(self.add_task)
        self.task_title.returnPressed.connect(self.add_task)
        task_row = QHBoxLayout()
        task_row.addWidget(self.task_title, 1)
        task_row.addWidget(self.task_due)
        task_row.addWidget(self.task_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addLayout(task_row)

    def load(self, contact_id: int | None) -> None:
        self.contact_id = contact_id
        self.list.clear()
        for widget in (self.note, self.add_button, self.task_title, self.task_due, self.task_button):
            widget.setEnabled(contact_id is not None)
        if contact_id is None:
            return
        entries = timeline(contact_id)
        for entry in entries:
            local = entry.occurred_at.astimezone()
            when = f"{day_text(local)} {local:%H:%M}"
            label = KIND_LABELS.get(entry.kind, entry.kind.capitalize())
            text = f"{when} · {label}\n{entry.body or entry.summary}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.list.addItem(item)
        if not entries:
            self.list.addItem(self.tr("Nothing yet. Notes, emails, deals and proposals will show up here."))

    def add_task(self) -> None:
        if self.contact_id is None or not self.task_title.text().strip():
            return
        from smarketer.pipeline import tasks

        task = tasks.add_task(
            self.task_title.text(), self.task_due.date().toPython(), contact_id=self.contact_id
        )
        history.add_note(self.contact_id, f"Task added: {task.title} (due {task.due_date})")
        self.task_title.clear()
        self.load(self.contact_id)
        self.task_added.emit(task.id)

    def add_note(self) -> None:
        text = self.note.toPlainText().strip()
        if not text or self.contact_id is None:
            return
        history.add_note(self.contact_id, text)
        self.note.clear()
        self.load(self.contact_id)
