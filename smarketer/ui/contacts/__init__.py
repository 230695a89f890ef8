"""The Contacts section: list, filters, segments, editor, timeline, import."""
