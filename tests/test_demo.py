"""The demo store is realistic and repeatable."""

from datetime import UTC, datetime

import pytest

from smarketer.db import close_database, db
from smarketer.db.models.contacts import Activity, Company, Contact, ContactTag
from smarketer.demo import write_demo
from smarketer.settings import load_profile

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def snapshot():
    return [
        (
            c.full_name,
            c.email,
            c.status,
            c.company.name if c.company else None,
            sorted(t.tag.name for t in c.contact_tags),
        )
        for c in Contact.select().order_by(Contact.id)
    ]


def test_demo_is_repeatable_for_a_seed(tmp_path):
    write_demo(tmp_path / "a.db", now=NOW)
    first = snapshot()
    close_database()
    write_demo(tmp_path / "b.db", now=NOW)
    assert snapshot() == first
    close_database()
    write_demo(tmp_path / "c.db", now=NOW, seed=7)
    assert snapshot() != first


def test_demo_is_realistic(tmp_path):
    write_demo(tmp_path / "d.db", now=NOW)
    assert Contact.select().count() >= 200
    assert Company.select().count() >= 30
    assert ContactTag.select().count() > 100
    assert Activity.select().count() > 100
    assert {c.status for c in Contact.select()} == {"subscriber", "lead", "qualified", "customer", "former"}
    assert load_profile().address
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    emails = [c.email for c in Contact.select()]
    assert len(set(emails)) == len(emails)


def test_demo_size_is_chosen_and_searchable(tmp_path):
    from smarketer.contacts.listing import ContactFilter, contact_ids

    write_demo(tmp_path / "big.db", now=NOW, contacts=3000)
    assert Contact.select().count() == 3000
    # the search index was built for every contact, not only by per-row triggers
    assert db.execute_sql("SELECT count(*) FROM contact_fts").fetchone()[0] == 3000
    last = Contact.select().order_by(Contact.id.desc()).get()
    assert last.id in contact_ids(ContactFilter(text=last.email.split("@")[0]))
    assert ContactTag.select().count() > 3000
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_demo_size_is_bounded_before_anything_is_written(tmp_path):
    target = tmp_path / "kept.db"
    target.write_bytes(b"precious")
    for size in (0, 100_001):
        with pytest.raises(ValueError, match="1 to 100,000 contacts"):
            write_demo(target, contacts=size, force=True)
    assert target.read_bytes() == b"precious"


def test_every_demo_record_passes_the_apps_own_validators(tmp_path):
    """A demo contact, deal or profile can be edited and saved as it is (issue 14)."""
    from smarketer.campaigns.account import load_account, validate_account
    from smarketer.contacts.editing import ContactData, validate_contact
    from smarketer.db.models.deals import Deal
    from smarketer.pipeline.deals import DealData, validate_deal
    from smarketer.settings import validate_profile
    from smarketer.validation import normalise_phone

    write_demo(tmp_path / "v.db", now=NOW)
    profile = load_profile()
    assert validate_profile(profile)[1] == {}
    assert validate_account(load_account())[1] == {}
    region = profile.region
    problems = {}
    for contact in Contact.select():
        errors = validate_contact(ContactData.of(contact), region)[1]
        if errors:
            problems[contact.email] = errors
    for company in Company.select().where(Company.phone != ""):
        try:
            normalise_phone(company.phone, region)
        except ValueError as exc:
            problems[company.name] = str(exc)
    for deal in Deal.select():
        data = DealData(
            title=deal.title,
            contact_id=deal.contact_id,
            value=deal.value,
            probability=deal.probability,
            stage_id=deal.stage_id,
        )
        errors = validate_deal(data, profile.locale)[1]
        if errors:
            problems[deal.title] = errors
    assert problems == {}
    assert Contact.select().where(Contact.phone != "").count() > 20  # phones were checked
