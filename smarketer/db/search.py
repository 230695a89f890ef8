"""Full-text search over contacts: an FTS5 table kept in sync by triggers.

The tokenizer (unicode61, remove_diacritics 2) makes search case- and accent-insensitive
("zoe" finds "Zoë"). Letters with no Unicode decomposition (Ł, Ø, Đ, ß, Æ …) are folded by
plain SQL ``replace()`` calls into a ``folded`` column, so "lukas" finds "Łukasiewicz" and the
triggers need no custom function: the file stays writable by any SQLite tool.
"""

from __future__ import annotations

import re

from peewee import Database

# Letters unicode61 keeps as they are, and their plain-Latin spelling.
FOLD = {
    "Ł": "L",
    "ł": "l",
    "Ø": "O",
    "ø": "o",
    "Đ": "D",
    "đ": "d",
    "Ð": "D",
    "ð": "d",
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Þ": "TH",
    "þ": "th",
    "ı": "i",
    "Ħ": "H",
    "ħ": "h",
    "Ŀ": "L",
    "ŀ": "l",
    "Ŋ": "N",
    "ŋ": "n",
    "Ŧ": "T",
    "ŧ": "t",
}
_FOLD_TABLE = str.maketrans(FOLD)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def sort_key(first_name: str, last_name: str) -> str:
    """How a contact sorts by name: last name then first, in plain lower-case Latin letters,
    so "Łukasiewicz" sorts under L and "Đặng" under D."""
    text = f"{last_name} {first_name}".strip()
    if text.isascii():  # most names: nothing to transliterate
        return text.lower()
    from anyascii import anyascii

    return anyascii(text).lower()


def fold(text: str) -> str:
    return text.translate(_FOLD_TABLE)


def fold_sql(expr: str) -> str:
    for letter, plain in FOLD.items():
        expr = f"replace({expr}, '{letter}', '{plain}')"
    return expr


def _digits_sql(expr: str) -> str:
    for char in " +-()./":
        expr = f"replace({expr}, '{char}', '')"
    return expr


_FOLDED = "c.first_name || ' ' || c.last_name || ' ' || coalesce(co.name, '') || ' ' || c.city"
_ROW = f"""
INSERT INTO contact_fts (rowid, name, email, company, phone, notes, tags, folded)
SELECT c.id,
       c.first_name || ' ' || c.last_name || ' ' || c.title || ' ' || c.city,
       c.email || ' ' || c.other_emails,
       coalesce(co.name, ''),
       c.phone || ' ' || {_digits_sql("c.phone")},
       c.notes,
       coalesce((SELECT group_concat(t.name, ' ') FROM contact_tag ct
                 JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id), ''),
       {fold_sql(_FOLDED)}
FROM contact c LEFT JOIN company co ON co.id = c.company_id
"""
# The same for a bulk write: the folded copy only where there is something to fold. The other
# columns hold the same words, so a search finds the same rows, and the index is built in
# about two-thirds of the time (the 24 replace() calls were most of the statement's work).
_BULK_ROW = _ROW.replace(
    fold_sql(_FOLDED),
    f"CASE WHEN length({_FOLDED}) = length(CAST({_FOLDED} AS BLOB)) THEN '' ELSE {fold_sql(_FOLDED)} END",
)


def _refresh(condition: str) -> str:
    return (
        f"DELETE FROM contact_fts WHERE rowid IN (SELECT c.id FROM contact c WHERE {condition});"
        f"{_ROW} WHERE {condition};"
    )


def schema_v2() -> str:
    """The FTS table, its triggers, and the initial fill (the SQL of schema step 2)."""
    return f"""
CREATE VIRTUAL TABLE contact_fts USING fts5 (
    name, email, company, phone, notes, tags, folded,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
{_ROW};
CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact BEGIN
    {_ROW} WHERE c.id = new.id;
END;
CREATE TRIGGER contact_fts_update AFTER UPDATE ON contact BEGIN
    DELETE FROM contact_fts WHERE rowid = old.id;
    {_ROW} WHERE c.id = new.id;
END;
CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact BEGIN
    DELETE FROM contact_fts WHERE rowid = old.id;
END;
CREATE TRIGGER contact_fts_tag_added AFTER INSERT ON contact_tag BEGIN
    {_refresh("c.id = new.contact_id")}
END;
CREATE TRIGGER contact_fts_tag_removed AFTER DELETE ON contact_tag BEGIN
    {_refresh("c.id = old.contact_id")}
END;
CREATE TRIGGER contact_fts_company_renamed AFTER UPDATE OF name ON company BEGIN
    {_refresh("c.company_id = new.id")}
END;
CREATE TRIGGER contact_fts_tag_renamed AFTER UPDATE OF name ON tag BEGIN
    {_refresh("c.id IN (SELECT contact_id FROM contact_tag WHERE tag_id = new.id)")}
END
"""


