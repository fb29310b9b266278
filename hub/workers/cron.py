"""Recurring jobs, enqueued by RQ's CronScheduler (`stamphub cron`, one per deployment).

Features add their schedules to `schedules()`; every job is an importable function in
hub.workers that is safe to run twice (each re-reads state and changes only what is due).
"""

from __future__ import annotations

from rq.cron import CronScheduler

from hub.workers import campaign_jobs, jobs, webhook_jobs


def schedules() -> list[tuple[object, int]]:
    """Every recurring job of the product: (function, interval in seconds)."""
    return [
        (campaign_jobs.tick, campaign_jobs.tick_seconds()),
        (webhook_jobs.send_unsent, 60),
        (jobs.expire_vouchers, 300),
        (jobs.end_expired_grace, 3600),
        (jobs.expire_inbox_messages, 3600),
    ]


def build_scheduler(connection, queue_name: str) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name=f"{queue_name}:cron")
    for func, interval in schedules():
        scheduler.register(func, queue_name, interval=interval)
    return scheduler
