"""Getting contacts in and out: CSV and vCard files from and for other apps.

Both readers turn a file into ``Incoming`` records (or ``Rejected`` ones with a reason);
``importer.import_records`` writes them in one transaction under a duplicate policy.
"""
