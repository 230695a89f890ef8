"""Today: the first page of the day. Figures now; follow-up tasks join when deals land."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from smarketer import overview, settings
from smarketer.ui.sections import EmptyState, Section, title_label


def _card(value: str, caption: str) -> QFrame:
    card = QFrame()
    card.setProperty("role", "card")
    box = QVBoxLayout(card)
    figure = QLabel(value)
    figure.setProperty("role", "figure")
    box.addWidget(figure)
    box.addWidget(title_label(caption, "subtitle"))
    return card


class TodaySection(Section):
    label = "Today"

    def __init__(self, go_to, parent: QWidget | None = None):
        super().__init__(parent)
        self._go_to = go_to
        self.greeting = title_label("")
        self.subtitle = title_label("", "subtitle")
        self.layout_.addWidget(self.greeting)
        self.layout_.addWidget(self.subtitle)
        self.cards = QGridLayout()
        self.layout_.addLayout(self.cards)
        self.empty = EmptyState(
            self.tr("Nothing due today"),
            self.tr("Follow-up tasks from your deals will be listed here, overdue first."),
        )
        self.layout_.addWidget(self.empty, 1)
        self.reload()

    def reload(self) -> None:
        hour = datetime.now().hour
        part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
        profile = settings.load_profile()
        self.greeting.setText(self.tr(f"Good {part}"))
        self.subtitle.setText(profile.name or self.tr(
            "Set up your business profile in Settings (Ctrl+6) so emails and proposals "
            "carry your details."))
        while self.cards.count():
            self.cards.takeAt(0).widget().deleteLater()
        summary = overview.store_summary()
        figures = [
            (summary.contacts, self.tr("contacts")),
            (summary.companies, self.tr("companies")),
            (summary.customers, self.tr("customers")),
            (summary.tags, self.tr("tags")),
        ]
        for column, (value, caption) in enumerate(figures):
            self.cards.addWidget(_card(f"{value:,}", caption), 0, column)
