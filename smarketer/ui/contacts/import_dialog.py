"""Import contacts: map the file's columns, preview with problems marked, choose what to do
with duplicates, then import in the background with progress and cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from smarketer import settings
from smarketer.exchange import encoding as encodings
from smarketer.exchange.csv_io import DELIMITERS, UnreadableFile
from smarketer.exchange.files import ImportPlan, replan, run_import
from smarketer.exchange.importer import ImportCancelled, ImportSummary, clean_record
from smarketer.exchange.records import TARGETS, Rejected
from smarketer.ui import dialogs, style
from smarketer.ui.contacts.undo_import import undo_import
from smarketer.ui.geometry import fit_to_screen
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job

POLICY_LABELS = [
    ("skip", "Skip them (keep what I have)"),
    ("update", "Fill in their empty fields"),
    ("overwrite", "Overwrite with the file's values"),
]
PREVIEW_ROWS = 50


class ImportDialog(QDialog):
    """Shows one ImportPlan; ``imported(summary)`` is emitted after a good import."""

    imported = Signal(object)
    undone = Signal(str)  # the import was undone from its summary

    def __init__(self, plan: ImportPlan, parent=None, hub: Hub | None = None):
        super().__init__(parent)
        self.plan, self.hub = plan, hub
        self.job = None
        self.summary: ImportSummary | None = None
        self.setWindowTitle(self.tr("Import {}").format(plan.path.name))
        fit_to_screen(self, 900, 640)

        self.about = about = QLabel(self._describe())
        about.setProperty("role", "subtitle")
        about.setWordWrap(True)
        self.encoding = QComboBox()
        self.encoding.setAccessibleName(self.tr("Encoding"))
        self.delimiter = QComboBox()
        self.delimiter.setAccessibleName(self.tr("Delimiter"))
        reading = QHBoxLayout()
        if plan.kind == "csv":
            for key, text in encodings.ENCODINGS.items():
                self.encoding.addItem(self.tr(text), key)
            for key, text in DELIMITERS.items():
                self.delimiter.addItem(self.tr(text.capitalize()), key)
            self._show_layout()
            self.encoding.currentIndexChanged.connect(self._reread)
            self.delimiter.currentIndexChanged.connect(self._reread)
            reading.addWidget(QLabel(self.tr("Read as")))
            reading.addWidget(self.encoding)
            reading.addWidget(QLabel(self.tr("separated by")))
            reading.addWidget(self.delimiter)
            reading.addStretch(1)
        elif plan.kind == "xlsx":  # the sheet picker (the layout names the sheet)
            self.delimiter.setAccessibleName(self.tr("Sheet"))
            for name in plan.sheets:
                self.delimiter.addItem(name, name)
            self._show_layout()
            self.delimiter.currentIndexChanged.connect(self._reread)
            reading.addWidget(QLabel(self.tr("Sheet")))
            reading.addWidget(self.delimiter)
            reading.addStretch(1)
            self.delimiter.setEnabled(len(plan.sheets) > 1)

        self.mapping = QTableWidget(0, 3)
        self.mapping.setHorizontalHeaderLabels(
            [self.tr("Column in the file"), self.tr("First value"), self.tr("Imports as")]
        )
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().hide()
        self.mapping.setAccessibleName(self.tr("Column mapping"))
        self.combos: list[QComboBox] = []
        self.mapping_warning = QLabel()  # two columns mapped to one field
        self.mapping_warning.setProperty("role", "fieldError")
        self.mapping_warning.setWordWrap(True)
        self.mapping_warning.hide()

        self.preview = QTableWidget(0, 5)
        self.preview.setHorizontalHeaderLabels(
            [self.tr("Where"), self.tr("Name"), self.tr("Email"), self.tr("Company"), self.tr("Problem")]
        )
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setAccessibleName(self.tr("Preview"))

        self.policy = QComboBox()
        for key, label in POLICY_LABELS:
            self.policy.addItem(self.tr(label), key)
        self.tag = QLineEdit()
        self.tag.setPlaceholderText(self.tr("optional, e.g. Trade fair 2026"))
        options = QFormLayout()
        options.addRow(self.tr("Contacts already here (same email)"), self.policy)
        options.addRow(self.tr("Tag everyone imported"), self.tag)

        self.progress = QProgressBar()
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_button = QPushButton(self.tr("Undo this import"))
        self.undo_button.hide()
        self.undo_button.clicked.connect(self._undo)
        self.report_button = QPushButton(self.tr("Open report of rejected rows"))
        self.report_button.hide()
        self.report_button.clicked.connect(
            lambda: self.summary and self.summary.report and dialogs.open_url(self.summary.report.as_uri())
        )

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        if plan.kind != "vcard":
            layout.addLayout(reading)
            layout.addWidget(self.mapping, 2)
            layout.addWidget(self.mapping_warning)
            self._fill_mapping()
        layout.addWidget(QLabel(self.tr("Preview of the first {} rows").format(PREVIEW_ROWS)))
        layout.addWidget(self.preview, 3)
        layout.addLayout(options)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.report_button)
        bottom.addWidget(self.undo_button)
        layout.addWidget(self.outcome)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)
        self.refresh_preview()

    def _describe(self) -> str:
        if self.plan.kind == "vcard":
            return self.tr(
                "A vCard file: names, emails, phones, company, address, notes and "
                "categories (as tags) are read from each card; photos are skipped."
            )
        layout = self.plan.layout
        skipped = (
            self.tr(", {} line(s) above the header skipped").format(layout.header_row)
            if layout.header_row
            else ""
        )
        if self.plan.kind == "xlsx":
            return self.tr('An Excel workbook, sheet "{}"{}. Check what each column imports as.').format(
                layout.delimiter, skipped
            )
        return self.tr(
            "A CSV file in {}, separated by {}{}. If names look wrong, choose "
            "another encoding below; check what each column imports as."
        ).format(encodings.label(layout.encoding), DELIMITERS[layout.delimiter], skipped)

    def _show_layout(self) -> None:
        layout = self.plan.layout
        for combo, value in ((self.encoding, layout.encoding), (self.delimiter, layout.delimiter)):
            if combo.count() == 0:
                continue
            combo.blockSignals(True)
            index = combo.findData(value)
            if index < 0:
                combo.addItem(value, value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    def _reread(self) -> None:
        """Read the file again with the encoding and delimiter chosen."""
        try:
            self.plan = replan(self.plan, self.encoding.currentData() or None, self.delimiter.currentData())
        except UnreadableFile as exc:
            self.outcome.setText(str(exc))
            return
        self._show_layout()
        self.about.setText(self._describe())
        self.combos.clear()
        self._fill_mapping()
        self.refresh_preview()

    def _fill_mapping(self) -> None:
        first = next(iter(self.plan.records(1)), None)
        values = first.raw if first else []
        headers = self.plan.layout.headers
        self.mapping.setRowCount(len(headers))
        for i, header in enumerate(headers):
            self.mapping.setItem(i, 0, QTableWidgetItem(header))
            self.mapping.setItem(i, 1, QTableWidgetItem(values[i][:80] if i < len(values) else ""))
            for column in (0, 1):
                self.mapping.item(i, column).setFlags(Qt.ItemFlag.ItemIsEnabled)
            combo = QComboBox()
            combo.addItem(self.tr("Don't import"))
            for key, label in TARGETS.items():
                combo.addItem(self.tr(label), key)
            if i in self.plan.mapping:
                combo.setCurrentIndex(max(0, combo.findData(self.plan.mapping[i])))
            combo.setAccessibleName(self.tr("Import {} as").format(header))
            combo.currentIndexChanged.connect(lambda _i, row=i: self._mapping_changed(row))
            self.mapping.setCellWidget(i, 2, combo)
            self.combos.append(combo)
        self._warn_duplicates()

    def _mapping_changed(self, row: int) -> None:
        target = self.combos[row].currentData()
        if target is None:
            self.plan.mapping.pop(row, None)
        else:
            self.plan.mapping[row] = target
        self._warn_duplicates()
        self.refresh_preview()

    def _warn_duplicates(self) -> None:
        """Say so when two columns import as one field: only one value could be kept."""
        headers = self.plan.layout.headers
        by_target: dict[str, list[str]] = {}
        for row, target in sorted(self.plan.mapping.items()):
            by_target.setdefault(target, []).append(headers[row])
        doubled = {t: cols for t, cols in by_target.items() if len(cols) > 1}
        self.mapping_warning.setText(
            " ".join(
                self.tr(
                    "{columns} all import as {field}: choose one, or “Don't import” for the others."
                ).format(columns=", ".join(f"“{c}”" for c in cols), field=self.tr(TARGETS.get(t, t)))
                for t, cols in doubled.items()
            )
        )
        self.mapping_warning.setVisible(bool(doubled))

    def refresh_preview(self) -> None:
        region = settings.load_profile().region
        records = self.plan.preview(PREVIEW_ROWS)
        self.preview.setRowCount(len(records))
        problems = to_fix = 0
        for r, record in enumerate(records):
            checked = record if isinstance(record, Rejected) else clean_record(record, region)
            values = {} if isinstance(record, Rejected) else record.values
            name = " ".join(str(values.get(k, "")) for k in ("first_name", "last_name")).strip()
            problem = ""
            if isinstance(checked, Rejected):
                problem = checked.reason
            elif checked.get("email_to_fix"):
                problem = self.tr("kept; the email needs fixing: {}").format(checked["email_to_fix"])
            cells = [
                record.where,
                name,
                str(values.get("email", "")),
                str(values.get("company", "")),
                problem,
            ]
            problems += isinstance(checked, Rejected)
            to_fix += bool(problem) and not isinstance(checked, Rejected)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if problem:
                    item.setForeground(
                        QColor(
                            style.tones().overdue if isinstance(checked, Rejected) else style.tones().warning
                        )
                    )
                    item.setToolTip(problem)
                self.preview.setItem(r, c, item)
        has_target = any(
            t in self.plan.mapping.values() for t in ("email", "first_name", "last_name", "full_name")
        )
        self.import_button.setEnabled(self.plan.kind == "vcard" or has_target)
        notes = []
        if problems:
            notes.append(
                self.tr(
                    "{} of the first {} rows would be rejected (they are listed "
                    "in a report after the import)."
                ).format(problems, len(records))
            )
        if to_fix:
            notes.append(self.tr("{} would be kept with an email address that needs fixing.").format(to_fix))
        if not (has_target or self.plan.kind == "vcard"):
            notes.append(self.tr("Map at least one column to a name or an email to import."))
        self.outcome.setText(" ".join(notes))

    # running

    def start(self) -> None:
        self.import_button.setEnabled(False)
        self.mapping.setEnabled(False)
        self.encoding.setEnabled(False)
        self.delimiter.setEnabled(False)
        self.policy.setEnabled(False)
        self.tag.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.outcome.setText(self.tr("Importing…"))
        self.job = run_job(
            run_import,
            self.plan,
            policy=self.policy.currentData(),
            tag=self.tag.text().strip() or None,
            on_progress=self._progressed,
            on_success=self._done,
            on_failure=self._failed,
            changes=("contact",) if self.hub else (),
            hub=self.hub,
            parent=self,
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, summary: ImportSummary) -> None:
        self.job = None
        self.summary = summary
        self.progress.hide()
        self.outcome.setText(self.tr("Imported: ") + summary.text())
        self.report_button.setVisible(summary.report is not None)
        self.undo_button.setVisible(summary.run_id is not None)
        self.cancel_button.setText(self.tr("Close"))
        self.imported.emit(summary)

    def _undo(self) -> None:
        def undone(text: str) -> None:
            self.undo_button.setEnabled(False)
            self.outcome.setText(text)
            self.undone.emit(text)

        undo_import(self, self.summary.run_id, undone, self.hub)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.hide()
        if isinstance(exc, ImportCancelled):
            self.outcome.setText(self.tr("Cancelled: nothing was imported."))
        else:
            self.outcome.setText(self.tr("The import failed and nothing was imported: ") + str(exc))
        self.import_button.setEnabled(True)
        self.policy.setEnabled(True)
        self.tag.setEnabled(True)
        self.mapping.setEnabled(True)
        self.encoding.setEnabled(True)
        self.delimiter.setEnabled(True)

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
            self.outcome.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
            return
        super().reject()
