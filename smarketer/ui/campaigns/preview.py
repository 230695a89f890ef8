"""The Preview tab: each recipient's own email, one at a time, as they will get it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from smarketer.campaigns import details
from smarketer.ui.campaigns.composer import Composer


class OfflinePreview(QTextBrowser):
    """Shows the email without ever loading remote content (no tracking, no surprises)."""

    def loadResource(self, kind, url):  # noqa: N802
        return None


class PreviewPane(QWidget):
    """Previews what the composer holds, for the recipients it counted."""

    def __init__(self, composer: Composer, parent=None):
        super().__init__(parent)
        self.composer = composer
        self.index = 0  # which recipient, in the counted order
        self.preview = OfflinePreview()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName(self.tr("Preview"))
        self.label = QLabel()
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.prev_button.clicked.connect(lambda: self.show_recipient(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_recipient(self.index + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.label, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(nav)
        layout.addWidget(self.preview, 1)

    def show_recipient(self, index: int) -> None:
        campaign, summary = self.composer.campaign, self.composer.summary
        if campaign is None:
            return
        if summary is None:  # the count arrives from a worker, then shows the preview
            self.preview.setPlainText(self.tr("Counting recipients…"))
            self.label.clear()
            self.prev_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        ids = summary.eligible
        if not ids:
            self.preview.setPlainText(self.tr("Nobody in this audience can be emailed."))
            self.label.clear()
            return
        self.index = max(0, min(index, len(ids) - 1))
        email = details.preview_email(campaign.id, ids[self.index])
        if email.problem:
            self.preview.setPlainText(
                self.tr("This recipient's email cannot be made: {}").format(email.problem)
            )
        else:
            header = "<p><b>{}</b> {}<br><b>{}</b> {}</p><hr>".format(
                self.tr("To:"), html.escape(email.to), self.tr("Subject:"), html.escape(email.subject)
            )
            if email.html and not campaign.plain_only:
                self.preview.setHtml(header + email.html)
            else:
                self.preview.setHtml(
                    header + f"<pre style='white-space:pre-wrap'>{html.escape(email.text)}</pre>"
                )
        self.label.setText(
            self.tr("Recipient {} of {}: {}").format(self.index + 1, len(ids), email.recipient)
        )
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(ids) - 1)
