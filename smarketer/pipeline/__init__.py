"""The deal pipeline: stages, deals and their moves, the board, tasks, and the figures.

The code lives in one module per job; callers import a name from the module that owns it
(``from smarketer.pipeline.deals import save_deal``): the package re-exports nothing.

- ``errors``: PipelineError (a one-line reason) and DealInvalid (field errors)
- ``stage_list``: the stages in board order; add, rename, reorder
- ``deals``: save, move, win, lose, reopen, find and list deals; removing a stage moves its deals
- ``deal_board``: the board's columns and cards, filtered
- ``tasks``: tasks, the agenda, reminders that come due
- ``metrics``: forecast by close month, conversion and time per stage, win rate
"""
