"""Prize pools: the prizes a lottery stamp card, a delivery insert, a receipt QR or a campaign
draws from, with their odds (weights) and stock.

Every change of the odds, the stock or the "no prize" share publishes the pool's next
`version`; a draw already decided keeps the list it rolled against. POSTs take an
`Idempotency-Key` header like the rest of the integration API.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hub.api.auth import require
from hub.api.integrations import IdempotencyKey, Key, idempotent
from hub.api.types import ApiModel, Id, IdPath
from hub.domain import lottery_pools
from hub.domain.lottery_pools import MAX_STOCK, MAX_VALID_DAYS, MAX_WEIGHT, UNSET

router = APIRouter(tags=["prize pools"])

Weight = Field(
    default=1, ge=1, le=MAX_WEIGHT, description="Relative odds: a prize of weight 2 is drawn twice as often as 1."
)


class PrizeIn(ApiModel):
    title: str = Field(min_length=1, max_length=120, examples=["Free cake"])
    weight: int = Weight
    stock: int | None = Field(default=None, ge=0, le=MAX_STOCK, description="Prizes left; null is unlimited.")
    valid_days: int | None = Field(
        default=None,
        ge=0,
        le=MAX_VALID_DAYS,
        description="Validity of the voucher the prize gives (0 = no expiry; null = the stamp card's rule).",
    )
    image_url: str | None = Field(default=None, max_length=300, description="An https:// address of a picture.")


class PrizePatch(ApiModel):
    """Only the fields sent change; send `stock: null` for unlimited."""

    title: str | None = Field(default=None, min_length=1, max_length=120)
    weight: int | None = Field(default=None, ge=1, le=MAX_WEIGHT)
    stock: int | None = Field(default=None, ge=0, le=MAX_STOCK)
    valid_days: int | None = Field(default=None, ge=0, le=MAX_VALID_DAYS)
    image_url: str | None = Field(default=None, max_length=300)


class PoolIn(ApiModel):
    name: str = Field(min_length=1, max_length=120, examples=["Spring draw"])
    blank_weight: int = Field(default=0, ge=0, le=MAX_WEIGHT, description='Weight of "no prize".')
    template_id: Id | None = Field(default=None, description="The stamp card whose full cards draw from this pool.")
    prizes: list[PrizeIn] = Field(default_factory=list, max_length=50)


class PoolPatch(ApiModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    blank_weight: int | None = Field(default=None, ge=0, le=MAX_WEIGHT)


class PrizeOut(BaseModel):
    id: int
    title: str
    weight: int
    stock: int | None = Field(description="Prizes left; null is unlimited.")
    awarded: int = Field(description="Vouchers this prize has given.")
    valid_days: int | None
    image_url: str | None
    odds: float = Field(description="Chance of this prize in the next draw (0..1); 0 once out of stock.")


class PoolOut(BaseModel):
    id: int
    name: str
    version: int = Field(description="Raised by every change of the odds; each draw names the version it used.")
    blank_weight: int
    blank_odds: float = Field(description='Chance of "no prize" in the next draw (0..1).')
    template_id: int | None
    archived: bool
    draws: int
    prizes: list[PrizeOut]


def _pool(overview: lottery_pools.PoolOverview) -> dict[str, Any]:
    return {
        **{name: getattr(overview, name) for name in PoolOut.model_fields if name != "prizes"},
        "prizes": [vars(p) for p in overview.prizes],
    }


async def _read(business_id: int, pool_id: int) -> dict[str, Any]:
    return _pool(await lottery_pools.overview(business_id, pool_id))


@router.post("/prize-pools", status_code=201, response_model=PoolOut)
async def create_prize_pool(body: PoolIn, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """Create a pool, optionally with its prizes and the stamp card it rewards."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        pool = await lottery_pools.create_pool(
            key.business_id, body.name, template_id=body.template_id, blank_weight=body.blank_weight
        )
        for prize in body.prizes:
            await lottery_pools.add_prize(key.business_id, pool.id, **prize.model_dump())
        return 201, await _read(key.business_id, pool.id)

    return await idempotent(key, idempotency_key, "prize-pools", body, produce)


@router.get("/prize-pools", response_model=list[PoolOut])
async def list_prize_pools(key: Key, archived: bool = False) -> list[dict]:
    """The business's pools with live odds and stock; `archived=true` lists the archived ones."""
    require(key, "read")
    return [
        await _read(key.business_id, p.id) for p in await lottery_pools.list_pools(key.business_id, archived=archived)
    ]


@router.get("/prize-pools/{pool_id}", response_model=PoolOut)
async def read_prize_pool(pool_id: IdPath, key: Key) -> dict:
    require(key, "read")
    return await _read(key.business_id, pool_id)


@router.patch("/prize-pools/{pool_id}", response_model=PoolOut)
async def update_prize_pool(pool_id: IdPath, body: PoolPatch, key: Key) -> dict:
    """Rename the pool or change its "no prize" share (the latter publishes a new version)."""
    require(key, "admin")
    await lottery_pools.update_pool(key.business_id, pool_id, name=body.name, blank_weight=body.blank_weight)
    return await _read(key.business_id, pool_id)


@router.post("/prize-pools/{pool_id}/archive", response_model=PoolOut)
async def archive_prize_pool(pool_id: IdPath, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """The pool draws no more; vouchers it already gave stay valid. Refused while a lottery
    stamp card draws from it."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        await lottery_pools.archive_pool(key.business_id, pool_id)
        return 200, await _read(key.business_id, pool_id)

    return await idempotent(key, idempotency_key, f"prize-pools/{pool_id}/archive", {}, produce)


@router.post("/prize-pools/{pool_id}/prizes", status_code=201, response_model=PoolOut)
async def add_pool_prize(pool_id: IdPath, body: PrizeIn, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """Add a prize; the pool publishes a new version."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        await lottery_pools.add_prize(key.business_id, pool_id, **body.model_dump())
        return 201, await _read(key.business_id, pool_id)

    return await idempotent(key, idempotency_key, f"prize-pools/{pool_id}/prizes", body, produce)


@router.patch("/prize-pools/{pool_id}/prizes/{prize_id}", response_model=PoolOut)
async def update_pool_prize(pool_id: IdPath, prize_id: IdPath, body: PrizePatch, key: Key) -> dict:
    """Change a prize (odds, stock, validity, title, picture); the pool publishes a new version."""
    require(key, "admin")
    sent = body.model_dump(exclude_unset=True)
    await lottery_pools.update_prize(
        key.business_id,
        pool_id,
        prize_id,
        title=sent.get("title"),
        weight=sent.get("weight"),
        stock=sent.get("stock", UNSET),
        valid_days=sent.get("valid_days", UNSET),
        image_url=sent.get("image_url", UNSET),
    )
    return await _read(key.business_id, pool_id)


@router.delete("/prize-pools/{pool_id}/prizes/{prize_id}", response_model=PoolOut)
async def retire_pool_prize(pool_id: IdPath, prize_id: IdPath, key: Key) -> dict:
    """Take a prize out of the draw; vouchers it gave stay valid."""
    require(key, "admin")
    await lottery_pools.retire_prize(key.business_id, pool_id, prize_id)
    return await _read(key.business_id, pool_id)
