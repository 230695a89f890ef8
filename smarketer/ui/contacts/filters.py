"""The search box and filter row above the contact list: what the owner typed and picked,
as one ``ContactFilter`` (the segment chosen on the left narrows it further)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QVBoxLayout, QWidget

from smarketer.contacts.columns import LIFECYCLE_STATUSES
from smarketer.contacts.editing import company_id_named
from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.tags import all_tag_names
from smarketer.ui.contacts.completers import CompanyCompleter
from smarketer.ui.flow import button_row


class FilterBar(QWidget):
    #: The filter changed (typing is debounced); read it with ``current_filter()``.
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            self.tr("Search names, emails, companies, phones, notes, tags (Ctrl+F)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search contacts"))
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.tag_filter = QComboBox()
        self.tag_filter.setAccessibleName(self.tr("Tag filter"))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(self.tr("Status filter"))
        self.status_filter.addItem(self.tr("Any status"))  # no data: None as data leaks refs
        for status in LIFECYCLE_STATUSES:
            self.status_filter.addItem(self.tr(status.capitalize()), status)
        self.consent_filter = QComboBox()
        self.consent_filter.setAccessibleName(self.tr("Consent filter"))
        for key, text in (
            ("any", self.tr("Any consent")),
            ("recorded", self.tr("Consent recorded")),
            ("missing", self.tr("No consent recorded")),
        ):
            self.consent_filter.addItem(text, key)
        self.company_filter = QLineEdit()
        self.company_filter.setPlaceholderText(self.tr("Any company"))
        self.company_filter.setClearButtonEnabled(True)
        self.company_filter.setAccessibleName(self.tr("Company filter"))
        self.company_filter.setMinimumWidth(150)
        self.company_filter.setMaximumWidth(220)
        CompanyCompleter(self.company_filter).activated.connect(lambda _t: self.changed.emit())
        self.company_filter.editingFinished.connect(self.changed)
        self.company_filter.textChanged.connect(lambda text: text or self.changed.emit())
        self.reachable = QCheckBox(self.tr("Emailable only"))
        self.reachable.setToolTip(self.tr("Leave out unsubscribed, bounced and do-not-email"))
        for combo in (self.tag_filter, self.status_filter, self.consent_filter):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.reachable.toggled.connect(lambda _on: self.changed.emit())
        self.to_fix = QCheckBox(self.tr("Email needs fixing"))
        self.to_fix.setToolTip(self.tr("Contacts an import kept with an address that is not valid"))
        self.to_fix.toggled.connect(lambda _on: self.changed.emit())
        row = button_row(
            self.tag_filter,
            self.status_filter,
            self.company_filter,
            self.consent_filter,
            self.reachable,
            self.to_fix,
        )  # wraps
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(row)

    def current_filter(self, trash: bool = False) -> ContactFilter:
        return ContactFilter(
            text=self.search.text().strip(),
            tags=(self.tag_filter.currentData(),) if self.tag_filter.currentData() else (),
            statuses=(self.status_filter.currentData(),) if self.status_filter.currentData() else (),
            company_id=company_id_named(self.company_filter.text())
            if self.company_filter.text().strip()
            else None,
            consent=self.consent_filter.currentData() or "any",
            reachable_only=self.reachable.isChecked(),
            email_to_fix=self.to_fix.isChecked(),
            trash=trash,
        )

    def fill_tags(self) -> None:
        """The tags to filter by, read again (the chosen one stays chosen)."""
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem(self.tr("Any tag"))
        for tag in all_tag_names():
            self.tag_filter.addItem(tag, tag)
        self.tag_filter.setCurrentIndex(
            max(0, self.tag_filter.findData(current)) if current is not None else 0
        )
        self.tag_filter.blockSignals(False)

    def clear(self) -> None:
        """Back to every contact (without announcing it: the caller shows the list)."""
        self.blockSignals(True)
        self.search.clear()
        self._search_timer.stop()
        for combo in (self.tag_filter, self.status_filter, self.consent_filter):
            combo.setCurrentIndex(0)
        self.company_filter.clear()
        self.reachable.setChecked(False)
        self.to_fix.setChecked(False)
        self.blockSignals(False)

    def flush(self) -> bool:
        """Apply typing still waiting for the debounce now; whether there was any."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.changed.emit()
            return True
        return False
