"""Prize pools as an owner runs them: prizes with odds, stock, a picture and the validity of the
voucher each one gives, a "no prize" share, the stamp card a pool rewards, and archiving.

Every change of what a draw rolls against publishes the pool's next version (its weighted list
kept in `PrizePoolVersion`). Changes queue on the pool's row lock like draws do, so a draw rolls
against one whole version, never half an edit; the draw stores the list and the version it
used, which is what the fairness page re-checks however the pool changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.errors import InvalidInput, NotFound
from hub.models import CardTemplate, LotteryDraw, Prize, PrizePool, PrizePoolVersion

MAX_WEIGHT = 1_000_000
MAX_STOCK = 10_000_000
MAX_VALID_DAYS = 3650
UNSET: Any = object()


@dataclass
class PrizeLine:
    id: int
    title: str
    weight: int
    stock: int | None
    awarded: int
    valid_days: int | None
    image_url: str | None
    odds: float  # the chance of this prize in the next draw, 0..1 (0 once out of stock)


@dataclass
class PoolOverview:
    id: int
    name: str
    version: int
    blank_weight: int
    blank_odds: float
    template_id: int | None
    template_name: str | None
    archived: bool
    draws: int
    prizes: list[PrizeLine] = field(default_factory=list)


# --- Checks ------------------------------------------------------------------------------


def _name(value: str | None, what: str, field_name: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 120:
        raise InvalidInput(f"Give the {what} a name (up to 120 characters).", field=field_name)
    return value


def _weight(value: int, *, minimum: int, field_name: str) -> int:
    if value is None or not minimum <= int(value) <= MAX_WEIGHT:
        what = "'No prize'" if field_name == "blank_weight" else "A prize's weight"
        raise InvalidInput(f"{what} must be a whole number from {minimum} to {MAX_WEIGHT:,}.", field=field_name)
    return int(value)


def _stock(value: int | None) -> int | None:
    if value is not None and not 0 <= int(value) <= MAX_STOCK:
        raise InvalidInput("Stock is a number from 0 up, or empty for unlimited.", field="stock")
    return None if value is None else int(value)


def _valid_days(value: int | None) -> int | None:
    if value is not None and not 0 <= int(value) <= MAX_VALID_DAYS:
        raise InvalidInput(
            f"A prize voucher is valid for 0 (no expiry) to {MAX_VALID_DAYS} days, or empty for the card's rule.",
            field="valid_days",
        )
    return None if value is None else int(value)


def _image(value: str | None) -> str | None:
    value = (value or "").strip() or None
    if value is not None and (len(value) > 300 or not (value.startswith("/uploads/") or value.startswith("https://"))):
        raise InvalidInput("A prize picture is an uploaded image or an https:// address.", field="image_url")
    return value


# --- Versions ----------------------------------------------------------------------------


async def _lock_pool(conn: BaseDBAsyncClient, business_id: int, pool_id: int) -> PrizePool:
    """The pool under its row lock (the one draws take), or NotFound for another business's."""
    await PrizePool.filter(id=pool_id, business_id=business_id).using_db(conn).update(version=F("version"))
    pool = await PrizePool.get_or_none(id=pool_id, business_id=business_id).using_db(conn)
    if pool is None:
        raise NotFound("No such prize pool.")
    return pool


async def _entries(conn: BaseDBAsyncClient, pool: PrizePool) -> list[dict[str, Any]]:
    prizes = await Prize.filter(pool_id=pool.id, retired_at__isnull=True).using_db(conn).order_by("position", "id")
    entries: list[dict[str, Any]] = [
        {"prize_id": p.id, "title": p.title, "weight": p.weight, "stock": p.stock} for p in prizes
    ]
    entries.append({"prize_id": None, "title": "", "weight": pool.blank_weight, "stock": None})
    return entries


async def _publish(conn: BaseDBAsyncClient, pool: PrizePool, *, first: bool = False) -> None:
    if not first:
        pool.version += 1
        await PrizePool.filter(id=pool.id).using_db(conn).update(version=pool.version)
    await PrizePoolVersion.create(
        pool_id=pool.id, version=pool.version, entries=await _entries(conn, pool), using_db=conn
    )


# --- Pools -------------------------------------------------------------------------------


async def create_pool(
    business_id: int, name: str, *, template_id: int | None = None, blank_weight: int = 0
) -> PrizePool:
    """A pool (version 1); with `template_id`, full cards of that stamp card draw from it."""
    name = _name(name, "prize pool", "name")
    blank_weight = _weight(blank_weight, minimum=0, field_name="blank_weight")
    async with in_transaction() as conn:
        if template_id is not None:
            await _check_template(conn, business_id, template_id)
        pool = await PrizePool.create(
            business_id=business_id, name=name, template_id=template_id, blank_weight=blank_weight, using_db=conn
        )
        if template_id is not None:
            await _detach_others(conn, business_id, template_id, pool.id)
        await _publish(conn, pool, first=True)
    return pool


