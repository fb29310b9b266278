"""A campaign's kinds, its delivery rows' states and the sender's pace."""

from __future__ import annotations

import os
from datetime import timedelta

AUTOMATION_KINDS = ("birthday", "winback", "post_purchase")
KINDS = ("broadcast", "direct", *AUTOMATION_KINDS)
OPEN = ("pending", "sending")
FINAL = ("delivered", "failed", "skipped")
BATCH = 25
CHUNK = 500
MAX_ATTEMPTS = 5
BACKOFF = (30, 120, 600, 1800)


def claim_ttl() -> timedelta:
    """How long a claim stays valid without a heartbeat; longer than any one message can take."""
    return timedelta(seconds=float(os.environ.get("CAMPAIGN_CLAIM_TTL", "120")))
