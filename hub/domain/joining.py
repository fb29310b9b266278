"""Joining from the poster QR: a name, optionally an email and birthday, and a card at once.

No password: the card page's unguessable token is the customer's key. Joining is
rate-limited per network address and template, so a script cannot mint cards in bulk
while a busy café behind one Wi-Fi address still signs up a queue of customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from redis.asyncio import Redis

from hub import ratelimit
from hub.domain.cards import issue_card
from hub.errors import NotFound
from hub.models import Business, Card, CardTemplate

JOIN_LIMIT = 12
JOIN_WINDOW = 300  # seconds


@dataclass
class JoinTarget:
    template: CardTemplate
    business: Business


async def join_target(template_id: int) -> JoinTarget | None:
    """The template behind a poster, with its business; None when it does not exist."""
    template = await CardTemplate.get_or_none(id=template_id)
    if template is None:
        return None
    business = await Business.get(id=template.business_id)
    return JoinTarget(template, business)


async def returning_card(template_id: int, token: str | None) -> Card | None:
    """The card this browser already holds for the template, if it still exists."""
    if not token or len(token) > 32:
        return None
    return await Card.get_or_none(token=token, template_id=template_id, deleted_at=None)


async def join(
    redis: Redis,
    prefix: str,
    template_id: int,
    *,
    ip: str,
    name: str,
    email: str | None = None,
    birthday: date | None = None,
    consent: bool = False,
) -> Card:
    """Issue a web card for the template's business; raises RateLimited, InvalidInput, NotFound."""
    await ratelimit.hit(redis, prefix, f"join:{template_id}:{ip}", limit=JOIN_LIMIT, window=JOIN_WINDOW)
    target = await join_target(template_id)
    if target is None:
        raise NotFound("No such stamp card.", field="template_id")
    return await issue_card(
        target.business.id,
        target.template.id,
        name,
        email=email,
        birthday=birthday,
        marketing_consent=consent,
        platform="web",
    )
