"""Joining from the poster QR: a name, optionally an email and birthday, and a card at once.

No password: the card page's unguessable token is the customer's key. A join is not a card
operation of the shop's plan (`hub.domain.plans`): a stranger cannot spend the shop's month.
Joins are throttled per network address and business (a busy café behind one Wi-Fi address
still signs up a queue of customers, a script gets a handful a day) and capped per business
per day, so no address, nor a few, can fill a shop's customer list with made-up cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from redis.asyncio import Redis

from hub import ratelimit
from hub.domain.cards import issue_card
from hub.domain.plans import plan_of
from hub.errors import NotFound, RateLimited
from hub.models import Business, Card, CardTemplate

# Per network address and business.
JOIN_LIMIT, JOIN_WINDOW = 12, 300
JOIN_DAILY_LIMIT = 40
# Per business and day, all addresses together: the Free plan's month is 100 operations.
JOINS_PER_DAY = {"free": 200}
JOINS_PER_DAY_PAID = 2000
DAY = 86400


class JoinsPaused(RateLimited):
    code = "joins_paused"
    message = "This shop takes no more sign-ups online today. Please ask our staff at the counter."


def daily_joins(business: Business) -> int:
    return JOINS_PER_DAY.get(plan_of(business).key, JOINS_PER_DAY_PAID)


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
    language: str | None = None,
) -> Card:
    """Issue a web card for the template's business; raises RateLimited (JoinsPaused when the
    business's daily cap is reached), InvalidInput, NotFound."""
    target = await join_target(template_id)
    if target is None:
        raise NotFound("No such stamp card.", field="template_id")
    business = target.business
    await ratelimit.hit(redis, prefix, f"join:{business.id}:{ip}", limit=JOIN_LIMIT, window=JOIN_WINDOW)
    await ratelimit.hit(redis, prefix, f"join-day:{business.id}:{ip}", limit=JOIN_DAILY_LIMIT, window=DAY)
    try:
        await ratelimit.hit(redis, prefix, f"joins:{business.id}", limit=daily_joins(business), window=DAY)
    except RateLimited as exc:
        raise JoinsPaused(**exc.detail) from exc
    return await issue_card(
        business.id,
        target.template.id,
        name,
        email=email,
        birthday=birthday,
        marketing_consent=consent,
        language=language,
        platform="web",
        joined=True,
    )
