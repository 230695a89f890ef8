"""Protections against accidents: the wheel guard, a doubled import mapping, demo contacts
that save as they are (issue 14)."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSlider

from smarketer.db.models.contacts import Contact
from smarketer.ui import dialogs
from smarketer.ui.contacts.import_dialog import ImportDialog


def wheel(widget, steps: int = -3) -> None:
    """Turn the mouse wheel over ``widget`` (negative: towards the user, i.e. down)."""
    centre = QPointF(widget.rect().center())
    for _ in range(abs(steps)):
        event = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(centre.toPoint())),
            QPoint(),
            QPoint(0, 120 if steps > 0 else -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)


def test_the_wheel_over_unfocused_settings_changes_nothing(window, qtbot):
    window.go_to_section("Settings")
    form = window.section("Settings").account_form
    window.section("Settings").profile_form.fields["name"][1].setFocus()
    before = form.rate.value()
    assert before == 20
    wheel(form.rate, -5)
    assert form.rate.value() == before
    assert not form.rate.hasFocus()  # the wheel did not give it the focus either
    combos = window.section("Settings").findChildren(QComboBox)
    assert combos
    indexes = [c.currentIndex() for c in combos]
    for combo in combos:
        wheel(combo, -2)
    assert [c.currentIndex() for c in combos] == indexes
    # Once the owner clicks into it (it has the focus), the wheel works as usual.
    form.rate.setFocus()
    wheel(form.rate, 2)
    assert form.rate.value() == before + 2


def test_the_wheel_over_an_unfocused_slider_changes_nothing(window, qtbot):
    slider = QSlider(Qt.Orientation.Horizontal, window)
    slider.setRange(0, 100)
    slider.setValue(50)
    slider.show()
    window.sidebar.setFocus()
    wheel(slider, -4)
    assert slider.value() == 50


def test_two_columns_mapped_to_one_field_are_named(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("Name;E-Mail;Nickname\nZoë;zoe@example.com;Zo\n", encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: path)
    window.go_to_section("Contacts")
    window.contacts.actions_["import"].trigger()
    dialog = window.contacts.findChild(ImportDialog)
    assert dialog.mapping_warning.isHidden()
    nickname = dialog.combos[2]
    first = dialog.combos[0].currentData()
    nickname.setCurrentIndex(nickname.findData(first))
    assert dialog.mapping_warning.isVisible()
    assert "“Name”, “Nickname” all import as" in dialog.mapping_warning.text()
    # The wheel over an unfocused mapping does not change it.
    dialog.import_button.setFocus()
    index = dialog.combos[1].currentIndex()
    wheel(dialog.combos[1], -3)
    assert dialog.combos[1].currentIndex() == index
    nickname.setCurrentIndex(0)  # "Don't import"
    assert dialog.mapping_warning.isHidden()
    dialog.reject()


def test_a_demo_contact_with_a_phone_saves_after_editing_only_the_title(window, qtbot):
    """Once refused with "include the country code" for a French demo number."""
    lyon = (
        Contact.select().where(Contact.phone.startswith("+33")).first()
        or Contact.select().where(Contact.phone != "").first()
    )
    window.show_contact(lyon.id)
    editor = window.contacts.editor
    assert editor.contact_id == lyon.id
    editor.fields["title"][1].setText("Head of Bakery")
    assert editor.save()
    assert Contact.get_by_id(lyon.id).title == "Head of Bakery"
