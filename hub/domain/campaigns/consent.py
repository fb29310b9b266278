"""Consent: unsubscribe links, per-channel preferences, and a customer's messenger contact (from
the gateway's opt-in and opt-out callbacks or from the owner)."""

from __future__ import annotations

import hmac
from hashlib import sha256

from tortoise.exceptions import IntegrityError

from hub.clock import utcnow
from hub.delivery.results import CHANNELS, MESSENGER_HINTS
from hub.errors import InvalidInput, NotFound, Unauthorized
from hub.models import Business, Card, ContactPreference, Customer, MessengerIntegration


def unsubscribe_token(secret: bytes, customer_id: int) -> str:
    """`<customer id>.<mac>`: the link in every message, valid as long as the secret is."""
    mac = hmac.new(secret, f"unsubscribe:{customer_id}".encode(), sha256).hexdigest()[:24]
    return f"{customer_id}.{mac}"


def customer_for_token(secret: bytes, token: str) -> int | None:
    try:
        raw_id, mac = (token or "").split(".", 1)
        customer_id = int(raw_id)
    except ValueError:
        return None
    return customer_id if hmac.compare_digest(unsubscribe_token(secret, customer_id), f"{raw_id}.{mac}") else None


async def link_holder(secret: bytes, token: str) -> tuple[Customer, Business] | None:
    """Whose unsubscribe link this is: the customer and their business; None for a link that
    is not valid (forged, or its customer is gone)."""
    customer_id = customer_for_token(secret, token)
    customer = await Customer.get_or_none(id=customer_id) if customer_id else None
    business = await Business.get_or_none(id=customer.business_id) if customer else None
    return (customer, business) if customer and business else None


async def current_preference(customer_id: int) -> ContactPreference | None:
    """What the customer chose so far; None while they never unsubscribed from anything."""
    return await ContactPreference.get_or_none(customer_id=customer_id)


async def preference(customer_id: int) -> ContactPreference:
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    pref = await ContactPreference.get_or_none(customer_id=customer_id)
    if pref is None:
        try:
            pref = await ContactPreference.create(customer_id=customer_id, business_id=customer.business_id)
        except IntegrityError:
            pref = await ContactPreference.get(customer_id=customer_id)
    return pref


async def unsubscribe(secret: bytes, token: str, *, channels: tuple[str, ...] = ("email",)) -> Customer:
    """Honour an unsubscribe link; every later campaign skips these channels for this customer."""
    customer_id = customer_for_token(secret, token)
    if customer_id is None:
        raise NotFound("This unsubscribe link is not valid.")
    now = utcnow()
    pref = await preference(customer_id)
    values = {f"{c}_unsubscribed_at": now for c in channels if c in CHANNELS}
    if values:
        await ContactPreference.filter(id=pref.id).update(**values)
    return await Customer.get(id=customer_id)


async def resubscribe(secret: bytes, token: str, *, channels: tuple[str, ...] = CHANNELS) -> Customer:
    customer_id = customer_for_token(secret, token)
    if customer_id is None:
        raise NotFound("This unsubscribe link is not valid.")
    pref = await preference(customer_id)
    await ContactPreference.filter(id=pref.id).update(**{f"{c}_unsubscribed_at": None for c in channels})
    return await Customer.get(id=customer_id)


async def link_messenger_contact(business_id: int, card_id: int, hint: str, address: str) -> ContactPreference:
    """Store the customer's messenger address (from the gateway's opt-in flow or the owner)."""
    if hint not in MESSENGER_HINTS:
        raise InvalidInput("Choose WhatsApp, Telegram or Viber.", field="hint")
    address = (address or "").strip()
    if not address or len(address) > 128:
        raise InvalidInput("Enter the messenger address.", field="address")
    card = await Card.get_or_none(id=card_id, business_id=business_id)
    if card is None:
        raise NotFound("No such card.")
    pref = await preference(card.customer_id)
    await ContactPreference.filter(id=pref.id).update(messenger_hint=hint, messenger_address=address)
    await pref.refresh_from_db()
    return pref


async def messenger_opt_in(gateway_token: str, card_token: str, hint: str, address: str) -> ContactPreference:
    """The gateway reports that a customer opened a chat with the card's join link (which carries
    the card page token): from now on campaigns reach them on that messenger. The gateway
    proves itself with the token the card's business connected it with."""
    card = await Card.get_or_none(token=card_token or "", deleted_at=None) if card_token else None
    integration = (
        await MessengerIntegration.get_or_none(business_id=card.business_id, status="connected") if card else None
    )
    if integration is None or not hmac.compare_digest(integration.token.encode(), (gateway_token or "").encode()):
        raise Unauthorized("Unknown messenger gateway token or card.")
    assert card is not None
    if hint not in (integration.hints or []):
        raise InvalidInput("This gateway does not offer that messenger.", field="channel")
    pref = await link_messenger_contact(integration.business_id, card.id, hint, address)
    await ContactPreference.filter(id=pref.id).update(messenger_unsubscribed_at=None)
    return pref


async def messenger_opt_out(
    gateway_token: str,
    hint: str,
    address: str,
) -> int:
    """The customer wrote STOP in the chat: no more campaign messages there, from any business
    connected through this gateway account. Returns how many customers had that address."""
    businesses = [
        i.business_id
        for i in await MessengerIntegration.filter(status="connected", token=(gateway_token or "").strip())
        if gateway_token and hmac.compare_digest(i.token.encode(), gateway_token.strip().encode())
    ]
    if not businesses:
        raise Unauthorized("Unknown messenger gateway token.")
    return await ContactPreference.filter(
        business_id__in=businesses, messenger_hint=hint, messenger_address=(address or "").strip()
    ).update(messenger_unsubscribed_at=utcnow())
