"""RQ job: one webhook attempt per run; a failed attempt returns `Retry`, so RQ's scheduler
brings the job back after the next interval (exponential backoff) with no exception
crossing processes. The delivery row, not the job, is the record of what happened.
"""

from __future__ import annotations

from rq import Retry
from rq.job import Job

from hub.config import settings
from hub.domain import webhooks
from hub.workers.loop import run
from hub.workers.queue import job_queue

# Seconds before attempts 2, 3, …: ×3 each time, about 9 hours in all before giving up.
DEFAULT_INTERVALS = [10, 30, 90, 270, 810, 2430, 7290, 21870]
JOB_TIMEOUT = 120


def retry_intervals() -> list[int]:
    """STAMPHUB_WEBHOOK_RETRY_INTERVALS ("10,30,90") overrides the schedule, e.g. for a test rig."""
    raw = settings().outbound.webhook_retry_intervals
    try:
        values = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        values = []
    return values if values and all(v >= 0 for v in values) else list(DEFAULT_INTERVALS)


def deliver_webhook(delivery_id: int) -> str | Retry:
    intervals = retry_intervals()
    outcome = run(webhooks.attempt_delivery, delivery_id, intervals)
    if outcome == "retry":
        return Retry(max=len(intervals), interval=intervals)
    return outcome


def enqueue(delivery_ids: list[int]) -> list[Job]:
    """Queue one job per delivery. Queuing a delivery twice is harmless: attempts claim the row."""
    queue = job_queue()
    return [
        queue.enqueue(deliver_webhook, delivery_id, job_timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=7 * 86400)
        for delivery_id in delivery_ids
    ]


def send_unsent() -> list[int]:
    """Every minute (hub.workers.cron): deliveries whose job never reached Redis (an outage
    between their commit and the enqueue) are queued again."""
    unsent = run(webhooks.unsent_deliveries)
    enqueue(unsent)
    return unsent
