"""A real second process that imports one file (run by tests/exchange/test_concurrent_imports.py).

    python import_driver.py STORE FILE TAG READY GO

Opens the store, creates READY, waits for GO to exist (so that two drivers start their imports
at the same moment), imports FILE with TAG and prints ``<created> <skipped> <run id>``.
"""

import sys
import time
from pathlib import Path

from smarketer.db import open_database
from smarketer.exchange.files import plan_import, run_import


def main(argv: list[str]) -> int:
    store, source, tag, ready, go = argv[:5]
    open_database(store)
    plan = plan_import(Path(source))
    Path(ready).touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists():
        if time.monotonic() > deadline:
            print("no go", flush=True)
            return 1
        time.sleep(0.01)
    summary = run_import(plan, tag=tag)
    print(summary.created, summary.skipped, summary.run_id, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
