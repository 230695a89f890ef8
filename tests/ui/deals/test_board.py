"""The deal board and Today, driven as a user drives them."""

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from smarketer.contacts.editing import ContactData, find_contacts, save_contact
from smarketer.db.models.deals import Deal, Stage, StageChange
from smarketer.pipeline.deals import DealData, history, lost_reasons, save_deal
from smarketer.pipeline.tasks import add_task
from smarketer.ui.deals.editor import DealDialog, LostReasonDialog
from smarketer.ui.deals.model import StageDealsModel


def titles(column):
    return [card.title for card in column.model.cards]


def drop_on(view, model, source_model, row_in_source, target_row, qtbot):
    """Drop a card the way Qt's drag manager delivers it to the target view's viewport:
    drag enter, drag move, drop."""
    mime = source_model.mimeData([source_model.index(row_in_source, 0)])
    if target_row < model.rowCount():
        point = view.visualRect(model.index(target_row, 0)).topLeft() + QPoint(10, 2)
    else:
        point = QPoint(10, view.viewport().height() - 5)
    for kind in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(
            view.viewport(),
            kind(
                point,
                Qt.DropAction.MoveAction,
                mime,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), event)


def test_models_pass_the_model_tester(qtmodeltester, board_window):
    qtmodeltester.check(board_window.deals.columns[0].model)


def test_board_shows_columns_and_totals(board_window):
    deals = board_window.deals
    assert [c.stage.name for c in deals.columns] == [
        "New lead",
        "Contacted",
        "Qualified",
        "Proposal sent",
        "Negotiation",
    ]
    assert titles(deals.columns[0]) == ["Alpha", "Beta", "Gamma"]
    assert deals.columns[0].title.text() == "New lead  ·  3"
    assert "€6,000" in deals.columns[0].totals.text()
    assert "weighted €600" in deals.columns[0].totals.text()


def test_dropping_a_card_on_another_column_moves_it_and_records_history(board_window, qtbot):
    deals = board_window.deals
    source, target = deals.columns[0], deals.columns[2]
    beta = Deal.get(Deal.title == "Beta")
    drop_on(target.view, target.model, source.model, 1, 0, qtbot)
    assert titles(source) == ["Alpha", "Gamma"]
    assert titles(target) == ["Beta"]
    assert [c.to_stage.name for c in history(beta.id)] == ["New lead", "Qualified"]


def test_dropping_within_a_column_reorders_and_persists(board_window, qtbot, make_window, store):
    column = board_window.deals.columns[0]
    drop_on(column.view, column.model, column.model, 2, 0, qtbot)  # Gamma to the top
    assert titles(column) == ["Gamma", "Alpha", "Beta"]
    again = make_window(store)
    qtbot.waitUntil(lambda: not again.deals.loading)  # the board is read in a worker
    assert titles(again.deals.columns[0]) == ["Gamma", "Alpha", "Beta"]


