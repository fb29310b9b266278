"""The `Stamphub-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

Receivers recompute the HMAC over the raw body bytes, compare in constant time, and
refuse a timestamp older than a few minutes so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac

from hub import clock

SIGNATURE_HEADER = "Stamphub-Signature"
DELIVERY_HEADER = "Stamphub-Delivery"
EVENT_HEADER = "Stamphub-Event"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """True when `header` signs `body` with `secret` and is recent enough."""
    parts = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((clock.timestamp() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
