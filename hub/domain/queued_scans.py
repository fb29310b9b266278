"""Scans the staff scanner queued while it had no connection, sent once it has one again.

A queued scan carries the code, an idempotency key made on the device, the seat it was read
at and when. Exactly once per key: the key goes into the journal's unique (business, key)
index with the stamp, so a page sending its queue twice, or two tabs sending the same queue
at once, stamp once; the late twin is answered with the stamp it finds.

When it was scanned is the device's word, so it is bounded before it is believed. The device
says how long ago it read the code (its clock at sending minus its clock at scanning), which
holds even when the tablet's clock is set wrong; the server subtracts that age from its own
clock. An age below zero (the device's clock went back) counts as "just now"; an age above
RETENTION (the queue kept a scan past a day, and staff chose to send it anyway) is not
believed at all: the scan counts as read when it arrives, and the journal keeps only the
claim. Within those bounds a seat could at most move a scan back by a day, which gains
nothing the staff's own "+1 another stamp" does not already allow.

Vouchers are never queued: whether one may still be redeemed is the server's decision at
the moment it is shown (the screenshot guard), so a voucher code here is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from hub.clock import utcnow
from hub.domain import codes, staff_sessions
from hub.domain.outcomes import ScanResult
from hub.domain.scans import ensure_seat_signed_in
from hub.domain.staff_sessions import SeatContext
from hub.domain.stamps import add_stamp
from hub.domain.visits import Visit
from hub.errors import (
    ForeignCard,
    IdempotencyReplay,
    InvalidInput,
    NeedsConnection,
    NotFound,
    SeatRevoked,
    Unauthorized,
)
from hub.models import Card, CardEvent, CardTemplate, StaffSeat

RETENTION = timedelta(hours=24)
SOURCE = "offline"


def scan_time(scanned_ms: int, sent_ms: int, now: datetime) -> tuple[datetime | None, int]:
    """When a queued scan was read, on the server's clock, from the device's two clock readings
    (milliseconds); None when the claim is past RETENTION and cannot be believed. Also returns
    the claimed age in seconds, for the journal."""
    age = (sent_ms - scanned_ms) / 1000
    if age > RETENTION.total_seconds():
        return None, int(age)
    return now - timedelta(seconds=max(0.0, age)), int(age)


async def seat_for_queue(stored: Mapping[str, Any] | None) -> SeatContext:
    """The signed-in seat of this device's session; raises SeatRevoked when its seat was revoked
    (its queue must not be applied) and Unauthorized when it signed out or its PIN changed."""
    ctx = await staff_sessions.current_seat(stored)
    if ctx is not None:
        return ctx
    seat_id = stored.get("id") if isinstance(stored, Mapping) else None
    if isinstance(seat_id, int) and await StaffSeat.exists(id=seat_id, revoked_at__not_isnull=True):
        raise SeatRevoked()
    raise Unauthorized("Signed out: sign in again to send the waiting scans.")


async def send_queued_scan(
    ctx: SeatContext,
    raw_code: str,
    *,
    secret: bytes,
    key: str,
    scanned_ms: int,
    sent_ms: int,
) -> ScanResult:
    """Stamp a queued card code once per visit, judged at its (bounded) scan time."""
    await ensure_seat_signed_in(ctx)
    now = utcnow()
    at, claimed_age = scan_time(scanned_ms, sent_ms, now)
    # A rotating code is checked against when it was shown, not when it arrives.
    parsed = codes.parse_code(secret, raw_code, now=(at or now).timestamp())
    if parsed.kind != "card":
        raise NeedsConnection()
    try:
        result = await add_stamp(
            ctx.business_id,
            number=parsed.ident,
            seat_id=ctx.seat_id,
            location_id=ctx.location_id,
            idempotency_key=key,
            source=SOURCE if at else f"{SOURCE}-late",
            visit=Visit.ONE,
            scanned_at=at,
        )
    except IdempotencyReplay:
        return await _already_sent(ctx.business_id, key)
    except NotFound:
        if await Card.exists(number=parsed.ident, deleted_at=None):
            raise ForeignCard() from None
        raise NotFound("This card no longer exists.") from None
    # A twin sent at the same moment may have waited for the card's lock and then met the
    # stamp of its own key as an earlier visit: it is the same scan, answered as such.
    if result.outcome == "rejected" and await CardEvent.exists(business_id=ctx.business_id, idempotency_key=key):
        return await _already_sent(ctx.business_id, key)
    if at is None:
        result.detail = {**result.detail, "claimed_age_seconds": claimed_age}
    return result


async def _already_sent(business_id: int, key: str) -> ScanResult:
    """The stamp an earlier sending of this key gave, as the card stood right after it."""
    event = await CardEvent.get_or_none(business_id=business_id, idempotency_key=key)
    if event is None:  # the twin's transaction rolled back: nothing was stamped
        raise IdempotencyReplay()
    card = await Card.get(id=event.card_id)
    template = await CardTemplate.get(id=card.template_id)
    card.stamps = event.stamps_after  # not saved: how the card stood after that stamp
    return ScanResult("stamped", card, template, detail={"already_sent": True})


def check_key(key: object) -> str:
    if not isinstance(key, str) or not 8 <= len(key) <= 100 or not key.replace("-", "").isalnum():
        raise InvalidInput("A queued scan needs its key.", field="key")
    return f"queued-{key}"
