"""Proposals: exact pricing, the PDF, numbering, revisions and acceptance."""
