"""A store on a PostgreSQL server, for when a second seat joins (``postgresql://user@host/name``).

The same logical schema as a SQLite file (see ``server_schema.py``), opened through peewee with
psycopg 3. The core writes its raw SQL once, with ``?`` placeholders as SQLite wants; the
``ServerDatabase`` below turns them into psycopg's ``%s`` (and doubles a literal ``%``), and
dates travel as the same ISO text a SQLite file holds, so every query means the same on both.

The password never sits in the URL Smarketer remembers: it comes from the OS keyring (service
``KEYRING_SERVICE``, user ``user@host:port``), or libpq finds it itself in ``PGPASSWORD`` or
``~/.pgpass``. TLS: a host other than this machine gets ``sslmode=verify-full`` unless the URL
asks for another mode.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from peewee import PostgresqlDatabase

SCHEMES = ("postgresql://", "postgres://")
KEYRING_SERVICE = "Smarketer database server"
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


@dataclass(frozen=True)
class ServerLocation:
    """Where a server store lives: a ``postgresql://`` URL without its password.

    Quacks like the ``Path`` of a file store where the app shows one (``name``, ``stem``)."""

    user: str
    host: str
    port: int
    dbname: str
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, url: str) -> ServerLocation:
        """Read a ``postgresql://user@host:port/name?sslmode=…`` URL (a password in it is dropped:
        keep it in the keyring, ``PGPASSWORD`` or ``~/.pgpass``). Raises ValueError."""
        if not is_server_url(url):
            raise ValueError(f"{url}: not a postgresql:// URL")
        parts = urlsplit(url)
        try:
            port = parts.port or 5432
        except ValueError:
            raise ValueError(f"{cls._safe(url)}: the port is not a number") from None
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname or "/" in dbname:
            raise ValueError(f"{cls._safe(url)}: name the database after the host, e.g. …/smarketer")
        return cls(
            user=unquote(parts.username or ""),
            host=parts.hostname or "localhost",
            port=port,
            dbname=dbname,
            options=tuple(parse_qsl(parts.query)),
        )

    @staticmethod
    def _safe(url: str) -> str:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", "@")
        return parts._replace(netloc=netloc).geturl()

    @property
    def name(self) -> str:
        return f"{self.dbname} on {self.host}"

    @property
    def stem(self) -> str:
        return self.dbname

    @property
    def account(self) -> str:
        """``user@host:port``: the name its password is kept under in the keyring."""
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def local(self) -> bool:
        return self.host in LOCAL_HOSTS or self.host.startswith("/")

    def __str__(self) -> str:
        user = f"{quote(self.user)}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{urlencode(self.options)}" if self.options else ""
        return f"postgresql://{user}{host}:{self.port}/{quote(self.dbname)}{query}"

    def connect_params(self) -> dict[str, Any]:
        """What psycopg gets: host, port, user, dbname, sslmode (and the keyring's password)."""
        params: dict[str, Any] = {"host": self.host, "port": self.port, "dbname": self.dbname}
        if self.user:
            params["user"] = self.user
        params.update(dict(self.options))
        if not self.local:
            params.setdefault("sslmode", "verify-full")
        params.setdefault("connect_timeout", 10)
        params.setdefault("application_name", "Smarketer")
        password = _session_passwords.get(self.account) or keyring_password(self)
        if password:
            params["password"] = password
        return params


#: Passwords typed for this run only (the user chose not to keep them), by ``account``.
_session_passwords: dict[str, str] = {}


def use_password_for_session(location: ServerLocation, password: str) -> None:
    """Connect to ``location`` with ``password`` until the app quits; kept nowhere else."""
    _session_passwords[location.account] = password


def keyring_password(location: ServerLocation) -> str | None:
    """The password kept for this server in the OS keyring, if any (None without a keyring:
    libpq then looks in PGPASSWORD and ~/.pgpass itself)."""
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(KEYRING_SERVICE, location.account)
    except (ImportError, KeyringError, RuntimeError):
        return None


@functools.lru_cache(maxsize=2048)
def to_psycopg(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s`` (not inside quotes); ``%`` doubled."""
    out: list[str] = []
    quote_char = ""
    for char in sql:
        if quote_char:
            if char == quote_char:
                quote_char = ""
        elif char in "'\"":
            quote_char = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


def load_driver() -> Any:
    """Import psycopg (kept from peewee's import by ``smarketer._defer_server_driver``) and give
    it to peewee; returns the module. Raises StoreDriverMissing when it is not installed."""
    import sys

    import peewee

    for driver in ("psycopg", "psycopg2"):
        if driver in sys.modules and sys.modules[driver] is None:
            del sys.modules[driver]
    if getattr(peewee, "psycopg", None) is None:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        for name, value in (
            ("psycopg", psycopg),
            ("Json_pg3", Json),
            ("Jsonb_pg3", Jsonb),
            ("TransactionStatus", TransactionStatus),
        ):
            setattr(peewee, name, value)
        adapter = peewee.Psycopg3Adapter
        adapter.txn_idle = TransactionStatus.IDLE
        adapter.txn_inerror = TransactionStatus.INERROR
        adapter.txn_unknown = TransactionStatus.UNKNOWN
    return getattr(peewee, "psycopg")  # noqa: B009 - not in peewee's types


class ServerDatabase(PostgresqlDatabase):
    """peewee's PostgreSQL database, taking the core's SQLite-style raw SQL as it is."""

    location: ServerLocation
    # peewee writes "?" too, so its queries and the core's fragments inside them (SQL("…?"))
    # read alike; _execute_cursor turns every "?" into psycopg's "%s" (peewee's own catalogue
    # queries, written with "%s", pass as they are).
    param = "?"

    def _execute_cursor(self, sql: str, params: Any, **cursor_options: Any) -> Any:
        if not params:
            # psycopg reads placeholders only when given parameters: "%" stays itself.
            params = None
        elif "?" in sql:
            sql = to_psycopg(sql)
        return super()._execute_cursor(sql, params, **cursor_options)  # type: ignore[misc]

    def _connect(self) -> Any:
        conn = super()._connect()  # type: ignore[misc]
        _text_dates(conn)
        return conn


def _text_dates(conn: Any) -> None:
    """Dates go to the server as the ISO text a SQLite file holds (the columns are text)."""
    from psycopg.adapt import Dumper

    class DateAsText(Dumper):
        oid = 0  # unknown: the server reads it as text, or as a date where one is wanted

        def dump(self, obj: date) -> bytes:
            return obj.isoformat().encode()

    conn.adapters.register_dumper(date, DateAsText)


def connect_server(location: ServerLocation) -> ServerDatabase:
    """A connected ServerDatabase for ``location`` (raises peewee/psycopg errors as they come)."""
    load_driver()
    params = location.connect_params()
    dbname = params.pop("dbname")
    database = ServerDatabase(dbname, prefer_psycopg3=True, **params)
    database.location = location
    database.connect()
    return database


def server_problem(exc: BaseException) -> str | None:
    """One line for a server that cannot be reached or refuses us (None for other errors)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return "the server refused the password (keep it in the keyring, PGPASSWORD or ~/.pgpass); " + text
    if "does not exist" in low and "database" in low:
        return f"the server has no such database; create it first ({text})"
    if "certificate" in low or "ssl" in low:
        return f"the server's TLS could not be verified (add ?sslmode=… to the URL to choose): {text}"
    if (
        "connection refused" in low
        or "could not connect" in low
        or "timeout" in low
        or "could not translate host name" in low
        or "connection failed" in low
        or "server closed the connection" in low
        or "terminating connection" in low
        or "connection is closed" in low
        or "the connection is lost" in low
    ):
        return f"the database server cannot be reached; check the address and the network ({text})"
    if "permission denied" in low:
        return f"the server refused: {text}"
    return None
