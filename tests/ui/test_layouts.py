"""Every section and dialog fits a small laptop screen (1024x640), windows open within the
screen, the deal board follows the selected card, the proposal items keep their room."""

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt

from smarketer.ui import geometry
from smarketer.ui.main_window import SECTION_NAMES

SMALLEST = geometry.fitted_size(QSize(10_000, 10_000), geometry.SMALLEST_SCREEN)


def fits(size: QSize, room: QSize = SMALLEST) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def test_a_window_leaves_room_for_its_frame_on_every_laptop_screen():
    for screen in (QSize(1366, 768), QSize(1280, 720), QSize(1024, 640)):
        size = geometry.fitted_size(QSize(1180, 760), screen)
        assert size.width() <= screen.width() - 40 and size.height() <= screen.height() - 80
    assert geometry.fitted_size(QSize(760, 900), QSize(1280, 720)) == QSize(760, 640)
    assert geometry.fitted_size(QSize(500, 400), QSize(1920, 1080)) == QSize(500, 400)


def test_the_window_opens_within_its_screen(window):
    area = geometry.available(window)
    assert area.contains(window.frameGeometry())


@pytest.mark.parametrize("collapsed", [False, True])
def test_every_section_fits_the_smallest_screen(window, collapsed):
    window.set_sidebar_collapsed(collapsed)
    for index, name in enumerate(SECTION_NAMES):
        window.go_to(index)
        assert fits(window.minimumSizeHint()), (name, window.minimumSizeHint())


def test_the_collapsed_sidebar_gives_its_room_to_the_section(window, qtbot):
    window.set_sidebar_collapsed(False)
    wide = window.sidebar.width()
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.width() < wide / 3
    assert window.sidebar.item(0).toolTip().startswith("Dashboard")
    assert window.ui_state.value("view/sidebar_collapsed") in (True, "true")


def test_dialogs_fit_the_smallest_screen(window, qtbot):
    from smarketer.ui.deals.editor import DealDialog

    window.go_to_section("Proposals")
    qtbot.waitUntil(lambda: not window.proposals.loading)  # the list is read in a worker
    window.proposals.preview()
    qtbot.waitUntil(lambda: getattr(window.proposals, "preview_dialog", None) is not None)
    opened = [
        DealDialog(None, None, window),
        window.open_palette(),
        window.open_setup(),
        window.deals.edit_stages(),
        window.contacts.show_duplicates(),
        window.proposals.preview_dialog,
    ]
    area = geometry.available(window)
    for dialog in opened:
        assert fits(dialog.minimumSizeHint()), (type(dialog).__name__, dialog.minimumSizeHint())
        assert dialog.width() <= area.width() and dialog.height() <= area.height() - 80, (
            type(dialog).__name__,
            dialog.size(),
        )
        dialog.close()


def visible_in(scroll, widget) -> bool:
    top_left = widget.mapTo(scroll.viewport(), QPoint(0, 0))
    return scroll.viewport().rect().contains(QRect(top_left, widget.size()))


def test_ctrl_right_scrolls_the_board_to_follow_the_card(window, qtbot):
    window.set_sidebar_collapsed(False)
    window.resize(1024, 640)
    window.go_to_section("Deals")
    qtbot.waitUntil(lambda: not window.deals.loading)  # the board is read in a worker
    board = window.deals
    qtbot.waitUntil(lambda: board.board_scroll.viewport().width() > 0)
    first = board.columns[0]
    deal_id = first.model.cards[0].id
    board.select(deal_id)
    assert board.board_scroll.horizontalScrollBar().maximum() > 0, "five stages cannot fit here"
    for step in range(1, len(board.columns)):
        qtbot.keyClick(board.columns[step - 1].view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        column = board.columns[step]
        assert column.model.row_of(deal_id) >= 0
        assert visible_in(board.board_scroll, column), f"stage {step} is off-screen"
    assert board.board_scroll.horizontalScrollBar().value() > 0


def test_the_board_columns_share_a_wide_window(window, qtbot):
    window.resize(1366, 768)
    window.set_sidebar_collapsed(True)
    window.go_to_section("Deals")
    window.deals.set_figures_visible(False)
    qtbot.waitUntil(lambda: all(visible_in(window.deals.board_scroll, c) for c in window.deals.columns))
    assert window.deals.board_scroll.horizontalScrollBar().maximum() == 0


def test_an_empty_board_says_what_to_do(make_window, store, qtbot):
    window = make_window(store)
    window.go_to_section("Deals")
    qtbot.waitUntil(lambda: not window.deals.loading)  # the board is read in a worker
    assert window.deals.empty.isVisible()
    assert not window.deals.body.isVisible()


def test_the_proposal_items_get_the_room(window, qtbot):
    window.resize(1024, 640)
    window.go_to_section("Proposals")
    editor = window.proposals.editor
    qtbot.waitUntil(lambda: editor.proposal is not None)
    assert not editor.text_panel.isVisible()
    row = editor.items.verticalHeader().defaultSectionSize()
    assert editor.items.viewport().height() >= 5 * row
    editor.text_toggle.click()
    assert editor.intro.isVisible() and editor.intro.height() >= 40
    assert editor.items.height() >= 100
    for field in (editor.title, editor.contact, editor.deal, editor.issue_date):
        assert field.height() >= field.minimumSizeHint().height(), field.accessibleName()


def test_the_contact_form_never_scrolls_sideways_on_a_small_laptop(window, qtbot):
    window.resize(1024, 640)
    window.go_to_section("Contacts")
    section = window.contacts
    qtbot.waitUntil(lambda: section.model.rowCount() > 0)
    section.table.selectRow(0)
    qtbot.waitUntil(lambda: section.editor.contact_id is not None)
    details = section.editor.tabs.widget(0)
    qtbot.waitUntil(lambda: details.viewport().width() > 0)
    assert details.widget().minimumSizeHint().width() <= details.viewport().width()
    assert not details.horizontalScrollBar().isVisible()
