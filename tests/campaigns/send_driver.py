"""A real second process that sends one campaign (run by tests/campaigns/test_never_twice.py).

    python send_driver.py STORE CAMPAIGN_ID LEASE_SECONDS RENEW_EVERY RETRY_DELAY [wait]

Prints one line: ``<status> <sent> <failed> <unknown> <skipped>``, or ``busy: <who>``. The
lease length and delays are parameters so that a test can make a lease expire in seconds.
"""

import sys

from smarketer.campaigns import lease, sender
from smarketer.db import open_database


def main(argv: list[str]) -> int:
    store, campaign_id, lease_seconds, renew_every, retry_delay = argv[:5]
    lease.LEASE_SECONDS = float(lease_seconds)
    open_database(store)
    try:
        result = sender.send_campaign(
            int(campaign_id),
            retry_delays=(float(retry_delay),) * 3,
            renew_every=float(renew_every),
            wait_for_lease="wait" in argv[5:],
            reconnect_delay=0.2,
        )
    except lease.CampaignBusy as exc:
        print(f"busy: {exc}", flush=True)
        return 0
    print(result.status, result.sent, result.failed, result.unknown, result.skipped, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
