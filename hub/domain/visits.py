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
from tortoise.exceptions import IntegrityError

from hub.clock import utcnow
from hub.domain import journal, stamp_rows
from hub.domain.cards import updated_event
from hub.domain.locks import lock_card
from hub.domain.vouchers import expire_voucher
from hub.errors import CannotUndo, InvalidInput, NotFound
from hub.models import Business, Card, CardEvent, CardTemplate, Location, StaffSeat, Voucher
from hub.realtime import outbox

DEFAULT_WINDOW_SECONDS = 120
MAX_WINDOW_SECONDS = 3600
# The journal kind of an undone counter stamp; its detail names the stamp it undoes.
UNDONE = "stamp_undone"
UNDO_SECONDS = 120
# Journal kinds that change a card's stamps: an undo must be the card's latest such change.
STAMP_CHANGES = ("stamp", "stamp_manual", "stamp_removed", UNDONE, "stamp_reversed", "transferred_in")


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

    `now` is when the scan was read: the present, or the scan time of a scan the scanner queued
    offline. A stamp counts by when it was scanned, on either side of `now` (a queued scan
    synced after the card was stamped online is the same visit when the two are close).
    Only stamps count: an owner's correction in the admin is no visit, and an undone stamp
    never happened.
    """
    window = business.visit_window_seconds
    # The card's own timestamp rules out most scans (a first visit today) without a query.
    if not window or card.last_stamp_at is None or (now - card.last_stamp_at).total_seconds() >= window:
        return None
    since = now - timedelta(seconds=window)
    # Written after `since` (a row is written no earlier than it was scanned), then judged by
    # when each was scanned.
    recent = await (
        CardEvent.filter(card_id=card.id, kind__in=("stamp", UNDONE), created_at__gt=since)
        .using_db(conn)
        .order_by("-id")
    )
    undone = {(e.detail or {}).get("undoes") for e in recent if e.kind == UNDONE}
    last = next(
        (
            e
            for e in recent
            if e.kind == "stamp"
            and e.delta > 0
            and e.id not in undone
            and abs((now - e.happened_at).total_seconds()) < window
        ),
        None,
    )
    if last is None:
        return None
    seat = await StaffSeat.get_or_none(id=last.seat_id).using_db(conn) if last.seat_id else None
    location = await Location.get_or_none(id=last.location_id).using_db(conn) if last.location_id else None
    return {
        "seconds_ago": max(0, int((now - last.happened_at).total_seconds())),
        "window": window,
        "seat_id": last.seat_id,
        "seat_name": seat.name if seat else None,
        "location_name": location.name if location else None,
        "source": (last.detail or {}).get("source"),
    }


async def undo_stamp(
    business_id: int, stamp_key: str, *, seat_id: int | None = None, location_id: int | None = None
) -> tuple[Card, CardTemplate]:
    """Take back the counter stamp journaled under `stamp_key`, within UNDO_SECONDS of it.

    Only while it is the card's latest stamp change. A stamp that filled the card takes its
    voucher back with it, which is impossible once that voucher was redeemed (or, for a lottery
    card, once the draw was played). Journaled as `stamp_undone` by the seat that undid it,
    and pushed like any change (card.updated). Exactly once: the undo has its own idempotency
    key.
    """
    now = utcnow()
    try:
        async with outbox.transaction() as conn:
            stamp = await CardEvent.get_or_none(
                business_id=business_id, idempotency_key=stamp_key, kind="stamp"
            ).using_db(conn)
            if stamp is None:
                raise NotFound("No such stamp.")
            card = await lock_card(conn, stamp.card_id)
            if card is None:
                raise CannotUndo("This card was deleted.")
            if (now - stamp.created_at).total_seconds() > UNDO_SECONDS:
                raise CannotUndo("Too late to undo: a stamp can be undone for 2 minutes.")
            later = await CardEvent.filter(card_id=card.id, id__gt=stamp.id).using_db(conn).order_by("id")
            if any(e.kind == UNDONE and (e.detail or {}).get("undoes") == stamp.id for e in later):
                raise CannotUndo("This stamp was already undone.")
            if any(e.kind in STAMP_CHANGES for e in later):
                raise CannotUndo("The card has changed since; only its last stamp can be undone.")
            template = await CardTemplate.get(id=card.template_id).using_db(conn)
            rounds = stamp.stamps_after // template.stamps_required
            if rounds and template.reward_type == "lottery":
                raise CannotUndo("This stamp played the prize draw; it cannot be undone.")
            rewards = [e.voucher_id for e in later if e.kind == "voucher_issued" and e.voucher_id][:rounds]
            await _withdraw(conn, card, rewards, seat_id=seat_id, location_id=location_id)
            card.stamps = stamp.stamps_after - stamp.delta
            card.stamps_total -= stamp.delta
            card.rounds_completed -= rounds
            card.last_stamp_at = await _stamp_before(conn, card.id, stamp.id)
            await card.save(update_fields=list(stamp_rows.COUNTERS), using_db=conn)
            await journal.record(
                conn,
                card,
                UNDONE,
                delta=-stamp.delta,
                seat_id=seat_id,
                location_id=location_id,
                idempotency_key=f"undo-{stamp_key}"[:128],
                detail={"undoes": stamp.id},
            )
            await outbox.record(conn, updated_event(card, template))
    except IntegrityError as exc:  # the same stamp undone at the same moment elsewhere
        raise CannotUndo("This stamp was already undone.") from exc
    return card, template


async def _withdraw(
    conn: BaseDBAsyncClient, card: Card, voucher_ids: list[int], *, seat_id: int | None, location_id: int | None
) -> None:
    """The vouchers a stamp earned go with it, unless one was redeemed meanwhile."""
    for voucher in await Voucher.filter(id__in=voucher_ids).using_db(conn):
        where = {"seat_id": seat_id, "location_id": location_id}
        if not await expire_voucher(conn, voucher, card, note="stamp undone", **where):
            raise CannotUndo(f"The reward “{voucher.title}” from this stamp was already redeemed; it stays.")


async def _stamp_before(conn: BaseDBAsyncClient, card_id: int, event_id: int) -> datetime | None:
    """When the card was stamped before the stamp being undone (the card's "last stamp at")."""
    rows = await (
        CardEvent.filter(card_id=card_id, id__lt=event_id, kind__in=("stamp", "stamp_manual", UNDONE))
        .using_db(conn)
        .order_by("-id")
        .limit(50)
    )
    undone = {(e.detail or {}).get("undoes") for e in rows if e.kind == UNDONE}
    return next((e.created_at for e in rows if e.kind != UNDONE and e.delta > 0 and e.id not in undone), None)
