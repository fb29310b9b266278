"""What the back office shows of campaigns: the list, one campaign's report, one card's messages."""

from __future__ import annotations

from typing import Any

from hub.domain.campaigns.progress import stats, stats_for
from hub.errors import NotFound
from hub.models import Campaign, CampaignDelivery, Card


async def card_messages(card_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The campaign deliveries of one card, newest first (for the card's history)."""
    rows = await CampaignDelivery.filter(card_id=card_id).order_by("-id").limit(limit).prefetch_related("campaign")
    return [
        {
            "campaign_id": r.campaign_id,
            "campaign": r.campaign.name,
            "channel": r.channel,
            "status": r.status,
            "reason": r.reason,
            "detail": r.detail,
            "at": (r.delivered_at or r.created_at).isoformat(),
        }
        for r in rows
    ]


async def recent_campaigns(business_id: int, *, limit: int = 100) -> list[tuple[Campaign, dict[str, Any]]]:
    """The owner's own campaigns (broadcasts and messages to one card), newest first, with their
    delivery counts; automations are listed on their own page."""
    rows = await Campaign.filter(business_id=business_id, kind__in=["broadcast", "direct"]).order_by("-id").limit(limit)
    numbers = await stats_for([c.id for c in rows])
    return [(c, numbers[c.id]) for c in rows]


async def campaign_report(business_id: int, campaign_id: int) -> dict[str, Any]:
    """One campaign with its counts and its last failed deliveries (with their cards' numbers)."""
    campaign = await Campaign.get_or_none(id=campaign_id, business_id=business_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    problems = await CampaignDelivery.filter(campaign_id=campaign_id, status="failed").order_by("-id").limit(50)
    numbers = dict(await Card.filter(id__in=[p.card_id for p in problems]).values_list("id", "number"))
    return {"campaign": campaign, "stats": await stats(campaign_id), "problems": problems, "numbers": numbers}
