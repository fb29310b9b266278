"""The minute tick: scheduled campaigns go out when due, abandoned work is picked up again."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import utcnow
from hub.domain import campaigns
from hub.models import Campaign, CampaignDelivery
from hub.workers.campaign_jobs import enqueue_campaign, queue, tick
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
    queue().enqueue(tick)
    run_burst_worker()

    assert (await Campaign.get(id=later.id)).status == "done"
    for address in audience.emails:
        assert len(smtp.to(address)) == 1
    assert (await Campaign.get(id=abandoned.id)).status == "done"
    rows = await CampaignDelivery.filter(campaign_id=abandoned.id)
    assert {r.status for r in rows} == {"delivered", "skipped"} and all(r.attempts == 1 for r in rows)


def test_the_minute_tick_is_scheduled_once_however_often_it_is_ensured(redis):
    from rq.registry import ScheduledJobRegistry

    from hub.workers import campaign_jobs

    q = queue()
    registry = ScheduledJobRegistry(queue=q)
    before = set(registry.get_job_ids())
    at = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)  # a slot nobody else schedules
    campaign_jobs._schedule_tick(q, at)
    campaign_jobs._schedule_tick(q, at + timedelta(seconds=1))  # same slot, e.g. from another process
    new = set(registry.get_job_ids()) - before
    assert len(new) == 1
    job = q.fetch_job(new.pop())
    assert job.func_name == "hub.workers.campaign_jobs.tick"
    registry.remove(job, delete_job=True)
    q.connection.delete(f"{q.name.rsplit(':', 1)[0]}:campaign:tick-alive")
    campaign_jobs.ensure_schedule()
    assert q.connection.exists(f"{q.name.rsplit(':', 1)[0]}:campaign:tick-alive")
