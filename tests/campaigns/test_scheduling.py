"""The minute tick, queued by the cron process: due scheduled campaigns go out, abandoned work resumes."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import utcnow
from hub.domain import campaigns
from hub.models import Campaign, CampaignDelivery
from hub.workers.campaign_jobs import enqueue_campaign, queue
from hub.workers.cron import build_scheduler
from tests.campaigns.conftest import make_audience, run_burst_worker


async def test_the_tick_sends_due_scheduled_campaigns_and_finishes_abandoned_ones(smtp):
    audience = await make_audience(3)
    later = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Tomorrow",
        subject="Soon",
        body="Opening party",
        channels=["email"],
        scheduled_at=utcnow() + timedelta(days=1),
    )
    assert later.status == "scheduled"
    enqueue_campaign(later)  # RQ's scheduler would run it tomorrow
    abandoned = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Abandoned",
        subject="Hi",
        body="Hello",
        channels=["push"],
    )
    await campaigns.fan_out(abandoned.id)
    # A worker claimed everything and died an hour ago.
    await CampaignDelivery.filter(campaign_id=abandoned.id).update(
        status="sending", claim="dead-worker", claimed_at=utcnow() - timedelta(hours=1)
    )
    assert later.id not in await campaigns.due_scheduled()
    assert abandoned.id in await campaigns.stalled()

    # A day passes.
    await Campaign.filter(id=later.id).update(scheduled_at=utcnow() - timedelta(seconds=1))
    q = queue()
    build_scheduler(q.connection, q.name).enqueue_jobs()  # the cron process's minute
    run_burst_worker()

    assert (await Campaign.get(id=later.id)).status == "done"
    for address in audience.emails:
        assert len(smtp.to(address)) == 1
    assert (await Campaign.get(id=abandoned.id)).status == "done"
    rows = await CampaignDelivery.filter(campaign_id=abandoned.id)
    # PUSH reaches every card (its inbox), the shop's own card too.
    assert {r.status for r in rows} == {"delivered"} and all(r.attempts == 1 for r in rows)
