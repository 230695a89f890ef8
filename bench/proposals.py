"""Proposal PDFs: one page, and 500 line items. Run by hand:

    .venv/bin/python bench/proposals.py

Each is compared with a plain reportlab table of the same rows (Helvetica, no styling, no
totals), the floor for building that many rows with the same library.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def plain_table(rows: int) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    data = [["Description", "Qty", "Unit price", "Tax", "Amount"]]
    data += [[f"Item {i}", "2", "95.00", "23 %", "190.00"] for i in range(rows)]
    start = time.perf_counter()
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([Table(data, repeatRows=1)])
    return time.perf_counter() - start


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="smarketer-proposals-"))
    os.environ["SMARKETER_HOME"] = str(tmp / "home")
    from smarketer.contacts.editing import ContactData, save_contact
    from smarketer.db import open_database
    from smarketer.proposals import pdf
    from smarketer.proposals.contents import ItemData, add_item
    from smarketer.proposals.drafts import create_proposal

    open_database(tmp / "store.db")
    client = save_contact(ContactData(first_name="Zoë", last_name="Ørsted", email="zoe@example.com"))
    small = create_proposal("One page", contact_id=client.id)
    for i in range(8):
        add_item(small.id, ItemData(f"Item {i}", "2", "h", "95", tax_rate="23"))
    large = create_proposal("Five hundred lines", contact_id=client.id)
    for i in range(500):
        add_item(large.id, ItemData(f"Item {i}", "2", "h", "95", tax_rate="23"))
    start = time.perf_counter()
    pdf.register_fonts()
    fonts = time.perf_counter() - start
    for name, proposal, rows in (("one page", small, 8), ("500 items", large, 500)):
        took = timed(lambda p=proposal: pdf.build_pdf(p.id))
        base = timed(lambda r=rows: plain_table(r))
        pages = pdf.build_pdf(proposal.id).count(b"/Type /Page\n")
        target = "200 ms" if rows < 100 else "3 s"
        print(
            f"{name}: {took * 1000:.0f} ms (median of 5, {pages or '?'} pages)  target < "
            f"{target}  plain reportlab table {base * 1000:.0f} ms, ratio {took / base:.1f}x"
        )
    print(f"font registration, once per process: {fonts * 1000:.0f} ms")


if __name__ == "__main__":
    main()