def test_keyboard_moves(board_window, qtbot):
    deals = board_window.deals
    deals.select(Deal.get(Deal.title == "Alpha").id)
    view = deals.columns[0].view
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert titles(deals.columns[1]) == ["Alpha"]
    assert deals.columns[1].view.hasFocus()
    qtbot.keyClick(deals.columns[1].view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert titles(deals.columns[2]) == ["Alpha"]
    deals.select(Deal.get(Deal.title == "Gamma").id)
    qtbot.keyClick(deals.columns[0].view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert titles(deals.columns[0]) == ["Gamma", "Beta"]
    assert StageChange.select().count() == 5  # 3 opened + 2 moves


def test_dropping_on_lost_asks_for_a_reason(board_window, qtbot):
    deals = board_window.deals
    alpha = Deal.get(Deal.title == "Alpha")
    deals.lost_zone.dropped.emit(alpha.id)
    dialog = deals.findChild(LostReasonDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no reason: stays open
    assert dialog.isVisible() and Deal.get_by_id(alpha.id).stage.kind == "open"
    dialog.reason.setCurrentText("Went with a bigger agency")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    lost = Deal.get_by_id(alpha.id)
    assert (lost.stage.kind, lost.lost_reason) == ("lost", "Went with a bigger agency")
    assert "Went with a bigger agency" in lost_reasons()
    assert titles(deals.columns[0]) == ["Beta", "Gamma"]


def test_dropping_on_won_closes_the_deal(board_window, qtbot):
    deals = board_window.deals
    beta = Deal.get(Deal.title == "Beta")
    mime = QMimeData()
    mime.setData("application/x-smarketer-deal", str(beta.id).encode())
    QApplication.sendEvent(
        deals.won_zone,
        QDragEnterEvent(
            QPoint(5, 5),
            Qt.DropAction.MoveAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    QApplication.sendEvent(
        deals.won_zone,
        QDropEvent(
            QPointF(5, 5),
            Qt.DropAction.MoveAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    assert Deal.get_by_id(beta.id).stage.kind == "won"
    qtbot.waitUntil(lambda: "1 won" in deals.side_panel.figures.text())


def test_new_deal_dialog_validates_and_saves(board_window, qtbot):
    deals = board_window.deals
    qtbot.keyClick(board_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = deals.findChild(DealDialog)
    dialog.title.setText("Delta")
    dialog.value.setText("twelve")
    dialog.probability.setValue(150)  # the spin box caps it at 100
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["value"].isVisible()
    assert not Deal.select().where(Deal.title == "Delta").exists()
    dialog.value.setText("1,250.50")
    dialog.has_close.setChecked(True)
    dialog.close_date.setDate(dialog.close_date.date().addDays(-60))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    delta = Deal.get(Deal.title == "Delta")
    assert (delta.value, delta.probability) == (Decimal("1250.50"), 100)
    assert "past" in dialog.close_warning.text()  # allowed, flagged
    dialog.tabs.setCurrentIndex(1)
    dialog.task_title.setText("Call about the quote")
    qtbot.keyClick(dialog.task_title, Qt.Key.Key_Return)
    assert dialog.tasks.count() == 1, dialog.status.text()
    dialog.close()
    card = next(c for c in deals.columns[0].model.cards if c.title == "Delta")
    assert card.next_task == "Call about the quote"


def test_new_deal_from_a_contact_fills_it_in(board_window, qtbot):
    window = board_window
    window.go_to_section("Contacts")
    section = window.contacts
    zoe = find_contacts("zoe")[0][0]
    section.select_contact(zoe)
    qtbot.mouseClick(section.editor.deal_button, Qt.MouseButton.LeftButton)
    assert window.current_section() is window.deals
    dialog = window.deals.findChild(DealDialog)
    assert dialog.contact.contact_id() == zoe
    assert dialog.contact.text() == "Zoë <zoe@example.com>"


def test_stages_dialog_renames_and_reorders(board_window, qtbot):
    deals = board_window.deals
    dialog = deals.edit_stages()
    dialog.table.item(0, 0).setText("Inbound")
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.down, Qt.MouseButton.LeftButton)
    assert [c.stage.name for c in deals.columns][:2] == ["Contacted", "Inbound"]
    assert Stage.get(Stage.name == "Inbound").probability == 10


def test_today_lists_overdue_first_with_done_and_snooze(make_window, store, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    today = date.today()
    add_task("Later this week", today + timedelta(days=3), contact_id=zoe.id)
    add_task("Due today", today, contact_id=zoe.id)
    late = add_task("Overdue call", today - timedelta(days=2), contact_id=zoe.id)
    window = make_window(store)
    today_section = window.today
    qtbot.waitUntil(lambda: not today_section.elsewhere.busy)  # the tasks are read in a worker
    texts = [today_section.tasks.item(i).text() for i in range(today_section.tasks.count())]
    assert texts[0] == "Overdue (1)" and texts[1].startswith("Overdue call")
    assert texts[2] == "Today (1)" and texts[4] == "Next 7 days (1)"
    today_section.tasks.setCurrentRow(1)
    qtbot.mouseClick(today_section.snooze_button, Qt.MouseButton.LeftButton)
    assert "Snoozed" in window.statusBar().currentMessage()
    assert [today_section.tasks.item(i).text() for i in range(2)][0] == "Today (1)"
    item = next(
        today_section.tasks.item(i)
        for i in range(today_section.tasks.count())
        if today_section.tasks.item(i).text().startswith("Due today")
    )
    item.setCheckState(Qt.CheckState.Checked)
    assert "Due today" not in " ".join(
        today_section.tasks.item(i).text() for i in range(today_section.tasks.count())
    )
    assert late.id in today_section.task_ids()


def test_a_task_coming_due_is_announced(make_window, store):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    window = make_window(store)
    add_task("Ring the bakery", date.today(), contact_id=zoe.id, due_time="00:00")
    window.today.announce_due()
    assert "Due now: Ring the bakery" in window.statusBar().currentMessage()
    assert window.today.announce_due() == []


def test_stage_model_drop_row_bookkeeping(store):
    model = StageDealsModel(1)
    dropped = []
    model.deal_dropped.connect(lambda *a: dropped.append(a))
    from smarketer.pipeline.deal_board import DealCard

    model.set_cards(
        [DealCard(i, f"D{i}", "", Decimal(0), 10, None, 0, "", None, False, None) for i in (1, 2, 3)]
    )
    mime = model.mimeData([model.index(0, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, model.index(-1, 0))
    assert dropped == [(1, 1, 2)]  # moving down past itself lands at the end


def test_a_proposal_is_started_from_the_deal(board_window):
    from smarketer.db.models.proposals import Proposal

    deals = board_window.deals
    dialog = deals.open_deal(Deal.get(Deal.title == "Alpha").id)
    dialog.new_proposal_button.click()
    assert board_window.current_section() is board_window.proposals
    proposal = Proposal.get()
    assert (proposal.title, proposal.deal.title) == ("Alpha", "Alpha")
    again = deals.open_deal(proposal.deal_id)
    assert again.proposals.item(0).text().startswith(proposal.label)
    again.close()


def test_the_board_is_read_in_a_worker_without_a_false_empty_state(make_window, store, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    save_deal(DealData(title="Alpha", value="1000", contact_id=zoe.id))
    window = make_window(store)
    window.go_to_section("Deals")
    board = window.deals
    # Shown at once, read afterwards: never "No deals yet" while the board is on its way.
    assert board.loading and not board.empty.isVisible() and not board.body.isVisible()
    qtbot.waitUntil(lambda: board.body.isVisible())
    assert titles(board.columns[0]) == ["Alpha"] and not board.empty.isVisible()
