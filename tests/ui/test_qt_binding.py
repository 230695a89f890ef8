"""The Qt binding itself: guard against the refcount bug of PySide6 6.12.0 on Python 3.11."""

import sys

from PySide6.QtWidgets import QComboBox, QLabel


def test_void_calls_do_not_consume_references_to_none(qtbot):
    label, combo = QLabel(), QComboBox()
    qtbot.addWidget(label)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for i in range(500):
        label.setText(str(i))
        combo.addItem(str(i), i)
    # A handful of references may come and go elsewhere; the bug loses one per call (1,000).
    assert abs(sys.getrefcount(None) - before) < 50
