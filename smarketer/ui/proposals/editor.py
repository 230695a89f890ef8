"""Edit one proposal: header fields, line items with live totals, content sections."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smarketer.conflicts import EditConflict
from smarketer.money import format_money
from smarketer.proposals import contents, editing, presentation
from smarketer.proposals.contents import ItemData
from smarketer.proposals.drafts import ProposalError
from smarketer.proposals.editing import ProposalRecord
from smarketer.proposals.pricing import PricingError
from smarketer.ui.contacts.completers import ContactPicker
from smarketer.ui.flow import button_row
from smarketer.ui.forms import ResolvesConflicts
from smarketer.ui.sections import menu_text

COLUMNS = ["Description", "Qty", "Unit", "Unit price", "Disc. %", "Tax %", "Optional", "Amount"]
ItemIdRole = Qt.ItemDataRole.UserRole + 1


class ProposalEditor(ResolvesConflicts, QWidget):
    """Every edit is saved at once (drafts only); ``changed`` follows each one."""

    changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.proposal: ProposalRecord | None = None
        self._loading = False
        self.heading = QLabel()
        self.heading.setProperty("role", "emptyTitle")
        self.status = QLabel()
        self.status.setProperty("role", "subtitle")
        self.title = QLineEdit()
        self.contact = ContactPicker()
        self.deal = QComboBox()
        self.issue_date = QDateEdit()
        self.valid_until = QDateEdit()
        for edit in (self.issue_date, self.valid_until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.rounding = QComboBox()
        self.rounding.addItem(self.tr("Round each line (usual)"), "line")
        self.rounding.addItem(self.tr("Round totals once per tax rate"), "global")
        self.document_discount = QLineEdit()
        self.document_discount.setPlaceholderText("0")
        self.intro = QPlainTextEdit()
        self.intro.setTabChangesFocus(True)
        self.closing = QPlainTextEdit()
        self.closing.setTabChangesFocus(True)
        # The header fields in two columns, so the line items keep the height.
        grid = QGridLayout()
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        cells = (
            (self.tr("Title"), self.title, 0, 0, 3),
            (self.tr("Client"), self.contact, 1, 0, 1),
            (self.tr("Deal"), self.deal, 1, 2, 1),
            (self.tr("Issued"), self.issue_date, 2, 0, 1),
            (self.tr("Valid until"), self.valid_until, 2, 2, 1),
            (self.tr("Rounding"), self.rounding, 3, 0, 1),
            (self.tr("Document discount %"), self.document_discount, 3, 2, 1),
        )
        for text, widget, row, column, span in cells:
            widget.setAccessibleName(text)
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, row, column)
            grid.addWidget(widget, row, column + 1, 1, span)
        # Introduction, closing and content sections fold away: the line items need the room.
        self.text_toggle = QToolButton()
        self.text_toggle.setText(self.tr("Introduction, closing and sections"))
        self.text_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.text_toggle.setCheckable(True)
        self.text_toggle.setAutoRaise(True)
        self.text_toggle.setAccessibleName(self.tr("Show introduction, closing and sections"))
        # One tabbed box for the three, so even unfolded they leave the line items room.
        self.text_panel = QTabWidget()
        self.text_panel.setDocumentMode(True)
        self.text_panel.setMaximumHeight(150)
        for text, widget in ((self.tr("Introduction"), self.intro), (self.tr("Closing"), self.closing)):
            widget.setAccessibleName(text)
            widget.setMinimumHeight(48)
            self.text_panel.addTab(widget, text)
        self.text_toggle.toggled.connect(self.show_texts)
        self.title.editingFinished.connect(lambda: self._save_field(title=self.title.text()))
        self.contact.editingFinished.connect(self._client_changed)
        self.deal.activated.connect(lambda _i: self._save_field(deal_id=self.deal.currentData()))
        self.issue_date.dateChanged.connect(lambda d: self._save_field(issue_date=d.toPython()))
        self.valid_until.dateChanged.connect(lambda d: self._save_field(valid_until=d.toPython()))
        self.rounding.activated.connect(lambda _i: self._save_field(rounding=self.rounding.currentData()))
        self.document_discount.editingFinished.connect(
            lambda: self._save_field(document_discount=self.document_discount.text() or "0")
        )
        self.intro.textChanged.connect(lambda: self._save_field(intro=self.intro.toPlainText()))
        self.closing.textChanged.connect(lambda: self._save_field(closing=self.closing.toPlainText()))

        self.items = QTableWidget(0, len(COLUMNS))
        self.items.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.items.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((0, 55, 55, 85, 65, 55, 70, 95)):
            if width:
                self.items.setColumnWidth(column, width)
        self.items.verticalHeader().hide()
        self.items.setAccessibleName(self.tr("Line items"))
        self.items.itemChanged.connect(self._item_edited)
        self.add_line = QPushButton(self.tr("Add line"))
        self.add_heading = QPushButton(self.tr("Add heading"))
        self.from_catalog = QPushButton(self.tr("From catalog"))
        self.remove_line = QPushButton(self.tr("Remove"))
        self.line_up = QPushButton(self.tr("Up"))
        self.line_down = QPushButton(self.tr("Down"))
        self.add_line.clicked.connect(lambda: self._add(ItemData("New item", "1")))
        self.add_heading.clicked.connect(lambda: self._add(ItemData("New section", heading=True)))
        self.from_catalog.clicked.connect(self._catalog_menu)
        self.remove_line.clicked.connect(self._remove)
        self.line_up.clicked.connect(lambda: self._move(-1))
        self.line_down.clicked.connect(lambda: self._move(1))
        line_buttons = button_row(
            self.add_line, self.add_heading, self.from_catalog, self.remove_line, self.line_up, self.line_down
        )
        self.totals = QLabel()
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = QLabel()
        self.error.setProperty("role", "fieldError")
        self.error.setWordWrap(True)

        self.sections = QListWidget()
        self.sections.setAccessibleName(self.tr("Content sections"))
        self.sections.setMinimumHeight(48)
        self.insert_block = QPushButton(self.tr("Insert block…"))
        self.insert_block.setToolTip(self.tr("About us, a case study, terms: from your library"))
        self.insert_block.clicked.connect(self._blocks_menu)
        self.remove_section = QPushButton(self.tr("Remove section"))
        self.remove_section.clicked.connect(self._remove_section)
        sections_page = QWidget()
        section_row = QHBoxLayout(sections_page)
        section_row.setContentsMargins(0, 0, 0, 0)
        section_row.addWidget(self.sections, 1)
        section_buttons = QVBoxLayout()
        section_buttons.addWidget(self.insert_block)
        section_buttons.addWidget(self.remove_section)
        section_buttons.addStretch(1)
        section_row.addLayout(section_buttons)
        self.text_panel.addTab(sections_page, self.tr("Sections"))
        self.text_panel.hide()
        self.show_texts(False)

        self.items.setMinimumHeight(120)
        self.items.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        below = QHBoxLayout()
        below.addWidget(line_buttons, 1, Qt.AlignmentFlag.AlignTop)
        below.addWidget(self.totals, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addWidget(self.text_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text_panel)
        layout.addWidget(self.items, 1)
        layout.addLayout(below)
        layout.addWidget(self.error)
        self.editing_widgets = [
            self.title,
            self.contact,
            self.deal,
            self.issue_date,
            self.valid_until,
            self.rounding,
            self.document_discount,
            self.intro,
            self.closing,
            self.add_line,
            self.add_heading,
            self.from_catalog,
            self.remove_line,
            self.line_up,
            self.line_down,
            self.insert_block,
            self.remove_section,
        ]
        self.load(None)

    @property
    def shown(self) -> ProposalRecord:
        """The proposal shown (every editing action is disabled while there is none)."""
        assert self.proposal is not None
        return self.proposal

    def show_texts(self, shown: bool) -> None:
        """Unfold (or fold away) the introduction, closing and content sections."""
        self.text_panel.setVisible(shown)
        self.text_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if self.text_toggle.isChecked() != shown:
            self.text_toggle.setChecked(shown)

    # loading

    def load(self, proposal_id: int | None) -> None:
        self._loading = True
        self.proposal = editing.proposal_record(proposal_id)
        p = self.proposal
        self.setEnabled(p is not None)
        if p is None:
            self.heading.setText(self.tr("No proposal selected"))
            self.items.setRowCount(0)
            self.totals.clear()
            self._loading = False
            return
        draft = p.status == "draft"
        for widget in self.editing_widgets:
            widget.setEnabled(draft)
        self.items.setEditTriggers(
            QTableWidget.EditTrigger.AllEditTriggers if draft else QTableWidget.EditTrigger.NoEditTriggers
        )
        self.heading.setText(f"{p.label} · {p.title}")
        self.status.setText(self._status_text(p))
        self.title.setText(p.title)
        self.contact.set_contact(p.contact_id)
        self._fill_deals()
        self.issue_date.setDate(QDate(p.issue_date.year, p.issue_date.month, p.issue_date.day))
        self.valid_until.setDate(QDate(p.valid_until.year, p.valid_until.month, p.valid_until.day))
        self.rounding.setCurrentIndex(max(0, self.rounding.findData(p.rounding)))
        self.document_discount.setText(f"{p.document_discount.normalize():f}")
        self.intro.setPlainText(p.intro)
        self.closing.setPlainText(p.closing)
        self.sections.clear()
        found = editing.section_rows(p.id)
        self.text_toggle.setText(self.tr("Introduction, closing and sections ({})").format(len(found)))
        for section in found:
            item = QListWidgetItem(section.title)
            item.setData(ItemIdRole, section.id)
            item.setToolTip(section.body[:400])
            self.sections.addItem(item)
        self._fill_items()
        self._loading = False

    def _status_text(self, p: ProposalRecord) -> str:
        text = {
            "draft": "Draft: every change is saved as you make it.",
            "sent": "Sent: make a new revision to change it.",
            "accepted": "Accepted by the client.",
            "declined": "Declined by the client.",
            "expired": "Expired: past its valid-until date.",
            "superseded": "Superseded by a newer revision.",
        }[p.status]
        if p.sent_at:
            text += f"  Sent {p.sent_at.astimezone():%Y-%m-%d %H:%M}."
        return self.tr(text)

    def _fill_deals(self) -> None:
        self.deal.clear()
        self.deal.addItem(self.tr("No deal"))
        p = self.shown
        for deal_id, title in editing.deal_choices(p.contact_id):
            self.deal.addItem(title, deal_id)
        if p.deal_id:
            index = self.deal.findData(p.deal_id)
            if index < 0:
                self.deal.addItem(p.deal_title, p.deal_id)
                index = self.deal.count() - 1
            self.deal.setCurrentIndex(index)

    def _fill_items(self) -> None:
        p = self.shown
        self.items.blockSignals(True)
        rows = editing.item_rows(p.id)
        self.items.setRowCount(len(rows))
        try:
            totals = editing.totals_of(p)
        except PricingError as exc:
            totals = None
            self.error.setText(str(exc))
        money = lambda v: format_money(v, p.currency, p.locale)  # noqa: E731
        for r, item in enumerate(rows):
            amounts = totals.lines[r] if totals else None
            if item.kind == "heading":
                values = [item.description, "", "", "", "", "", "", ""]
            else:
                values = [
                    item.description,
                    f"{item.quantity.normalize():f}",
                    item.unit,
                    f"{item.unit_price:f}",
                    f"{item.discount.normalize():f}",
                    f"{item.tax_rate.normalize():f}",
                    "",
                    money(amounts.net) if amounts else "",
                ]
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(ItemIdRole, item.id)
                if c == 6 and item.kind != "heading":
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    cell.setCheckState(Qt.CheckState.Checked if item.optional else Qt.CheckState.Unchecked)
                elif c == 7 or (item.kind == "heading" and c > 0):
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if c == 0 and item.kind == "heading":
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                if c in (1, 3, 4, 5, 7):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.items.setItem(r, c, cell)
        self.items.blockSignals(False)
        if totals:
            self.error.clear()
            # the same rows as the PDF: from the printed amounts to the total
            body = "".join(
                "<tr><td>{}</td><td align='right'>&nbsp;&nbsp;{}</td></tr>".format(
                    *(f"<b>{escape(t)}</b>" if row.strong else escape(t) for t in (row.label, row.amount))
                )
                for row in presentation.total_rows(
                    totals, p.document_discount, p.rounding, p.currency, p.locale
                )
            )
            self.totals.setText(f"<table align='right'>{body}</table>")

    def has_changes(self) -> bool:
        """Whether something typed here is not saved yet (a refresh must not replace it): the
        fields saved when left, or a line item being edited."""
        p = self.shown
        if p is None or p.status != "draft":
            return False
        return (
            self.items.state() == QTableWidget.State.EditingState
            or self.title.text() != p.title
            or (self.document_discount.text() or "0") != f"{p.document_discount.normalize():f}"
        )

    # saving

    def _save_field(self, **fields) -> None:
        if self._loading or self.proposal is None or self.proposal.status != "draft":
            return
        try:
            self.proposal = editing.update_header(
                self.shown.id, expected_version=self.shown.version, **fields
            )
        except (ProposalError, PricingError) as exc:
            self.error.setText(str(exc))
            return
        except EditConflict as exc:
            version = exc.version
            self.error.setText(self.tr("Not saved: someone else changed this proposal."))
            theirs = editing.proposal_record(self.shown.id)
            mine = self._header()
            self.ask_about_conflict(
                exc,
                [name for name, value in mine.items() if theirs and str(getattr(theirs, name)) != str(value)],
                lambda: self.load(self.shown.id if theirs else None),
                lambda: self._overwrite(version, mine),
            )
            return
        self.error.clear()
        self.heading.setText(f"{self.shown.label} · {self.shown.title}")
        if {"rounding", "document_discount"} & set(fields):
            self._fill_items()
        self.changed.emit(self.shown.id)

    def _header(self) -> dict:
        """The header fields as they are typed here."""
        return {
            "title": self.title.text(),
            "contact_id": self.contact.contact_id(),
            "deal_id": self.deal.currentData(),
            "issue_date": self.issue_date.date().toPython(),
            "valid_until": self.valid_until.date().toPython(),
            "rounding": self.rounding.currentData(),
            "document_discount": self.document_discount.text() or "0",
            "intro": self.intro.toPlainText(),
            "closing": self.closing.toPlainText(),
        }

    def _overwrite(self, version: int | None, mine: dict) -> bool:
        """Save every header field as typed here over the other seat's version."""
        try:
            self.proposal = editing.update_header(self.shown.id, expected_version=version, **mine)
        except (ProposalError, PricingError) as exc:
            self.error.setText(str(exc))
            return False
        except EditConflict:
            return False  # a third save meanwhile: the next edit asks again
        self.error.clear()
        self.load(self.shown.id)
        self.changed.emit(self.shown.id)
        return True

    def _client_changed(self) -> None:
        if not self._loading and self.proposal is not None:
            self._save_field(contact_id=self.contact.contact_id())
            self._fill_deals()

    def _row_data(self, row: int) -> ItemData:
        text = lambda c: self.items.item(row, c).text() if self.items.item(row, c) else ""  # noqa: E731
        heading = editing.item_rows(self.shown.id)[row].kind == "heading"
        if heading:
            return ItemData(description=text(0), heading=True)
        optional = self.items.item(row, 6).checkState() == Qt.CheckState.Checked
        return ItemData(
            description=text(0),
            quantity=text(1) or "0",
            unit=text(2),
            unit_price=text(3) or "0",
            discount=text(4) or "0",
            tax_rate=text(5) or None,
            optional=optional,
            product_id=None,
        )

    def _item_edited(self, cell: QTableWidgetItem) -> None:
        if self._loading or self.proposal is None:
            return
        row = cell.row()
        try:
            contents.update_item(cell.data(ItemIdRole), self._row_data(row))
        except (PricingError, ProposalError) as exc:
            self.error.setText(str(exc).replace("line ", "Line ", 1))
            return
        self._fill_items()
        self.changed.emit(self.shown.id)

    def _selected_item(self) -> int | None:
        row = self.items.currentRow()
        cell = self.items.item(row, 0) if row >= 0 else None
        return cell.data(ItemIdRole) if cell else None

    def _add(self, data: ItemData) -> None:
        try:
            contents.add_item(self.shown.id, data)
        except (PricingError, ProposalError) as exc:
            self.error.setText(str(exc))
            return
        self._fill_items()
        self.items.setCurrentCell(self.items.rowCount() - 1, 0)
        self.changed.emit(self.shown.id)

    def _remove(self) -> None:
        item_id = self._selected_item()
        if item_id:
            contents.remove_item(item_id)
            self._fill_items()
            self.changed.emit(self.shown.id)

    def _move(self, step: int) -> None:
        item_id = self._selected_item()
        if item_id:
            row = self.items.currentRow()
            contents.move_item(item_id, step)
            self._fill_items()
            self.items.setCurrentCell(max(0, min(self.items.rowCount() - 1, row + step)), 0)

    def _catalog_menu(self) -> QMenu:
        menu = QMenu(self)
        for product_id, name, unit_price in editing.product_choices():
            action = menu.addAction(menu_text(f"{name} · {unit_price:f}"))
            action.triggered.connect(lambda _c=False, pid=product_id: self._add_product(pid))
        if menu.isEmpty():
            menu.addAction(self.tr("The catalog is empty: add products with Catalog…")).setEnabled(False)
        menu.popup(self.from_catalog.mapToGlobal(self.from_catalog.rect().bottomLeft()))
        return menu

    def _blocks_menu(self) -> QMenu:
        menu = QMenu(self)
        for block_id, title in editing.block_choices():
            action = menu.addAction(menu_text(title))
            action.triggered.connect(lambda _c=False, bid=block_id: self._insert_block(bid))
        if menu.isEmpty():
            menu.addAction(self.tr("No content blocks yet: add them with Blocks…")).setEnabled(False)
        menu.popup(self.insert_block.mapToGlobal(self.insert_block.rect().bottomLeft()))
        return menu

    def _add_product(self, product_id: int) -> None:
        contents.add_product(self.shown.id, product_id)
        self._fill_items()
        self.changed.emit(self.shown.id)

    def _insert_block(self, block_id: int) -> None:
        contents.insert_block(self.shown.id, block_id)
        self.load(self.shown.id)

    def _remove_section(self) -> None:
        item = self.sections.currentItem()
        if item is not None:
            contents.remove_section(item.data(ItemIdRole))
            self.load(self.shown.id)