def schema_v9() -> str:
    """Schema step 9: the index again, with one-letter prefixes too (``prefix = '1 2 3'``), so
    a search for "a" reads one prefix list instead of merging every word that starts with "a".
    The triggers stay: they name the table, and it is back before the step commits."""
    return f"""
DROP TABLE contact_fts;
CREATE VIRTUAL TABLE contact_fts USING fts5 (
    name, email, company, phone, notes, tags, folded,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
{_ROW};
INSERT INTO contact_fts (contact_fts) VALUES ('optimize')
"""


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word of ``query`` as a prefix, all required."""
    words = _TOKEN.findall(query)
    if not words:
        return None
    terms = []
    for word in words:
        folded = fold(word)
        if folded != word:
            terms.append(f'("{word}"* OR "{folded}"*)')
        else:
            terms.append(f'"{word}"*')
    return " ".join(terms)


def indexed_prefixes(query: str) -> bool:
    """Whether every word of ``query`` is short enough (one to three letters) to have its own
    prefix list in the index, so that testing one row against it costs a lookup."""
    words = _TOKEN.findall(query)
    return bool(words) and all(len(word) <= 3 for word in words)


_BULK_TRIGGERS = (
    "contact_fts_insert",
    "contact_fts_update",
    "contact_fts_tag_added",
    "contact_fts_tag_removed",
)


_SERVER_CHUNK = 20_000  # contacts indexed per statement on a server


class BulkIndexing:
    """For a bulk write inside one transaction: the per-row search triggers are set aside,
    the touched contacts are collected, and ``finish()`` indexes them in one statement and
    puts the triggers back. All of it is in the caller's transaction, so a rollback restores
    the triggers too. On a server the triggers stay; a setting local to the transaction
    (``smarketer.defer_search``) tells them to wait, so other seats' writes index as ever."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._triggers: list[tuple[str, str]] = []
        self._ids: set[int] = set()
        from smarketer.db.server import ServerDatabase

        self.on_server = isinstance(getattr(database, "obj", database), ServerDatabase)  # or a proxy
        if self.on_server:
            database.execute_sql("SELECT set_config('smarketer.defer_search', 'on', true)")
            return
        rows = database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join('?' * len(_BULK_TRIGGERS))})",
            _BULK_TRIGGERS,
        ).fetchall()
        self._triggers = rows
        for name, _sql in rows:
            database.execute_sql(f"DROP TRIGGER {name}")

    def touched(self, contact_id: int) -> None:
        self._ids.add(contact_id)

    def finish(self) -> None:
        if self.on_server:
            ids = sorted(self._ids)
            for start in range(0, len(ids), _SERVER_CHUNK):
                self.database.execute_sql(
                    "SELECT contact_search_refresh(?::integer[])", (ids[start : start + _SERVER_CHUNK],)
                )
            self.database.execute_sql("SELECT set_config('smarketer.defer_search', 'off', true)")
            return
        self.database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS bulk_touched (id INTEGER PRIMARY KEY)")
        self.database.execute_sql("DELETE FROM bulk_touched")
        self.database.connection().executemany(
            "INSERT INTO bulk_touched (id) VALUES (?)", ((i,) for i in self._ids)
        )
        condition = "c.id IN (SELECT id FROM temp.bulk_touched)"
        self.database.execute_sql("DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM temp.bulk_touched)")
        self.database.execute_sql(f"{_BULK_ROW} WHERE {condition}")
        self.database.execute_sql("DELETE FROM bulk_touched")
        for _name, sql in self._triggers:
            self.database.execute_sql(sql)


