from __future__ import annotations

from fastapi import APIRouter, Request

from hub.delivery.payments import configured_provider
from hub.domain.billing import handle_payment_event
from hub.errors import NotFound

router = APIRouter(tags=["billing"])


@router.post("/billing/webhook")
async def payment_webhook(request: Request) -> dict:
    """The payment provider's signed webhook (checkout completed, invoice paid / failed)."""
    provider = configured_provider()
    if provider is None:  # nothing to receive: no provider sends here
        raise NotFound("Online payment is not set up on this server.")
    event = provider.verify_webhook(await request.body(), request.headers.get("stamphub-payment-signature", ""))
    return {"result": await handle_payment_event(event)}
