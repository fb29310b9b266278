"""Connecting a business's messenger gateway account (checked with its token before it is kept)."""

from __future__ import annotations

from hub import egress
from hub.clock import utcnow
from hub.delivery.messenger import GatewayError, MessengerGateway
from hub.errors import InvalidInput
from hub.models import MessengerIntegration


async def messenger_of(business_id: int) -> MessengerIntegration | None:
    return await MessengerIntegration.get_or_none(business_id=business_id)


async def connect_messenger(
    business_id: int, base_url: str, token: str, *, gateway: MessengerGateway | None = None
) -> MessengerIntegration:
    """Check the gateway with the token and store it as connected (or raise with why not)."""
    base_url, token = (base_url or "").strip().rstrip("/"), (token or "").strip()
    if not base_url.startswith(("http://", "https://")) or len(base_url) > 255:
        raise InvalidInput("Enter the gateway's URL (https://…).", field="base_url")
    if refusal := egress.check_url(base_url):
        raise InvalidInput(refusal, field="base_url")
    if not token:
        raise InvalidInput("Enter the gateway token.", field="token")
    gateway = gateway or MessengerGateway(base_url, token)
    try:
        account = await gateway.account()
    except GatewayError as exc:
        raise InvalidInput(exc.detail, field="base_url") from exc
    finally:
        await gateway.aclose()
    if not account.channels:
        raise InvalidInput("The gateway account has no WhatsApp, Telegram or Viber channel.", field="base_url")
    values = {
        "base_url": base_url,
        "token": token,
        "hints": account.channels,
        "status": "connected",
        "last_error": "",
        "connected_at": utcnow(),
    }
    integration = await messenger_of(business_id)
    if integration is None:
        return await MessengerIntegration.create(business_id=business_id, **values)
    await MessengerIntegration.filter(id=integration.id).update(**values)
    await integration.refresh_from_db()
    return integration


async def disconnect_messenger(business_id: int) -> None:
    await MessengerIntegration.filter(business_id=business_id).update(status="disconnected")
