from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hub import admission
from hub.api.auth import api_key, require
from hub.api.integrations import voucher_by_redeem_code
from hub.api.types import ApiModel
from hub.domain.scans import scan
from hub.domain.vouchers import redeem_voucher
from hub.models import ApiKey
from hub.runtime import runtime

router = APIRouter(tags=["scans"])


class ScanIn(ApiModel):
    code: str = Field(min_length=1, max_length=200, description="A card or voucher QR payload.")
    idempotency_key: str = Field(min_length=1, max_length=128)


class RedeemIn(ApiModel):
    redeem_code: str = Field(min_length=1, max_length=32)
    idempotency_key: str | None = Field(default=None, max_length=128)


class CardProgress(BaseModel):
    number: int
    stamps: int
    stamps_required: int


class ScanOut(BaseModel):
    outcome: str = Field(description="stamped | reward | redeemed | rejected")
    reason: str | None = Field(description="Why a scan was rejected: cooldown, daily_cap, already_redeemed, expired")
    message: str
    card: CardProgress
    voucher: dict[str, Any] | None
    detail: dict[str, Any]


# A stamp's answer holds only JSON's own types (ScanResult.as_dict), so it needs no validation
# against ScanOut on the way out; the other outcomes' details may hold dates and keep it.
_PLAIN = ("stamped", "reward")


async def scan_answer(key: ApiKey, body: ScanIn) -> JSONResponse:
    """A scan's answer, the same whichever way the request came in (hub.api.scan_lane or the
    route below)."""
    require(key, "stamp")
    async with admission.slot():
        result = await scan(
            key.business_id,
            body.code,
            secret=runtime().settings.secret_key,
            idempotency_key=body.idempotency_key,
            via="api",
        )
    answer = result.as_dict()
    if result.outcome not in _PLAIN:
        answer = ScanOut.model_validate(answer).model_dump(mode="json")
    return JSONResponse(answer)


@router.post("/scans", response_model=ScanOut)
async def create_scan(body: ScanIn, key: Annotated[ApiKey, Depends(api_key)]) -> Any:
    """Stamp a card code or redeem a voucher code, exactly once per idempotency key."""
    return await scan_answer(key, body)


@router.post("/redemptions", response_model=ScanOut)
async def redeem_code(body: RedeemIn, key: Annotated[ApiKey, Depends(api_key)], request: Request) -> dict:
    """Redeem a voucher by the short code printed under it (for POS promo-code fields)."""
    require(key, "redeem")
    voucher = await voucher_by_redeem_code(key, request, body.redeem_code)
    async with admission.slot():
        result = await redeem_voucher(key.business_id, voucher, via="pos", idempotency_key=body.idempotency_key)
    return result.as_dict()
