"""Typed access to a query's plain rows: peewee's stubs type ``query.tuples()`` as model
instances, so a loop that unpacks its tuples goes through here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The query's rows as tuples, in its order (read lazily, like ``query.tuples()``)."""
    return cast(Iterator[tuple[Any, ...]], iter(query.tuples()))
