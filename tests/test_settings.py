"""The business profile: validation, normalisation, storage, logo."""

from decimal import Decimal

import pytest

from smarketer.settings import (
    BusinessProfile,
    ProfileInvalid,
    load_profile,
    logo_bytes,
    save_profile,
    store_logo,
    validate_profile,
)

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_profile_round_trips_normalised(store):
    saved = save_profile(
        BusinessProfile(
            name="  Hollis & Reed  ",
            address="  12 Quay St \n\n Galway ",
            email="Hello@Example.COM",
            phone="091 524 411",
            website="hollisreed.ie",
            currency="eur",
            locale="en_IE",
            default_tax_rate="23",
            proposal_prefix="HR",
        )
    )
    loaded = load_profile()
    assert loaded == saved
    assert loaded.name == "Hollis & Reed"
    assert loaded.address == "12 Quay St\nGalway"
    assert loaded.email == "Hello@example.com"
    assert loaded.phone == "+353 91 524 411"  # read in the locale's region
    assert loaded.website == "https://hollisreed.ie"
    assert loaded.currency == "EUR"
    assert loaded.default_tax_rate == Decimal("23")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("email", "not-an-email"),
        ("phone", "12"),
        ("website", "not a site"),
        ("currency", "XYZ1"),
        ("locale", "zz_QQ"),
        ("default_tax_rate", "101"),
        ("default_tax_rate", "-1"),
        ("default_tax_rate", "abc"),
        ("proposal_prefix", ""),
        ("proposal_prefix", "P 2026"),
    ],
)
def test_invalid_fields_are_named(store, field, value):
    profile = BusinessProfile(**{"name": "Shop", field: value})
    _, errors = validate_profile(profile)
    assert set(errors) == {field}
    with pytest.raises(ProfileInvalid):
        save_profile(profile)
    assert load_profile() == BusinessProfile()  # nothing saved


def test_logo_is_kept_in_the_store(store, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(PNG_1PX)
    file_id = store_logo(path)
    save_profile(BusinessProfile(name="Shop", logo_file_id=file_id))
    assert logo_bytes(load_profile()) == PNG_1PX


def test_a_file_that_is_not_an_image_is_refused(store, tmp_path):
    path = tmp_path / "logo.png"
    path.write_text("<svg>not really</svg>")
    with pytest.raises(ValueError, match="not a PNG, JPEG or GIF"):
        store_logo(path)
    with pytest.raises(ValueError, match="cannot be read"):
        store_logo(tmp_path / "missing.png")
