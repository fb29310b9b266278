"""Publish committed outbox rows to Redis.

Every process that writes (web or worker) runs a relay. Rows a process records while
its relay runs are claimed by that relay as they are written, so right after commit it
publishes them with one read and one mark. Anything else (rows written without a relay, a
claim left by a crashed process gone stale) is claimed by a sweep with a conditional
UPDATE, so two relays never publish the same row. While Redis is down, rows simply wait
in the table and go out when it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.models import OutboxEvent
from hub.realtime import outbox, reactions

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(seconds=30)
KEEP_PUBLISHED = timedelta(days=1)
SWEEP_EVERY = 1.0
# Reactions only enqueue jobs (wallet pushes, webhooks, automations), which may start a few ms
# later; gathering events that long lets one round of their lookups serve many events under
# load, while publishing (the customer's screen) never waits.
REACTION_GATHER = 0.05


async def _commit_without_flush(conn: BaseDBAsyncClient) -> None:
    """A claim or a published mark lost in a database crash only means its rows go out again,
    and every receiver drops repeats by event id; so these commits need not wait for the disk
    flush, which sits on every event's way to the customer."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script("SET LOCAL synchronous_commit TO OFF")


async def _mark_published(ids: list[int]) -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        # One round trip: a multi-statement query is one transaction, so SET LOCAL holds for it.
        listed = ",".join(str(int(i)) for i in ids)
        await conn.execute_script(
            "SET LOCAL synchronous_commit TO OFF; "
            f'UPDATE "outbox_event" SET "published_at" = now() WHERE "id" IN ({listed})'
        )
    else:
        await OutboxEvent.filter(id__in=ids).update(published_at=utcnow())


class OutboxRelay:
    def __init__(self, redis: Redis, channel: str, *, batch: int = 500) -> None:
        self.redis = redis
        self.channel = channel
        self.batch = batch
        # Rows this process records while the relay runs carry this claim (see outbox.record).
        self.token = secrets.token_hex(8)
        self._wake = asyncio.Event()
        # One flush at a time per relay: a caller that flushes (a job before it returns) must
        # wait for a batch the background loop has claimed to go out, not find nothing to do.
        self._flushing = asyncio.Lock()
        self._to_react: list[dict] = []
        self._to_mark: list[int] = []
        self._handed: list[outbox.Row] = []
        self._in_table = True  # committed rows of ours to read from the table
        self._react_wake = asyncio.Event()

    async def flush(self) -> int:
        """Publish one batch (this process's rows first) and run its reactions; returns how many
        went out. Raises RedisError when Redis is down."""
        sent = await self._flush_own_then_unowned()
        await self._react()
        return sent

    async def _flush_own_then_unowned(self, *, sweep: bool = True) -> int:
        async with self._flushing:
            if self._handed:
                handed, self._handed = self._handed[: self.batch], self._handed[self.batch :]
                # Nothing but a sweep reads hand-over rows, and only once their claim is stale:
                # their mark can wait for the reactions round instead of holding up the next batch.
                return await self._publish_rows(handed, mark_later=True)
            if self._in_table:
                self._in_table = False
                sent = await self._publish(self.token)
                if sent:
                    # A commit meanwhile may have set the flag again; only ever raise it here.
                    self._in_table = self._in_table or sent >= self.batch
                    return sent
            return await self._publish(await self._claim_unowned()) if sweep else 0

    def _take(self, rows: list[outbox.Row] | None) -> None:
        if rows is None:
            self._in_table = True
        else:
            self._handed.extend(rows)

    async def _react(self) -> None:
        ids, self._to_mark = self._to_mark, []
        if ids:
            try:
                await _mark_published(ids)
            except Exception:
                log.exception("outbox relay: could not mark %d published rows; a sweep sends them again", len(ids))
        events, self._to_react = self._to_react, []
        if events:
            await reactions.run(events)

    async def _react_gathered(self) -> None:
        while True:
            await self._react_wake.wait()
            await asyncio.sleep(REACTION_GATHER)
            self._react_wake.clear()
            await self._react()

    async def sweep(self) -> int:
        """Take over rows nobody is publishing: written without a relay, or claimed by a process
        that died before publishing them. Runs beside the flushes, not under their lock: the
        claim is a conditional UPDATE, and this process's own events must not wait for it."""
        return await self._publish(await self._claim_unowned())

    async def _sweep_every_second(self) -> None:
        sweeps = 0
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                while await self.sweep() >= self.batch:
                    pass
                sweeps += 1
                if sweeps % 3600 == 0:
                    await self.prune()
            except (RedisError, OSError) as exc:
                log.warning("outbox sweep: Redis unavailable (%s)", exc)
            except Exception:
                log.exception("outbox sweep failed; retrying")

    async def _claim_unowned(self) -> str | None:
        now = utcnow()
        unclaimed = Q(claim=None) | Q(claimed_at__lt=now - CLAIM_TTL)
        ids = (
            await OutboxEvent.filter(unclaimed, published_at=None)
            .order_by("id")
            .limit(self.batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return None
        token = secrets.token_hex(8)
        async with in_transaction() as conn:
            await _commit_without_flush(conn)
            await (
                OutboxEvent.filter(unclaimed, id__in=ids, published_at=None)
                .using_db(conn)
                .update(claim=token, claimed_at=now)
            )
        return token

    async def _publish(self, token: str | None) -> int:
        if token is None:
            return 0
        rows = await OutboxEvent.filter(claim=token, published_at=None).order_by("id").limit(self.batch)
        return await self._publish_rows([(row.id, row.payload) for row in rows])

    async def _publish_rows(self, rows: list[outbox.Row], *, mark_later: bool = False) -> int:
        if not rows:
            return 0
        ids = [row_id for row_id, _ in rows]
        events = [{**payload, "event_id": row_id} for row_id, payload in rows]
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for event in events:
                    pipe.publish(self.channel, json.dumps(event))
                await pipe.execute()
        except (RedisError, OSError):
            # Released, so that whichever relay reaches Redis first claims them afresh.
            await OutboxEvent.filter(id__in=ids, published_at=None).update(claim=None, claimed_at=None)
            raise
        if mark_later:
            self._to_mark.extend(ids)
        else:
            await _mark_published(ids)
        self._to_react.extend(events)
        self._react_wake.set()
        return len(rows)

    async def prune(self) -> int:
        return await OutboxEvent.filter(published_at__lt=utcnow() - KEEP_PUBLISHED).delete()

    async def run(self) -> None:
        outbox.register_relay(self._wake, self.token, self._take)
        backoff = 0.1
        helpers = [
            asyncio.create_task(self._react_gathered(), name="outbox-reactions"),
            asyncio.create_task(self._sweep_every_second(), name="outbox-sweep"),
        ]
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=SWEEP_EVERY)
                except TimeoutError:
                    pass
                self._wake.clear()
                try:
                    while await self._flush_own_then_unowned(sweep=False):
                        if not (self._handed or self._in_table):
                            break
                    backoff = 0.1
                except (RedisError, OSError) as exc:
                    log.warning("outbox relay: Redis unavailable (%s); retrying in %.1fs", exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
                    self._wake.set()
                except Exception:
                    log.exception("outbox relay failed; retrying")
                    await asyncio.sleep(1.0)
        finally:
            outbox.unregister_relay(self._wake)
            for helper in helpers:
                helper.cancel()
            for helper in helpers:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await helper
            with contextlib.suppress(Exception):
                await self._react()  # published events keep their side effects when we stop
