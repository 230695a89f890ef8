"""Every stored old store migrates; a failed step changes nothing; models match the schema."""

import shutil

import pytest

from smarketer.db import StoreError, db, migrations, open_database, schema_version
from smarketer.db.models import ALL_MODELS
from smarketer.db.models.base import Setting
from smarketer.db.models.contacts import Company, Contact
from tests.conftest import DATA

# file -> (contacts, companies) it holds
EXPECTED = {
    "schema-v0-blank.db": (0, 0),
    "schema-v1.db": (30, 40),
    "schema-v2.db": (30, 40),
    "schema-v3.db": (30, 40),
    "schema-v4.db": (30, 40),
    "schema-v5.db": (30, 40),
    "schema-v6.db": (30, 40),
    "schema-v7.db": (30, 40),
    "schema-v8.db": (30, 40),
    "schema-v9.db": (30, 40),
}


def test_every_stored_version_has_an_expectation():
    assert sorted(p.name for p in DATA.glob("schema-v*.db")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_store_migrates_to_latest_and_keeps_data(name, tmp_path):
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    database = open_database(path, backup_dir=tmp_path)
    assert schema_version(database) == migrations.LATEST_VERSION
    assert (Contact.select().count(), Company.select().count()) == EXPECTED[name]
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    # v2: every contact is searchable and has its sort name
    fts_rows = database.execute_sql("SELECT count(*) FROM contact_fts").fetchone()[0]
    assert fts_rows == EXPECTED[name][0]
    assert Contact.select().where(Contact.sort_name == "").count() == 0


def test_models_match_the_migrated_schema(store):
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})")}
        assert columns, f"table {table} missing"
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, table


def _add_step(monkeypatch, step):
    steps = [*migrations.STEPS, step]
    monkeypatch.setattr(migrations, "STEPS", steps)
    monkeypatch.setattr(migrations, "LATEST_VERSION", len(steps))


def test_a_new_step_runs_once_after_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    shutil.copy(DATA / "schema-v1.db", path)
    _add_step(monkeypatch, lambda d: d.execute_sql("ALTER TABLE contact ADD COLUMN extra TEXT"))
    (tmp_path / "bk").mkdir()
    open_database(path, backup_dir=tmp_path / "bk")
    assert schema_version(db) == migrations.LATEST_VERSION
    copies = list((tmp_path / "bk").glob(f"s-before-v{migrations.LATEST_VERSION}-from-v1-*.db"))
    assert len(copies) == 1
    open_database(path, backup_dir=tmp_path / "bk")  # already migrated: no second copy
    assert len(list((tmp_path / "bk").glob("*.db"))) == 1


def test_a_failing_step_leaves_the_store_at_its_old_version(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    shutil.copy(DATA / "schema-v1.db", path)

    def broken(d):
        d.execute_sql("DELETE FROM contact")
        d.execute_sql("THIS IS NOT SQL")

    latest = migrations.LATEST_VERSION
    _add_step(monkeypatch, broken)
    with pytest.raises(StoreError, match="left unchanged"):
        open_database(path, backup_dir=tmp_path)
    monkeypatch.undo()
    open_database(path, backup_dir=tmp_path)
    assert schema_version(db) == latest  # the steps before the broken one stay done
    assert Contact.select().count() == 30
    assert Setting.select().count() == 1
