"""Undo (Ctrl+Z and the toast's Undo) restores a moved deal, a won or lost deal, a done or
snoozed task; Today opens and adds tasks (issue 14)."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.listing import contact_ids
from smarketer.db.models.contacts import Activity
from smarketer.db.models.deals import Deal, StageChange, Task
from smarketer.pipeline.deals import history
from smarketer.pipeline.tasks import add_task
from smarketer.ui.deals.editor import LostReasonDialog
from smarketer.ui.task_dialog import TaskDialog
from tests.ui.deals.test_board import titles


def ctrl_z(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_z_puts_a_moved_deal_back_as_it_was(board_window, qtbot):
    deals = board_window.deals
    alpha = Deal.get(Deal.title == "Alpha")
    before = (alpha.stage_id, alpha.stage_entered_at, StageChange.select().count(), Activity.select().count())
    deals.select(alpha.id)
    qtbot.keyClick(deals.columns[0].view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert titles(deals.columns[1]) == ["Alpha"]
    assert "Moved Alpha to Contacted" in board_window.toast.label.text()
    board_window.sidebar.setFocus()  # Ctrl+Z works wherever the focus is in the window
    ctrl_z(board_window, qtbot)
    assert titles(deals.columns[0]) == ["Alpha", "Beta", "Gamma"]
    assert titles(deals.columns[1]) == []
    alpha = Deal.get_by_id(alpha.id)
    assert (
        alpha.stage_id,
        alpha.stage_entered_at,
        StageChange.select().count(),
        Activity.select().count(),
    ) == before  # no trace of the move in history or figures
    board_window.actions["redo"].trigger()
    assert titles(deals.columns[1]) == ["Alpha"]  # redo


def test_a_reorder_within_a_column_is_undone(board_window, qtbot):
    deals = board_window.deals
    deals.select(Deal.get(Deal.title == "Gamma").id)
    qtbot.keyClick(deals.columns[0].view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert titles(deals.columns[0]) == ["Alpha", "Gamma", "Beta"]
    ctrl_z(board_window, qtbot)
    assert titles(deals.columns[0]) == ["Alpha", "Beta", "Gamma"]


def test_the_toasts_undo_reopens_a_won_deal(board_window, qtbot):
    deals = board_window.deals
    beta = Deal.get(Deal.title == "Beta")
    deals.won_zone.dropped.emit(beta.id)
    assert Deal.get_by_id(beta.id).stage.kind == "won"
    assert Deal.get_by_id(beta.id).closed_at is not None
    toast = board_window.toast
    assert toast.isVisible() and toast.button.text() == "Undo"
    qtbot.mouseClick(toast.button, Qt.MouseButton.LeftButton)
    beta = Deal.get_by_id(beta.id)
    assert (beta.stage.name, beta.closed_at) == ("New lead", None)
    assert titles(deals.columns[0]) == ["Alpha", "Beta", "Gamma"]
    assert not [c for c in history(beta.id) if c.to_stage.kind == "won"]


def test_a_lost_deal_is_restored_by_undo(board_window, qtbot):
    deals = board_window.deals
    gamma = Deal.get(Deal.title == "Gamma")
    deals.lost_zone.dropped.emit(gamma.id)
    dialog = deals.findChild(LostReasonDialog)
    dialog.reason.setCurrentText("Too expensive")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert Deal.get_by_id(gamma.id).stage.kind == "lost"
    ctrl_z(board_window, qtbot)
    gamma = Deal.get_by_id(gamma.id)
    assert (gamma.stage.kind, gamma.lost_reason) == ("open", "")


@pytest.fixture
def today_window(make_window, store, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    add_task("Call the bakery", date.today(), contact_id=zoe.id)
    add_task("Send samples", date.today() - timedelta(days=1), contact_id=zoe.id)
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.today.elsewhere.busy)  # the tasks are read in a worker
    return window


def task_item(section, title):
    return next(
        (
            section.tasks.item(i)
            for i in range(section.tasks.count())
            if section.tasks.item(i).text().startswith(title)
        ),
        None,
    )


def test_undo_brings_back_a_task_ticked_off_by_mistake(today_window, qtbot):
    today = today_window.today
    call = Task.get(Task.title == "Call the bakery")
    task_item(today, "Call the bakery").setCheckState(Qt.CheckState.Checked)
    assert Task.get_by_id(call.id).done_at is not None
    assert task_item(today, "Call the bakery") is None
    qtbot.mouseClick(today_window.toast.button, Qt.MouseButton.LeftButton)
    assert Task.get_by_id(call.id).done_at is None
    assert task_item(today, "Call the bakery") is not None


def test_a_snooze_is_undone_with_ctrl_z(today_window, qtbot):
    today = today_window.today
    samples = Task.get(Task.title == "Send samples")
    today.tasks.setCurrentItem(task_item(today, "Send samples"))
    qtbot.mouseClick(today.week_button, Qt.MouseButton.LeftButton)
    assert Task.get_by_id(samples.id).due_date == date.today() + timedelta(days=7)
    ctrl_z(today_window, qtbot)
    assert Task.get_by_id(samples.id).due_date == samples.due_date


def test_double_click_opens_a_task_and_ctrl_n_adds_one(today_window, qtbot):
    today = today_window.today
    item = task_item(today, "Call the bakery")
    rect = today.tasks.visualItemRect(item)
    qtbot.mouseClick(today.tasks.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(today.tasks.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = today.findChild(TaskDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.title.text() == "Call the bakery"
    dialog.title.setText("Call the bakery about the menu")
    dialog.time.setText("25:99")
    assert not dialog.save() and "HH:MM" in dialog.error.text()
    dialog.time.setText("16:30")
    assert dialog.save()
    assert task_item(today, "Call the bakery about the menu  ·") is not None
    qtbot.keyClick(today_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    new = [d for d in today.findChildren(TaskDialog) if d.task_id is None][0]
    new.title.setText("Book a meeting")
    assert not new.save() and "contact" in new.error.text()
    new.contact.set_contact(contact_ids()[0])
    assert new.save()
    assert task_item(today, "Book a meeting") is not None


def test_closed_deals_are_listed_and_can_be_reopened(board_window, qtbot):
    deals = board_window.deals
    beta = Deal.get(Deal.title == "Beta")
    deals.won_zone.dropped.emit(beta.id)
    dialog = deals.show_closed()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text().startswith("Beta") and dialog.table.item(0, 1).text() == "Won"
    dialog.kind.setCurrentIndex(dialog.kind.findData("lost"))
    assert dialog.table.rowCount() == 0 and dialog.empty.isVisible()
    dialog.kind.setCurrentIndex(0)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    assert Deal.get_by_id(beta.id).stage.name == "Negotiation"
    assert titles(deals.columns[-1]) == ["Beta"]
    assert dialog.table.rowCount() == 0
    dialog.accept()
    ctrl_z(board_window, qtbot)  # reopening is undone too
    assert Deal.get_by_id(beta.id).stage.kind == "won"
    assert deals.show_closed().table.rowCount() == 1


def test_stage_edits_are_undone(board_window, qtbot):
    deals = board_window.deals
    dialog = deals.edit_stages()
    dialog.table.item(1, 0).setText("Called")
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)
    assert [c.stage.name for c in deals.columns][:2] == ["Called", "New lead"]
    dialog.accept()
    ctrl_z(board_window, qtbot)  # the move
    assert [c.stage.name for c in deals.columns][:2] == ["New lead", "Called"]
    ctrl_z(board_window, qtbot)  # the rename
    assert [c.stage.name for c in deals.columns][:2] == ["New lead", "Contacted"]
    assert titles(deals.columns[0]) == ["Alpha", "Beta", "Gamma"]
