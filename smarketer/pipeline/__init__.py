"""The deal pipeline: stages, deals and their moves, the board, tasks, and the figures.

The code lives in one module per job; this package re-exports their public names because some
thirty modules and tests call ``pipeline.save_deal`` and the like. Modules inside the package
import each other directly, never this facade (that would be an import cycle).

- ``errors``: PipelineError (a one-line reason) and DealInvalid (field errors)
- ``stage_list``: the stages in board order; add, rename, reorder
- ``deals``: save, move, win, lose, reopen, find and list deals; removing a stage moves its deals
- ``deal_board``: the board's columns and cards, filtered
- ``tasks``: tasks, the agenda, reminders that come due
- ``metrics``: forecast by close month, conversion and time per stage, win rate
"""

from smarketer.pipeline.deal_board import BoardFilter, Column, DealCard, board
from smarketer.pipeline.deals import (
    DEFAULT_LOST_REASONS,
    LOST_REASONS_KEY,
    MAX_DEAL_VALUE,
    ClosedDeal,
    DealData,
    closed_deals,
    deal_counts_by_stage,
    deals_for,
    deals_in_stage,
    delete_deal,
    effective_probability,
    find_deal,
    find_deals,
    history,
    lost_reasons,
    mark_lost,
    mark_won,
    move_deal,
    remove_stage,
    reopen,
    save_deal,
    set_lost_reasons,
    validate_deal,
)
from smarketer.pipeline.errors import DealInvalid, PipelineError
from smarketer.pipeline.metrics import MonthForecast, PipelineFigures, StageFigures, figures, forecast
from smarketer.pipeline.stage_list import (
    add_stage,
    check_probability,
    find_stage,
    lost_stage,
    open_stages,
    reorder_stages,
    stages,
    update_stage,
    won_stage,
)
from smarketer.pipeline.tasks import (
    Agenda,
    add_task,
    agenda,
    complete_task,
    due_now,
    find_task,
    reopen_task,
    snooze_task,
    task_context,
    tasks_of_deal,
    update_task,
)

__all__ = [
    "DEFAULT_LOST_REASONS",
    "LOST_REASONS_KEY",
    "MAX_DEAL_VALUE",
    "Agenda",
    "BoardFilter",
    "ClosedDeal",
    "Column",
    "DealCard",
    "DealData",
    "DealInvalid",
    "MonthForecast",
    "PipelineError",
    "PipelineFigures",
    "StageFigures",
    "add_stage",
    "add_task",
    "agenda",
    "board",
    "check_probability",
    "closed_deals",
    "complete_task",
    "deal_counts_by_stage",
    "deals_for",
    "deals_in_stage",
    "delete_deal",
    "due_now",
    "effective_probability",
    "figures",
    "find_deal",
    "find_deals",
    "find_stage",
    "find_task",
    "forecast",
    "history",
    "lost_reasons",
    "lost_stage",
    "mark_lost",
    "mark_won",
    "move_deal",
    "open_stages",
    "remove_stage",
    "reopen",
    "reopen_task",
    "reorder_stages",
    "save_deal",
    "set_lost_reasons",
    "snooze_task",
    "stages",
    "task_context",
    "tasks_of_deal",
    "update_stage",
    "update_task",
    "validate_deal",
    "won_stage",
]
