"""Consent endpoints: one-click email unsubscribe (RFC 8058) and the messenger gateway's
opt-in / opt-out callbacks.

A person who opens the one-click URL in a browser is sent to the unsubscribe page instead,
where a button (not the GET itself, which link scanners prefetch) unsubscribes.
"""

from __future__ import annotations

from fastapi import APIRouter, Header
from fastapi.responses import RedirectResponse
from pydantic import Field

from hub.api.types import ApiModel
from hub.config import settings
from hub.domain import campaigns
from hub.errors import Unauthorized

router = APIRouter(tags=["campaigns"])


@router.post("/unsubscribe/{token}")
async def one_click_unsubscribe(token: str) -> dict[str, bool]:
    """Stop campaign emails to the customer the signed token names."""
    await campaigns.unsubscribe(settings().secret_key, token, channels=("email",))
    return {"unsubscribed": True}


@router.get("/unsubscribe/{token}", include_in_schema=False)
async def unsubscribe_page(token: str) -> RedirectResponse:
    return RedirectResponse(f"/u/{token}", status_code=303)


class MessengerContact(ApiModel):
    channel: str = Field(max_length=16, description="whatsapp | telegram | viber")
    address: str = Field(max_length=128, description="the customer's address on that messenger (phone number, chat id)")
    card_token: str | None = Field(
        None, max_length=32, description="opt-in only: the card token carried by the join link"
    )


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token.strip()


@router.post("/messenger/opt-in")
async def messenger_opt_in(contact: MessengerContact, authorization: str | None = Header(None)) -> dict[str, bool]:
    """Called by the messenger gateway (Bearer = the business's gateway token) when a customer
    starts a chat from their card's link."""
    await campaigns.messenger_opt_in(_bearer(authorization), contact.card_token or "", contact.channel, contact.address)
    return {"subscribed": True}


@router.post("/messenger/opt-out")
async def messenger_opt_out(contact: MessengerContact, authorization: str | None = Header(None)) -> dict[str, int]:
    """Called by the gateway when a customer writes STOP."""
    changed = await campaigns.messenger_opt_out(_bearer(authorization), contact.channel, contact.address)
    return {"unsubscribed": changed}
