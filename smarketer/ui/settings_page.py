"""Settings → Business profile: who you are on every email and proposal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from smarketer import settings
from smarketer.settings import BusinessProfile
from smarketer.ui import dialogs
from smarketer.ui.forms import KeepsEdits, add_field_rows, show_field_errors
from smarketer.ui.sections import NEXT_TURN_MS, Section, title_label

if TYPE_CHECKING:
    from smarketer.ui.campaigns.account_form import AccountForm
    from smarketer.ui.campaigns.inbox_ui import InboxForm

FormT = TypeVar("FormT", bound=QWidget)
MailFormT = TypeVar("MailFormT", "AccountForm", "InboxForm")

CURRENCIES = [
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "CAD",
    "AUD",
    "NZD",
    "JPY",
    "INR",
    "ZAR",
    "BRL",
    "MXN",
]
#: The languages and regions offered, each by its own name (CLDR, as Babel names them; a test
#: holds them to Babel). Written out: loading 27 locales' data in Babel takes a third of a
#: second of unpickling that holds the GIL, and the window stutters meanwhile.
LOCALE_NAMES = {
    "en_US": "English (United States)",
    "en_GB": "English (United Kingdom)",
    "en_IE": "English (Ireland)",
    "en_CA": "English (Canada)",
    "en_AU": "English (Australia)",
    "en_NZ": "English (New Zealand)",
    "de_DE": "Deutsch (Deutschland)",
    "de_AT": "Deutsch (Österreich)",
    "de_CH": "Deutsch (Schweiz)",
    "fr_FR": "français (France)",
    "fr_BE": "français (Belgique)",
    "fr_CA": "français (Canada)",
    "nl_NL": "Nederlands (Nederland)",
    "nl_BE": "Nederlands (België)",
    "es_ES": "español (España)",
    "es_MX": "español (México)",
    "it_IT": "italiano (Italia)",
    "pt_PT": "português (Portugal)",
    "pt_BR": "português (Brasil)",
    "pl_PL": "polski (Polska)",
    "cs_CZ": "čeština (Česko)",
    "da_DK": "dansk (Danmark)",
    "sv_SE": "svenska (Sverige)",
    "nb_NO": "norsk bokmål (Norge)",
    "fi_FI": "suomi (Suomi)",
    "hu_HU": "magyar (Magyarország)",
    "ja_JP": "日本語 (日本)",
}
LOCALES = list(LOCALE_NAMES)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif)"


def locale_label(code: str) -> str:
    """ "English (Ireland)" for "en_IE": the name a person recognises, the code beside it."""
    name = LOCALE_NAMES.get(code)
    if name is None:  # one the profile came with from elsewhere
        import babel

        try:
            name = babel.Locale.parse(code).display_name
        except (ValueError, babel.UnknownLocaleError):
            return code
    return f"{name} ({code})"


def fill_locales(box: QComboBox) -> None:
    """Every offered locale in ``box`` by its name, its code as the item's data."""
    for code in LOCALES:
        box.addItem(locale_label(code), code)


