"""Voucher lifecycle: issued → active → redeemed | expired, enforced with conditional updates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from hub.clock import utcnow
from hub.domain import codes, guesses, journal, plans
from hub.domain.cards import updated_event
from hub.domain.outcomes import ScanResult
from hub.errors import IdempotencyReplay, InvalidInput, NotFound
from hub.models import Card, CardEvent, CardTemplate, Location, StaffSeat, Voucher, VoucherState
from hub.realtime import outbox
from hub.realtime.events import VoucherEvent

LIVE = (VoucherState.ISSUED, VoucherState.ACTIVE)


def voucher_event(
    kind: str, voucher: Voucher, card: Card, *, seat_id: int | None = None, location_id: int | None = None
) -> VoucherEvent:
    return {
        "type": kind,  # type: ignore[typeddict-item]
        "business_id": card.business_id,
        "card_id": card.id,
        "number": card.number,
        "token": card.token,
        "voucher_id": voucher.id,
        "title": voucher.title,
        "state": voucher.state.value,
        "source": voucher.source,
        "seat_id": seat_id,
        "location_id": location_id,
    }


async def _journal(
    conn: BaseDBAsyncClient,
    what: str,
    voucher: Voucher,
    card: Card,
    detail: dict[str, Any],
    *,
    seat_id: int | None = None,
    location_id: int | None = None,
    idempotency_key: str | None = None,
) -> None:
    """A voucher's step (issued, redeemed, expired): its journal row and its event, both in the
    caller's transaction."""
    await journal.record(
        conn,
        card,
        f"voucher_{what}",
        voucher_id=voucher.id,
        seat_id=seat_id,
        location_id=location_id,
        idempotency_key=idempotency_key,
        detail=detail,
    )
    event = voucher_event(f"voucher.{what}", voucher, card, seat_id=seat_id, location_id=location_id)
    await outbox.record(conn, event)


async def create_voucher(
    conn: BaseDBAsyncClient,
    card: Card,
    *,
    title: str,
    source: str,
    expires_at: datetime | None,
    note: str = "",
    seat_id: int | None = None,
    location_id: int | None = None,
    by: str = "",
) -> Voucher:
    """Create an active voucher inside the caller's transaction, with its journal row and event;
    `by` (who issued it by hand) is kept in the journal row."""
    voucher = await Voucher.create(
        business_id=card.business_id,
        card_id=card.id,
        title=title,
        source=source,
        state=VoucherState.ACTIVE,
        redeem_code=codes.new_redeem_code(),
        expires_at=expires_at,
        note=note,
        using_db=conn,
    )
    where = {"seat_id": seat_id, "location_id": location_id}
    detail = {"title": title, "source": source, "note": note}
    if by:
        detail["by"] = by
    await _journal(conn, "issued", voucher, card, detail, **where)
    return voucher


async def issue_manual_voucher(
    business_id: int, card_id: int, *, title: str, expires_at: datetime | None, note: str = "", by: str = ""
) -> Voucher:
    """An owner's one-time voucher for compensation or goodwill; `by` names who issued it."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Give the voucher a title.", field="title")
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("The expiry must be in the future.", field="expires_at")
    async with outbox.transaction() as conn:
        card = await Card.get_or_none(id=card_id, business_id=business_id, deleted_at=None).using_db(conn)
        if card is None:
            raise NotFound("No such card.")
        voucher = await create_voucher(
            conn, card, title=title, source="manual", expires_at=expires_at, note=note[:500], by=by
        )
    return voucher


@dataclass(frozen=True)
class ManualVoucher:
    """A voucher issued by hand, with who issued it and why."""

    id: int
    title: str
    state: str
    card_id: int
    card_number: int
    customer_name: str
    note: str
    by: str
    created_at: datetime
    expires_at: datetime | None


async def manual_vouchers(business_id: int, *, limit: int = 50) -> list[ManualVoucher]:
    """The business's hand-issued vouchers, newest first."""
    rows = (
        await Voucher.filter(business_id=business_id, source="manual")
        .order_by("-id")
        .limit(limit)
        .values(
            "id",
            "title",
            "state",
            "card_id",
            "card__number",
            "card__customer__name",
            "note",
            "created_at",
            "expires_at",
        )
    )
    issued = await CardEvent.filter(
        business_id=business_id, kind="voucher_issued", voucher_id__in=[r["id"] for r in rows]
    ).values("voucher_id", "detail")
    by = {}
    for row in issued:
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"] or {}
        by[row["voucher_id"]] = str(detail.get("by") or "")
    return [
        ManualVoucher(
            id=r["id"],
            title=r["title"],
            state=str(getattr(r["state"], "value", r["state"])),
            card_id=r["card_id"],
            card_number=r["card__number"],
            customer_name=r["card__customer__name"],
            note=r["note"],
            by=by.get(r["id"], "").split(":", 1)[-1],
            created_at=r["created_at"],
            expires_at=r["expires_at"],
        )
        for r in rows
    ]


