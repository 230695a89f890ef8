"""Seats see each other's work: another process changes a contact and moves a deal; the open
window shows both within a couple of seconds, on a SQLite file and on PostgreSQL."""

from PySide6.QtCore import Qt

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.pipeline.stage_list import open_stages
from smarketer.pipeline.tasks import add_task
from smarketer.ui.contacts.model import COLUMNS
from tests.other_seat import other_process


def cell(section, contact_id, column):
    model = section.model
    row = model.row_of(contact_id)
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole) if row >= 0 else None


def test_another_process_edits_a_contact_and_moves_a_deal(backend, store, make_window, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com", city="Galway"))
    ada = save_contact(ContactData(first_name="Ada", email="ada@example.com"))
    deal = save_deal(DealData(title="Website refresh", contact_id=zoe.id))
    stages = open_stages()
    window = make_window(store)
    window.go_to_section("Contacts")
    section = window.contacts
    section.select_contact(ada.id)
    section.editor.fields["title"][1].setText("Typing here")  # never replaced by a refresh
    city_column = [key for key, _label in COLUMNS].index("city")
    assert cell(section, zoe.id, city_column) == "Galway"

    other_process(store, "contacts", "edit", str(zoe.id), "--city", "Cork")
    qtbot.waitUntil(lambda: cell(section, zoe.id, city_column) == "Cork", timeout=5000)
    assert section.editor.contact_id == ada.id
    assert section.editor.fields["title"][1].text() == "Typing here"

    window.go_to_section("Deals")
    qtbot.waitUntil(lambda: not window.deals.loading)  # the board is read in a worker
    board = window.deals

    def column_of(deal_id):
        return next((c.stage.id for c in board.columns if any(d.id == deal_id for d in c.model.cards)), None)

    assert column_of(deal.id) == stages[0].id
    other_process(store, "deal", "move", str(deal.id), stages[2].name)
    qtbot.waitUntil(lambda: column_of(deal.id) == stages[2].id, timeout=5000)


def test_proposals_today_and_the_dashboard_see_another_process(backend, store, make_window, qtbot, tmp_path):
    from datetime import date

    from smarketer.proposals.drafts import create_proposal

    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    website = create_proposal("Website", contact_id=zoe.id)
    create_proposal("Logo", contact_id=zoe.id)
    add_task("Call Zoë", date.today(), contact_id=zoe.id)
    window = make_window(store)

    def new_contacts():
        data = window.dashboard.data
        return next(t.value for t in data.tiles if t.key == "contacts") if data else None

    window.go_to_section("Dashboard")
    qtbot.waitUntil(lambda: new_contacts() == 1)
    window.go_to_section("Today")
    today = window.today
    tasks = lambda: [today.tasks.item(i).text() for i in range(today.tasks.count())]  # noqa: E731
    qtbot.waitUntil(lambda: any("Call Zoë" in t for t in tasks()))  # read in a worker
    today.tasks.setCurrentRow(1)  # the first task (row 0 is the group's heading)
    window.go_to_section("Proposals")
    proposals = window.proposals
    proposals.reload(select=website.id)
    proposals.editor.title.setText("Website and shop")  # typed, not saved yet
    assert proposals.list.rowCount() == 2

    offer = tmp_path / "offer.json"
    offer.write_text('{"title": "Photo shoot", "client": "zoe@example.com"}', encoding="utf-8")
    other_process(store, "proposal", "import", str(offer))
    other_process(store, "task", "add", "Send the quote", "--due", "today", "--contact", "zoe@example.com")
    other_process(store, "contacts", "add", "--first-name", "Ada", "--email", "ada@example.com")

    qtbot.waitUntil(lambda: proposals.list.rowCount() == 3, timeout=5000)
    titles = [proposals.list.item(row, 1).text() for row in range(3)]
    assert "Photo shoot" in " ".join(titles)
    assert proposals.current_id() == website.id
    assert proposals.editor.title.text() == "Website and shop"  # never replaced
    qtbot.waitUntil(lambda: any("Send the quote" in t for t in tasks()), timeout=5000)
    assert "Call Zoë" in today.tasks.currentItem().text()  # the selection kept
    qtbot.waitUntil(lambda: new_contacts() == 2, timeout=5000)
