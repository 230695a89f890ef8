"""Search results come in name order whichever way they are gathered (narrow: matches looked
up by id and sorted; broad: the name index walked once)."""

import pytest

from smarketer.contacts import listing
from smarketer.contacts.listing import ContactFilter, contact_ids, filtered, first_ids
from smarketer.contacts.trash import delete_contacts
from smarketer.db.models.contacts import Contact

# The core on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def demo(backend, request):
    """The demo business (60 contacts) on the test's backend: its file, or moved to a server."""
    if backend == "sqlite":
        return request.getfixturevalue("demo_store")
    from smarketer.db import open_database
    from smarketer.db.move import move_store

    url = request.getfixturevalue("empty_server_database")  # first: it may start the cluster
    request.getfixturevalue("demo_store")
    move_store(url)
    open_database(url)
    return url


def reference(f, descending=False):
    order = (
        (Contact.sort_name.desc(), Contact.id.desc())
        if descending
        else (Contact.sort_name.asc(), Contact.id.asc())
    )
    return [c.id for c in filtered(f).order_by(*order)]


@pytest.mark.parametrize("broad_from", [0, 10_000])
def test_search_order_matches_the_plain_query(demo, monkeypatch, broad_from):
    monkeypatch.setattr(listing, "BROAD_MATCH", broad_from)
    some = list(Contact.select().order_by(Contact.id).limit(5))
    delete_contacts([c.id for c in some])
    filters = [ContactFilter(text=t) for t in ("a", "e", "studio", "anna", "+353", "zz")]
    filters += [
        ContactFilter(text="a", statuses=("lead",)),
        ContactFilter(text="e", tags=("newsletter",), reachable_only=True),
        ContactFilter(text="a", trash=True),
        ContactFilter(text=some[0].last_name),
    ]
    for f in filters:
        for descending in (False, True):
            assert contact_ids(f, descending=descending) == reference(f, descending)
    assert some[0].id in contact_ids(ContactFilter(text=some[0].last_name, trash=True))


@pytest.mark.parametrize(("narrow", "probe"), [(0, 0), (0, 10_000), (10_000, 0)])
def test_a_first_page_is_the_start_of_the_whole_list(demo, monkeypatch, narrow, probe):
    """Whichever way the first page is found (read whole, each row asked of the index, or the
    matches looked up while walking the names), it is the start of the whole list."""
    monkeypatch.setattr(listing, "NARROW_MATCH", narrow)
    monkeypatch.setattr(listing, "PROBE_WALK", probe)
    delete_contacts([Contact.select().order_by(Contact.id).first().id])
    for text in ("", "a", "e", "m", "studio", "anna", "zz"):
        for descending in (False, True):
            whole = contact_ids(ContactFilter(text=text), descending=descending)
            first, complete = first_ids(ContactFilter(text=text), descending=descending, limit=7)
            assert first == whole[: len(first)] and len(first) >= min(7, len(whole))
            assert complete == (first == whole)
    first, complete = first_ids(ContactFilter(text="a", statuses=("lead",)), limit=7)
    assert complete and first == contact_ids(ContactFilter(text="a", statuses=("lead",)))


def test_a_first_page_is_read_as_a_page_whatever_the_filter_and_order(demo, backend):
    """A first page asks the store for that page only (one row more says whether there are
    more): on a server for any filter and order, on a file for a name-ordered search."""
    from smarketer.db import db

    asked = []
    execute = type(db.obj).execute_sql

    def counting(self, sql, params=None, *a, **k):
        cursor = execute(self, sql, params, *a, **k)
        if "contact" in sql and "LIMIT" in sql.upper():
            asked.append(sql)
        return cursor

    whole = contact_ids(ContactFilter(text="a", statuses=("lead",)), sort="city")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(db.obj), "execute_sql", counting)
        first, complete = first_ids(ContactFilter(), limit=7)
        assert asked, "the first page was read whole"
        if backend == "postgresql":
            asked.clear()
            some, all_of_them = first_ids(ContactFilter(text="a", statuses=("lead",)), sort="city", limit=3)
            assert asked and some == whole[:3] and all_of_them == (len(whole) <= 3)
    assert len(first) == 7 and not complete
    assert first == contact_ids(ContactFilter())[:7]
