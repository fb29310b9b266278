"""Publish committed outbox rows to Redis.

Every process that writes (web or worker) runs a relay. Rows are claimed with a
conditional UPDATE so two relays never publish the same batch; a claim left by a
crashed process goes stale and is taken over. While Redis is down, rows simply
wait in the table and go out when it returns.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from hub.domain.clock import utcnow
from hub.models import OutboxEvent
from hub.realtime import outbox, reactions

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(seconds=30)
KEEP_PUBLISHED = timedelta(days=1)


async def _commit_without_flush(conn: BaseDBAsyncClient) -> None:
    """A claim or a published mark lost in a database crash only means its rows go out again,
    and every receiver drops repeats by event id; so these commits need not wait for the disk
    flush, which sits on every event's way to the customer."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script("SET LOCAL synchronous_commit TO OFF")


class OutboxRelay:
    def __init__(self, redis: Redis, channel: str, *, batch: int = 500) -> None:
        self.redis = redis
        self.channel = channel
        self.batch = batch
        self._wake = asyncio.Event()
        # One flush at a time per relay: a caller that flushes (a job before it returns) must
        # wait for a batch the background loop has claimed to go out, not find nothing to do.
        self._flushing = asyncio.Lock()

    async def flush(self) -> int:
        """Publish one batch; returns how many went out. Raises RedisError when Redis is down."""
        async with self._flushing:
            return await self._flush_batch()

    async def _flush_batch(self) -> int:
        now = utcnow()
        unclaimed = Q(claim=None) | Q(claimed_at__lt=now - CLAIM_TTL)
        ids = (
            await OutboxEvent.filter(unclaimed, published_at=None)
            .order_by("id")
            .limit(self.batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return 0
        token = secrets.token_hex(8)
        async with in_transaction() as conn:
            await _commit_without_flush(conn)
            await (
                OutboxEvent.filter(unclaimed, id__in=ids, published_at=None)
                .using_db(conn)
                .update(claim=token, claimed_at=now)
            )
        rows = await OutboxEvent.filter(claim=token, published_at=None).order_by("id")
        if not rows:
            return 0
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for row in rows:
                    pipe.publish(self.channel, json.dumps({**row.payload, "event_id": row.id}))
                await pipe.execute()
        except (RedisError, OSError):
            await OutboxEvent.filter(claim=token, published_at=None).update(claim=None, claimed_at=None)
            raise
        async with in_transaction() as conn:
            await _commit_without_flush(conn)
            await OutboxEvent.filter(claim=token).using_db(conn).update(published_at=utcnow())
        await reactions.run([{**row.payload, "event_id": row.id} for row in rows])
        return len(rows)

    async def prune(self) -> int:
        return await OutboxEvent.filter(published_at__lt=utcnow() - KEEP_PUBLISHED).delete()

    async def run(self) -> None:
        outbox.register_waiter(self._wake)
        backoff = 0.1
        sweeps = 0
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass
                self._wake.clear()
                try:
                    while await self.flush() >= self.batch:
                        pass
                    backoff = 0.1
                    sweeps += 1
                    if sweeps % 3600 == 0:
                        await self.prune()
                except (RedisError, OSError) as exc:
                    log.warning("outbox relay: Redis unavailable (%s); retrying in %.1fs", exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
                    self._wake.set()
                except Exception:
                    log.exception("outbox relay failed; retrying")
                    await asyncio.sleep(1.0)
        finally:
            outbox.unregister_waiter(self._wake)
