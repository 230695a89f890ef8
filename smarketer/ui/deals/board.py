"""The Deals section: one column per open stage, cards dragged between them, Won and Lost
drop zones, keyboard moves, filters, and the pipeline figures beside the board."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QWidget,
)

from smarketer import settings, snapshots
from smarketer.contacts.tags import all_tag_names
from smarketer.money import format_money, format_money_short
from smarketer.pipeline import deals
from smarketer.pipeline.deal_board import BoardFilter, Column, board, deal_heading, stage_name
from smarketer.pipeline.deals import mark_lost, mark_won, move_deal
from smarketer.pipeline.errors import PipelineError
from smarketer.pipeline.stage_list import open_stage_infos
from smarketer.ui import dialogs
from smarketer.ui.deals.closed_dialog import ClosedDealsDialog
from smarketer.ui.deals.column import StageColumn
from smarketer.ui.deals.delegate import CardDelegate
from smarketer.ui.deals.editor import DealDialog, ask_lost_reason
from smarketer.ui.deals.figures import FiguresPanel
from smarketer.ui.deals.stages_dialog import StagesDialog
from smarketer.ui.hub import Hub
from smarketer.ui.sections import EmptyState, IntoResults, Section, title_label
from smarketer.ui.undo import push_done
from smarketer.ui.workers import announce, run_job

SIDE_PANEL_WIDTH = 240


class DealsSection(Section):
    label = "Deals"
    new_item_text = "&New Deal"
    proposal_requested = Signal(int)

    def __init__(self, hub: Hub, undo_stack=None, parent=None):
        super().__init__(parent)
        self.hub, self.undo_stack = hub, undo_stack
        self.columns: list[StageColumn] = []
        profile = settings.load_profile()
        self.currency, self.money_locale = profile.currency, profile.locale
        self.delegate = CardDelegate(self._short_money, self)

        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Deals")))
        self.summary = title_label("", "subtitle")
        header.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        self.stages_button = QPushButton(self.tr("Stages…"))
        self.stages_button.setToolTip(self.tr("Rename, reorder, add or remove stages"))
        self.stages_button.clicked.connect(self.edit_stages)
        self.new_button = QPushButton(self.tr("New deal"))
        self.new_button.setToolTip(self.tr("Open a new deal (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        self.closed_button = QPushButton(self.tr("Won and lost…"))
        self.closed_button.setToolTip(self.tr("Closed deals: open or reopen them"))
        self.closed_button.clicked.connect(self.show_closed)
        header.addWidget(self.closed_button)
        self.figures_button = QToolButton()  # View → Deal Board Figures, set by the window
        self.figures_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        header.addWidget(self.figures_button)
        header.addWidget(self.stages_button)
        header.addWidget(self.new_button)
        self.layout_.addLayout(header)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by deal, contact or company (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Filter deals"))
        self.search.textChanged.connect(lambda _t: self.reload_board())
        IntoResults(self.search, lambda: next((c.view for c in self.columns if c.model.rowCount()), None))
        self.tag_filter = QComboBox()
        self.tag_filter.setAccessibleName(self.tr("Tag filter"))
        self.tag_filter.currentIndexChanged.connect(lambda _i: self.reload_board())
        self.month_filter = QComboBox()
        self.month_filter.setAccessibleName(self.tr("Expected close month"))
        self.month_filter.addItem(self.tr("Any close month"))
        first = date.today().replace(day=1)
        for offset in range(-3, 12):
            month = QDate(first).addMonths(offset).toPython()
            self.month_filter.addItem(month.strftime("%B %Y"), month.isoformat())
        self.month_filter.currentIndexChanged.connect(lambda _i: self.reload_board())
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.tag_filter)
        filters.addWidget(self.month_filter)
        self.layout_.addLayout(filters)

        self.board = QWidget()
        self.board_layout = QHBoxLayout(self.board)
        self.board_layout.setContentsMargins(0, 0, 0, 0)
        self.board_layout.addStretch(0)  # what wide columns leave stays on the right
        self.board_scroll = QScrollArea()
        self.board_scroll.setWidgetResizable(True)
        self.board_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.board_scroll.setWidget(self.board)

        self.side_panel = FiguresPanel()
        self.side_panel.setFixedWidth(SIDE_PANEL_WIDTH)
        self.won_zone, self.lost_zone = self.side_panel.won_zone, self.side_panel.lost_zone
        self.won_zone.dropped.connect(self.win)
        self.lost_zone.dropped.connect(self.lose)

        self.body = QWidget()
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.board_scroll, 1)
        body.addWidget(self.side_panel)
        self.empty = EmptyState(
            self.tr("No open deals"),
            self.tr(
                "Open a deal for a contact who showed interest; it moves from New lead to "
                "Won here, with its follow-up tasks."
            ),
            self.tr("New deal"),
            self.new_item,
        )
        self.empty.hide()
        self.layout_.addWidget(self.body, 1)
        self.layout_.addWidget(self.empty, 1)

        self._figures_timer = QTimer(self, singleShot=True, interval=0)
        self._figures_timer.timeout.connect(self._show_figures)
        self.actions_: dict[str, QAction] = {}
        for key, text, shortcut, slot in [
            ("left", self.tr("Move deal to previous stage"), "Ctrl+Left", lambda: self.step(-1)),
            ("right", self.tr("Move deal to next stage"), "Ctrl+Right", lambda: self.step(1)),
            ("up", self.tr("Move deal up"), "Ctrl+Up", lambda: self.shift(-1)),
            ("down", self.tr("Move deal down"), "Ctrl+Down", lambda: self.shift(1)),
            ("open", self.tr("Open deal"), "Return", self.open_selected),
        ]:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_[key] = action
        self.reload(background=True)

    # money

    def _short_money(self, amount) -> str:
        return format_money_short(amount, self.currency, self.money_locale)

    # Section interface

    def reload(self, background: bool = False) -> None:
        """Read the stages and the board again; with ``background`` (the first time) the board
        is read in a worker, showing neither the board nor "No deals yet" meanwhile."""
        profile = settings.load_profile()
        self.currency, self.money_locale = profile.currency, profile.locale
        current = self.tag_filter.currentText() if self.tag_filter.currentIndex() > 0 else None
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem(self.tr("Any tag"))
        self.tag_filter.addItems(all_tag_names())
        if current:
            self.tag_filter.setCurrentText(current)
        self.tag_filter.blockSignals(False)
        self._build_columns()
        if not background:
            self.reload_board()
            return
        self.body.hide()
        self.empty.hide()
        run_job(board, self.current_filter(), on_success=self._first_board, parent=self)

    @property
    def loading(self) -> bool:
        """Whether the first board has not arrived yet (tests wait for it)."""
        return self.body.isHidden() and self.empty.isHidden()

    def _first_board(self, columns: list[Column]) -> None:
        if self.loading:  # not already read again by an action of the owner's
            self._show_board(columns)

    def new_item(self) -> None:
        self.open_deal(None)

    def new_deal_for(self, contact_id: int) -> DealDialog:
        return self.open_deal(None, contact_id)

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    # building

    def _build_columns(self) -> None:
        for column in self.columns:
            column.setParent(None)
            column.deleteLater()
        self.columns = []
        for stage in open_stage_infos():
            column = StageColumn(stage, self.delegate)
            column.model.deal_dropped.connect(self.move)
            column.view.doubleClicked.connect(
                lambda index, m=column.model: self.open_deal(m.cards[index.row()].id)
            )
            self.board_layout.insertWidget(len(self.columns), column, 1)
            self.columns.append(column)

    def current_filter(self) -> BoardFilter:
        month = self.month_filter.currentData()
        return BoardFilter(
            text=self.search.text(),
            tag=self.tag_filter.currentText() if self.tag_filter.currentIndex() > 0 else "",
            close_month=date.fromisoformat(month) if month else None,
        )

    def reload_board(
        self, select: int | None = None, focus: bool = True, stage_ids: set[int] | None = None
    ) -> None:
        """Read the board again (only the columns of ``stage_ids`` when given)."""
        self._show_board(board(self.current_filter(), stage_ids=stage_ids), select, focus, stage_ids)

    def _show_board(
        self,
        columns: list[Column],
        select: int | None = None,
        focus: bool = True,
        stage_ids: set[int] | None = None,
    ) -> None:
        by_stage = {c.stage.id: c for c in columns}
        money = lambda v: format_money_short(v, self.currency, self.money_locale)  # noqa: E731
        for column in self.columns:
            data = by_stage.get(column.stage.id)
            if data is None and stage_ids is not None:
                continue
            column.data = data or Column(column.stage)
            column.model.set_cards(column.data.cards)
            column.title.setText(f"{column.stage.name}  ·  {len(column.data.cards)}")
            column.totals.setText(
                self.tr("{} · weighted {} ({}%)").format(
                    money(column.data.total), money(column.data.weighted), column.stage.probability
                )
            )
        count = sum(len(c.data.cards) for c in self.columns)
        total = sum((c.data.total for c in self.columns), 0)
        weighted = sum((c.data.weighted for c in self.columns), 0)
        self.summary.setText(
            self.tr("{} open · {} · weighted {}").format(count, money(total), money(weighted))
        )
        any_deals = count > 0 or any(self.current_filter().__dict__.values())
        self.body.setVisible(any_deals)
        self.empty.setVisible(not any_deals)
        self._figures_timer.start()  # after the board is on screen
        if select is not None:
            self.select(select, focus)

    def _show_figures(self) -> None:
        self.side_panel.refresh(lambda v: format_money(v, self.currency, self.money_locale))

    # selection

    def selected(self) -> tuple[StageColumn, int] | None:
        for column in self.columns:
            if column.view.hasFocus() or column.view.selectionModel().hasSelection():
                index = column.view.currentIndex()
                if index.isValid():
                    return column, column.model.cards[index.row()].id
        return None

    def select(self, deal_id: int, focus: bool = True) -> bool:
        for column in self.columns:
            row = column.model.row_of(deal_id)
            if row >= 0:
                column.view.setCurrentIndex(column.model.index(row, 0))
                if focus:
                    column.view.setFocus()
                self.follow(column)
                return True
        return False

    def follow(self, column: StageColumn) -> None:
        """Scroll the board so that ``column`` (holding the selected card) is in view."""
        self.board.layout().activate()
        self.board_scroll.ensureWidgetVisible(column, 0, 0)

    def set_figures_visible(self, shown: bool) -> None:
        """View → Deal Board Figures: the side panel, or more room for the columns."""
        self.side_panel.setVisible(shown)

    # moves

    def _undoable(self, deal_id: int, text: str, change, stage_ids=None) -> bool:
        """Make ``change`` (a callable) to the deal, with undo; False when it was refused."""
        before = snapshots.deal_place(deal_id)
        try:
            change()
        except PipelineError as exc:
            dialogs.show_error(self, self.tr("Cannot move the deal"), str(exc))
            return False
        push_done(
            self.undo_stack,
            self.hub,
            text,
            lambda: snapshots.restore_deal(before),
            change,
            lambda: self.reload_board(select=deal_id, focus=False),
            changes=("deal",),
        )
        self.reload_board(select=deal_id, stage_ids=stage_ids)
        return True

    def move(self, deal_id: int, stage_id: int, row: int) -> None:
        deal = deal_heading(deal_id)
        if deal.stage_id == stage_id:
            text = self.tr("Moved {} within {}").format(deal.title, deal.stage_name)
        else:
            text = self.tr("Moved {} to {}").format(deal.title, stage_name(stage_id))
        self._undoable(
            deal_id,
            text,
            lambda: move_deal(deal_id, stage_id, row),
            stage_ids={deal.stage_id, stage_id},
        )

    def step(self, direction: int) -> None:
        found = self.selected()
        if not found:
            return
        column, deal_id = found
        index = self.columns.index(column) + direction
        if 0 <= index < len(self.columns):
            self.move(deal_id, self.columns[index].stage.id, len(self.columns[index].model.cards))

    def shift(self, direction: int) -> None:
        found = self.selected()
        if not found:
            return
        column, deal_id = found
        row = column.model.row_of(deal_id) + direction
        if 0 <= row < len(column.model.cards):
            self.move(deal_id, column.stage.id, row)

    def win(self, deal_id: int) -> None:
        title = deal_heading(deal_id).title
        self._undoable(deal_id, self.tr("Won {}. Well done!").format(title), lambda: mark_won(deal_id))

    def lose(self, deal_id: int):
        title = deal_heading(deal_id).title

        def lost(reason: str) -> None:
            self._undoable(
                deal_id,
                self.tr("Lost {} ({})").format(title, reason),
                lambda: mark_lost(deal_id, reason),
            )

        return ask_lost_reason(self, title, lost)

    # dialogs

    def open_selected(self) -> None:
        found = self.selected()
        if found:
            self.open_deal(found[1])

    def open_deal(self, deal_id: int | None, contact_id: int | None = None) -> DealDialog:
        dialog = DealDialog(deal_id, contact_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(
            lambda changed: (
                self.reload_board(select=changed, focus=False),
                announce(self.hub, ("deal",)),
            )
        )
        dialog.proposal_requested.connect(lambda deal: (dialog.accept(), self.proposal_requested.emit(deal)))
        dialog.open()
        return dialog

    def _stages_edited(self, text: str, before) -> None:
        after = snapshots.stage_layout()

        def refresh() -> None:
            self._build_columns()
            self.reload_board()

        push_done(
            self.undo_stack,
            self.hub,
            text,
            lambda: snapshots.restore_stages(before),
            lambda: snapshots.restore_stages(after),
            refresh,
            changes=("deal",),
        )

    def show_closed(self) -> ClosedDealsDialog:
        dialog = ClosedDealsDialog(self.currency, self.money_locale, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_requested.connect(self.open_deal)
        dialog.reopen_requested.connect(lambda deal_id: (self.reopen(deal_id), dialog.reload()))
        dialog.open()
        self.closed_dialog = dialog
        return dialog

    def reopen(self, deal_id: int) -> None:
        """Put a won or lost deal back on the board, in the last open stage (undoable)."""
        title = deal_heading(deal_id).title
        self._undoable(deal_id, self.tr("Reopened {}").format(title), lambda: deals.reopen(deal_id))

    def edit_stages(self) -> StagesDialog:
        dialog = StagesDialog(self, record=self._stages_edited)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda: (self._build_columns(), self.reload_board()))
        dialog.open()
        return dialog