async def _where(seat_id: int | None, location_id: int | None) -> str:
    parts = []
    if location_id and (loc := await Location.get_or_none(id=location_id)):
        parts.append(f" at {loc.name}")
    if seat_id and (seat := await StaffSeat.get_or_none(id=seat_id)):
        parts.append(f" by {seat.name}")
    return "".join(parts)


async def redeem_voucher(
    business_id: int,
    voucher: Voucher,
    *,
    seat_id: int | None = None,
    location_id: int | None = None,
    via: str = "scan",
    idempotency_key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> ScanResult:
    """Redeem exactly once; a replay is rejected naming when and where it was redeemed.
    `detail` is kept on the journal row (e.g. the POS check it was redeemed on)."""
    now = utcnow()
    card = await Card.get(id=voucher.card_id)
    template = await CardTemplate.get(id=card.template_id)
    if idempotency_key and await CardEvent.exists(business_id=business_id, idempotency_key=idempotency_key):
        raise IdempotencyReplay()
    if card.deleted_at is not None:
        return ScanResult("rejected", card, template, reason="card_deleted", voucher=voucher)
    if voucher.state in LIVE and voucher.expires_at is not None and voucher.expires_at <= now:
        await expire_vouchers(voucher_ids=[voucher.id])
        await voucher.refresh_from_db()
    if voucher.state == VoucherState.EXPIRED:
        return ScanResult("rejected", card, template, reason="expired", voucher=voucher, detail=_expiry(voucher))
    try:
        async with outbox.transaction() as conn:
            won = (
                await Voucher.filter(id=voucher.id, state__in=LIVE)
                .using_db(conn)
                .update(
                    state=VoucherState.REDEEMED,
                    redeemed_at=now,
                    redeemed_seat_id=seat_id,
                    redeemed_location_id=location_id,
                    redeemed_via=via,
                )
            )
            if won:
                await plans.count_operation(conn, business_id, enforce=False)
                await voucher.refresh_from_db(using_db=conn)
                detail = {**(detail or {}), "title": voucher.title, "via": via}
                where = {"seat_id": seat_id, "location_id": location_id}
                await _journal(conn, "redeemed", voucher, card, detail, idempotency_key=idempotency_key, **where)
                await outbox.record(conn, updated_event(card, template))
    except IntegrityError as exc:  # the same idempotency key raced in from another request
        raise IdempotencyReplay() from exc
    if won:
        return ScanResult("redeemed", card, template, voucher=voucher)
    await voucher.refresh_from_db()
    return ScanResult(
        "rejected", card, template, reason="already_redeemed", voucher=voucher, detail=await redemption_detail(voucher)
    )


def _expiry(voucher: Voucher) -> dict[str, Any]:
    return {"expires_at": voucher.expires_at.strftime("%Y-%m-%d %H:%M UTC") if voucher.expires_at else "earlier"}


async def redemption_detail(voucher: Voucher) -> dict[str, Any]:
    when = voucher.redeemed_at.strftime("%Y-%m-%d %H:%M UTC") if voucher.redeemed_at else "earlier"
    seat = await StaffSeat.get_or_none(id=voucher.redeemed_seat_id) if voucher.redeemed_seat_id else None
    location = await Location.get_or_none(id=voucher.redeemed_location_id) if voucher.redeemed_location_id else None
    return {
        "redeemed_at": when,
        "where": await _where(voucher.redeemed_seat_id, voucher.redeemed_location_id),
        "redeemed_by_seat": seat.name if seat else None,
        "redeemed_location": location.name if location else None,
        "redeemed_via": voucher.redeemed_via,
    }


async def waiting_vouchers(card_ids: list[int]) -> dict[int, list[Voucher]]:
    """Per card, its vouchers that can be redeemed now, oldest first (the one to use up first)."""
    now = utcnow()
    waiting: dict[int, list[Voucher]] = {card_id: [] for card_id in card_ids}
    for voucher in await Voucher.filter(card_id__in=card_ids, state__in=LIVE).order_by("id"):
        # Past its expiry a voucher is dead even before the expiry job has run.
        if voucher.expires_at is None or voucher.expires_at > now:
            waiting[voucher.card_id].append(voucher)
    return waiting


async def voucher_of_business(business_id: int, voucher_id: int) -> Voucher:
    voucher = await Voucher.get_or_none(id=voucher_id, business_id=business_id)
    if voucher is None:
        raise NotFound("No such voucher.")
    return voucher


async def find_by_redeem_code(redis: Redis, prefix: str, business_id: int, raw: str, *, client: str) -> Voucher:
    """The business's voucher behind a redeem code typed or sent by `client` (an API caller's
    address, `seat:<id>`), behind the one limiter for redeem codes (`hub.domain.guesses`).

    Raises InvalidInput for a typo (caught by the check character, never counted), NotFound
    for an unknown code (counted), RateLimited while this client or the business must wait.
    """
    code = codes.normalize_redeem_code(raw)
    if code is None:
        raise InvalidInput("That redeem code has a typo: check it and type it again.", field="redeem_code")

    async def lookup() -> Voucher:
        voucher = await Voucher.get_or_none(redeem_code=code, business_id=business_id)
        if voucher is None:
            raise NotFound("No voucher with that redeem code.")
        return voucher

    return await guesses.guarded(redis, prefix, guesses.redeem_buckets(business_id, client), lookup)


async def expire_voucher(
    conn: BaseDBAsyncClient,
    voucher: Voucher,
    card: Card,
    *,
    note: str = "",
    seat_id: int | None = None,
    location_id: int | None = None,
) -> bool:
    """Move a live voucher to `expired` in the caller's transaction, journaled and announced.

    False when it is no longer live: the update is conditional like a redemption's, so of a
    redemption and an expiry at the same moment exactly one wins."""
    live = Voucher.filter(id=voucher.id, state__in=LIVE).using_db(conn)
    if not await live.update(state=VoucherState.EXPIRED):
        return False
    voucher.state = VoucherState.EXPIRED
    detail = {"title": voucher.title, "note": note} if note else {"title": voucher.title}
    await _journal(conn, "expired", voucher, card, detail, seat_id=seat_id, location_id=location_id)
    return True


async def expire_vouchers(*, voucher_ids: list[int] | None = None) -> int:
    """Move live vouchers past their expiry to `expired`; returns how many."""
    now = utcnow()
    query = Voucher.filter(state__in=LIVE, expires_at__lte=now)
    if voucher_ids is not None:
        query = query.filter(id__in=voucher_ids)
    count = 0
    for voucher in await query:
        async with outbox.transaction() as conn:
            card = await Card.get(id=voucher.card_id).using_db(conn)
            if not await expire_voucher(conn, voucher, card):
                continue
        count += 1
    return count


def default_expiry(template: CardTemplate, now: datetime) -> datetime | None:
    return now + timedelta(days=template.voucher_valid_days) if template.voucher_valid_days else None


async def full_card_voucher(
    conn: BaseDBAsyncClient,
    card: Card,
    template: CardTemplate,
    *,
    now: datetime,
    seat_id: int | None = None,
    location_id: int | None = None,
) -> Voucher:
    """The template's reward for one full round of the card."""
    return await create_voucher(
        conn,
        card,
        title=template.reward_title,
        source="card_full",
        expires_at=default_expiry(template, now),
        seat_id=seat_id,
        location_id=location_id,
    )
