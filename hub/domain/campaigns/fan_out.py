"""Turning a due campaign's audience into delivery rows (INSERT-or-ignore, so running it twice adds
nothing), and finding the campaigns whose work was lost or abandoned."""

from __future__ import annotations

from tortoise.expressions import Q

from hub.clock import utcnow
from hub.config import settings
from hub.domain import segments
from hub.domain.campaigns.progress import emit_progress, finish_if_done
from hub.domain.campaigns.rules import AUTOMATION_KINDS, claim_ttl
from hub.models import Campaign, CampaignDelivery


async def insert_deliveries(
    campaign: Campaign, recipients: list[segments.Recipient], *, occasion: str = "", channels: list[str] | None = None
) -> int:
    """INSERT-or-ignore one row per recipient and channel; returns how many rows are new."""
    channels = channels or list(campaign.channels)
    before = await CampaignDelivery.filter(campaign_id=campaign.id).count()
    rows = [
        CampaignDelivery(
            campaign_id=campaign.id,
            business_id=campaign.business_id,
            customer_id=r.customer_id,
            card_id=r.card_id,
            channel=channel,
            occasion=occasion,
        )
        for r in recipients
        for channel in channels
    ]
    for start in range(0, len(rows), 1000):
        await CampaignDelivery.bulk_create(rows[start : start + 1000], ignore_conflicts=True)
    return await CampaignDelivery.filter(campaign_id=campaign.id).count() - before


async def pending_chunks(campaign_id: int, *, size: int | None = None) -> list[tuple[int, int]]:
    """Id ranges of the pending rows, `size` rows each: one send job per range."""
    size = size or settings().campaigns.chunk_size
    ids = (
        await CampaignDelivery.filter(campaign_id=campaign_id, status="pending")
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


async def fan_out(
    campaign_id: int,
) -> list[tuple[int, int]]:
    """Create the delivery rows of a due campaign and return the chunks to send.

    Safe to run again after a crash: the status moves queued/scheduled → sending only once
    and the rows are INSERT-or-ignore.
    """
    now = utcnow()
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.kind in AUTOMATION_KINDS:
        return []
    if campaign.status == "scheduled" and campaign.scheduled_at and campaign.scheduled_at > now:
        return []
    if campaign.status in ("queued", "scheduled"):
        await Campaign.filter(id=campaign.id, status__in=["queued", "scheduled"]).update(
            status="sending", started_at=now
        )
        await campaign.refresh_from_db()
    if campaign.status != "sending":
        return []
    recipients = await segments.recipients(campaign.business_id, campaign.segment)
    await insert_deliveries(campaign, recipients)
    await emit_progress(campaign.id)
    chunks = await pending_chunks(campaign.id)
    if not chunks:
        await finish_if_done(campaign.id)
    return chunks


async def due_scheduled() -> list[int]:
    """Scheduled campaigns whose time has come (the tick's safety net for lost scheduled jobs)."""
    now = utcnow()
    return list(await Campaign.filter(status="scheduled", scheduled_at__lte=now).values_list("id", flat=True)) + list(
        # A fan-out that died before creating any row.
        await Campaign.filter(status="queued", created_at__lt=now - claim_ttl()).values_list("id", flat=True)
    )


async def stalled() -> list[int]:
    """Campaigns with rows nobody is working on: stale claims, or pending rows past their time
    that no send job picked up (its job was lost with a worker)."""
    now = utcnow()
    cutoff = now - claim_ttl()
    stale = Q(status="sending", claimed_at__lt=cutoff)
    forgotten = Q(status="pending") & (Q(not_before__lt=now) | Q(not_before__isnull=True, created_at__lt=cutoff))
    return sorted(
        set(
            await CampaignDelivery.filter(stale | forgotten, campaign__status__in=["sending", "active"])
            .distinct()
            .values_list("campaign_id", flat=True)
        )
    )
