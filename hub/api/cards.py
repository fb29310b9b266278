from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from hub.api.auth import api_key, require
from hub.api.types import ApiModel, Id, IdPath
from hub.domain.cards import card_summary, get_card, issue_card
from hub.models import ApiKey
from hub.runtime import runtime

router = APIRouter(tags=["cards"])


class NewCard(ApiModel):
    template_id: Id
    name: str = Field(min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    birthday: date | None = None


class VoucherOut(BaseModel):
    id: int
    title: str
    state: str
    code: str
    redeem_code: str
    expires_at: str | None


class CardOut(BaseModel):
    number: int
    token: str
    code: str = Field(description="The payload of the card's QR code; scanning it stamps.")
    page_url: str
    stamps: int
    stamps_required: int
    vouchers: list[VoucherOut]


@router.post("/cards", status_code=201, response_model=CardOut)
async def create_card(body: NewCard, key: Annotated[ApiKey, Depends(api_key)]) -> dict:
    """Issue a card to a new customer."""
    require(key, "stamp")
    card = await issue_card(key.business_id, body.template_id, body.name, email=body.email, birthday=body.birthday)
    conf = runtime().settings
    return await card_summary(card, conf.secret_key, conf.public_url)


@router.get("/cards/{number}", response_model=CardOut)
async def read_card(number: IdPath, key: Annotated[ApiKey, Depends(api_key)]) -> dict:
    """Read a card of this business by its number."""
    require(key, "read")
    card = await get_card(key.business_id, number)
    conf = runtime().settings
    return await card_summary(card, conf.secret_key, conf.public_url)
