"""The send review: the last look before a campaign leaves (Send now, Schedule).

The figures come from ``smarketer.campaigns.review.review_send``, computed off the GUI thread;
the confirming button names the number of recipients and stays off until they are known.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns.review import SendReview, review_send
from smarketer.ui.geometry import fit_to_screen
from smarketer.ui.sections import title_label
from smarketer.ui.workers import run_job


def _when(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    if local.date() == today:
        return local.strftime("today at %H:%M")
    return local.strftime("%a %d %b at %H:%M")


class SendReviewDialog(QDialog):
    """Shows a SendReview; ``confirmed`` is emitted when the owner presses "Send to N"."""

    confirmed = Signal()

    def __init__(
        self,
        campaign_id: int,
        at: datetime | None = None,
        send_test: Callable[[], object] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.campaign_id, self.at = campaign_id, at
        self.review: SendReview | None = None
        self.setWindowTitle(self.tr("Review before sending"))
        self.setMinimumWidth(520)
        self.heading = title_label(self.tr("Counting the recipients…"), "emptyTitle")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)

        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, text in (
            ("recipients", self.tr("Recipients")),
            ("left_out", self.tr("Left out")),
            ("consent", self.tr("Consent")),
            ("fields", self.tr("Merge fields")),
            ("from", self.tr("From")),
            ("pace", self.tr("Pace")),
            ("last", self.tr("Last one goes out")),
        ):
            label = QLabel("…")
            label.setWordWrap(True)
            label.setObjectName(f"review_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = label
            form.addRow(text, label)
        self.problem = QLabel()
        self.problem.setProperty("role", "fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.test_button = QPushButton(self.tr("Send a test to myself"))
        self.test_button.setToolTip(
            self.tr("One email to your own address, as the first recipient will see it")
        )
        self.test_button.setEnabled(send_test is not None)
        self.test_status = QLabel()
        self.test_status.setWordWrap(True)
        self._send_test = send_test
        self.test_button.clicked.connect(self._test)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_status, 1)

        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(
            self.tr("Schedule…") if at else self.tr("Send…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setEnabled(False)
        self.send_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)  # Enter never sends by accident
        self.buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self._confirm)

        # The figures scroll when a small screen cannot show them all; the buttons never do.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        body_layout.addWidget(self.problem)
        body_layout.addLayout(test_row)
        body_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.busy)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self.job = run_job(
            review_send, campaign_id, at, on_success=self.show_review, on_failure=self._failed, parent=self
        )

    # filling in

    def show_review(self, r: SendReview) -> None:
        self.review = r
        self.busy.hide()
        when = self.tr(" on {}").format(_when(r.starts_at)) if self.at else ""
        self.heading.setText(
            self.tr("{name}: {count} emails{when}").format(
                name=r.campaign_name, count=f"{r.recipients:,}", when=when
            )
        )
        v = self.values
        v["recipients"].setText(
            self.tr("{count} will receive it").format(count=f"<b>{r.recipients:,}</b>")
            + (
                self.tr(" ({} already sent earlier are not sent again)").format(f"{r.already_sent:,}")
                if r.already_sent
                else ""
            )
        )
        v["left_out"].setText(
            self.tr("{} ({})").format(f"{r.left_out_total:,}", r.left_out_text())
            if r.left_out_total
            else self.tr("Nobody")
        )
        if not r.without_consent:
            consent = self.tr("Everyone has recorded consent.")
        elif r.consent_required:
            consent = self.tr("{} without recorded consent are left out.").format(f"{r.without_consent:,}")
        else:
            consent = self.tr(
                "{} have no recorded consent and will receive it "
                "(Settings → Email account can leave them out)."
            ).format(f"{r.without_consent:,}")
        v["consent"].setText(consent)
        v["consent"].setProperty("role", "fieldError" if r.without_consent and not r.consent_required else "")
        v["fields"].setText(
            self.tr("{} lack a field the template uses, e.g. {}.").format(
                f"{r.missing_field:,}", r.missing_example
            )
            if r.missing_field
            else self.tr("Every email can be filled in.")
        )
        v["fields"].setProperty("role", "fieldError" if r.missing_field else "")
        sender = f"{r.from_name} <{r.from_address}>" if r.from_name else r.from_address
        v["from"].setText(self.tr("{} via {}").format(sender, r.server) if r.server else sender or "—")
        v["pace"].setText(
            self.tr("{rate} per minute, at most {cap} a day ({sent} sent in the last 24 hours)").format(
                rate=f"{r.rate_per_minute:,}", cap=f"{r.daily_cap:,}", sent=f"{r.sent_last_day:,}"
            )
        )
        last = self.tr("about {}").format(_when(r.last_at))
        if r.days > 1:
            last += self.tr(": the daily cap spreads it over {} days (resume it each day)").format(r.days)
        v["last"].setText(last if r.recipients else "—")
        for label in v.values():  # the role changed: let the style sheet see it
            label.style().unpolish(label)
            label.style().polish(label)
        self.problem.setText(r.problem)
        self.problem.setVisible(bool(r.problem))
        self.send_button.setText(
            self.tr("Schedule for {}").format(f"{r.recipients:,}")
            if self.at
            else self.tr("Send to {}").format(f"{r.recipients:,}")
        )
        self.send_button.setEnabled(r.can_send)
        self._fit()

    def _fit(self) -> None:
        """As tall as the wrapped figures need, but never taller than the screen allows (the
        figures then scroll and the buttons stay in view)."""
        self.layout().invalidate()
        self.layout().activate()
        margins = self.layout().contentsMargins()
        # measured as if the scroll bar were showing: its width must not wrap a line more
        room = (
            self.width()
            - margins.left()
            - margins.right()
            - self.scroll.verticalScrollBar().sizeHint().width()
        )
        body = self.scroll.widget().layout().totalHeightForWidth(room)
        wanted = self.layout().totalHeightForWidth(self.width()) - self.scroll.sizeHint().height() + body
        fit_to_screen(self, self.width(), wanted)
        QTimer.singleShot(0, self, lambda: self._grow(3))

    def _grow(self, tries: int) -> None:
        """Wrapped labels measure inexactly: once laid out, grow by what still scrolls."""
        hidden, before = self.scroll.verticalScrollBar().maximum(), self.height()
        if hidden and tries and fit_to_screen(self, self.width(), before + hidden).height() > before:
            QTimer.singleShot(0, self, lambda: self._grow(tries - 1))

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.heading.setText(self.tr("Cannot review this campaign"))
        self.problem.setText(str(exc))
        self.problem.show()
        self._fit()

    # actions

    def _test(self) -> None:
        job = self._send_test() if self._send_test else None
        if job is None:
            return
        self.test_status.setText(self.tr("Sending a test…"))
        job.succeeded.connect(lambda reply: self.test_status.setText(self.tr("Test sent: {}").format(reply)))
        job.failed.connect(lambda exc: self.test_status.setText(self.tr("The test failed: {}").format(exc)))

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        if not self.job.done:  # closed before the figures came: drop them
            self.job.succeeded.disconnect(self.show_review)
            self.job.failed.disconnect(self._failed)
        super().done(result)

    def _confirm(self) -> None:
        if self.review is None or not self.review.can_send:
            return
        self.accept()
        self.confirmed.emit()
