"""Schema versions, kept in ``PRAGMA user_version``.

Each step is explicit SQL for one version and runs in one transaction that also bumps the
version, so a crash leaves the file at the previous or the next version, never between.
A copy of the file is written before the first step runs on an existing store.
Never edit a released step: add a new one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

import smarketer.db.search as search
from smarketer.db.files import APPLICATION_ID, copy_database
from smarketer.db.search import sort_key

log = logging.getLogger(__name__)

_V1 = """
CREATE TABLE setting (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE stored_file (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE company (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX company_name ON company (name COLLATE NOCASE);
CREATE TABLE contact (
    id INTEGER NOT NULL PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    other_emails TEXT NOT NULL DEFAULT '[]',
    phone TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    company_id INTEGER REFERENCES company (id) ON DELETE SET NULL,
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'lead',
    lead_source TEXT NOT NULL DEFAULT '',
    referred_by_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    consent INTEGER NOT NULL DEFAULT 0,
    consent_at TEXT,
    consent_source TEXT NOT NULL DEFAULT '',
    unsubscribed_at TEXT,
    bounced_at TEXT,
    do_not_email INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX contact_email ON contact (email COLLATE NOCASE);
CREATE INDEX contact_company_id ON contact (company_id);
CREATE INDEX contact_referred_by_id ON contact (referred_by_id);
CREATE INDEX contact_name ON contact (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE TABLE tag (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE contact_tag (
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tag_tag_id ON contact_tag (tag_id);
CREATE TABLE activity (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    ref_type TEXT NOT NULL DEFAULT '',
    ref_id INTEGER
);
CREATE INDEX activity_contact_time ON activity (contact_id, occurred_at);
"""


_V2 = """
CREATE TABLE segment (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    filter TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE contact ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_live_by_name ON contact (sort_name) WHERE deleted_at IS NULL;
""" + search.schema_v2()


def _v2(database: SqliteDatabase) -> None:
    _run_script(_V2)(database)
    rows = database.execute_sql("SELECT id, first_name, last_name FROM contact").fetchall()
    database.execute_sql("DROP TRIGGER contact_fts_update")  # the text did not change
    for contact_id, first, last in rows:
        database.execute_sql(
            "UPDATE contact SET sort_name = ? WHERE id = ?", (sort_key(first, last), contact_id)
        )
    for statement in statements(search.schema_v2()):
        if "TRIGGER contact_fts_update" in statement:
            database.execute_sql(statement)


_V3 = """
CREATE TABLE stage (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    kind TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost', 'removed'))
);
INSERT INTO stage (name, position, probability, kind) VALUES
    ('New lead', 1, 10, 'open'), ('Contacted', 2, 20, 'open'), ('Qualified', 3, 40, 'open'),
    ('Proposal sent', 4, 60, 'open'), ('Negotiation', 5, 80, 'open'),
    ('Won', 6, 100, 'won'), ('Lost', 7, 0, 'lost');
CREATE TABLE deal (
    id INTEGER NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    contact_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    company_id INTEGER REFERENCES company (id) ON DELETE SET NULL,
    value TEXT NOT NULL DEFAULT '0',
    probability INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
    stage_id INTEGER NOT NULL REFERENCES stage (id),
    position INTEGER NOT NULL DEFAULT 0,
    expected_close TEXT,
    source TEXT NOT NULL DEFAULT '',
    campaign_id INTEGER,
    notes TEXT NOT NULL DEFAULT '',
    lost_reason TEXT NOT NULL DEFAULT '',
    stage_entered_at TEXT NOT NULL,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deal_stage_position ON deal (stage_id, position);
CREATE INDEX deal_contact_id ON deal (contact_id);
CREATE INDEX deal_company_id ON deal (company_id);
CREATE TABLE stage_change (
    id INTEGER NOT NULL PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deal (id) ON DELETE CASCADE,
    from_stage_id INTEGER REFERENCES stage (id),
    to_stage_id INTEGER NOT NULL REFERENCES stage (id),
    changed_at TEXT NOT NULL
);
CREATE INDEX stage_change_deal ON stage_change (deal_id, changed_at);
CREATE TABLE task (
    id INTEGER NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    due_time TEXT,
    deal_id INTEGER REFERENCES deal (id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contact (id) ON DELETE CASCADE,
    done_at TEXT,
    notified_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX task_open_due ON task (due_date) WHERE done_at IS NULL;
CREATE INDEX task_deal ON task (deal_id);
CREATE INDEX task_contact ON task (contact_id);
"""


_V4 = """
CREATE TABLE product (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    unit_price TEXT NOT NULL DEFAULT '0',
    tax_rate TEXT,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE content_block (
    id INTEGER NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE proposal_sequence (
    year INTEGER NOT NULL PRIMARY KEY,
    last INTEGER NOT NULL
);
CREATE TABLE proposal (
    id INTEGER NOT NULL PRIMARY KEY,
    number TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    previous_id INTEGER REFERENCES proposal (id) ON DELETE SET NULL,
    deal_id INTEGER REFERENCES deal (id) ON DELETE SET NULL,
    contact_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    closing TEXT NOT NULL DEFAULT '',
    document_discount TEXT NOT NULL DEFAULT '0',
    rounding TEXT NOT NULL DEFAULT 'line' CHECK (rounding IN ('line', 'global')),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired', 'superseded')),
    sent_at TEXT,
    sent_pdf_id INTEGER REFERENCES stored_file (id),
    decided_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (number, revision)
);
CREATE INDEX proposal_deal ON proposal (deal_id);
CREATE INDEX proposal_contact ON proposal (contact_id);
CREATE TABLE proposal_item (
    id INTEGER NOT NULL PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'item' CHECK (kind IN ('item', 'heading')),
    product_id INTEGER REFERENCES product (id) ON DELETE SET NULL,
    description TEXT NOT NULL DEFAULT '',
    quantity TEXT NOT NULL DEFAULT '1',
    unit TEXT NOT NULL DEFAULT '',
    unit_price TEXT NOT NULL DEFAULT '0',
    discount TEXT NOT NULL DEFAULT '0',
    tax_rate TEXT NOT NULL DEFAULT '0',
    optional INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX proposal_item_order ON proposal_item (proposal_id, position);
CREATE TABLE proposal_section (
    id INTEGER NOT NULL PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
"""


_V5 = """
CREATE TABLE suppression (
    email TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE email_template (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    plain_only INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE campaign (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    audience_kind TEXT NOT NULL CHECK (audience_kind IN ('segment', 'tag', 'contacts')),
    audience TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    plain_only INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled')),
    scheduled_at TEXT,
    pause_reason TEXT NOT NULL DEFAULT '',
    lock_owner TEXT,
    lock_until TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
CREATE TABLE outbox_message (
    id INTEGER NOT NULL PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    message_id TEXT,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    reply TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    sending_at TEXT,
    sent_at TEXT,
    UNIQUE (campaign_id, contact_id)
);
CREATE INDEX outbox_campaign_state ON outbox_message (campaign_id, state);
CREATE INDEX outbox_sent_at ON outbox_message (sent_at);
CREATE INDEX outbox_contact ON outbox_message (contact_id);
"""


_V6 = """
CREATE TABLE imap_folder_state (
    folder TEXT NOT NULL PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL DEFAULT 0,
    synced_at TEXT
);
CREATE TABLE inbound_message (
    id INTEGER NOT NULL PRIMARY KEY,
    message_id TEXT UNIQUE,
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    from_address TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'auto_reply', 'hard_bounce', 'soft_bounce',
                                       'unsubscribe', 'optout', 'other')),
    status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'to_confirm', 'dismissed')),
    contact_id INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    campaign_id INTEGER REFERENCES campaign (id) ON DELETE SET NULL,
    outbox_id INTEGER REFERENCES outbox_message (id) ON DELETE SET NULL,
    detail TEXT NOT NULL DEFAULT '',
    snippet TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inbound_contact ON inbound_message (contact_id, kind);
CREATE INDEX inbound_campaign ON inbound_message (campaign_id, kind);
CREATE INDEX outbox_message_id ON outbox_message (message_id);
"""


_V7 = """
ALTER TABLE campaign ADD COLUMN parent_id INTEGER REFERENCES campaign (id) ON DELETE CASCADE;
ALTER TABLE campaign ADD COLUMN delay_days INTEGER;
ALTER TABLE outbox_message ADD COLUMN in_reply_to TEXT;
CREATE INDEX campaign_parent ON campaign (parent_id);
"""


_V8 = """
ALTER TABLE contact ADD COLUMN email_to_fix TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_email_to_fix ON contact (email_to_fix) WHERE email_to_fix != '';
CREATE TABLE import_run (
    id INTEGER NOT NULL PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    new_companies TEXT NOT NULL DEFAULT '[]',
    new_tags TEXT NOT NULL DEFAULT '[]',
    undone_at TEXT
);
CREATE TABLE import_change (
    id INTEGER NOT NULL PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES import_run (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    created INTEGER NOT NULL,
    replaced TEXT NOT NULL DEFAULT '{}',
    added_tags TEXT NOT NULL DEFAULT '[]',
    stamp TEXT NOT NULL
);
CREATE INDEX import_change_run ON import_change (run_id);
CREATE INDEX import_change_contact ON import_change (contact_id);
"""


_V10 = """
ALTER TABLE contact ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contact ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE deal ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE deal ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE proposal ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE proposal ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
"""


def statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies hold semicolons too)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()


def _run_script(sql: str) -> Callable[[SqliteDatabase], None]:
    def step(database: SqliteDatabase) -> None:
        for statement in statements(sql):
            database.execute_sql(statement)

    return step


# STEPS[n - 1] takes a store from version n - 1 to version n.
STEPS: list[Callable[[SqliteDatabase], None]] = [
    _run_script(_V1),
    _v2,  # contact search (FTS5), sort names, saved segments
    _run_script(_V3),  # deal board: stages, deals, stage history, tasks
    _run_script(_V4),  # proposals: catalog, content blocks, numbering, items, sections
    _run_script(_V5),  # campaigns: suppression list, templates, campaigns, the outbox
    _run_script(_V6),  # inbox: folder sync state and the messages read from it
    _run_script(_V7),  # follow-up steps: a campaign may follow another after N days
    _run_script(_V8),  # imports: an email that needs fixing, import history for undo
    _run_script(search.schema_v9()),  # search: one-letter prefixes indexed too
    _run_script(_V10),  # seats: a version per edited row, so no save silently overwrites another
]
LATEST_VERSION = len(STEPS)

#: A server store begins at FIRST_SERVER_VERSION, created whole from the SQLite schema of its
#: day (server_schema.py); SERVER_STEPS[n] is step n in PostgreSQL's words, taking a server from
#: n - 1 to n (server_open.upgrade_server runs them in one transaction under a lock). Every
#: version above FIRST_SERVER_VERSION has one: tests/db/test_server_schema.py checks.
FIRST_SERVER_VERSION = 10
SERVER_STEPS: dict[int, Callable[[Any], None]] = {}


def migrate(database: SqliteDatabase, path: Path, backup_dir: Path) -> int:
    """Bring the store to LATEST_VERSION; return the version it started at."""
    start = database.execute_sql("PRAGMA user_version").fetchone()[0]
    if start >= LATEST_VERSION:
        return start
    if start > 0:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        copy = backup_dir / f"{path.stem}-before-v{LATEST_VERSION}-from-v{start}-{stamp}.db"
        copy_database(database.connection(), copy)
        log.info("Copied %s to %s before migrating", path, copy)
    for version in range(start + 1, LATEST_VERSION + 1):
        with database.atomic():
            STEPS[version - 1](database)
            database.execute_sql(f"PRAGMA user_version = {version}")
            database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        log.info("Migrated %s to schema %d", path, version)
    return start
