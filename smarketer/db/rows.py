"""Typed access to a query's plain rows: peewee's stubs type ``query.tuples()`` and
``query.dicts()`` as model instances, so a loop that unpacks its rows goes through here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The query's rows as tuples, in its order (read lazily, like ``query.tuples()``)."""
    return cast(Iterator[tuple[Any, ...]], iter(query.tuples()))


def dicts(query: Any) -> Iterator[dict[str, Any]]:
    """The query's rows as dicts keyed by field name or alias (read lazily, like ``query.dicts()``)."""
    return cast(Iterator[dict[str, Any]], iter(query.dicts()))
