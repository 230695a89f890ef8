"""`contacts list --json` on a store of real size: wall time and peak memory of the command,
beside a plain baseline (sqlite3 reading the same columns, json writing one line per contact).

    .venv/bin/python -m smarketer demo /tmp/big.db --contacts 100000
    .venv/bin/python bench/contacts_json.py /tmp/big.db
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

BASELINE = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
out = sys.stdout
out.write('{"contacts": [\\n')
for row in conn.execute(
    "SELECT c.id, c.first_name || ' ' || c.last_name, c.email, coalesce(co.name, ''), c.phone, "
    "c.status, c.city, c.consent, c.unsubscribed_at, c.bounced_at, c.created_at, c.updated_at, "
    "(SELECT json_group_array(t.name) FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id "
    "WHERE ct.contact_id = c.id) FROM contact c LEFT JOIN company co ON co.id = c.company_id "
    "WHERE c.deleted_at IS NULL ORDER BY c.last_name, c.first_name, c.id"
):
    out.write(json.dumps(row, ensure_ascii=False) + ",\\n")
out.write("]}\\n")
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak MB of one child process (its output to a temporary file)."""
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=sink, check=True, env=dict(os.environ, LANG="C.UTF-8"))
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    return seconds, peak


def main() -> None:
    store = sys.argv[1]
    plain = measure([sys.executable, "-c", BASELINE, store])
    ours = measure([sys.executable, "-m", "smarketer", "--db", store, "contacts", "list", "--json"])
    print(f"plain sqlite3 + json:      {plain[0]:6.1f} s, peak {plain[1]:5.0f} MB")
    ratio = ours[0] / plain[0]
    print(f"contacts list --json:      {ours[0]:6.1f} s, peak {ours[1]:5.0f} MB (ratio {ratio:.1f}×)")


if __name__ == "__main__":
    main()
