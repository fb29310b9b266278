"""A campaign's numbers (per channel and state), its live progress event, its end, and the work
still open in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from hub.clock import utcnow
from hub.domain.campaigns.rules import FINAL, OPEN, claim_ttl
from hub.models import Campaign, CampaignDelivery
from hub.realtime import outbox
from hub.realtime.events import CampaignProgress


async def stats(campaign_id: int) -> dict[str, Any]:
    """{"total", "done", "channels": {channel: {status: count}}} for the list and progress events."""
    rows = await (
        CampaignDelivery.filter(campaign_id=campaign_id)
        .annotate(n=Count("id"))
        .group_by("channel", "status")
        .values("channel", "status", "n")
    )
    channels: dict[str, dict[str, int]] = {}
    total = done = 0
    for r in rows:
        per = channels.setdefault(r["channel"], {s: 0 for s in (*OPEN, *FINAL)})
        per[r["status"]] = per.get(r["status"], 0) + r["n"]
        total += r["n"]
        if r["status"] in FINAL:
            done += r["n"]
    return {"total": total, "done": done, "channels": channels}


async def stats_for(campaign_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {cid: {"total": 0, "done": 0, "channels": {}} for cid in campaign_ids}
    rows = await (
        CampaignDelivery.filter(campaign_id__in=campaign_ids)
        .annotate(n=Count("id"))
        .group_by("campaign_id", "channel", "status")
        .values("campaign_id", "channel", "status", "n")
    )
    for r in rows:
        entry = out[r["campaign_id"]]
        per = entry["channels"].setdefault(r["channel"], {s: 0 for s in (*OPEN, *FINAL)})
        per[r["status"]] = per.get(r["status"], 0) + r["n"]
        entry["total"] += r["n"]
        if r["status"] in FINAL:
            entry["done"] += r["n"]
    return out


async def emit_progress(campaign_id: int) -> None:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        return
    numbers = await stats(campaign_id)
    event: CampaignProgress = {
        "type": "campaign.progress",
        "business_id": campaign.business_id,
        "campaign_id": campaign.id,
        "status": campaign.status,
        "total": numbers["total"],
        "done": numbers["done"],
        "channels": numbers["channels"],
    }
    async with outbox.transaction() as conn:
        await outbox.record(conn, event)


async def finish_if_done(
    campaign_id: int,
) -> bool:
    """sending → done once no row is open; automations stay active."""
    if await CampaignDelivery.exists(campaign_id=campaign_id, status__in=list(OPEN)):
        return False
    return bool(await Campaign.filter(id=campaign_id, status="sending").update(status="done", finished_at=utcnow()))


@dataclass(frozen=True)
class OpenWork:
    ready: int  # claimable now: pending and due, or claimed by a sender that went quiet
    in_flight: int  # claimed by a sender that still beats
    newest_beat: datetime | None
    next_retry: datetime | None


async def open_work(
    campaign_id: int,
) -> OpenWork:
    now = utcnow()
    cutoff = now - claim_ttl()
    ready = await CampaignDelivery.filter(
        (Q(status="pending") & (Q(not_before__isnull=True) | Q(not_before__lte=now)))
        | Q(status="sending", claimed_at__lt=cutoff),
        campaign_id=campaign_id,
    ).count()
    flight = CampaignDelivery.filter(campaign_id=campaign_id, status="sending", claimed_at__gte=cutoff)
    in_flight = await flight.count()
    beats = await flight.order_by("-claimed_at").limit(1).values_list("claimed_at", flat=True)
    later = (
        await CampaignDelivery.filter(campaign_id=campaign_id, status="pending", not_before__gt=now)
        .order_by("not_before")
        .limit(1)
        .values_list("not_before", flat=True)
    )
    return OpenWork(ready, in_flight, beats[0] if beats else None, later[0] if later else None)
