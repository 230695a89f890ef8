"""One logical schema, two dialects: a fresh SQLite store and a fresh server store hold the same
tables, columns (name, nullability, kind), indexes and unique constraints."""

import re

import pytest

from smarketer.db import close_database, open_database
from smarketer.db.server_schema import SEARCH_TABLES, VERSION_TABLE

pytestmark = pytest.mark.postgresql

# Each side's own search machinery and version table are the dialects' own business.
OWN = (*SEARCH_TABLES, VERSION_TABLE)
# PostgreSQL type -> the storage a SQLite file gives the same column.
KINDS = {
    "integer": "integer",
    "bigint": "integer",
    "boolean": "integer",  # 0/1 in a file
    "text": "text",
    "bytea": "blob",
}


def _sqlite_schema(database):
    tables = {}
    for (table,) in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        if table.startswith(OWN):
            continue
        info = database.execute_sql(f"PRAGMA table_info({table})").fetchall()
        columns = {
            name: (bool(notnull) or bool(pk), kind.lower()) for _c, name, kind, notnull, _d, pk in info
        }
        # the primary key: an index of its own on the server, the rowid or an autoindex here
        indexes = {(tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])), True, False)}
        for _seq, name, unique, _origin, partial in database.execute_sql(f"PRAGMA index_list({table})"):
            cols = tuple(r[2] for r in database.execute_sql(f"PRAGMA index_info({name})"))
            indexes.add((cols, bool(unique), bool(partial)))
        tables[table] = (columns, indexes)
    return tables


def _server_schema(database):
    tables = {}
    for (table,) in database.execute_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall():
        if table.startswith(OWN):
            continue
        columns = {
            name: (nullable == "NO", KINDS[kind])
            for name, nullable, kind in database.execute_sql(
                "SELECT column_name, is_nullable, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?",
                (table,),
            )
        }
        indexes = set()
        for unique, partial, columns_of in database.execute_sql(
            "SELECT i.indisunique, i.indpred IS NOT NULL, "
            "ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, TRUE) "
            "      FROM generate_subscripts(i.indkey, 1) AS k ORDER BY k) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ?",
            (table,),
        ):
            # a case-blind column: lower(name) here, name COLLATE NOCASE in the file
            cols = tuple(re.sub(r"^lower\((\w+)\)$", r"\1", c).strip('"') for c in columns_of)
            indexes.add((cols, unique, partial))
        tables[table] = (columns, indexes)
    return tables


def test_a_fresh_file_and_a_fresh_server_store_have_the_same_schema(tmp_path, server_store):
    server = _server_schema(open_database(server_store))
    close_database()
    file = _sqlite_schema(open_database(tmp_path / "s.db"))
    assert sorted(server) == sorted(file)
    for table in file:
        file_columns, file_indexes = file[table]
        server_columns, server_indexes = server[table]
        assert server_columns == file_columns, table
        assert server_indexes == file_indexes, table
