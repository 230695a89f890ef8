"""Contacts core: search, filters, segments, editing, trash, duplicates and merge."""

import pytest

from smarketer.contacts.duplicates import find_duplicates, merge_contacts
from smarketer.contacts.editing import (
    ContactData,
    ContactInvalid,
    company_id_named,
    company_names_like,
    save_contact,
    unsubscribe,
    unsubscribe_addresses,
)
from smarketer.contacts.history import add_note
from smarketer.contacts.listing import ContactFilter, contact_ids, count, fetch_rows
from smarketer.contacts.saved_segments import find_segment, save_segment, segment_filter, segments_with_counts
from smarketer.contacts.tags import add_tags, tag_names
from smarketer.contacts.trash import delete_contacts, empty_trash, restore_contacts
from smarketer.db.models.contacts import Activity, Company, Contact

# The core on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


def add(first, last="", email="", company="", tags=(), **kw):
    return save_contact(
        ContactData(first_name=first, last_name=last, email=email, company=company, tags=tuple(tags), **kw)
    )


@pytest.fixture
def people(store):
    return {
        "zoe": add(
            "Zoë",
            "Łukasiewicz",
            "zoe@nordlicht.example",
            "Nordlicht Bakery",
            ["workshop", "vip"],
            status="lead",
            consent=True,
        ),
        "hans": add(
            "Hans",
            "Ørsted",
            "hans@example.dk",
            "Kestrel Architects",
            ["workshop"],
            status="customer",
            phone="+45 33 12 34 56",
        ),
        "dang": add(
            "Đặng", "Văn Minh", "minh@example.vn", status="lead", notes="Asked about the spring workshop"
        ),
        "ada": add("Ada", "Byron", "ada@example.com", "Nordlicht Bakery", status="qualified"),
    }


def names(f):
    rows = fetch_rows(contact_ids(f))
    return sorted(r.name for r in rows.values())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", ["Zoë Łukasiewicz"]),
        ("ZOË", ["Zoë Łukasiewicz"]),
        ("lukas", ["Zoë Łukasiewicz"]),
        ("łukas", ["Zoë Łukasiewicz"]),
        ("orsted", ["Hans Ørsted"]),
        ("dang", ["Đặng Văn Minh"]),
        ("van", ["Đặng Văn Minh"]),
        ("nordl", ["Ada Byron", "Zoë Łukasiewicz"]),
        ("nordlicht zo", ["Zoë Łukasiewicz"]),
        ("example.dk", ["Hans Ørsted"]),
        ("33 12 34", ["Hans Ørsted"]),
        ("453312", ["Hans Ørsted"]),
        ("spring", ["Đặng Văn Minh"]),
        ("vip", ["Zoë Łukasiewicz"]),
        ("nobody", []),
        ('"; DROP TABLE contact; --', []),
    ],
)
def test_search_is_prefix_case_and_accent_insensitive(people, query, expected):
    assert names(ContactFilter(text=query)) == expected


def test_search_follows_edits_tags_and_company_renames(people):
    zoe = people["zoe"]
    save_contact(
        ContactData.of(zoe).__class__(**{**ContactData.of(zoe).__dict__, "last_name": "Kowalski"}), zoe.id
    )
    assert names(ContactFilter(text="lukas")) == []
    assert names(ContactFilter(text="kowal")) == ["Zoë Kowalski"]
    add_tags(people["ada"].id, ["fairgoer"])
    assert names(ContactFilter(text="fairgoer")) == ["Ada Byron"]
    Company.update(name="Sunrise Ovens").where(Company.name == "Nordlicht Bakery").execute()
    assert names(ContactFilter(text="sunrise")) == ["Ada Byron", "Zoë Kowalski"]


def test_filters_combine(people):
    assert names(ContactFilter(tags=("workshop",))) == ["Hans Ørsted", "Zoë Łukasiewicz"]
    assert names(ContactFilter(tags=("workshop", "vip"))) == ["Zoë Łukasiewicz"]
    assert names(ContactFilter(statuses=("lead", "qualified"))) == [
        "Ada Byron",
        "Zoë Łukasiewicz",
        "Đặng Văn Minh",
    ]
    assert names(ContactFilter(consent="recorded")) == ["Zoë Łukasiewicz"]
    assert len(names(ContactFilter(consent="missing"))) == 3
    unsubscribe([people["zoe"].id])
    assert names(ContactFilter(tags=("workshop",), reachable_only=True)) == ["Hans Ørsted"]


