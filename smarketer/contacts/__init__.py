"""Contacts: search and filters, editing, tags, the timeline, trash, segments, duplicates.

The code lives in one module per job; this package re-exports their public names because most
of the app and the tests call ``contacts.save_contact`` and the like. Modules inside the package
import each other directly, never this facade (that would be an import cycle).

- ``listing``: ContactFilter, the ordered ids of a filter, a page of rows, finding one contact
- ``editing``: ContactData, validation, saving, company and picker lookups, unsubscribing
- ``tags``: cleaning, setting, adding and removing a contact's tags
- ``history``: notes and the timeline
- ``trash``: deleting (restorable), restoring, emptying the trash
- ``saved_segments``: segments (saved filters) and their counts
- ``duplicates``: likely duplicates and merging two contacts
"""

from smarketer.contacts.duplicates import MERGE_FIELDS, DuplicatePair, find_duplicates, merge_contacts
from smarketer.contacts.editing import (
    ContactData,
    ContactInvalid,
    company_id_named,
    company_named,
    company_names_like,
    contact_label,
    find_contacts,
    save_contact,
    unsubscribe,
    unsubscribe_addresses,
    validate_contact,
)
from smarketer.contacts.history import add_note, day_text, timeline
from smarketer.contacts.listing import (
    BROAD_MATCH,
    CONSENT_CHOICES,
    SORT_COLUMNS,
    ContactFilter,
    ContactRow,
    contact_ids,
    count,
    fetch_rows,
    filtered,
    find_contact,
    first_ids,
    tags_by_contact,
)
from smarketer.contacts.saved_segments import (
    delete_segment,
    find_segment,
    save_segment,
    segment_by_id,
    segment_counts,
    segment_filter,
    segments,
    segments_with_counts,
)
from smarketer.contacts.tags import (
    add_tags,
    all_tag_names,
    clean_tags,
    remove_tags,
    set_tags,
    tag_named,
    tag_names,
)
from smarketer.contacts.trash import delete_contacts, empty_trash, restore_contacts
from smarketer.db.models.contacts import LIFECYCLE_STATUSES  # the statuses a contact can have

__all__ = [
    "BROAD_MATCH",
    "LIFECYCLE_STATUSES",
    "CONSENT_CHOICES",
    "ContactData",
    "ContactFilter",
    "ContactInvalid",
    "ContactRow",
    "DuplicatePair",
    "MERGE_FIELDS",
    "SORT_COLUMNS",
    "add_note",
    "add_tags",
    "all_tag_names",
    "clean_tags",
    "company_id_named",
    "company_named",
    "company_names_like",
    "contact_ids",
    "contact_label",
    "count",
    "day_text",
    "delete_contacts",
    "delete_segment",
    "empty_trash",
    "fetch_rows",
    "filtered",
    "find_contact",
    "find_contacts",
    "first_ids",
    "find_duplicates",
    "find_segment",
    "merge_contacts",
    "remove_tags",
    "restore_contacts",
    "save_contact",
    "save_segment",
    "segment_by_id",
    "segment_counts",
    "segment_filter",
    "segments",
    "segments_with_counts",
    "set_tags",
    "tag_named",
    "tag_names",
    "tags_by_contact",
    "timeline",
    "unsubscribe",
    "unsubscribe_addresses",
    "validate_contact",
]
