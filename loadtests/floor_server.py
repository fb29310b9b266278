"""The scan's floor: `POST /api/v1/scans` doing only the work no implementation of a scan can skip.

A bare ASGI callable under uvicorn (as the app's web process runs), raw asyncpg and redis-py:
it checks the API key and the code's signature, counts the request in the same per-address
rate limit, and sends the app's own statements in the app's transaction shape (hub/domain/
locks.py, stamp_rows.py; a full card's reward as the ORM writes it), publishes the events as
the relay does, marks them published and runs the reactions' lookups once per 50 ms round.
It answers the endpoint's JSON. What it leaves out is the framework: routing, dependencies,
validation, the ORM, the event bus and the Socket.IO fan-out (its events go to a channel of
their own, so the app's processes neither fan them out nor pay for them).

On SQLite (floor_sqlite.py) it writes a stamp's rows one statement each, as the ORM does
there. Started by bench_scan.py as its own process:

    python loadtests/floor_server.py --port P   (DATABASE_URL, REDIS_URL, REDIS_PREFIX,
                                                SECRET_KEY, FLOOR_API_KEYS from the environment)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from floor_sqlite import SqlitePool, UniqueViolation
from redis.asyncio import Redis
from tortoise import Tortoise

from hub.domain import codes, stamp_rows
from hub.domain.locks import _stamp_sql
from hub.errors import DomainError

REACTION_GATHER = 0.05
RATE_LIMIT = 3000  # requests a minute per client address, as the API

# The reward path's statements as the ORM sends them (hub.domain.stamps, vouchers, outbox).
_JOURNAL = (
    'INSERT INTO "card_event" ("customer_id","kind","delta","stamps_after","voucher_id","idempotency_key",'
    '"detail","created_at","scanned_at","business_id","card_id","location_id","seat_id") '
    'VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING "id"'
)
_VOUCHER = (
    'INSERT INTO "voucher" ("title","state","source","redeem_code","note","expires_at","redeemed_at",'
    '"redeemed_via","created_at","business_id","card_id","redeemed_location_id","redeemed_seat_id") '
    'VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING "id"'
)
_OUTBOX = (
    'INSERT INTO "outbox_event" ("payload","created_at","claim","claimed_at","published_at") '
    'VALUES ($1,$2,$3,$4,$5) RETURNING "id"'
)
_COUNTERS = 'UPDATE "card" SET "stamps"=$1,"stamps_total"=$2,"last_stamp_at"=$3,"rounds_completed"=$4 WHERE "id"=$5'
_CLAIMED = (
    'SELECT "created_at","claimed_at","payload","claim","id","published_at" FROM "outbox_event" '
    'WHERE "claim"=$1 AND "published_at" IS NULL ORDER BY "id" ASC LIMIT $2'
)
# The relay's round: published marks, then the reactions' lookups (hub/realtime/reactions.py);
# `{}` stands for the ids' marks.
_REACTIONS = (
    'SELECT "deleted_at","secret","created_at","id","events","url","active","business_id","description" '
    'FROM "webhook_endpoint" WHERE "business_id" IN ({}) AND "active" AND "deleted_at" IS NULL',
    'SELECT "segment","scheduled_at","name","status","attachment","subject","created_at","finished_at","kind",'
    '"id","channels","business_id","settings","body","started_at" FROM "campaign" '
    'WHERE "kind"=\'post_purchase\' AND "status"=\'active\' AND "business_id" IN ({})',
)
_WALLETS = (
    'SELECT "card_id" "0" FROM "wallet_registration" WHERE "card_id" IN ({})',
    'SELECT "card_id" "0" FROM "google_wallet_object" WHERE "card_id" IN ({})',
)
_SWEEP = (
    'SELECT "id" "0" FROM "outbox_event" WHERE ("claim" IS NULL OR "claimed_at"<$1) '
    'AND "published_at" IS NULL ORDER BY "id" ASC LIMIT 500'
)


class Floor:
    def __init__(self) -> None:
        self.secret = os.environ["SECRET_KEY"].encode()
        self.api_keys = set(os.environ["FLOOR_API_KEYS"].split(","))
        prefix = os.environ["REDIS_PREFIX"]
        self.channel = f"{prefix}:floor-events"
        self.limits = f"{prefix}:floor-rl"
        self.claim = secrets.token_hex(8)
        # The models' relations name the foreign-key columns the locking read selects.
        Tortoise.init_models(["hub.models"], "models")
        self.url = os.environ["DATABASE_URL"].split("?", 1)[0]
        self.postgres = self.url.startswith("postgres")
        self.lock_sql = _stamp_sql("number", self.postgres).format("$1", "$2", "$3")
        self.write_sql = stamp_rows._sql(2)
        self.to_mark: list[int] = []
        self.to_react: list[dict[str, Any]] = []
        self.gathered = asyncio.Event()
        self.flushing = asyncio.Lock()

    async def start(self) -> None:
        if self.postgres:
            # As tortoise's pool in the app: no RESET ALL on release.
            dsn = "postgresql://" + self.url.split("://", 1)[1]
            self.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=5, reset=_keep_session)
        else:
            self.pool = await SqlitePool(self.url.removeprefix("sqlite://")).open()
        self.redis = Redis.from_url(os.environ["REDIS_URL"])
        self.tasks = [asyncio.create_task(self._rounds()), asyncio.create_task(self._sweeps())]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.pool.close()
        await self.redis.aclose()

    async def scan(self, body: dict[str, Any], client: str) -> tuple[int, dict[str, Any]]:
        code, key = body.get("code"), body.get("idempotency_key")
        if not isinstance(code, str) or not isinstance(key, str) or not 0 < len(key) <= 128:
            return 422, {"error": "invalid_input"}
        if await self._count(client) > RATE_LIMIT:
            return 429, {"error": "rate_limited"}
        parsed = codes.parse_code(self.secret, code)
        if parsed.kind != "card":
            return 422, {"error": "not a card code"}
        now = datetime.now(UTC)
        async with self.pool.acquire() as conn:
            try:
                async with conn.transaction():
                    row = await conn.fetchrow(self.lock_sql, key, parsed.ident, self.business_id)
                    if row is None:
                        return 404, {"error": "not_found"}
                    if row["replayed"]:
                        return 409, {"error": "idempotency_replay"}
                    if row["t_cooldown_seconds"] or row["t_daily_cap"]:
                        return 501, {"error": "the floor replays unlimited templates only"}
                    card = {k[2:]: v for k, v in row.items() if k.startswith("c_")}
                    card["stamps"] += 1
                    card["stamps_total"] += 1
                    card["last_stamp_at"] = now
                    full = card["stamps"] >= row["t_stamps_required"]
                    if full:
                        voucher = await self._reward(conn, card, row, key, now)
                    else:
                        voucher = None
                        handed = await self._write(conn, card, row, key, now)
            except (asyncpg.UniqueViolationError, UniqueViolation):
                return 409, {"error": "idempotency_replay"}
        if full:
            await self._flush_claimed()
        else:
            await self._publish(handed)
            self.to_mark.extend(i for i, _ in handed)
        required = row["t_stamps_required"]
        return 200, {
            "outcome": "reward" if full else "stamped",
            "reason": None,
            "message": f"Reward earned: {row['t_reward_title']}" if full else f"Stamped {card['stamps']} / {required}",
            "card": {"number": card["number"], "stamps": card["stamps"], "stamps_required": required},
            "voucher": voucher,
            "detail": {"stamps": 1},
        }

    async def _flush_claimed(self) -> None:
        """As the relay publishes rows recorded under its claim: read, publish, mark; one flush
        at a time, so that a concurrent reward's rows go out once."""
        async with self.flushing:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(_CLAIMED, self.claim, 500)
            if rows:
                await self._publish([(r["id"], json.loads(r["payload"])) for r in rows])
                async with self.pool.acquire() as conn:
                    await self._mark(conn, [r["id"] for r in rows])

    async def _count(self, client: str) -> int:
        name = f"{self.limits}:{client}:{int(datetime.now(UTC).timestamp() // 60)}"
        count = await self.redis.incr(name)
        if count == 1:
            await self.redis.expire(name, 61)
        return count

    def _events(self, card: dict[str, Any], row: Any, full: bool) -> list[dict[str, Any]]:
        state = {
            "business_id": card["business_id"],
            "card_id": card["id"],
            "number": card["number"],
            "token": card["token"],
            "stamps": card["stamps"],
            "stamps_required": row["t_stamps_required"],
            "stamps_total": card["stamps_total"],
            "template_id": row["t_id"],
            "template_version": card["template_version"],
            "last_stamp_at": card["last_stamp_at"].isoformat(),
        }
        stamped = {"type": "card.stamped", "delta": 1, "reward": full, "seat_id": None, "seat_name": None}
        stamped.update(location_id=None, **state)
        return [stamped, {"type": "card.updated", "deleted": False, **state}]

    async def _write(self, conn: Any, card: dict[str, Any], row: Any, key: str, now: datetime) -> list:
        events = self._events(card, row, False)
        if not self.postgres:
            journal = (card["customer_id"], "stamp", 1, card["stamps"], None, key, json.dumps({"source": "api"}))
            await conn.fetchval(_JOURNAL, *journal, now, None, card["business_id"], card["id"], None, None)
            await conn.execute(_COUNTERS, *(card[c] for c in stamp_rows.COUNTERS), card["id"])
            claim = self.claim + "~h"
            ids = [await conn.fetchval(_OUTBOX, json.dumps(e), now, claim, now, None) for e in events]
            return list(zip(ids, events, strict=True))
        values = [
            card["business_id"], card["id"], card["customer_id"], "stamp", 1, card["stamps"], None, None, key,
            json.dumps({"source": "api"}), None, now,
            *(card[c] for c in stamp_rows.COUNTERS), card["id"],
            self.claim + "~h", now, now,
            *(json.dumps(e) for e in events),
        ]  # fmt: skip
        ids = sorted(r["id"] for r in await conn.fetch(self.write_sql, *values))
        return list(zip(ids, events, strict=True))

    async def _reward(self, conn: Any, card: dict[str, Any], row: Any, key: str, now: datetime) -> dict[str, Any]:
        journal = (card["customer_id"], "stamp", 1, card["stamps"], None, key, json.dumps({"source": "api"}))
        await conn.fetchval(_JOURNAL, *journal, now, None, card["business_id"], card["id"], None, None)
        card["stamps"] -= row["t_stamps_required"]
        card["rounds_completed"] += 1
        title, days = row["t_reward_title"], row["t_voucher_valid_days"]
        expires = now + timedelta(days=days) if days else None
        voucher_id = await conn.fetchval(
            _VOUCHER, title, "active", "card_full", codes.new_redeem_code(), "", expires, None, None, now,
            card["business_id"], card["id"], None, None,
        )  # fmt: skip
        detail = json.dumps({"note": "", "title": title, "source": "card_full"})
        issued = (card["customer_id"], "voucher_issued", 0, card["stamps"], voucher_id, None, detail)
        await conn.fetchval(_JOURNAL, *issued, now, None, card["business_id"], card["id"], None, None)
        voucher_event = {
            "type": "voucher.issued", "state": "active", "title": title, "token": card["token"],
            "number": card["number"], "source": "card_full", "card_id": card["id"], "seat_id": None,
            "voucher_id": voucher_id, "business_id": card["business_id"], "location_id": None,
        }  # fmt: skip
        await conn.fetchval(_OUTBOX, json.dumps(voucher_event), now, self.claim, now, None)
        await conn.execute(_COUNTERS, *(card[c] for c in stamp_rows.COUNTERS), card["id"])
        for event in self._events(card, row, True):
            await conn.fetchval(_OUTBOX, json.dumps(event), now, self.claim, now, None)
        expiry = expires and expires.isoformat()
        return {"id": voucher_id, "title": title, "state": "active", "redeemed_at": None, "expires_at": expiry}

    async def _publish(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        events = [{**payload, "event_id": row_id} for row_id, payload in rows]
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(self.channel, json.dumps(event))
            await pipe.execute()
        self.to_react.extend(events)
        self.gathered.set()

    async def _rounds(self) -> None:
        while True:
            await self.gathered.wait()
            await asyncio.sleep(REACTION_GATHER)
            self.gathered.clear()
            ids, self.to_mark = self.to_mark, []
            events, self.to_react = self.to_react, []
            if not events:
                continue
            async with self.pool.acquire() as conn:
                if ids:
                    await self._mark(conn, ids)
                businesses = list({e["business_id"] for e in events})
                for sql in _REACTIONS:
                    await conn.fetch(_listed(sql, businesses), *businesses)
                # The wallet reaction's triggers: what a pass shows, not the stamp's own event.
                cards = list({e["card_id"] for e in events if e["type"] != "card.stamped"})
                for sql in _WALLETS if cards else ():
                    await conn.fetch(_listed(sql, cards), *cards)

    async def _mark(self, conn: Any, ids: list[int]) -> None:
        listed = ",".join(str(int(i)) for i in ids)
        if self.postgres:
            # One round trip, as the relay's: a multi-statement query is one transaction.
            await conn.execute(
                "SET LOCAL synchronous_commit TO OFF; "
                f'UPDATE "outbox_event" SET "published_at" = now() WHERE "id" IN ({listed})'
            )
        else:
            mark = f'UPDATE "outbox_event" SET "published_at" = $1 WHERE "id" IN ({listed})'
            await conn.execute(mark, datetime.now(UTC))

    async def _sweeps(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            async with self.pool.acquire() as conn:
                await conn.fetch(_SWEEP, datetime.now(UTC) - timedelta(seconds=30))


async def _keep_session(connection: Any) -> None:
    pass


def _listed(sql: str, ids: list[int]) -> str:
    return sql.format(",".join(f"${i}" for i in range(1, len(ids) + 1)))


class App:
    """The ASGI callable: `POST /api/v1/scans` and `GET /healthz`; everything else 404."""

    def __init__(self) -> None:
        self.floor = Floor()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["path"] == "/healthz":
            await _answer(send, 200, {"ok": True})
            return
        if scope["path"] != "/api/v1/scans" or scope["method"] != "POST":
            await _answer(send, 404, {"error": "not_found"})
            return
        headers = dict(scope["headers"])
        scheme, _, key = headers.get(b"authorization", b"").decode().partition(" ")
        if scheme.lower() != "bearer" or key.strip() not in self.floor.api_keys:
            await _answer(send, 401, {"error": "unauthorized"})
            return
        raw = b""
        more = True
        while more:
            message = await receive()
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            status, payload = await self.floor.scan(json.loads(raw), scope["client"][0])
        except (ValueError, DomainError) as exc:
            status, payload = 422, {"error": type(exc).__name__}
        await _answer(send, status, payload)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.floor.start()
                async with self.floor.pool.acquire() as conn:
                    self.floor.business_id = await conn.fetchval("SELECT min(id) FROM business")
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.floor.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _answer(send: Any, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    app = App()
    # The app's web process runs with these collector settings (hub/cli.py); so does its floor.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
