"""Adding and removing stamps. A full card turns into a voucher and starts the next round."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from hub.clock import day_start, local_today, utcnow
from hub.domain import journal, lottery, plans, stamp_rows, visits
from hub.domain.cards import card_state, updated_event
from hub.domain.locks import lock_card, lock_card_to_stamp
from hub.domain.outcomes import ScanResult
from hub.domain.visits import Visit
from hub.domain.vouchers import full_card_voucher
from hub.errors import IdempotencyReplay, InvalidInput, NotFound
from hub.models import Card, CardEvent, CardTemplate, StaffSeat, Voucher
from hub.realtime import outbox
from hub.realtime.events import CardStamped

# What the daily cap counts: stamps given, less those undone at the counter.
DAILY_CAP_KINDS = ("stamp", visits.UNDONE)


async def add_stamp(
    business_id: int,
    card_id: int | None = None,
    *,
    number: int | None = None,
    seat_id: int | None = None,
    location_id: int | None = None,
    idempotency_key: str | None = None,
    source: str = "scan",
    count: int = 1,
    visit: Visit = Visit.ANY,
    detail: dict[str, Any] | None = None,
    scanned_at: datetime | None = None,
) -> ScanResult:
    """Add `count` stamps (one visit: a scan, or a receipt worth several) to the card `card_id`
    (or the card `number`), honouring the template's cooldown and daily cap. Each full round
    earns its reward; the daily cap may grant fewer stamps than asked, never more.
    `visit` applies the counter's one-stamp-per-visit guard (hub.domain.visits). `detail` is
    kept on the journal row (e.g. the POS check it came from).
    `scanned_at` is when a scan queued offline was read at the counter (already bounded by the
    caller, hub.domain.queued_scans): the visit guard and cooldown judge the visit at that time,
    and the journal keeps it next to the time the row was written.

    Exactly once under concurrency: the card row is locked for the whole check-and-write,
    and the idempotency key is unique per business. A card of another business is NotFound
    here and never locked.
    """
    if not 1 <= count <= 100:
        raise InvalidInput("A visit gives between 1 and 100 stamps.", field="count")
    now = utcnow()
    at = min(scanned_at, now) if scanned_at else now
    seat_name = None
    if seat_id:
        seat = await StaffSeat.get_or_none(id=seat_id, business_id=business_id)
        seat_name = seat.name if seat else None
    try:
        async with outbox.transaction() as conn:
            locked = await lock_card_to_stamp(
                conn, business_id, card_id=card_id, number=number, idempotency_key=idempotency_key
            )
            if locked is None:
                raise NotFound("No such card.")
            card, template, business = locked
            # Under the card's lock: of simultaneous scans of one card, the first stamps and
            # every other one finds its stamp here.
            if visit is Visit.ONE and (earlier := await visits.earlier_stamp(conn, card, business, at)):
                return ScanResult("rejected", card, template, reason="already_stamped", detail=earlier)
            # A deliberate extra stamp is the staff's decision for this visit: no cooldown.
            if visit is not Visit.EXTRA and template.cooldown_seconds and card.last_stamp_at:
                wait = card.last_stamp_at + timedelta(seconds=template.cooldown_seconds) - at
                if wait.total_seconds() > 0:
                    return ScanResult(
                        "rejected",
                        card,
                        template,
                        reason="cooldown",
                        detail={"retry_after": max(1, int(wait.total_seconds() + 0.999))},
                    )
            if template.daily_cap:
                since = day_start(local_today(business.timezone, now), business.timezone)
                given = (
                    await CardEvent.filter(
                        business_id=business_id,
                        customer_id=card.customer_id,
                        kind__in=DAILY_CAP_KINDS,
                        created_at__gte=since,
                    )
                    .using_db(conn)
                    .annotate(given=Sum("delta"))
                    .values_list("given", flat=True)
                )
                today = (given[0] if given else 0) or 0
                if today >= template.daily_cap:
                    cap = {"cap": template.daily_cap}
                    return ScanResult("rejected", card, template, reason="daily_cap", detail=cap)
                count = min(count, template.daily_cap - today)

            try:
                await plans.count_operation(conn, business_id, business=business)
            except plans.PlanLimitReached as exc:
                return ScanResult("rejected", card, template, reason="plan_limit", detail=exc.detail)
            card.stamps += count
            card.stamps_total += count
            # A queued scan older than the card's last stamp does not move it back.
            card.last_stamp_at = max(at, card.last_stamp_at) if card.last_stamp_at else at
            full = card.stamps >= template.stamps_required
            row = {
                "business_id": business_id,
                "card_id": card.id,
                "customer_id": card.customer_id,
                "kind": "stamp",
                "delta": count,
                "stamps_after": card.stamps,
                "seat_id": seat_id,
                "location_id": location_id,
                "idempotency_key": idempotency_key,
                "detail": {
                    **(detail or {}),
                    "source": source,
                    **({"deliberate": True} if visit is Visit.EXTRA else {}),
                },
                "scanned_at": scanned_at and at,
            }
            voucher = None
            if full:
                await CardEvent.create(**row, using_db=conn)
                voucher = await reward_full_rounds(
                    conn, card, template, now=now, seat_id=seat_id, location_id=location_id
                )
            stamped: CardStamped = {
                "type": "card.stamped",
                "delta": count,
                "reward": full,
                "seat_id": seat_id,
                "seat_name": seat_name,
                "location_id": location_id,
                **card_state(card, template),
            }
            events = [stamped, updated_event(card, template)]
            if full:
                await card.save(update_fields=list(stamp_rows.COUNTERS), using_db=conn)
                await outbox.record_many(conn, events)
            else:
                outbox.hand_over(await stamp_rows.write(conn, card, row, events))
    except IntegrityError as exc:  # a concurrent request carried the same idempotency key
        raise IdempotencyReplay() from exc
    return ScanResult("reward" if full else "stamped", card, template, voucher=voucher, detail={"stamps": count})


async def reward_full_rounds(
    conn: BaseDBAsyncClient,
    card: Card,
    template: CardTemplate,
    *,
    now: datetime,
    seat_id: int | None = None,
    location_id: int | None = None,
) -> Voucher | None:
    """Turn each full round on the card into its reward and start the next; returns the last
    voucher (None for a lottery blank)."""
    voucher = None
    while card.stamps >= template.stamps_required:
        card.stamps -= template.stamps_required
        card.rounds_completed += 1
        if template.reward_type == "lottery":
            voucher = await lottery.draw_for_full_card(
                conn, card, template, now=now, seat_id=seat_id, location_id=location_id
            )
        else:
            voucher = await full_card_voucher(conn, card, template, now=now, seat_id=seat_id, location_id=location_id)
    return voucher


async def adjust_stamps(business_id: int, card_id: int, delta: int, *, note: str = "", actor: str = "admin") -> Card:
    """An owner's manual correction; no cooldown, never below zero, a full card still rewards."""
    if delta == 0 or abs(delta) > 100:
        raise InvalidInput("Add or remove between 1 and 100 stamps.", field="delta")
    now = utcnow()
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        if card is None or card.business_id != business_id:
            raise NotFound("No such card.")
        template = await CardTemplate.get(id=card.template_id).using_db(conn)
        if delta < 0 and card.stamps + delta < 0:
            raise InvalidInput(f"The card has only {card.stamps} stamps.", field="delta")
        card.stamps += delta
        card.stamps_total += delta
        if delta > 0:
            card.last_stamp_at = now
        await journal.record(
            conn,
            card,
            "stamp_manual" if delta > 0 else "stamp_removed",
            delta=delta,
            detail={"note": note, "by": actor},
        )
        await reward_full_rounds(conn, card, template, now=now)
        await card.save(update_fields=list(stamp_rows.COUNTERS), using_db=conn)
        await outbox.record(conn, updated_event(card, template))
    return card
