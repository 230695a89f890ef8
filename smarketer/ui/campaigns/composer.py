"""Composing a campaign: name, audience, subject, body and saved templates, saved as you go;
who receives it is counted in a worker, debounced, and merge fields are checked there."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns import audience as recipients
from smarketer.campaigns import details, outbox, templates
from smarketer.campaigns.details import CampaignDetails
from smarketer.campaigns.outbox import CampaignError
from smarketer.contacts.saved_segments import segment_counts, segments
from smarketer.contacts.tags import all_tag_names
from smarketer.ui import dialogs
from smarketer.ui.campaigns.fields_menu import insert_field_button
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job

DEFAULT_BODY = """Hello {{ contact.first_name | default("there") }},

write your email here in **Markdown**. Merge fields: {{ contact.company | default("") }},
{{ sender.name }}.

Best wishes,
{{ sender.name }}
"""


class Composer(QWidget):
    """The Compose tab. ``campaign`` is the campaign shown (plain data, refreshed on save)."""

    #: The campaign was saved under a new name: its list entry shows it.
    renamed = Signal(object)
    #: The recipients were counted (an ``AudienceSummary`` for ``campaign``).
    counted = Signal(object)

    def __init__(self, hub: Hub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.campaign: CampaignDetails | None = None
        self._loading = False
        self.name = QLineEdit()
        self.audience = QComboBox()
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.plain_only = QCheckBox(self.tr("Plain text only (looks like a personal email)"))
        self.template_box = QComboBox()
        self.template_box.setAccessibleName(self.tr("Saved templates"))
        self.template_box.activated.connect(self._use_template)
        self.templates: list[details.TemplateChoice] = []
        self.save_template_button = QPushButton(self.tr("Save as template…"))
        self.save_template_button.clicked.connect(self.save_template)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_box, 1)
        template_row.addWidget(self.save_template_button)
        form = QFormLayout()
        for text, widget in (
            (self.tr("Name"), self.name),
            (self.tr("Audience"), self.audience),
            (self.tr("Subject"), self.subject),
            (self.tr("Body"), self.body),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        self.insert_field = insert_field_button(self._field_target)
        self._last_text_edit: QLineEdit | QPlainTextEdit = self.body  # where Insert field puts it
        for edit in (self.subject, self.body):
            edit.installEventFilter(self)
        options = QHBoxLayout()
        options.addWidget(self.plain_only, 1)
        options.addWidget(self.insert_field)
        form.addRow("", options)
        form.addRow(self.tr("Template"), template_row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setProperty("role", "fieldError")
        self.warnings.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.warnings)

        for signal in (self.subject.editingFinished, self.audience.activated, self.plain_only.toggled):
            signal.connect(lambda *_: self.save_draft())
        self._body_timer = QTimer(self, singleShot=True, interval=600)
        self._body_timer.timeout.connect(self.save_draft)
        self.body.textChanged.connect(self._body_timer.start)
        self.name.editingFinished.connect(self.save_draft)
        # Counting recipients and checking merge fields read the whole audience: they run in
        # a worker, debounced; a result for an older request is dropped.
        self.summary: recipients.AudienceSummary | None = None
        self._summary_request = 0
        self._summary_timer = QTimer(self, singleShot=True, interval=150)
        self._summary_timer.timeout.connect(self._count_recipients)
        self._counts_request = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - remember subject or body
        if event.type() == QEvent.Type.FocusIn and obj in (self.subject, self.body):
            self._last_text_edit = obj
        return super().eventFilter(obj, event)

    def _field_target(self):
        return self._last_text_edit

    # audiences and templates

    def fill_choices(self) -> None:
        """The audiences and saved templates to choose from (read again)."""
        self._fill_audiences()
        self._fill_templates()

    def _fill_audiences(self) -> None:
        """Names now; each segment's count follows from a worker."""
        self.audience.blockSignals(True)
        self.audience.clear()
        self.audience.addItem(self.tr("Choose who receives it…"), _key(*outbox.NO_AUDIENCE))
        for segment in segments():
            self.audience.addItem(
                self.tr("Segment: {}").format(segment.name), _key("segment", str(segment.id))
            )
        for tag in all_tag_names():
            self.audience.addItem(self.tr("Tag: {}").format(tag), _key("tag", tag))
        self.audience.blockSignals(False)
        self._counts_request += 1
        request = self._counts_request
        self.counts_job = run_job(
            _segment_counts,
            on_success=lambda counts: self._show_counts(request, counts),
            parent=self,
        )

    def _show_counts(self, request: int, counts: dict[str, int]) -> None:
        if request != self._counts_request:
            return  # the list was refilled meanwhile
        for index in range(self.audience.count()):
            count = counts.get(self.audience.itemData(index))
            if count is not None:
                self.audience.setItemText(index, f"{self.audience.itemText(index)} ({count:,})")

    def _fill_templates(self) -> None:
        self.templates = details.template_choices()
        self.template_box.clear()
        self.template_box.addItem(self.tr("Use a saved template…"))
        for t in self.templates:
            self.template_box.addItem(t.name, t.id)

    def _use_template(self, index: int) -> None:
        if index < 1 or index > len(self.templates):
            return
        t = self.templates[index - 1]
        self.subject.setText(t.subject)
        self.body.setPlainText(t.body)
        self.plain_only.setChecked(t.plain_only)
        self.save_draft()
        self.template_box.setCurrentIndex(0)

    def save_template(self) -> None:
        name = dialogs.ask_text(self, self.tr("Save template"), self.tr("Template name:"), self.name.text())
        if not name:
            return
        try:
            outbox.save_template(
                name, self.subject.text(), self.body.toPlainText(), self.plain_only.isChecked()
            )
        except templates.TemplateProblem as exc:
            self.warnings.setText(str(exc))
            return
        self._fill_templates()
        self.hub.notify.emit(self.tr("Saved template {}.").format(name))

    # showing and saving a campaign

    def flush(self) -> None:
        """Save what was just typed (the body is saved shortly after typing stops)."""
        if self._body_timer.isActive():
            self._body_timer.stop()
            self.save_draft()

    def show_campaign(self, campaign: CampaignDetails | None) -> None:
        self.flush()  # keep what was just typed in the previous campaign
        self._loading = True
        if self.campaign is None or campaign is None or self.campaign.id != campaign.id:
            self.warnings.clear()
            self.summary = None
        self.campaign = c = campaign
        editable = c is not None and c.editable
        for widget in (self.name, self.audience, self.subject, self.body, self.plain_only, self.template_box):
            widget.setEnabled(editable)
        if c is not None and c.parent_id:
            self.audience.setEnabled(False)  # a follow-up goes to its step's non-repliers
        if c is not None:
            self.name.setText(c.name)
            index = self.audience.findData(_key(c.audience_kind, c.audience))
            if index < 0:
                label = (
                    self.tr("{} picked contacts").format(c.picked)
                    if c.audience_kind == "contacts"
                    else self.tr("(audience removed)")
                )
                self.audience.addItem(label, _key(c.audience_kind, c.audience))
                index = self.audience.count() - 1
            self.audience.setCurrentIndex(max(0, index))
            self.subject.setText(c.subject)
            if self.body.toPlainText() != c.body:
                self.body.setPlainText(c.body)
                self._body_timer.stop()  # loading is no edit: nothing to save
            self.plain_only.setChecked(c.plain_only)
        self._loading = False
        self._update_info()

    def save_draft(self) -> None:
        c = self.campaign
        if self._loading or c is None or not c.editable:
            return
        if details.campaign_details(c.id) is None:  # removed meanwhile
            self.campaign = None
            return
        kind, audience = _split(self.audience.currentData()) or (c.audience_kind, c.audience)
        fields: dict[str, object] = {
            "subject": self.subject.text(),
            "body": self.body.toPlainText(),
            "plain_only": self.plain_only.isChecked(),
            "audience_kind": kind,
            "audience": audience,
        }
        name = self.name.text().strip()
        if name and name.lower() != c.name.lower():
            if outbox.find_campaign(name):
                self.warnings.setText(self.tr("There is already a campaign named {}.").format(name))
                return
            fields["name"] = name
        try:
            self.campaign = details.update_draft(c.id, **fields)
        except (CampaignError, templates.TemplateProblem) as exc:
            self.warnings.setText(str(exc))
            return
        if "name" in fields:
            self.renamed.emit(self.campaign)
        self._update_info()

    # who receives it

    def _update_info(self) -> None:
        """Recount shortly, in a worker (edits come in bursts); "counting…" meanwhile."""
        self._summary_request += 1  # the last summary stays usable (preview) until then
        self._summary_timer.stop()
        if self.campaign is None:
            self.info.clear()
            self.warnings.clear()
            return
        if not self.campaign.parent_id and not self.campaign.has_audience:
            self.info.setText(self.tr("Choose who receives it: a segment or a tag (save one in Contacts)."))
            self.warnings.clear()
            return
        self.info.setText(self.tr("Counting recipients…"))
        self._summary_timer.start()

    def _count_recipients(self) -> None:
        if self.campaign is None:
            return
        request = self._summary_request
        self.summary_job = run_job(
            recipients.summarize,
            self.campaign.id,
            on_success=lambda summary: self._show_summary(request, summary),
            on_failure=lambda exc: self._summary_failed(request, exc),
            parent=self,
        )

    def _summary_failed(self, request: int, exc: BaseException) -> None:
        if request == self._summary_request and self.campaign is not None:
            self.info.setText(self.tr("The recipients could not be counted: {}").format(exc))

    def _show_summary(self, request: int, summary: recipients.AudienceSummary) -> None:
        c = self.campaign
        if request != self._summary_request or c is None or summary.campaign_id != c.id:
            return  # asked for an older text or another campaign: a newer count is coming
        self.summary = summary
        excluded = ", ".join(f"{n:,} {why}" for why, n in sorted(summary.excluded.items()))
        if c.parent_id:
            self.info.setText(
                self.tr("Follow-up {} days after {}: {:,} due now, {:,} later; left out: {}.").format(
                    c.delay_days,
                    c.parent_name,
                    len(summary.eligible),
                    summary.waiting,
                    excluded or self.tr("none"),
                )
            )
        else:
            text = self.tr("{:,} recipients").format(len(summary.eligible))
            if excluded:
                text += self.tr(" · left out: {}").format(excluded)
            text += "."
            if summary.without_consent:
                text += (
                    self.tr(" {:,} have no recorded consent and are left out.")
                    if summary.only_with_consent
                    else self.tr(" {:,} have no recorded consent.")
                ).format(summary.without_consent)
            self.info.setText(text)
        if summary.problem:
            self.warnings.setText(summary.problem)
        elif summary.missing_example:
            name, field = summary.missing_example
            self.warnings.setText(
                self.tr(
                    "{:,} recipient(s) lack a field the template uses without a default, e.g. {} has no {}."
                ).format(summary.missing_count, name, field)
            )
        else:
            self.warnings.clear()
        self.counted.emit(summary)


# Jobs for the worker threads and combo box keys: plain data in, plain data out.


def _segment_counts() -> dict[str, int]:
    return {_key("segment", str(i)): n for i, n in segment_counts().items()}


def _key(kind: str, audience: str) -> str:
    """Combo box data as text: Qt compares text reliably, Python tuples not at all."""
    return f"{kind}\t{audience}"


def _split(key: str | None) -> tuple[str, str] | None:
    if not key:
        return None
    kind, _, audience = key.partition("\t")
    return kind, audience
