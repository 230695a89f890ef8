"""Email addresses and phone numbers, checked and written one way everywhere.

The two libraries are imported on first use: together they cost about 0.3 s, which the app's
start should not pay before anything is validated."""

from __future__ import annotations

from smarketer.errors import InputInvalid


def normalise_email(value: str) -> str:
    """The address in its normal form (syntax only, no network); InputInvalid with the reason."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InputInvalid(str(exc)) from None


def normalise_phone(value: str, region: str | None, strict: bool = False) -> str:
    """The number in international form, read in ``region`` when it has no country code.
    ``strict`` asks for a number that exists (a business's own), not just a plausible one."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise InputInvalid("Not a phone number.") from None
    ok = phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(number)
    if not ok:
        raise InputInvalid("Not a valid phone number; include the country code (+44 …).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
