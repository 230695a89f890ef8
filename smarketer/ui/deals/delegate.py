"""How a deal card looks on the board."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from smarketer.ui import style
from smarketer.ui.deals.model import CardRole

CARD_HEIGHT = 92


class CardDelegate(QStyledItemDelegate):
    def __init__(self, money, parent=None):
        super().__init__(parent)
        self.money = money  # Decimal -> text in the business currency

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        view = option.widget
        width = view.viewport().width() - 2 if view is not None else option.rect.width()
        return QSize(max(width, 120), CARD_HEIGHT)

    def paint(self, painter: QPainter, option, index) -> None:
        card = index.data(CardRole)
        if card is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        rect = QRectF(option.rect).adjusted(4, 3, -4, -3)
        selected = option.state & QStyle.StateFlag.State_Selected
        base = palette.color(QPalette.ColorRole.Base)
        border = (
            palette.color(QPalette.ColorRole.Highlight) if selected else palette.color(QPalette.ColorRole.Mid)
        )
        painter.setPen(border)
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 6, 6)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        tones = style.tones()  # overdue red and "No next task" amber, readable on Base
        inner = rect.adjusted(9, 6, -9, -6)
        line = inner.height() / 4

        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.title, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        painter.setFont(option.font)
        metrics = painter.fontMetrics()
        painter.setPen(muted)
        painter.drawText(
            QRectF(inner.left(), inner.top() + line, inner.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.who or "—", Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        painter.setPen(text)
        third = QRectF(inner.left(), inner.top() + 2 * line, inner.width(), line)
        close = card.expected_close.strftime("%d %b") if card.expected_close else ""
        right = f"{close}  {card.days_in_stage}d" if close else f"{card.days_in_stage}d"
        room = int(inner.width()) - metrics.horizontalAdvance(right) - 8  # never overlapping
        painter.drawText(
            third,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(
                f"{self.money(card.value)} · {card.probability}%", Qt.TextElideMode.ElideRight, max(room, 0)
            ),
        )
        if card.expected_close and card.expected_close < date.today():
            painter.setPen(QColor(tones.overdue))
        painter.drawText(third, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        fourth = QRectF(inner.left(), inner.top() + 3 * line, inner.width(), line)
        if card.next_task:
            painter.setPen(QColor(tones.overdue) if card.overdue else muted)
            when = card.next_task_due.strftime("%d %b") if card.next_task_due else ""
            label = f"{'Overdue: ' if card.overdue else 'Next: '}{card.next_task} ({when})"
        else:
            painter.setPen(QColor(tones.warning))
            label = "⚑ No next task"
        painter.drawText(
            fourth,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        painter.restore()