async def update_pool(
    business_id: int, pool_id: int, *, name: str | None = None, blank_weight: int | None = None
) -> PrizePool:
    """Rename the pool or change its "no prize" share (a new version when the share changes)."""
    async with in_transaction() as conn:
        pool = await _lock_pool(conn, business_id, pool_id)
        _not_archived(pool)
        if name is not None:
            pool.name = _name(name, "prize pool", "name")
            await PrizePool.filter(id=pool.id).using_db(conn).update(name=pool.name)
        if blank_weight is not None:
            blank_weight = _weight(blank_weight, minimum=0, field_name="blank_weight")
            if blank_weight != pool.blank_weight:
                pool.blank_weight = blank_weight
                await PrizePool.filter(id=pool.id).using_db(conn).update(blank_weight=blank_weight)
                await _publish(conn, pool)
    return pool


async def _check_template(conn: BaseDBAsyncClient, business_id: int, template_id: int) -> CardTemplate:
    template = await CardTemplate.get_or_none(id=template_id, business_id=business_id).using_db(conn)
    if template is None:
        raise NotFound("No such stamp card.", field="template_id")
    return template


async def _detach_others(conn: BaseDBAsyncClient, business_id: int, template_id: int, pool_id: int) -> None:
    # A stamp card draws from one pool: attaching another replaces it.
    await (
        PrizePool.filter(business_id=business_id, template_id=template_id)
        .exclude(id=pool_id)
        .using_db(conn)
        .update(template_id=None)
    )


async def attach_pool(business_id: int, template_id: int, pool_id: int | None) -> None:
    """The pool full cards of this stamp card draw from (None: detach its pool).

    A pool rewards one stamp card, and a lottery card keeps a pool: either change would leave
    a lottery card's full cards without their draw.
    """
    async with in_transaction() as conn:
        template = await _check_template(conn, business_id, template_id)
        if pool_id is None:
            if template.reward_type == "lottery":
                raise InvalidInput(
                    "A lottery card needs a prize pool: choose another pool, or make its reward a voucher first.",
                    field="pool_id",
                )
            await (
                PrizePool.filter(business_id=business_id, template_id=template_id)
                .using_db(conn)
                .update(template_id=None)
            )
            return
        pool = await _lock_pool(conn, business_id, pool_id)
        _not_archived(pool)
        if pool.template_id not in (None, template_id):
            other = await CardTemplate.get(id=pool.template_id).using_db(conn)
            if other.reward_type == "lottery":
                raise InvalidInput(
                    f"This pool already rewards the stamp card “{other.name}”. Make another pool for this card.",
                    field="pool_id",
                )
        await PrizePool.filter(id=pool.id).using_db(conn).update(template_id=template_id)
        await _detach_others(conn, business_id, template_id, pool.id)


async def archive_pool(business_id: int, pool_id: int) -> PrizePool:
    """The pool draws no more; the vouchers it gave and its draws stay untouched.

    Refused while a lottery stamp card rewards from it: its full cards would lose their draw.
    """
    async with in_transaction() as conn:
        pool = await _lock_pool(conn, business_id, pool_id)
        if pool.archived_at is not None:
            return pool
        if pool.template_id is not None:
            template = await CardTemplate.get(id=pool.template_id).using_db(conn)
            if template.reward_type == "lottery":
                raise InvalidInput(
                    f"The stamp card “{template.name}” draws from this pool. "
                    "Attach another pool to it (or make its reward a voucher) first.",
                    field="pool_id",
                )
        pool.archived_at = utcnow()
        pool.template_id = None
        await PrizePool.filter(id=pool.id).using_db(conn).update(archived_at=pool.archived_at, template_id=None)
    return pool


def _not_archived(pool: PrizePool) -> None:
    if pool.archived_at is not None:
        raise InvalidInput("This prize pool is archived.", field="pool_id")


async def list_pools(business_id: int, *, archived: bool = False) -> list[PrizePool]:
    query = PrizePool.filter(business_id=business_id, archived_at__isnull=not archived)
    return await query.order_by("id")


async def pool_choices(business_id: int) -> dict[int, str]:
    """The pools a card, an insert, a receipt key or a campaign can draw from: id -> name."""
    return {p.id: p.name for p in await list_pools(business_id)}


