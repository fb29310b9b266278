"""Once per published event: record a delivery for each subscribed endpoint and queue its job."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.domain import webhooks
from hub.realtime.reactions import reaction
from hub.workers import webhook_jobs


async def enqueue_deliveries(delivery_ids: list[int]) -> None:
    if delivery_ids:
        await asyncio.to_thread(webhook_jobs.enqueue, delivery_ids)


@reaction
async def deliver_webhooks(events: list[dict[str, Any]]) -> None:
    # A delivery whose job is lost here (Redis away) is queued again by the minute's
    # `webhook_jobs.send_unsent`.
    await enqueue_deliveries(await webhooks.record_deliveries(events))
