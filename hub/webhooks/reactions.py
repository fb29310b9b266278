"""Once per published event: record a delivery for each subscribed endpoint and queue its job."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

from hub.domain import webhooks
from hub.realtime.reactions import reaction
from hub.workers import webhook_jobs

log = logging.getLogger(__name__)


def redis_url() -> str:
    from hub.runtime import runtime

    try:
        return runtime().redis_url
    except RuntimeError:  # a worker process: no web runtime, the relay runs on REDIS_URL
        return os.environ["REDIS_URL"]


async def enqueue_deliveries(delivery_ids: list[int]) -> None:
    if delivery_ids:
        await asyncio.to_thread(webhook_jobs.enqueue, redis_url(), delivery_ids)


SWEEP_EVERY = 60.0
_last_sweep = 0.0


@reaction
async def deliver_webhooks(events: list[dict[str, Any]]) -> None:
    global _last_sweep
    created = await webhooks.record_deliveries(events)
    stranded: list[int] = []
    if time.monotonic() - _last_sweep > SWEEP_EVERY:
        # Rows whose job never reached Redis (an outage between commit and enqueue) ride along.
        _last_sweep = time.monotonic()
        stranded = [i for i in await webhooks.unsent_deliveries() if i not in created]
    await enqueue_deliveries(created + stranded)
