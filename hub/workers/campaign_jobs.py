"""RQ jobs that carry every campaign message; pages only create campaigns and queue `fan_out`.

- `fan_out` creates the delivery rows and queues one `send_chunk` per range of rows.
- `send_chunk` sends its range; when it ends with rows still open elsewhere in the campaign
  (a killed sender's claims, rows of a lost job, retries due later) it queues `resume`.
- `resume` sends whatever is claimable in the whole campaign; when the only open rows are
  claimed by a sender that went quiet it waits for the claim to go stale and takes it over.
- `tick` runs every minute from the cron process (hub.workers.cron): birthday and win-back firings, scheduled
  campaigns that are due, and a sweep for campaigns nobody is working on.
- The `post_purchase` reaction turns stamps and redemptions into delayed `post_purchase` jobs.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

from rq import Queue

from hub.clock import utcnow
from hub.config import settings
from hub.domain import automations, campaigns
from hub.models import Campaign
from hub.realtime.reactions import reaction
from hub.workers.loop import run
from hub.workers.queue import enqueue_at, job_queue

JOB_TIMEOUT = 3600
TICK_SECONDS = 60


def queue(redis_url: str | None = None) -> Queue:
    return job_queue(redis_url)


def tick_seconds() -> int:
    return settings().campaigns.tick_seconds


# --- Queueing ------------------------------------------------------------------------------


def enqueue_campaign(campaign: Campaign, redis_url: str | None = None) -> None:
    """Queue the fan-out of a campaign: now, or at its scheduled time (the tick is the safety net)."""
    q = queue(redis_url)
    if campaign.status == "scheduled" and campaign.scheduled_at is not None:
        enqueue_at(
            q,
            campaign.scheduled_at,
            fan_out,
            campaign.id,
            job_timeout=JOB_TIMEOUT,
            description=f"campaign {campaign.id} fan-out",
        )
    else:
        q.enqueue(fan_out, campaign.id, job_timeout=JOB_TIMEOUT, description=f"campaign {campaign.id} fan-out")


def _resume_marker(campaign_id: int) -> str:
    return f"{settings().redis_prefix}:campaign:{campaign_id}:resume"


def enqueue_resume(campaign_id: int, *, at: datetime | None = None, redis_url: str | None = None) -> bool:
    """Queue one resume per campaign at a time: a marker (SET NX) stands while one waits and the
    job clears it when it starts, so a need that arises after that queues a new one."""
    q = queue(redis_url)
    ttl = int(campaigns.claim_ttl().total_seconds() * 3) + 60
    if at is not None:
        ttl += max(int((at - utcnow()).total_seconds()), 0)
    if not q.connection.set(_resume_marker(campaign_id), "1", nx=True, ex=ttl):
        return False
    if at is not None and at > utcnow():
        enqueue_at(q, at, resume, campaign_id, job_timeout=JOB_TIMEOUT, description=f"campaign {campaign_id} resume")
    else:
        q.enqueue(resume, campaign_id, job_timeout=JOB_TIMEOUT, description=f"campaign {campaign_id} resume")
    return True


# --- Jobs --------------------------------------------------------------------------------------


async def _send(campaign_id: int, lo: int | None, hi: int | None) -> dict[str, int]:
    transports = campaigns.Transports.configured()
    try:
        summary = await campaigns.send_range(campaign_id, lo=lo, hi=hi, transports=transports)
    finally:
        await transports.close()
    return summary.as_dict()


def _follow_up(campaign_id: int) -> None:
    work = run(campaigns.open_work, campaign_id)
    if work.ready or work.in_flight:
        enqueue_resume(campaign_id)
    elif work.next_retry is not None:
        enqueue_resume(campaign_id, at=work.next_retry)


def fan_out(campaign_id: int) -> int:
    """Returns how many send jobs were queued."""
    chunks = run(campaigns.fan_out, campaign_id)
    q = queue()
    for lo, hi in chunks:
        q.enqueue(
            send_chunk,
            campaign_id,
            lo,
            hi,
            job_timeout=JOB_TIMEOUT,
            description=f"campaign {campaign_id} rows {lo}-{hi}",
        )
    return len(chunks)


def send_chunk(campaign_id: int, lo: int, hi: int) -> dict[str, int]:
    try:
        return run(_send, campaign_id, lo, hi)
    finally:
        # Also after a failure: the rows it held go stale and a resume takes them over.
        _follow_up(campaign_id)


def resume(campaign_id: int) -> dict[str, Any]:
    """Finish a campaign whatever happened to the jobs before."""
    queue().connection.delete(_resume_marker(campaign_id))
    total: dict[str, int] = {}
    deadline = time.monotonic() + campaigns.claim_ttl().total_seconds() * 2 + 5
    seen: datetime | None = None
    while True:
        sent = run(_send, campaign_id, None, None)
        for key, value in sent.items():
            total[key] = total.get(key, 0) + value
        work = run(campaigns.open_work, campaign_id)
        if work.ready:
            if sent["claimed"]:
                continue
            break  # claimable but not by us: the campaign is paused or cancelled
        if not work.in_flight or time.monotonic() > deadline:
            break
        # Rows claimed by another sender: if it is alive its heartbeat moves and it will
        # finish them itself; if it died the claim goes stale within the TTL and is ours.
        if seen is None:
            seen = work.newest_beat
        elif work.newest_beat is not None and work.newest_beat > seen:
            break
        time.sleep(0.5)
    _follow_up_later(campaign_id)
    return total


def _follow_up_later(campaign_id: int) -> None:
    work = run(campaigns.open_work, campaign_id)
    if work.next_retry is not None and not work.ready:
        enqueue_resume(campaign_id, at=work.next_retry)


def tick() -> dict[str, Any]:
    """The minute tick (hub.workers.cron): automations, due scheduled campaigns, stalled sends."""
    q = queue()
    fired = run(automations.run_due)
    for campaign_id in fired:
        enqueue_resume(campaign_id)
    due = run(campaigns.due_scheduled)
    for campaign_id in due:
        q.enqueue(fan_out, campaign_id, job_timeout=JOB_TIMEOUT, description=f"campaign {campaign_id} fan-out")
    stalled = run(campaigns.stalled)
    for campaign_id in stalled:
        enqueue_resume(campaign_id)
    return {"automations": fired, "scheduled": due, "stalled": stalled}


def post_purchase(business_id: int, card_id: int, trigger: str) -> int | None:
    campaign_id = run(automations.fire_post_purchase, business_id, card_id, trigger)
    if campaign_id is not None:
        run(_send, campaign_id, None, None)
        _follow_up(campaign_id)
    return campaign_id


# --- Reaction --------------------------------------------------------------------------------


def _queue_post_purchase(triggers: list[tuple[int, int, str, int]]) -> None:
    q = queue()
    for business_id, card_id, trigger, delay in triggers:
        if delay > 0:
            q.enqueue_in(
                timedelta(seconds=delay),
                post_purchase,
                business_id,
                card_id,
                trigger,
                description=f"post-purchase card {card_id}",
            )
        else:
            q.enqueue(post_purchase, business_id, card_id, trigger, description=f"post-purchase card {card_id}")


@reaction
async def queue_post_purchase(events: list[dict[str, Any]]) -> None:
    """A stamp or a redemption of a business with the post-purchase automation on queues its
    thank-you (delayed as configured); the relay runs this once per event."""
    triggers = await automations.post_purchase_triggers(events)
    if triggers:
        await asyncio.to_thread(_queue_post_purchase, triggers)
