"""Search results come in name order whichever way they are gathered (narrow: matches looked
up by id and sorted; broad: the name index walked once)."""

import pytest

from smarketer import contacts
from smarketer.contacts import ContactFilter, listing
from smarketer.db.models.contacts import Contact

# The core on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


def reference(f, descending=False):
    order = (
        (Contact.sort_name.desc(), Contact.id.desc())
        if descending
        else (Contact.sort_name.asc(), Contact.id.asc())
    )
    return [c.id for c in contacts.filtered(f).order_by(*order)]


@pytest.mark.parametrize("broad_from", [0, 10_000])
def test_search_order_matches_the_plain_query(demo_store, monkeypatch, broad_from):
    monkeypatch.setattr(listing, "BROAD_MATCH", broad_from)
    some = list(Contact.select().order_by(Contact.id).limit(5))
    contacts.delete_contacts([c.id for c in some])
    filters = [ContactFilter(text=t) for t in ("a", "e", "studio", "anna", "+353", "zz")]
    filters += [
        ContactFilter(text="a", statuses=("lead",)),
        ContactFilter(text="e", tags=("newsletter",), reachable_only=True),
        ContactFilter(text="a", trash=True),
        ContactFilter(text=some[0].last_name),
    ]
    for f in filters:
        for descending in (False, True):
            assert contacts.contact_ids(f, descending=descending) == reference(f, descending)
    assert some[0].id in contacts.contact_ids(ContactFilter(text=some[0].last_name, trash=True))


@pytest.mark.parametrize(("narrow", "probe"), [(0, 0), (0, 10_000), (10_000, 0)])
def test_a_first_page_is_the_start_of_the_whole_list(demo_store, monkeypatch, narrow, probe):
    """Whichever way the first page is found (read whole, each row asked of the index, or the
    matches looked up while walking the names), it is the start of the whole list."""
    monkeypatch.setattr(listing, "NARROW_MATCH", narrow)
    monkeypatch.setattr(listing, "PROBE_WALK", probe)
    contacts.delete_contacts([Contact.select().order_by(Contact.id).first().id])
    for text in ("", "a", "e", "m", "studio", "anna", "zz"):
        for descending in (False, True):
            whole = contacts.contact_ids(ContactFilter(text=text), descending=descending)
            first, complete = contacts.first_ids(ContactFilter(text=text), descending=descending, limit=7)
            assert first == whole[: len(first)] and len(first) >= min(7, len(whole))
            assert complete == (first == whole)
    first, complete = contacts.first_ids(ContactFilter(text="a", statuses=("lead",)), limit=7)
    assert complete and first == contacts.contact_ids(ContactFilter(text="a", statuses=("lead",)))
