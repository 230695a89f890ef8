from decimal import Decimal

import pytest

from smarketer.settings import BusinessProfile, save_profile


@pytest.fixture
def business(store):
    """An Irish business quoting in euros, 23 % VAT by default, numbers HR-YYYY-NNNN."""
    save_profile(
        BusinessProfile(
            name="Hollis & Reed",
            address="12 Quay Street\nGalway\nIreland",
            currency="EUR",
            locale="en_IE",
            default_tax_rate=Decimal("23"),
            proposal_prefix="HR",
        )
    )
