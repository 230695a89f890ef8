"""Text is readable in both palettes: every role and meaning colour the app draws text with
reaches WCAG AA (4.5:1) against the backgrounds it is drawn on; check-box outlines reach the
3:1 asked of controls. View → Appearance switches and is remembered."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette

from smarketer.ui import style
from smarketer.ui.hub import Hub
from smarketer.ui.main_window import MainWindow

R = QPalette.ColorRole
AA = 4.5
TEXT_ON = [  # (text role, background role) pairs the widgets use
    (R.Text, R.Base),
    (R.Text, R.AlternateBase),
    (R.WindowText, R.Window),
    (R.ButtonText, R.Button),
    (R.HighlightedText, R.Highlight),
    (R.PlaceholderText, R.Base),
    (R.PlaceholderText, R.Window),
    (R.Link, R.Base),
    (R.ToolTipText, R.ToolTipBase),
]


def palettes(qapp):
    qapp.setStyle(style.make_style())
    return [
        ("light", style.light_palette(), style.LIGHT_TONES),
        ("dark", style.dark_palette(), style.DARK_TONES),
    ]


def test_every_text_role_reaches_aa_in_both_palettes(qapp):
    for name, palette, _tones in palettes(qapp):
        for text, background in TEXT_ON:
            ratio = style.contrast(palette.color(text), palette.color(background))
            assert ratio >= AA, f"{name}: {text.name} on {background.name} is {ratio:.2f}:1"


@pytest.mark.parametrize("tone", ["overdue", "warning", "positive", "muted"])
def test_meaning_colours_reach_aa_on_cards_lists_and_windows(qapp, tone):
    for name, palette, tones in palettes(qapp):
        for background in (R.Base, R.AlternateBase, R.Window):
            ratio = style.contrast(getattr(tones, tone), palette.color(background))
            assert ratio >= AA, f"{name}: {tone} on {background.name} is {ratio:.2f}:1"


def test_check_boxes_show_on_both_palettes(qapp):
    for name, palette, _tones in palettes(qapp):
        ratio = style.contrast(style.indicator_border(palette), palette.color(R.Base))
        assert ratio >= 3, f"{name}: check box outline {ratio:.2f}:1"


def test_the_contrast_formula_matches_wcag():
    assert style.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert style.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert style.contrast("#b3261e", "#ffffff") > AA > style.contrast("#ff0000", "#ffffff")


def test_an_unchecked_optional_box_is_visible_in_dark(window, qapp, qtbot):
    window.set_appearance("dark")
    try:
        window.go_to_section("Proposals")
        items = window.proposals.editor.items
        qtbot.waitUntil(lambda: items.rowCount() > 1)
        row = next(
            r for r in range(items.rowCount()) if items.item(r, 6).flags() & Qt.ItemFlag.ItemIsUserCheckable
        )
        rect = items.visualItemRect(items.item(row, 6))
        image = items.viewport().grab(rect).toImage()
        base = qapp.palette().color(R.Base)
        best = max(
            style.contrast(image.pixelColor(x, y), base)
            for x in range(image.width())
            for y in range(image.height())
        )
        assert best >= 3
    finally:
        window.set_appearance("system")


def test_appearance_is_chosen_and_remembered(make_window, demo_store, ui_state, qapp):
    window = make_window(demo_store)
    window.actions["appearance_dark"].trigger()
    assert style.is_dark(qapp)
    assert ui_state.value("view/appearance") == "dark"
    window.close()
    again = MainWindow(demo_store, Hub(), QSettings(ui_state.fileName(), QSettings.Format.IniFormat))
    try:
        assert again.actions["appearance_dark"].isChecked() and style.is_dark(qapp)
        again.actions["appearance_light"].trigger()
        assert not style.is_dark(qapp)
    finally:
        again.set_appearance("system")
        again.close()
