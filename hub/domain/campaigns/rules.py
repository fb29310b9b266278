"""A campaign's kinds, its delivery rows' states and the sender's pace."""

from __future__ import annotations

from datetime import timedelta

from hub.config import settings

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
    return settings().campaigns.claim_ttl
