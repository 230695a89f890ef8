"""The pipeline's stages: open ones in board order, then Won and Lost; adding, renaming and
reordering them (removing one moves its deals: see ``deals.remove_stage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from smarketer.db import db
from smarketer.db.models.deals import Stage
from smarketer.pipeline.errors import PipelineError


def stages(kind: str | None = None) -> list[Stage]:
    """Stages in board order: open ones, then Won and Lost (``kind`` picks one kind)."""
    query = Stage.select().order_by(Stage.position, Stage.id)
    return list(query.where(Stage.kind == kind) if kind else query.where(Stage.kind != "removed"))


def open_stages() -> list[Stage]:
    return stages("open")


@dataclass(frozen=True)
class StageInfo:
    """A stage as the board and the forms show it (plain data: no row that lazy-loads)."""

    id: int
    name: str
    probability: int
    kind: str  # "open" | "won" | "lost"


def stage_infos(kind: str | None = None) -> list[StageInfo]:
    """``stages(kind)`` as plain data, in board order."""
    return [StageInfo(s.id, s.name, s.probability, s.kind) for s in stages(kind)]


def open_stage_infos() -> list[StageInfo]:
    return stage_infos("open")


class HasId(Protocol):
    @property
    def id(self) -> int: ...


def won_stage() -> Stage:
    return Stage.get(Stage.kind == "won")


def lost_stage() -> Stage:
    return Stage.get(Stage.kind == "lost")


def find_stage(name: str) -> Stage | None:
    """The stage of the pipeline with this name (any case), Won and Lost included."""
    return next((s for s in stages() if s.name.lower() == name.strip().lower()), None)


def check_probability(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PipelineError("The probability must be a whole number from 0 to 100.") from None
    if not 0 <= number <= 100:
        raise PipelineError("The probability must be from 0 to 100.")
    return number


def add_stage(name: str, probability: int, before: HasId | None = None) -> Stage:
    """A new open stage, placed before ``before`` (a Stage or StageInfo; else after the last
    open stage)."""
    name = name.strip()
    if not name:
        raise PipelineError("A stage needs a name.")
    probability = check_probability(probability)
    with db.atomic():
        order = open_stages()
        ids = [s.id for s in order]
        index = ids.index(before.id) if before is not None and before.id in ids else len(order)
        stage = Stage.create(name=name, probability=probability, position=0)
        order.insert(index, stage)
        _renumber([*order, *stages("won"), *stages("lost")])
    return stage


def update_stage(stage_id: int, name: str, probability: int) -> None:
    if not name.strip():
        raise PipelineError("A stage needs a name.")
    Stage.update(name=name.strip(), probability=check_probability(probability)).where(
        Stage.id == stage_id
    ).execute()


def _renumber(ordered: list[Stage]) -> None:
    for position, stage in enumerate(ordered, 1):
        Stage.update(position=position).where(Stage.id == stage.id).execute()


def reorder_stages(stage_ids: list[int]) -> None:
    """Put the open stages in this order (Won and Lost stay last)."""
    current = {s.id: s for s in open_stages()}
    if sorted(stage_ids) != sorted(current):
        raise PipelineError("Reordering must name every open stage once.")
    with db.atomic():
        _renumber([*(current[i] for i in stage_ids), *stages("won"), *stages("lost")])
