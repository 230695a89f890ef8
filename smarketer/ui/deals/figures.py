"""Beside the deal board: the Won and Lost drop zones and the pipeline's figures (win rate,
conversion and days per stage over 90 days, the weighted forecast)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from smarketer.pipeline import metrics
from smarketer.pipeline.metrics import figures
from smarketer.ui.deals.column import DropZone
from smarketer.ui.workers import run_job


class FiguresPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._request = 0
        self.won_zone = DropZone(self.tr("Drop here: Won"))
        self.lost_zone = DropZone(self.tr("Drop here: Lost"))
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.figures_scroll = QScrollArea()  # the figures scroll on a short screen
        self.figures_scroll.setWidgetResizable(True)
        self.figures_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.figures_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures_scroll.setWidget(self.figures)
        side = QVBoxLayout(self)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.won_zone)
        side.addWidget(self.lost_zone)
        side.addWidget(self.figures_scroll, 1)

    def refresh(self, money: Callable[[object], str]) -> None:
        """The figures read every deal of 90 days: computed in a worker, the newest request
        shown (``money`` formats an amount in the owner's currency)."""
        self._request += 1
        request = self._request

        def show(data) -> None:
            if request == self._request:  # else a newer request is on its way
                self._fill(money, *data)

        self.job = run_job(_figures, on_success=show, parent=self)

    def _fill(self, money: Callable[[object], str], f, months) -> None:
        pct = lambda v: "—" if v is None else f"{v * 100:.0f}%"  # noqa: E731
        rows = "".join(
            f"<tr><td>{s.stage.name}</td><td align='right'>{pct(s.conversion)}</td>"
            f"<td align='right'>{'—' if s.average_days is None else s.average_days}</td></tr>"
            for s in f.stages
        )
        forecast = "".join(
            f"<tr><td>{m.month.strftime('%b %Y')}</td><td align='right'>{money(m.weighted)}</td></tr>"
            for m in months
        )
        average = money(f.average_won_value) if f.average_won_value else "—"
        self.figures.setText(
            self.tr("<b>Last 90 days</b><br>Win rate {} ({} won, {} lost)<br>Average won {}").format(
                pct(f.win_rate), f.won, f.lost, average
            )
            + "<table width='100%'><tr><th align='left'>{}</th><th>{}</th><th>{}</th></tr>{}</table>".format(
                self.tr("Stage"), self.tr("→ won"), self.tr("days"), rows
            )
            + "<br><b>{}</b><table width='100%'>{}</table>".format(self.tr("Forecast (weighted)"), forecast)
        )


def _figures():
    """For the worker: the 90-day figures and the six-month forecast (plain dataclasses)."""
    return figures(90), metrics.forecast(6)