def test_sorting(people):
    rows = fetch_rows(ids := contact_ids(sort="company"))
    assert [rows[i].company for i in ids] == [
        "",
        "Kestrel Architects",
        "Nordlicht Bakery",
        "Nordlicht Bakery",
    ]
    ids = contact_ids(sort="name", descending=True)
    assert fetch_rows(ids)[ids[0]].name == "Đặng Văn Minh"


def test_segments_save_with_live_counts(people):
    f = ContactFilter(tags=("workshop",), statuses=("lead",), reachable_only=True)
    save_segment("Workshop leads", f)
    [(segment, n)] = segments_with_counts()
    assert (segment.name, n) == ("Workshop leads", 1)
    add("New", "Lead", "new@example.com", tags=["workshop"], status="lead")
    assert segments_with_counts()[0][1] == 2
    assert segment_filter(find_segment("workshop LEADS")) == f
    with pytest.raises(ValueError):
        save_segment("  ", f)


def test_invalid_contact_is_refused_with_reasons(store):
    with pytest.raises(ContactInvalid) as info:
        save_contact(ContactData(email="not-an-email", phone="12ab", status="vip"))
    assert set(info.value.errors) == {"email", "phone", "status"}
    with pytest.raises(ContactInvalid) as info:
        save_contact(ContactData())
    assert "first_name" in info.value.errors
    assert Contact.select().count() == 0


def test_phone_is_read_in_the_business_region(store):
    c = save_contact(ContactData(first_name="A", phone="030 1234567"), region="DE")
    assert c.phone == "+49 30 1234567"


def test_trash_and_restore(people):
    ids = [people["zoe"].id, people["ada"].id]
    delete_contacts(ids)
    assert count() == 2
    assert names(ContactFilter(trash=True)) == ["Ada Byron", "Zoë Łukasiewicz"]
    restore_contacts(ids)
    assert count() == 4
    delete_contacts(ids)
    assert empty_trash() == 2
    assert Contact.select().count() == 2


def test_duplicates_are_found(people):
    twin = add("Zoe", "Lukasiewicz", "zoe.l@gmail.example", "Nordlicht Bakery")
    same_mail = add("Hans C.", "", "HANS@example.dk")
    pairs = {(p.keep_id, p.other_id): p.reason for p in find_duplicates()}
    assert pairs[(people["zoe"].id, twin.id)] == "same name and company"
    assert pairs[(people["hans"].id, same_mail.id)] == "same email"
    assert len(pairs) == 2


def test_merge_keeps_everything(people):
    zoe = people["zoe"]
    twin = add(
        "Zoe",
        "",
        "zoe.l@gmail.example",
        tags=["podcast"],
        title="Owner",
        notes="Met at the podcast recording",
    )
    add_note(twin.id, "Phoned about pricing")
    add_note(zoe.id, "First note")
    referred = add("Friend", "", "friend@example.com", referred_by_id=twin.id)
    unsubscribe([twin.id])
    kept = merge_contacts(zoe.id, twin.id)
    assert Contact.get_or_none(Contact.id == twin.id) is None
    assert kept.title == "Owner"
    assert kept.email == "zoe@nordlicht.example"
    assert kept.other_emails == ["zoe.l@gmail.example"]
    assert "podcast recording" in kept.notes
    assert tag_names(kept.id) == ["podcast", "vip", "workshop"]
    summaries = {a.summary for a in Activity.select().where(Activity.contact == kept.id)}
    assert {"Phoned about pricing", "First note"} <= summaries
    assert any(s.startswith("Merged with") for s in summaries)
    assert kept.unsubscribed_at is not None  # the stricter status wins
    assert Contact.get_by_id(referred.id).referred_by_id == kept.id
    assert names(ContactFilter(text="gmail")) == ["Zoë Łukasiewicz"]


def test_unsubscribe_by_list_of_addresses(people):
    done, unknown = unsubscribe_addresses(["ADA@example.com", "who@nowhere.example"])
    assert done == 1 and unknown == ["who@nowhere.example"]
    assert Contact.get_by_id(people["ada"].id).unsubscribed_at is not None


def test_company_completion_prefers_prefix_matches(people):
    add("X", company="Bakery Nordlicht")
    assert company_names_like("nord") == ["Nordlicht Bakery", "Bakery Nordlicht"]
    assert company_names_like("100%") == []
    assert company_id_named("kestrel ARCHITECTS") is not None
