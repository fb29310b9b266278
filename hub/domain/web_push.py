"""Web Push for customers who keep only the web card: the browsers that asked to be notified of
a card's messages, and sending a message to them.

A browser subscribes from the card page ("Notify me"), which sends its RFC 8030 endpoint and
RFC 8291 keys here; the card page's token is the key to the card, as for every card request.
A push service that answers 404 or 410 has dropped the subscription: we forget it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from hub import egress
from hub.delivery.web_push import GONE, Subscription, WebPushSender
from hub.domain.cards import get_card_by_token
from hub.errors import InvalidInput, NotFound
from hub.models import Card, PushSubscription

log = logging.getLogger(__name__)

PER_CARD = 10  # browsers per card; the oldest makes way for a new one
ENDPOINT_MAX = 800


def _raw(value: str, size: int, what: str) -> str:
    text = (value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (what == "p256dh" and raw[0] != 4):
        raise InvalidInput("This browser's notification keys are not valid.", field=what)
    return text.rstrip("=")


async def subscribe(token: str, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep a browser's subscription for the card behind `token` (again: its keys are renewed)."""
    card = await get_card_by_token(token)
    if card is None:
        raise NotFound("This card does not exist or was deleted.")
    endpoint = (endpoint or "").strip()
    if not endpoint or len(endpoint) > ENDPOINT_MAX or egress.check_url(endpoint) is not None:
        raise InvalidInput("This browser's notification address is not valid.", field="endpoint")
    p256dh, auth = _raw(p256dh, 65, "p256dh"), _raw(auth, 16, "auth")
    existing = await PushSubscription.get_or_none(card_id=card.id, endpoint=endpoint)
    if existing is not None:
        await PushSubscription.filter(id=existing.id).update(p256dh=p256dh, auth=auth)
        await existing.refresh_from_db()
        return existing
    try:
        row = await PushSubscription.create(
            business_id=card.business_id, card_id=card.id, endpoint=endpoint, p256dh=p256dh, auth=auth
        )
    except IntegrityError:  # the same browser asked twice at once
        return await PushSubscription.get(card_id=card.id, endpoint=endpoint)
    keep = await PushSubscription.filter(card_id=card.id).order_by("-id").limit(PER_CARD).values_list("id", flat=True)
    await PushSubscription.filter(card_id=card.id).exclude(id__in=list(keep)).delete()
    return row


async def unsubscribe(token: str, endpoint: str) -> None:
    """The customer turned notifications off in this browser."""
    card = await get_card_by_token(token)
    if card is not None:
        await PushSubscription.filter(card_id=card.id, endpoint=(endpoint or "").strip()).delete()


async def subscribed_cards(card_ids: list[int]) -> set[int]:
    """Which of these cards have at least one browser to notify."""
    if not card_ids:
        return set()
    return set(await PushSubscription.filter(card_id__in=card_ids).distinct().values_list("card_id", flat=True))


@dataclass
class PushOutcome:
    sent: int = 0
    failed: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"web push {self.sent}/{self.sent + self.failed + self.removed}"
        return f"{text}, {self.removed} expired" if self.removed else text


async def notify_card(card: Card, *, title: str, body: str, url: str, topic: str, sender: WebPushSender) -> PushOutcome:
    """Show a notification in every browser subscribed to the card; forget the ones gone."""
    outcome = PushOutcome()
    payload = {"title": title, "body": body, "url": url, "tag": topic}
    for row in await PushSubscription.filter(card_id=card.id).order_by("id"):
        result = await sender.send(Subscription(row.endpoint, row.p256dh, row.auth), payload, topic=topic)
        if result.ok:
            outcome.sent += 1
        elif result.code in GONE:
            await PushSubscription.filter(id=row.id).delete()
            outcome.removed += 1
        else:
            log.warning("web push to card %s failed: %s", card.id, result.detail)
            outcome.failed += 1
    return outcome
