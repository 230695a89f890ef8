"""Contacts: search and filters, editing, tags, the timeline, trash, segments, duplicates.

The code lives in one module per job; callers import a name from the module that owns it
(``from smarketer.contacts.editing import save_contact``): the package re-exports nothing.

- ``listing``: ContactFilter, the ordered ids of a filter, a page of rows, finding one contact
- ``editing``: ContactData, validation, saving, company and picker lookups, unsubscribing
- ``tags``: cleaning, setting, adding and removing a contact's tags
- ``history``: notes and the timeline
- ``trash``: deleting (restorable), restoring, emptying the trash
- ``saved_segments``: segments (saved filters) and their counts
- ``duplicates``: likely duplicates and merging two contacts
"""
