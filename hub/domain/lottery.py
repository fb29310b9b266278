"""Lottery rewards: weighted prize pools with stock, and draws anyone can verify.

A draw is decided and stored server-side, in the transaction of whatever fired it (a full
card, a delivery insert, a receipt QR, a campaign), before any page animates it. Fairness
is commit–reveal: the seed's sha256 (the commitment) is published with the draw, the card
page shows it before the spin and the seed after; the outcome is a pure function of the
seed and the weighted list stored with the draw (`pick`), so anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from hub.clock import utcnow
from hub.domain import journal
from hub.domain.locks import lock_card
from hub.domain.lottery_pools import add_prize, create_pool  # noqa: F401  (set-up next to the draws it feeds)
from hub.domain.vouchers import create_voucher, full_card_voucher
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardTemplate, LotteryDraw, Prize, PrizePool, Voucher
from hub.realtime import outbox
from hub.realtime.events import LotteryDrawn

SOURCES = ("card_full", "insert", "receipt", "campaign", "manual")


# --- The verifiable part: pure functions a customer can redo with `sha256sum` -------------


def commitment_of(seed: str) -> str:
    """sha256 of the seed's text, as lowercase hex: `printf %s SEED | sha256sum`."""
    return hashlib.sha256(seed.encode()).hexdigest()


def roll_of(seed: str) -> int:
    """A 60-bit number from the seed: the first 15 hex digits of sha256("SEED:roll").

    60 bits fit a signed BIGINT column, and modulo any realistic total weight the bias is
    below one in a hundred trillion.
    """
    return int(hashlib.sha256(f"{seed}:roll".encode()).hexdigest()[:15], 16)


def pick(seed: str, entries: list[dict[str, Any]]) -> int | None:
    """Index of the winning entry: roll modulo the total weight, walked through the list in order.

    `entries` is the draw's snapshot: [{"prize_id", "title", "weight"}, ...]. None when the
    list is empty (nothing left to win).
    """
    total = sum(int(e["weight"]) for e in entries)
    if total <= 0:
        return None
    point = roll_of(seed) % total
    for index, entry in enumerate(entries):
        point -= int(entry["weight"])
        if point < 0:
            return index
    raise AssertionError("unreachable: weights sum to total")


def verify(draw: LotteryDraw) -> bool:
    """True when the stored seed matches the commitment and reproduces the stored outcome."""
    if commitment_of(draw.seed) != draw.commitment or roll_of(draw.seed) != draw.roll:
        return False
    index = pick(draw.seed, draw.snapshot)
    won = draw.snapshot[index]["prize_id"] if index is not None else None
    return won == draw.prize_id


# --- Prize pools (administered in hub.domain.lottery_pools) -----------------------------


async def pool_for_template(template: CardTemplate, conn: BaseDBAsyncClient | None = None) -> PrizePool | None:
    query = PrizePool.filter(
        template_id=template.id, business_id=template.business_id, archived_at__isnull=True
    ).order_by("id")
    return await (query.using_db(conn) if conn else query).first()


async def drawable_pool(conn: BaseDBAsyncClient, business_id: int, pool_id: int | None) -> PrizePool | None:
    """The business's pool by id, unless it is gone or archived (an archived pool draws no more)."""
    if pool_id is None:
        return None
    return await PrizePool.get_or_none(id=pool_id, business_id=business_id, archived_at__isnull=True).using_db(conn)


async def prize_titles(template: CardTemplate) -> list[str]:
    """What a full card of a lottery stamp card can win now (prizes in stock, in pool order);
    empty for a voucher card or a lottery card without a pool."""
    if template.reward_type != "lottery":
        return []
    pool = await pool_for_template(template)
    if pool is None:
        return []
    prizes = await Prize.filter(pool_id=pool.id, retired_at__isnull=True, weight__gt=0).order_by("position", "id")
    return [p.title for p in prizes if p.stock is None or p.stock > 0]


# --- Draws -------------------------------------------------------------------------------