# ---------------------------------------------------------------- the same search on a server
# A server store (PostgreSQL) keeps one tsvector per contact in contact_search, rebuilt by
# triggers from the same fields, folded the same way: unaccent() and the FOLD letters, and the
# punctuation an email or a web address holds turned into spaces, as unicode61 splits them.

_SERVER_FIELDS = (
    "concat_ws(' ', c.first_name, c.last_name, c.title, c.city, c.email, c.other_emails, co.name, "
    f"c.phone, {_digits_sql('c.phone')}, c.notes, (SELECT string_agg(t.name, ' ') FROM contact_tag ct "
    "JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id))"
)
_SERVER_TEXT = (
    f"to_tsvector('simple', regexp_replace(unaccent({fold_sql(_SERVER_FIELDS)}), "
    "'[][@./_:+\"(),;!?<>{}|-]+', ' ', 'g'))"
)


def server_schema() -> list[str]:
    """The statements that create the server's search table, its index and its triggers."""
    return [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TABLE contact_search (contact_id INTEGER PRIMARY KEY REFERENCES contact (id) "
        "ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE, document tsvector NOT NULL)",
        "CREATE INDEX contact_search_document ON contact_search USING gin (document)",
        f"""CREATE FUNCTION contact_search_refresh(ids integer[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_search (contact_id, document)
    SELECT c.id, {_SERVER_TEXT}
    FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ANY(ids)
    ON CONFLICT (contact_id) DO UPDATE SET document = excluded.document
$$""",
        """CREATE FUNCTION contact_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('smarketer.defer_search', true) = 'on' THEN
        RETURN NULL;  -- a bulk write indexes what it touched once, at its end (BulkIndexing)
    END IF;
    IF TG_TABLE_NAME = 'contact' THEN
        PERFORM contact_search_refresh(ARRAY[NEW.id]);
    ELSIF TG_TABLE_NAME = 'contact_tag' THEN
        PERFORM contact_search_refresh(ARRAY[CASE WHEN TG_OP = 'DELETE' THEN OLD.contact_id
                                                  ELSE NEW.contact_id END]);
    ELSIF TG_TABLE_NAME = 'company' THEN
        PERFORM contact_search_refresh(ARRAY(SELECT id FROM contact WHERE company_id = NEW.id));
    ELSIF TG_TABLE_NAME = 'tag' THEN
        PERFORM contact_search_refresh(ARRAY(SELECT contact_id FROM contact_tag WHERE tag_id = NEW.id));
    END IF;
    RETURN NULL;
END $$""",
        "CREATE TRIGGER contact_search_insert AFTER INSERT ON contact "
        "FOR EACH ROW EXECUTE FUNCTION contact_search_changed()",
        "CREATE TRIGGER contact_search_update AFTER UPDATE OF first_name, last_name, title, city, "
        "email, other_emails, company_id, phone, notes ON contact "
        "FOR EACH ROW EXECUTE FUNCTION contact_search_changed()",
        "CREATE TRIGGER contact_search_tags AFTER INSERT OR DELETE ON contact_tag "
        "FOR EACH ROW EXECUTE FUNCTION contact_search_changed()",
        "CREATE TRIGGER contact_search_company AFTER UPDATE OF name ON company "
        "FOR EACH ROW EXECUTE FUNCTION contact_search_changed()",
        "CREATE TRIGGER contact_search_tag AFTER UPDATE OF name ON tag "
        "FOR EACH ROW EXECUTE FUNCTION contact_search_changed()",
    ]


def matching_ids_sql(query: str, database: Database) -> tuple[str, list[str]] | None:
    """A ``SELECT`` of the ids of the contacts matching every word of ``query`` as a prefix
    (case and accents ignored) with its parameters, for ``database``'s backend; None when the
    query has no words."""
    from smarketer.db.server import ServerDatabase

    if not isinstance(database, ServerDatabase):
        match = match_expression(query)
        return None if match is None else ("SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?", [match])
    words = _TOKEN.findall(fold(query).replace("_", " "))
    words = [w for word in words for w in word.split()]
    if not words:
        return None
    terms = " & ".join(f"{word}:*" for word in words)
    sql = "SELECT contact_id FROM contact_search WHERE document @@ to_tsquery('simple', unaccent(?))"
    return sql, [terms]
