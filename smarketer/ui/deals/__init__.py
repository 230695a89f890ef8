"""The Deals section: the kanban board, the deal editor and the stage editor."""
