"""The campaign messages of one card, for its history in the back office."""

from __future__ import annotations

from typing import Any

from hub.models import CampaignDelivery


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
