"""The Proposals section: list, editor with live totals, PDF preview and export."""
