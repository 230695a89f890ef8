"""Icons, light and dark, the command palette, the setup assistant, toasts, tab order."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.base import Setting
from smarketer.db.models.contacts import Contact
from smarketer.settings import load_profile
from smarketer.settings import setup_needed as first_run_needed
from smarketer.ui import style
from smarketer.ui.first_run import FirstRunWizard
from smarketer.ui.main_window import SECTION_NAMES
from smarketer.ui.palette import CommandPalette


def test_every_icon_exists(qapp):
    for name in style.ICONS:
        assert not style.icon(name).isNull(), name


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_each_section_renders_in_light_and_dark(window, qapp, tmp_path, scheme):
    style.apply(qapp, scheme)
    try:
        assert style.is_dark(qapp) == (scheme == Qt.ColorScheme.Dark)
        for index, name in enumerate(SECTION_NAMES):
            window.go_to(index)
            image = window.grab().toImage()
            assert image.save(str(tmp_path / f"{name}-{scheme.name}.png"))
            corner = image.pixelColor(window.sidebar.width() + 40, 60)  # the page background
            assert (corner.lightness() < 128) == (scheme == Qt.ColorScheme.Dark), name
    finally:
        style.apply(qapp, Qt.ColorScheme.Light)


def test_ctrl_k_finds_a_contact_and_opens_it(window, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", last_name="Łukasiewicz", email="zoe@example.com"))
    window.contacts.reload()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.findChild(CommandPalette)
    assert palette is not None and palette.isVisible()
    qtbot.keyClicks(palette.query, "lukas")
    assert palette.entries[0].kind == "Contact"
    assert palette.entries[0].text == "Zoë Łukasiewicz <zoe@example.com>"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.current_section() is window.contacts
    assert window.contacts.editor.contact_id == zoe.id


def test_ctrl_k_finds_sections_and_commands(window, qtbot):
    palette = window.open_palette()
    qtbot.keyClicks(palette.query, "deal")
    kinds = {(e.kind, e.text) for e in palette.entries}
    assert ("Section", "Deals") in kinds
    palette.query.clear()
    qtbot.keyClicks(palette.query, "back up")
    assert palette.entries[0].kind == "Command"
    palette.close()


def test_setup_assistant_writes_the_profile(make_window, store, qtbot):
    assert first_run_needed()
    window = make_window(store)
    wizard = window.open_setup()
    assert isinstance(wizard, FirstRunWizard)
    wizard.next()  # an empty name is refused
    assert wizard.currentId() == 0 and wizard.error.text()
    wizard.name.setText("Hollis & Reed")
    wizard.address.setPlainText("12 Quay Street\nGalway")
    wizard.next()
    wizard.currency.setCurrentText("GBP")
    wizard.next()
    wizard.next()
    wizard.accept()
    profile = load_profile()
    assert (profile.name, profile.address, profile.currency) == (
        "Hollis & Reed",
        "12 Quay Street\nGalway",
        "GBP",
    )
    assert not first_run_needed()
    assert "Hollis & Reed" in window.today.subtitle.text()


def test_setup_assistant_can_be_skipped(make_window, store):
    window = make_window(store)
    wizard = window.open_setup()
    wizard.skip()
    assert Setting.get_or_none(Setting.key == "first_run_done") is not None
    assert not first_run_needed()
    assert load_profile().name == ""


def test_delete_shows_a_toast_whose_undo_restores(window, qtbot, monkeypatch):
    from smarketer.ui import dialogs

    monkeypatch.setattr(dialogs, "confirm", lambda parent, t, x, on_yes, **k: on_yes())
    window.go_to_section("Contacts")
    section = window.contacts
    section.select_contact(section.model.contact_id(0))
    doomed = section.selected_ids()[0]
    section.actions_["delete"].trigger()
    assert window.toast.isVisible() and "trash" in window.toast.label.text()
    qtbot.mouseClick(window.toast.button, Qt.MouseButton.LeftButton)
    assert Contact.get_by_id(doomed).deleted_at is None
    assert not window.toast.isVisible()


def test_tab_order_in_the_contact_form_follows_the_form(window, qtbot):
    window.go_to_section("Contacts")
    editor = window.contacts.editor
    editor.first_name.setFocus()
    order = []
    widget = editor.first_name
    for _ in range(6):
        order.append(widget)
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
    assert order[:5] == [editor.first_name, editor.last_name, editor.email, editor.other_emails, editor.phone]
    assert all(w.accessibleName() for w in order[:5])


def test_shortcuts_are_shown_in_tooltips(window):
    for action in window.actions.values():
        if not action.shortcut().isEmpty():
            text = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
            assert text in action.toolTip(), action.text()
    assert QApplication.instance() is not None


def test_setup_assistant_send_test_shows_the_reply(make_window, store, qtbot):
    window = make_window(store)
    wizard = window.open_setup()
    wizard.send_test()
    assert "Enter your mail server" in wizard.test_result.text()
    wizard.host.setText("127.0.0.1")
    wizard.from_address.setText("anna@example.com")
    job = wizard.send_test()  # nothing listens on 127.0.0.1:587 here
    qtbot.waitUntil(lambda: job.done, timeout=30000)
    assert wizard.test_result.text().startswith("Cannot reach 127.0.0.1:587")
    wizard.skip()
