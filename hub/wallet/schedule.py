"""Queue wallet work, one push per card per few seconds however many changes arrive.

The first change in a quiet period sets a Redis marker (SET NX) and schedules a sync
`coalesce_seconds` later; changes while the marker stands ride along. The job deletes
the marker before it reads the card, so a change committed after that read always
schedules a new sync: nothing is ever lost, bursts cost one push.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import timedelta

from rq import Queue, Retry

from hub.config import settings
from hub.wallet.config import wallet_config

# Retries when APNs or Google keep failing after the in-job backoff.
RETRY = Retry(max=5, interval=[30, 120, 600, 1800, 3600])
_queues: dict[str, Queue] = {}


def queue() -> Queue:
    from hub.workers.queue import job_queue

    return job_queue()


def pending_key(card_id: int) -> str:
    return f"{settings().redis_prefix}:wallet:pending:{card_id}"


def schedule_syncs(card_ids: Iterable[int]) -> list[int]:
    """Schedule a sync for each card not already waiting for one; returns the cards scheduled."""
    ids = sorted(set(card_ids))
    if not ids:
        return []
    q = queue()
    window = wallet_config().coalesce_seconds
    # The marker outlives the window generously: it only guards against a lost job.
    ttl = int(window) + 300
    with q.connection.pipeline(transaction=False) as pipe:
        for card_id in ids:
            pipe.set(pending_key(card_id), "1", nx=True, ex=ttl)
        fresh = [card_id for card_id, won in zip(ids, pipe.execute(), strict=True) if won]
    for card_id in fresh:
        job = "hub.workers.wallet_jobs.sync_card"
        if window > 0:
            q.enqueue_in(timedelta(seconds=window), job, card_id, retry=RETRY, description=f"wallet sync {card_id}")
        else:
            q.enqueue(job, card_id, retry=RETRY, description=f"wallet sync {card_id}")
    return fresh


async def schedule_syncs_async(card_ids: Iterable[int]) -> list[int]:
    return await asyncio.to_thread(schedule_syncs, list(card_ids))


def clear_pending(card_id: int) -> None:
    queue().connection.delete(pending_key(card_id))


def queue_message(card_id: int, header: str, body: str, *, message_id: str | None = None) -> str:
    """Send a campaign notice to the card's wallet passes; returns the message id."""
    message_id = message_id or uuid.uuid4().hex
    queue().enqueue(
        "hub.workers.wallet_jobs.send_message",
        card_id,
        header,
        body,
        message_id,
        retry=RETRY,
        description=f"wallet message {card_id}",
    )
    return message_id
