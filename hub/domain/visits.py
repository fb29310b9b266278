"""One visit, one stamp at the counter.

A double tap, a card scanned twice in Autopilot, or two seats reading the same card at once
would each stamp. The staff scanner and the kiosk therefore stamp with `Visit.ONE`: a card
stamped within the business's visit window (by any seat, or anything else) is answered
"already stamped" instead. The check runs in `add_stamp` after the card's row lock is taken,
so of any number of simultaneous scans exactly one stamps. `Visit.EXTRA` is the staff's
deliberate "+1 another stamp" for an order of several items. The REST API, inserts and
receipts keep their own rules (idempotency keys, template cooldown, daily cap): `Visit.ANY`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from hub.errors import InvalidInput, NotFound
from hub.models import Business, Card, CardEvent, Location, StaffSeat

DEFAULT_WINDOW_SECONDS = 120
MAX_WINDOW_SECONDS = 3600
# The journal kind of an undone counter stamp; its detail names the stamp it undoes.
UNDONE = "stamp_undone"


class Visit(StrEnum):
    ANY = "any"  # no visit guard
    ONE = "one"  # one stamp per visit window
    EXTRA = "extra"  # a deliberate extra stamp in the same visit: no guard, no cooldown


async def set_visit_window(business_id: int, seconds: int) -> None:
    """The owner's setting; 0 turns the guard off."""
    if not isinstance(seconds, int) or not 0 <= seconds <= MAX_WINDOW_SECONDS:
        raise InvalidInput("Choose between 0 and 60 minutes.", field="visit_window_seconds")
    if not await Business.filter(id=business_id).update(visit_window_seconds=seconds):
        raise NotFound("No such business.")


async def earlier_stamp(
    conn: BaseDBAsyncClient, card: Card, business: Business, now: datetime
) -> dict[str, Any] | None:
    """What to tell the staff when `card` (locked by the caller) got a stamp within the visit
    window that still stands: how long ago, and where. None when a stamp may be given.

    Only stamps count: an owner's correction in the admin is no visit, and an undone stamp
    never happened.
    """
    window = business.visit_window_seconds
    # The card's own timestamp rules out most scans (a first visit today) without a query.
    if not window or card.last_stamp_at is None or (now - card.last_stamp_at).total_seconds() >= window:
        return None
    since = now - timedelta(seconds=window)
    recent = await (
        CardEvent.filter(card_id=card.id, kind__in=("stamp", UNDONE), created_at__gt=since)
        .using_db(conn)
        .order_by("-id")
    )
    undone = {(e.detail or {}).get("undoes") for e in recent if e.kind == UNDONE}
    last = next((e for e in recent if e.kind == "stamp" and e.delta > 0 and e.id not in undone), None)
    if last is None:
        return None
    seat = await StaffSeat.get_or_none(id=last.seat_id).using_db(conn) if last.seat_id else None
    location = await Location.get_or_none(id=last.location_id).using_db(conn) if last.location_id else None
    return {
        "seconds_ago": max(0, int((now - last.created_at).total_seconds())),
        "window": window,
        "seat_id": last.seat_id,
        "seat_name": seat.name if seat else None,
        "location_name": location.name if location else None,
        "source": (last.detail or {}).get("source"),
    }
