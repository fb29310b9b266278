"""SEND MESSAGE to one card, sent right here as a worker would send it."""

from __future__ import annotations

from typing import Any

from hub.domain import campaigns
from hub.models import Campaign, Card


async def send_to_card(business_id: int, card: Card, subject: str, body: str, **extra: Any) -> Campaign:
    campaign = await campaigns.send_message_to_card(business_id, card.id, ["push"], subject, body, **extra)
    await campaigns.fan_out(campaign.id)
    transports = campaigns.Transports()
    try:
        await campaigns.send_range(campaign.id, transports=transports)
    finally:
        await transports.close()
    return campaign