async def get_pool(business_id: int, pool_id: int) -> PrizePool:
    pool = await PrizePool.get_or_none(id=pool_id, business_id=business_id)
    if pool is None:
        raise NotFound("No such prize pool.")
    return pool


# --- Prizes ------------------------------------------------------------------------------


async def add_prize(
    business_id: int,
    pool_id: int,
    title: str,
    *,
    weight: int = 1,
    stock: int | None = None,
    valid_days: int | None = None,
    image_url: str | None = None,
) -> Prize:
    """A prize of the pool; `stock` None is unlimited, `valid_days` None uses the stamp card's."""
    title = _name(title, "prize", "title").strip()
    weight = _weight(weight, minimum=1, field_name="weight")
    stock, valid_days, image_url = _stock(stock), _valid_days(valid_days), _image(image_url)
    async with in_transaction() as conn:
        pool = await _lock_pool(conn, business_id, pool_id)
        _not_archived(pool)
        position = await Prize.filter(pool_id=pool.id).using_db(conn).count()
        prize = await Prize.create(
            pool_id=pool.id,
            title=title,
            weight=weight,
            stock=stock,
            valid_days=valid_days,
            image_url=image_url,
            position=position,
            using_db=conn,
        )
        await _publish(conn, pool)
    return prize


async def update_prize(
    business_id: int,
    pool_id: int,
    prize_id: int,
    *,
    title: str | None = None,
    weight: int | None = None,
    stock: int | None = UNSET,
    valid_days: int | None = UNSET,
    image_url: str | None = UNSET,
) -> Prize:
    """Change a prize; the pool publishes a new version. Vouchers it already gave keep their
    title and expiry, and draws already decided keep the list they rolled against."""
    async with in_transaction() as conn:
        pool = await _lock_pool(conn, business_id, pool_id)
        _not_archived(pool)
        prize = await Prize.get_or_none(id=prize_id, pool_id=pool.id, retired_at__isnull=True).using_db(conn)
        if prize is None:
            raise NotFound("No such prize in this pool.")
        if title is not None:
            prize.title = _name(title, "prize", "title")
        if weight is not None:
            prize.weight = _weight(weight, minimum=1, field_name="weight")
        if stock is not UNSET:
            prize.stock = _stock(stock)
        if valid_days is not UNSET:
            prize.valid_days = _valid_days(valid_days)
        if image_url is not UNSET:
            prize.image_url = _image(image_url)
        await prize.save(using_db=conn, update_fields=["title", "weight", "stock", "valid_days", "image_url"])
        await _publish(conn, pool)
    return prize


async def retire_prize(business_id: int, pool_id: int, prize_id: int) -> None:
    """Take a prize out of the draw; its vouchers and the draws naming it stay."""
    async with in_transaction() as conn:
        pool = await _lock_pool(conn, business_id, pool_id)
        _not_archived(pool)
        changed = (
            await Prize.filter(id=prize_id, pool_id=pool.id, retired_at__isnull=True)
            .using_db(conn)
            .update(retired_at=utcnow())
        )
        if not changed:
            raise NotFound("No such prize in this pool.")
        await _publish(conn, pool)


# --- What owners and customers see -------------------------------------------------------


async def overview(business_id: int, pool_id: int) -> PoolOverview:
    """The pool with each prize's live odds (out-of-stock prizes cannot be drawn) and stock."""
    pool = await get_pool(business_id, pool_id)
    prizes = await Prize.filter(pool_id=pool.id, retired_at__isnull=True).order_by("position", "id")
    drawable = sum(p.weight for p in prizes if p.stock is None or p.stock > 0) + pool.blank_weight
    template = await CardTemplate.get_or_none(id=pool.template_id) if pool.template_id else None

    def odds(weight: int, available: bool) -> float:
        return weight / drawable if available and drawable else 0.0

    return PoolOverview(
        id=pool.id,
        name=pool.name,
        version=pool.version,
        blank_weight=pool.blank_weight,
        blank_odds=odds(pool.blank_weight, True),
        template_id=pool.template_id,
        template_name=template.name if template else None,
        archived=pool.archived_at is not None,
        draws=await LotteryDraw.filter(pool_id=pool.id).count(),
        prizes=[
            PrizeLine(
                id=p.id,
                title=p.title,
                weight=p.weight,
                stock=p.stock,
                awarded=p.awarded,
                valid_days=p.valid_days,
                image_url=p.image_url,
                odds=odds(p.weight, p.stock is None or p.stock > 0),
            )
            for p in prizes
        ],
    )


async def versions(business_id: int, pool_id: int) -> list[PrizePoolVersion]:
    pool = await get_pool(business_id, pool_id)
    return await PrizePoolVersion.filter(pool_id=pool.id).order_by("-version")