async def draw_in_transaction(
    conn: BaseDBAsyncClient,
    card: Card,
    pool: PrizePool,
    *,
    source: str,
    template: CardTemplate | None = None,
    seat_id: int | None = None,
    location_id: int | None = None,
) -> LotteryDraw:
    """Decide a draw inside the caller's transaction (which should hold the card's lock).

    Draws of one pool queue on the pool's row lock, so the weighted list each one rolls
    against is exactly the stock left by the ones before it; the conditional UPDATE of
    stock is the last guard that a prize is never handed out beyond its stock.
    """
    if source not in SOURCES:
        raise InvalidInput("Unknown lottery source.", field="source")
    now = utcnow()
    await PrizePool.filter(id=pool.id).using_db(conn).update(blank_weight=F("blank_weight"))
    pool = await PrizePool.get(id=pool.id).using_db(conn)
    if pool.archived_at is not None:
        raise InvalidInput("This prize pool is archived.", field="pool_id")
    prizes = await (
        Prize.filter(pool_id=pool.id, weight__gt=0, retired_at__isnull=True).using_db(conn).order_by("position", "id")
    )
    entries: list[dict[str, Any]] = [
        {"prize_id": p.id, "title": p.title, "weight": p.weight} for p in prizes if p.stock is None or p.stock > 0
    ]
    if pool.blank_weight > 0:
        entries.append({"prize_id": None, "title": "", "weight": pool.blank_weight})
    seed = secrets.token_hex(32)
    index = pick(seed, entries)
    prize = next((p for p in prizes if index is not None and p.id == entries[index]["prize_id"]), None)

    voucher: Voucher | None = None
    if prize is not None:
        if prize.stock is None:
            taken = await Prize.filter(id=prize.id).using_db(conn).update(awarded=F("awarded") + 1)
        else:
            taken = (
                await Prize.filter(id=prize.id, stock__gt=0)
                .using_db(conn)
                .update(stock=F("stock") - 1, awarded=F("awarded") + 1)
            )
        if not taken:  # only reachable if something bypassed the pool lock
            raise RuntimeError(f"prize {prize.id} ran out of stock during a draw")
        days = prize.valid_days if prize.valid_days is not None else (template.voucher_valid_days if template else 0)
        voucher = await create_voucher(
            conn,
            card,
            title=prize.title,
            source="lottery",
            expires_at=now + timedelta(days=days) if days else None,
            note=f"lottery draw, pool {pool.id}",
            seat_id=seat_id,
            location_id=location_id,
        )
    draw = await LotteryDraw.create(
        business_id=card.business_id,
        card_id=card.id,
        pool_id=pool.id,
        pool_version=pool.version,
        prize_id=prize.id if prize else None,
        voucher_id=voucher.id if voucher else None,
        source=source,
        seed=seed,
        commitment=commitment_of(seed),
        roll=roll_of(seed),
        snapshot=entries,
        using_db=conn,
    )
    await journal.record(
        conn,
        card,
        "lottery_drawn",
        voucher_id=voucher.id if voucher else None,
        seat_id=seat_id,
        location_id=location_id,
        detail={
            "draw_id": draw.id,
            "commitment": draw.commitment,
            "won": prize is not None,
            "title": prize.title if prize else None,
            "source": source,
        },
    )
    drawn: LotteryDrawn = {
        "type": "lottery.drawn",
        "business_id": card.business_id,
        "card_id": card.id,
        "number": card.number,
        "token": card.token,
        "draw_id": draw.id,
        "pool_id": pool.id,
        "commitment": draw.commitment,
        "source": source,
        "won": prize is not None,
        "prize_title": prize.title if prize else None,
        "voucher_id": voucher.id if voucher else None,
        "seat_id": seat_id,
        "location_id": location_id,
    }
    await outbox.record(conn, drawn)
    return draw


async def draw_for_full_card(
    conn: BaseDBAsyncClient,
    card: Card,
    template: CardTemplate,
    *,
    now: datetime,
    seat_id: int | None = None,
    location_id: int | None = None,
) -> Voucher | None:
    """The reward of a full card on a lottery template: the prize voucher, or None for a blank.

    A lottery template without a pool still rewards: it falls back to the plain voucher, so
    a half-configured template never swallows a customer's full card.
    """
    pool = await pool_for_template(template, conn)
    if pool is None:
        return await full_card_voucher(conn, card, template, now=now, seat_id=seat_id, location_id=location_id)
    draw = await draw_in_transaction(
        conn, card, pool, source="card_full", template=template, seat_id=seat_id, location_id=location_id
    )
    return await Voucher.get(id=draw.voucher_id).using_db(conn) if draw.voucher_id else None


async def fire_lottery(
    business_id: int,
    card_id: int,
    pool_id: int,
    *,
    source: str,
    seat_id: int | None = None,
    location_id: int | None = None,
) -> LotteryDraw:
    """Draw for a card outside a full card (delivery insert, receipt QR, campaign)."""
    async with outbox.transaction() as conn:
        card = await lock_card(conn, card_id)
        if card is None or card.business_id != business_id:
            raise NotFound("No such card.")
        pool = await drawable_pool(conn, business_id, pool_id)
        if pool is None:
            raise NotFound("No such prize pool.")
        template = await CardTemplate.get(id=card.template_id).using_db(conn)
        draw = await draw_in_transaction(
            conn, card, pool, source=source, template=template, seat_id=seat_id, location_id=location_id
        )
    return draw


async def grant_spin(business_id: int, card_id: int, pool_id: int, *, source: str = "campaign") -> LotteryDraw:
    """Give a card a spin waiting for its customer: a draw decided now, against the pool's
    current version and sealed by its commitment, which the card page plays (and reveals)
    the next time it is open. A message may announce it with `SPIN_WAITING`."""
    return await fire_lottery(business_id, card_id, pool_id, source=source)


SPIN_WAITING = "You have a spin waiting: open your card to play it."


async def waiting_spins(card_id: int) -> int:
    """How many spins the card's customer has not played yet."""
    return await LotteryDraw.filter(card_id=card_id, revealed_at__isnull=True).count()


async def reveal_draw(
    token: str,
    draw_id: int,
) -> LotteryDraw:
    """Mark a draw as shown to its customer (after the spin); returns it with its seed.

    Only the card's own page (holding the token) reveals; revealing twice is harmless.
    """
    card = await Card.get_or_none(token=token)
    if card is None:
        raise NotFound("No such card.")
    draw = await LotteryDraw.get_or_none(id=draw_id, card_id=card.id)
    if draw is None:
        raise NotFound("No such draw.")
    if draw.revealed_at is None:
        await LotteryDraw.filter(id=draw.id, revealed_at__isnull=True).update(revealed_at=utcnow())
        await draw.refresh_from_db()
    return draw


async def prize_image(draw: LotteryDraw) -> str | None:
    """The picture of the prize a draw won, if its prize has one."""
    if draw.prize_id is None:
        return None
    prize = await Prize.get_or_none(id=draw.prize_id)
    return prize.image_url if prize else None


async def unrevealed_draws(card_id: int) -> list[LotteryDraw]:
    """Draws the customer has not watched yet, oldest first; the card page spins them on open."""
    return await LotteryDraw.filter(card_id=card_id, revealed_at__isnull=True).order_by("id")


async def public_draw(commitment: str) -> LotteryDraw | None:
    """A draw by its commitment for the fairness page; its seed only once revealed."""
    commitment = (commitment or "").strip().lower()
    if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
        return None
    return await LotteryDraw.get_or_none(commitment=commitment)
