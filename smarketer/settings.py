"""The business profile (who is sending, where, in which currency) kept in the store.

``load_profile()`` / ``save_profile()`` read and write it; ``validate_profile()`` returns one
message per invalid field so a form can show each beside its field.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import babel
import babel.numbers

from smarketer.db import db
from smarketer.db.models.base import Setting, StoredFile
from smarketer.errors import FieldErrors, InputInvalid
from smarketer.validation import normalise_email, normalise_phone

PROFILE_KEY = "business_profile"
MAX_LOGO_BYTES = 5 * 1024 * 1024
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,11}$")
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", re.I)


class ProfileInvalid(FieldErrors):
    """The business profile's fields that are wrong, each with its message."""


@dataclass(frozen=True)
class BusinessProfile:
    name: str = ""
    address: str = ""  # postal address, one line per line as printed on letters
    email: str = ""
    phone: str = ""
    website: str = ""
    logo_file_id: int | None = None
    currency: str = "EUR"
    locale: str = "en_IE"
    default_tax_rate: Decimal = field(default=Decimal("0"))
    proposal_prefix: str = "P"

    @property
    def region(self) -> str | None:
        """The two-letter territory of the locale (used to read local phone numbers)."""
        try:
            return babel.Locale.parse(self.locale).territory
        except (ValueError, babel.UnknownLocaleError):
            return None


def validate_profile(profile: BusinessProfile) -> tuple[BusinessProfile, dict[str, str]]:
    """Return the profile with normalised values, and a message per invalid field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(profile).items()}
    values["address"] = "\n".join(
        line.strip() for line in profile.address.strip().splitlines() if line.strip()
    )
    if not values["name"]:
        errors["name"] = "Enter the name of your business."
    if values["email"]:
        try:
            values["email"] = normalise_email(values["email"])
        except ValueError as exc:
            errors["email"] = str(exc)
    try:
        locale = babel.Locale.parse(values["locale"])
        values["locale"] = str(locale)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        errors["locale"] = f"Unknown locale {values['locale']!r}; use a code such as en_US or de_DE."
        locale = None
    if values["phone"]:
        try:
            values["phone"] = normalise_phone(
                values["phone"], locale.territory if locale else None, strict=True
            )
        except ValueError:
            errors["phone"] = "Not a valid phone number; include the country code (+44 …)."
    if values["website"]:
        site = values["website"]
        if not re.match(r"^https?://", site, re.I):
            site = "https://" + site
        host = re.sub(r"^https?://", "", site, flags=re.I).split("/")[0].split(":")[0]
        if _HOST_RE.match(host):
            values["website"] = site
        else:
            errors["website"] = "Not a web address; for example example.com."
    currency = values["currency"].upper()
    if currency in babel.numbers.list_currencies():
        values["currency"] = currency
    else:
        errors["currency"] = f"Unknown currency {values['currency']!r}; use a code such as EUR."
    try:
        rate = Decimal(str(values["default_tax_rate"]).replace(",", ".").rstrip("%").strip())
        if not rate.is_finite() or rate < 0 or rate > 100:
            raise InvalidOperation
        values["default_tax_rate"] = rate
    except InvalidOperation:
        errors["default_tax_rate"] = "Enter a percentage from 0 to 100, for example 20 or 7.5."
    if not _PREFIX_RE.match(values["proposal_prefix"]):
        errors["proposal_prefix"] = (
            "Use 1 to 12 letters, digits, '-', '_' or '/', starting with a letter or digit."
        )
    return replace(profile, **values), errors


def load_profile() -> BusinessProfile:
    row = Setting.get_or_none(Setting.key == PROFILE_KEY)
    if row is None:
        return BusinessProfile()
    data = dict(row.value)
    data["default_tax_rate"] = Decimal(data.get("default_tax_rate", "0"))
    known = BusinessProfile.__dataclass_fields__
    return BusinessProfile(**{k: v for k, v in data.items() if k in known})


def save_profile(profile: BusinessProfile) -> BusinessProfile:
    """Validate and store the profile; raise ProfileInvalid with every field's message."""
    clean, errors = validate_profile(profile)
    if errors:
        raise ProfileInvalid(errors)
    data = asdict(clean)
    data["default_tax_rate"] = str(clean.default_tax_rate)
    with db.atomic():
        Setting.replace(key=PROFILE_KEY, value=data).execute()
    return clean


SETUP_DONE_KEY = "first_run_done"


def setup_needed() -> bool:
    """True for a store nobody has set up yet (no business name, assistant never finished)."""
    return Setting.get_or_none(Setting.key == SETUP_DONE_KEY) is None and not load_profile().name


def mark_setup_done() -> None:
    Setting.replace(key=SETUP_DONE_KEY, value=True).execute()


def image_mime_type(data: bytes) -> str | None:
    for signature, mime in _IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return mime
    return None


def store_logo(path: Path) -> int:
    """Copy an image file into the store and return its StoredFile id."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputInvalid(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise InputInvalid(f"{path}: the logo is larger than 5 MB; use a smaller image")
    mime = image_mime_type(data)
    if mime is None:
        raise InputInvalid(f"{path}: not a PNG, JPEG or GIF image")
    return StoredFile.create(name=path.name, mime_type=mime, data=data).id


def logo_bytes(profile: BusinessProfile) -> bytes | None:
    if profile.logo_file_id is None:
        return None
    row = StoredFile.get_or_none(StoredFile.id == profile.logo_file_id)
    return bytes(row.data) if row else None
