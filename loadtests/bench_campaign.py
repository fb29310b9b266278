"""Benchmark (not a test): a 20,000-recipient email campaign sent to a local SMTP sink by 1 and
then 2 RQ worker processes; prints deliveries per second.

    .venv/bin/python loadtests/bench_campaign.py [--recipients 20000] [--workers 1 2]
        [--database sqlite | postgres://postgres@127.0.0.1:5432/test]

Uses its own database (a temporary SQLite file, or a new PostgreSQL database next to the one
given) and its own Redis key prefix on REDIS_URL (an embedded redis-server when unset).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the product and the load-test helpers


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 2.0.0 Ok: queued"


async def seed(business_name: str, recipients: int) -> int:
    from hub.domain import codes
    from hub.domain.businesses import sign_up
    from hub.domain.templates import create_template
    from hub.models import Card, Customer

    owner = await sign_up(business_name, f"bench-{uuid.uuid4().hex[:8]}@example.com", "correct horse")
    template = await create_template(owner.business_id, "Coffee card", stamps_required=8)
    customers = [
        Customer(business_id=owner.business_id, name=f"Guest {i}", email=f"guest{i}@bench.test", marketing_consent=True)
        for i in range(recipients)
    ]
    await Customer.bulk_create(customers, batch_size=1000)
    ids = await Customer.filter(business_id=owner.business_id).order_by("id").values_list("id", flat=True)
    base = 10_000_000 + int(uuid.uuid4().int % 1_000_000) * 100
    cards = [
        Card(
            business_id=owner.business_id,
            template_id=template.id,
            customer_id=cid,
            number=base + i,
            token=codes.new_card_token(),
            platforms=["web"],
        )
        for i, cid in enumerate(ids)
    ]
    await Card.bulk_create(cards, batch_size=1000)
    return owner.business_id


def spawn_workers(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "worker", "--burst"],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


async def campaign_status(campaign_id: int) -> tuple[str, int]:
    from hub.models import Campaign, CampaignDelivery

    campaign = await Campaign.get(id=campaign_id)
    delivered = await CampaignDelivery.filter(campaign_id=campaign_id, status="delivered").count()
    return campaign.status, delivered


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database", default="sqlite")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="stamphub-bench-"))
    admin_url = None
    if args.database == "sqlite":
        database_url = f"sqlite://{tmp}/bench.sqlite3"
    else:
        admin_url = args.database.replace("postgresql://", "postgres://")
        database_url = admin_url.rsplit("/", 1)[0] + f"/stamphub_bench_{uuid.uuid4().hex[:8]}"
    embedded = None
    if not os.environ.get("REDIS_URL"):
        from hub.embedded_redis import EmbeddedRedis

        embedded = EmbeddedRedis(tmp / "redis")
        os.environ["REDIS_URL"] = embedded.url
    from aiosmtpd.controller import Controller

    from loadtests.stack import free_port

    handler, port = CountingHandler(), free_port()
    sink = Controller(handler, hostname="127.0.0.1", port=port)
    sink.start()
    os.environ.update(
        DATABASE_URL=database_url,
        STAMPHUB_DATA=str(tmp / "data"),
        SECRET_KEY="bench-secret",
        REDIS_PREFIX=f"bench:{uuid.uuid4().hex[:8]}",
        PUBLIC_URL="http://bench.local",
        SMTP_URL=f"smtp://127.0.0.1:{port}",
        SMTP_FROM="Bench <bench@bench.test>",
    )

    import asyncpg

    from hub import db
    from hub.domain import campaigns
    from hub.workers.campaign_jobs import enqueue_campaign

    if admin_url:
        conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://"))
        await conn.execute(f'CREATE DATABASE "{database_url.rsplit("/", 1)[1]}"')
        await conn.close()
    try:
        await db.migrate(database_url)
        await db.connect(database_url)
        started = time.monotonic()
        business_id = await seed("Bench Café", args.recipients)
        print(
            f"seeded {args.recipients} customers in {time.monotonic() - started:.1f}s "
            f"({'SQLite' if admin_url is None else 'PostgreSQL'})",
            flush=True,
        )
        for workers in args.workers:
            before = handler.count
            campaign = await campaigns.create_campaign(
                business_id,
                name=f"Bench x{workers}",
                subject="Hello {first_name}",
                body="A benchmark message.",
                channels=["email"],
            )
            enqueue_campaign(campaign)
            started = time.monotonic()
            procs = spawn_workers(workers)
            status, delivered = "queued", 0
            while status != "done":
                await asyncio.sleep(1.0)
                status, delivered = await campaign_status(campaign.id)
                if all(p.poll() is not None for p in procs) and status != "done":
                    # Burst workers leave when the queue is empty; start one more for leftovers.
                    procs = spawn_workers(1)
            elapsed = time.monotonic() - started
            for p in procs:
                await asyncio.to_thread(p.wait)
            received = handler.count - before
            print(
                f"{workers} worker(s): {delivered} delivered, SMTP sink received {received}, "
                f"{elapsed:.1f}s, {delivered / elapsed:.0f} deliveries/s",
                flush=True,
            )
    finally:
        await db.close()
        sink.stop()
        if admin_url:
            conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://"))
            await conn.execute(f'DROP DATABASE IF EXISTS "{database_url.rsplit("/", 1)[1]}" WITH (FORCE)')
            await conn.close()
        if embedded:
            embedded.stop()


if __name__ == "__main__":
    asyncio.run(main())
