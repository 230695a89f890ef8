"""Smarketer: sales and marketing for the owner-operator, in one offline desktop app."""

__version__ = "0.1.0"
APP_NAME = "Smarketer"
#: The reverse-DNS id of the desktop entry, the AppStream metainfo, the icon and the window
#: (resources/desktop/APP_ID.desktop and .metainfo.xml carry it in their names).
APP_ID = "io.github.smarketer.Smarketer"


def _defer_server_driver() -> None:
    """peewee imports a PostgreSQL driver as it loads, if it finds one: psycopg costs 0.2-0.3 s
    of every start, which only a server store needs. Until ``smarketer.db.server.load_driver()``
    runs (on the first server connection), the drivers look absent to peewee."""
    import sys

    if "peewee" not in sys.modules:
        for driver in ("psycopg", "psycopg2"):
            sys.modules.setdefault(driver, None)  # type: ignore[arg-type]


_defer_server_driver()