class ProfileForm(KeepsEdits, QWidget):
    """The business profile with inline validation; Save stays off until something changed."""

    edit_name = "The business profile"

    saved = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._logo_id: int | None = None
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(90)
        self.address.setPlaceholderText("Street and number\nPostcode and town\nCountry")
        self.email = QLineEdit()
        self.email.setPlaceholderText("hello@yourbusiness.com")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("+44 20 7946 0018")
        self.website = QLineEdit()
        self.website.setPlaceholderText("yourbusiness.com")
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.locale_box = QComboBox()
        fill_locales(self.locale_box)
        self.tax_rate = QLineEdit()
        self.tax_rate.setPlaceholderText("e.g. 20")
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(12)
        self.logo_preview = QLabel(self.tr("No logo"))
        self.logo_preview.setFixedSize(160, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_choose = QPushButton(self.tr("Choose…"))
        self.logo_remove = QPushButton(self.tr("Remove"))
        self.logo_choose.clicked.connect(self.choose_logo)
        self.logo_remove.clicked.connect(self.remove_logo)

        self.fields = {
            "name": (self.tr("Business name"), self.name),
            "address": (self.tr("Postal address"), self.address),
            "email": (self.tr("Email"), self.email),
            "phone": (self.tr("Phone"), self.phone),
            "website": (self.tr("Website"), self.website),
            "currency": (self.tr("Currency"), self.currency),
            "locale": (self.tr("Language and region"), self.locale_box),
            "default_tax_rate": (self.tr("Default tax rate (%)"), self.tax_rate),
            "proposal_prefix": (self.tr("Proposal number prefix"), self.prefix),
        }
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def logo_after(key: str) -> None:
            if key == "website":
                logo_row = QHBoxLayout()
                logo_row.addWidget(self.logo_preview)
                logo_row.addWidget(self.logo_choose)
                logo_row.addWidget(self.logo_remove)
                logo_row.addStretch(1)
                form.addRow(self.tr("Logo"), logo_row)

        self.errors = add_field_rows(form, self.fields, after=logo_after)
        self.save_button = QPushButton(self.tr("Save profile"))
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Save the business profile (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setProperty("role", "subtitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # reading and writing the widgets

    def load(self) -> None:
        self.show_profile(settings.load_profile())

    def show_profile(self, p: BusinessProfile) -> None:
        self.name.setText(p.name)
        self.address.setPlainText(p.address)
        self.email.setText(p.email)
        self.phone.setText(p.phone)
        self.website.setText(p.website)
        if self.currency.findText(p.currency) < 0:
            self.currency.addItem(p.currency)
        self.currency.setCurrentText(p.currency)
        if self.locale_box.findData(p.locale) < 0:
            self.locale_box.addItem(p.locale, p.locale)
        self.locale_box.setCurrentIndex(self.locale_box.findData(p.locale))
        self.tax_rate.setText(f"{p.default_tax_rate.normalize():f}")
        self.prefix.setText(p.proposal_prefix)
        self._logo_id = p.logo_file_id
        self._show_logo(settings.logo_bytes(p))
        self.show_errors({})
        self.mark_clean()

    def profile(self) -> BusinessProfile:
        rate = self.tax_rate.text().strip() or "0"
        return replace(
            BusinessProfile(),
            name=self.name.text(),
            address=self.address.toPlainText(),
            email=self.email.text(),
            phone=self.phone.text(),
            website=self.website.text(),
            currency=self.currency.currentText(),
            locale=self.locale_box.currentData() or "",
            default_tax_rate=rate,  # validated (and made a Decimal) by the core
            proposal_prefix=self.prefix.text(),
            logo_file_id=self._logo_id,
        )

    def edit_values(self):
        return self.profile()

    def show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self.fields, self.errors, errors)

    def save(self) -> bool:
        try:
            clean = settings.save_profile(self.profile())
        except settings.ProfileInvalid as exc:
            self.show_errors(exc.errors)
            self.status.setText(self.tr("Fix the marked fields to save."))
            return False
        self.show_profile(clean)
        self.status.setText(self.tr("Saved."))
        self.saved.emit(clean)
        return True

    # logo

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setText(self.tr("No logo"))
        self.logo_remove.setEnabled(self._logo_id is not None)

    def choose_logo(self) -> None:
        path = dialogs.ask_open_file(self, self.tr("Choose your logo"), IMAGE_FILTER)
        if path is None:
            return
        try:
            self._logo_id = settings.store_logo(path)
        except ValueError as exc:
            dialogs.show_error(self, self.tr("Logo not used"), str(exc))
            return
        self._show_logo(path.read_bytes())
        self.status.setText(self.tr("Logo chosen; save the profile to keep it."))

    def remove_logo(self) -> None:
        self._logo_id = None
        self._show_logo(None)


def align_labels(*widgets: QWidget) -> None:
    """One label column for several forms, so the page reads as one aligned form."""
    labels = []
    for widget in widgets:
        for form in widget.findChildren(QFormLayout):
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if item is not None and item.widget() is not None:
                    labels.append(item.widget())
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


class SettingsSection(Section):
    label = "Settings"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_.addWidget(title_label(self.tr("Settings")))
        self.layout_.addWidget(
            title_label(
                self.tr("Your business, the email account that sends, and the inbox that reads replies."),
                "subtitle",
            )
        )
        # Built top down: the scroll area and its page join the section first and each form
        # joins the page once. Built the other way round, every widget is re-parented (and
        # re-styled) once per level it is nested in: most of this page's first-visit time.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.layout_.addWidget(scroll, 1)
        self._page = QWidget()
        self._page.setMaximumWidth(760)
        scroll.setWidget(self._page)
        self._column = QVBoxLayout(self._page)
        self._column.addStretch(1)
        self.profile_form = self._add_form(
            ProfileForm,
            self.tr("Business profile"),
            self.tr("Printed on every email footer and proposal."),
        )
        # One Save for the whole page, always in view below it.
        self.save_button = self.profile_form.save_button
        self.save_button.clicked.disconnect()
        self.save_button.clicked.connect(self.save_all)
        self.save_button.setText(self.tr("Save settings"))
        self.save_button.setToolTip(self.tr("Save the profile, the email account and the inbox"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.profile_form.status, 1)
        bottom.addWidget(self.save_button)
        self.layout_.addLayout(bottom)
        self.profile_form.load()
        # The forms below the fold follow one per turn of the event loop, so a first visit
        # never holds the window for all three at once; asking for one builds it at once.
        self._account_form: AccountForm | None = None
        self._inbox_form: InboxForm | None = None
        QTimer.singleShot(NEXT_TURN_MS, self, self._build_next)

    def _add_form(self, make: Callable[[QWidget], FormT], title: str, subtitle: str) -> FormT:
        at = self._column.count() - 1  # before the stretch
        self._column.insertWidget(at, title_label(title, "emptyTitle"))
        self._column.insertWidget(at + 1, title_label(subtitle, "subtitle"))
        form = make(self._page)
        self._column.insertWidget(at + 2, form)
        form.show()  # now, not on the layout's next turn: leaving the page saves what it shows
        return form

    def finish_building(self) -> None:
        self.inbox_form  # noqa: B018 - builds the account form too

    def _build_next(self) -> None:
        if self._account_form is None:
            self.account_form  # noqa: B018 - built by asking
            QTimer.singleShot(NEXT_TURN_MS, self, self._build_next)
        elif self._inbox_form is None:
            self.inbox_form  # noqa: B018

    @property
    def account_form(self) -> AccountForm:
        if self._account_form is None:
            from smarketer.ui.campaigns.account_form import AccountForm

            self._account_form = self._add_mail_form(
                AccountForm,
                self.tr("Email account"),
                self.tr("Campaigns and proposals are sent through your own mailbox."),
            )
        return self._account_form

    @property
    def inbox_form(self) -> InboxForm:
        if self._inbox_form is None:
            self.account_form  # noqa: B018 - in page order
            from smarketer.ui.campaigns.inbox_ui import InboxForm

            self._inbox_form = self._add_mail_form(
                InboxForm,
                self.tr("Inbox"),
                self.tr("Replies, bounces and unsubscribes are read from your mailbox, read-only."),
            )
        return self._inbox_form

    def _add_mail_form(self, make: Callable[[QWidget], MailFormT], title: str, subtitle: str) -> MailFormT:
        form = self._add_form(make, title, subtitle)
        form.save_button.hide()  # the page's one Save saves it
        align_labels(*(f for f in (self.profile_form, self._account_form, self._inbox_form, form) if f))
        return form

    def save_all(self) -> bool:
        """Save the profile, then the email account and the inbox when they are filled in;
        stop at the first form with a problem (its fields are marked)."""
        if not self.profile_form.save():
            return False
        for form in (self.account_form, self.inbox_form):
            if form.host.text().strip() and form.save() is None:
                self.profile_form.status.setText(self.tr("Fix the marked fields to save."))
                return False
        self.profile_form.status.setText(self.tr("Saved."))
        return True

    def reload(self) -> None:
        self.profile_form.load()
        for form in (self._account_form, self._inbox_form):
            if form is not None:  # one not built yet reads the store when it is
                form.load()
