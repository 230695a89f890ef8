"""Ctrl+K runs commands by their words, shows each thing once, says when nothing matches,
knows proposal numbers and tells same-named deals apart."""

from PySide6.QtCore import Qt

from smarketer.contacts.editing import find_contacts
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.pipeline.stage_list import open_stages
from smarketer.proposals.drafts import all_proposals
from smarketer.ui.deals.editor import DealDialog


def typed(window, qtbot, text):
    palette = window.open_palette()
    qtbot.keyClicks(palette.query, text)
    return palette


def test_new_deal_runs_from_any_section(window, qtbot):
    window.go_to_section("Contacts")
    palette = typed(window, qtbot, "new deal")
    assert (palette.entries[0].kind, palette.entries[0].text) == ("Command", "New deal")
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.current_section() is window.deals
    dialog = window.deals.findChild(DealDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_commands_are_found_by_their_words(window, qtbot):
    palette = typed(window, qtbot, "import")
    found = {(e.text, e.detail) for e in palette.entries if e.kind == "Command"}
    assert ("Import", "Contacts") in found
    assert any(text.startswith("Import unsubscribes") for text, _ in found)
    palette.query.clear()
    qtbot.keyClicks(palette.query, "send test email")
    sections = {e.detail for e in palette.entries if e.kind == "Command"}
    assert "Campaigns" in sections
    window.go_to_section("Settings")  # once built, a section offers its own buttons too
    palette.close()
    palette = typed(window, qtbot, "send test email")
    assert "Settings" in {e.detail for e in palette.entries if e.kind == "Command"}
    palette.query.clear()
    qtbot.keyClicks(palette.query, "dark")
    assert palette.entries[0].text == "Appearance: Dark"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.actions["appearance_dark"].isChecked()
    window.set_appearance("system")


def test_each_thing_is_listed_once(window):
    palette = window.open_palette()
    texts = [(e.kind, e.text, e.detail) for e in palette.entries]
    assert len(texts) == len(set(texts))
    assert [e.kind for e in palette.entries if e.text == "Deals"] == ["Section"]
    palette.close()


def test_no_match_says_so(window, qtbot):
    palette = typed(window, qtbot, "zqxwv")
    assert palette.entries == []
    assert palette.no_match.isVisible() and "No match" in palette.no_match.text()
    assert not palette.results.isVisible()
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)  # nothing to run, nothing breaks
    palette.close()


def test_a_proposal_number_finds_the_proposal(window, qtbot):
    proposal = all_proposals()[0]
    palette = typed(window, qtbot, proposal.label[:4])
    assert palette.entries and all(e.kind == "Proposal" for e in palette.entries if e.kind != "Command")
    palette.query.clear()
    qtbot.keyClicks(palette.query, proposal.label)
    assert palette.entries[0].kind == "Proposal"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.proposals.current_id() == proposal.id


def test_same_named_deals_are_told_apart(window, qtbot):
    people = find_contacts("a", 2)
    stages = open_stages()
    for (contact_id, _label), stage, value in zip(people, stages[:2], ("1200", "4500"), strict=True):
        save_deal(DealData(title="Twin deal", contact_id=contact_id, value=value, stage_id=stage.id))
    palette = typed(window, qtbot, "twin deal")
    deals = [e for e in palette.entries if e.kind == "Deal"]
    assert len(deals) == 2
    assert deals[0].detail != deals[1].detail
    assert stages[0].name in deals[0].detail + deals[1].detail
    assert any("1,200" in d.detail for d in deals)
    palette.close()


def test_down_moves_from_the_query_into_the_results(window, qtbot):
    palette = typed(window, qtbot, "de")
    assert palette.results.currentRow() == 0
    qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    assert palette.results.currentRow() == 1
    palette.close()


def test_section_commands_have_one_source_with_the_sections_own_buttons(window):
    """The Go menu's section submenus (and so Ctrl+K, before a section is built) come from
    SECTION_MENUS; each entry names a button or action the built section really has, with
    the same text, and a method that exists: the list cannot drift from the sections."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton

    from smarketer.ui.palette import plain
    from smarketer.ui.sections import SECTION_MENUS

    go_menu = next(a.menu() for a in window.menuBar().actions() if plain(a.text()) == "Go")
    submenus = {a.menu().menuAction().data(): a.menu() for a in go_menu.actions() if a.menu()}
    assert set(submenus) == set(SECTION_MENUS)
    for label, commands in SECTION_MENUS.items():
        assert [a.text() for a in submenus[label].actions()] == [c.text for c in commands]
        section = window.section(label)
        texts = {plain(b.text()) for b in section.findChildren(QAbstractButton)}
        texts |= {plain(a.text()) for a in section.findChildren(QAction)}
        for command in commands:
            target = section
            for name in command.method.split("."):
                target = getattr(target, name)
            assert callable(target), (label, command.method)
            if command.method != "new_item":  # File → New runs it; the button may say "Add"
                assert plain(command.text) in texts, (label, command.text, sorted(texts))


def test_a_section_command_runs_from_the_menu_before_the_section_is_built(window, qtbot):
    window.go_to_section("Dashboard")
    assert window._if_built("Deals") is None  # not built yet
    palette = typed(window, qtbot, "stages")
    entry = palette.entries[0]
    assert (entry.kind, entry.text, entry.detail) == ("Command", "Stages", "Deals")
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.current_section() is window.deals
    from smarketer.ui.deals.board import StagesDialog

    dialog = window.deals.findChild(StagesDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_an_empty_state_the_section_does_not_show_offers_no_commands(window, qtbot):
    window.go_to_section("Contacts")  # the demo store has contacts: no "Open the demo" there
    palette = typed(window, qtbot, "demo")
    assert [(e.text, e.detail) for e in palette.entries if e.kind == "Command"] == [("Open the Demo", "")]
    palette.close()
