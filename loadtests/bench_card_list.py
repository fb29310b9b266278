"""Benchmark the admin's issued-cards list ("User Stamp Cards") at 100,000 cards.

Fills a throwaway database with one business holding N cards (bulk inserts), then
prints how long the list's queries take: the first page, a deep page, searches and
each filter, plus the journal's first page. It is a benchmark, not a test: it prints
figures and asserts nothing.

    python -m loadtests.bench_card_list                      # SQLite in a temp dir
    python -m loadtests.bench_card_list --postgres postgres://postgres@127.0.0.1:5432/postgres
    python -m loadtests.bench_card_list --cards 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

FIRST = ["Mina", "Jon", "Ava", "Noah", "Lea", "Finn", "Sara", "Omar", "Ida", "Luca", "Yuna", "Max", "Zoe", "Emil"]
LAST = ["Park", "Doe", "Kim", "Schmidt", "Rossi", "Novak", "Berg", "Silva", "Lee", "Meyer", "Costa", "Jansen"]
PLATFORM_SETS = [["web"], ["web"], ["web", "apple"], ["web", "google"], ["apple"], ["google"]]


async def fill(cards: int) -> dict:
    from tortoise import Tortoise

    from hub.domain.businesses import add_location, add_seat, sign_up
    from hub.domain.templates import create_template
    from hub.models import Card, CardEvent, Customer, Voucher, VoucherState

    tag = uuid.uuid4().hex[:8]
    owner = await sign_up("Benchmark Café", f"bench-{tag}@example.com", "benchmark password")
    business_id = owner.business_id
    location = await add_location(business_id, "Main Street")
    second = await add_location(business_id, "Harbour")
    seat = await add_seat(business_id, location.id, "Bar Counter", f"bench-{tag}", "2468")
    template = await create_template(business_id, "Coffee card", stamps_required=8)
    rng = random.Random(7)
    now = datetime.now(UTC)
    batch = 5000
    started = time.perf_counter()
    conn = Tortoise.get_connection("default")
    first_number = 100_000 + rng.randrange(1_000_000)
    for offset in range(0, cards, batch):
        size = min(batch, cards - offset)
        customers = [
            Customer(
                business_id=business_id,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {offset + i}",
                email=f"guest{offset + i}@example.com" if rng.random() < 0.6 else None,
            )
            for i in range(size)
        ]
        async with conn._in_transaction() as tx:  # one commit per batch keeps SQLite fast
            await Customer.bulk_create(customers, using_db=tx)
            ids = (
                await Customer.filter(business_id=business_id).order_by("-id").limit(size).values_list("id", flat=True)
            )
            ids.reverse()
            rows = []
            for i, customer_id in enumerate(ids):
                stamps = rng.randrange(8)
                last = now - timedelta(days=rng.randrange(400)) if stamps or rng.random() < 0.5 else None
                rows.append(
                    Card(
                        business_id=business_id,
                        template_id=template.id,
                        customer_id=customer_id,
                        number=first_number + offset + i,
                        token=secrets.token_hex(12),
                        stamps=stamps,
                        stamps_total=stamps + 8 * (i % 3),
                        rounds_completed=i % 3,
                        platforms=rng.choice(PLATFORM_SETS),
                        last_stamp_at=last,
                    )
                )
            await Card.bulk_create(rows, using_db=tx)
            card_ids = (
                await Card.filter(business_id=business_id).order_by("-id").limit(size).values_list("id", "customer_id")
            )
            events = [
                CardEvent(
                    business_id=business_id,
                    card_id=cid,
                    customer_id=cust,
                    kind="stamp",
                    delta=1,
                    stamps_after=1,
                    seat_id=seat.id,
                    location_id=location.id if rng.random() < 0.7 else second.id,
                )
                for cid, cust in card_ids
                if rng.random() < 0.5
            ]
            await CardEvent.bulk_create(events, using_db=tx)
            vouchers = [
                Voucher(
                    business_id=business_id,
                    card_id=cid,
                    title="Free coffee",
                    source="card_full",
                    state=VoucherState.ACTIVE if rng.random() < 0.5 else VoucherState.REDEEMED,
                    redeem_code=secrets.token_hex(6).upper(),
                    expires_at=now + timedelta(days=30),
                )
                for cid, _ in card_ids
                if rng.random() < 0.1
            ]
            await Voucher.bulk_create(vouchers, using_db=tx)
    fill_seconds = time.perf_counter() - started
    # Planner statistics, as PostgreSQL's autovacuum gathers them on a live database; without
    # them a freshly bulk-loaded table plans badly. SQLite runs as shipped (no ANALYZE).
    if conn.capabilities.dialect == "postgres":
        for table in ("card", "customer", "card_event", "voucher"):
            await conn.execute_script(f'VACUUM ANALYZE "{table}"')
    sample = (
        await Card.filter(business_id=business_id)
        .order_by("id")
        .offset(cards // 2)
        .first()
        .prefetch_related("customer")
    )
    return {
        "business_id": business_id,
        "location_id": second.id,
        "fill_seconds": fill_seconds,
        "number": sample.number,
        "name": sample.customer.name.split(" ")[1],
        "template_id": template.id,
        "email": (await Customer.filter(business_id=business_id).exclude(email=None).order_by("-id").first()).email,
    }


async def measure(label: str, repeat: int, fn) -> None:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await fn()
        times.append((time.perf_counter() - started) * 1000)
    total = getattr(result, "total", len(result) if isinstance(result, list) else "")
    print(f"  {label:<44} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms   rows {total}")


async def bench(database_url: str, cards: int, repeat: int) -> None:
    from hub import db
    from hub.domain import journal
    from hub.domain.card_list import CardFilter, list_cards

    await db.migrate(database_url)
    await db.connect(database_url)
    try:
        print(f"Filling {cards:,} cards into {database_url.split('@')[-1]} …")
        info = await fill(cards)
        print(f"  filled in {info['fill_seconds']:.1f} s")
        biz = info["business_id"]
        last_page = cards // 25
        cases = [
            ("first page (25, newest first, with total)", CardFilter(), 1),
            (f"deep page {last_page // 2:,}", CardFilter(), last_page // 2),
            ("search by card number", CardFilter(search=str(info["number"])), 1),
            (f"search by name fragment '{info['name']}'", CardFilter(search=info["name"]), 1),
            ("search by email", CardFilter(search=info["email"]), 1),
            ("filter wallet = apple", CardFilter(platform="apple"), 1),
            ("filter progress = one stamp to go", CardFilter(progress="one_to_go"), 1),
            ("filter has active voucher", CardFilter(active_voucher=True), 1),
            ("filter stamped at location", CardFilter(location_id=info["location_id"]), 1),
            (
                "filter last stamp in the last 30 days",
                CardFilter(last_stamp_after=(datetime.now(UTC) - timedelta(days=30)).date()),
                1,
            ),
            ("search + wallet + progress", CardFilter(search=info["name"], platform="web", progress="started"), 1),
        ]
        print(f"Issued-cards list, {repeat} runs each:")
        for label, flt, page in cases:
            await measure(label, repeat, lambda f=flt, p=page: list_cards(biz, f, page=p, page_size=25))
        await measure("journal first page (50)", repeat, lambda: journal.entries(biz))
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; a temporary database is created there")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stamphub-cardlist-bench-"))
    os.environ.setdefault("STAMPHUB_DATA", str(tmp))
    os.environ.setdefault("SECRET_KEY", "benchmark")
    try:
        if not args.postgres:
            await bench(f"sqlite://{tmp / 'bench.sqlite3'}", args.cards, args.repeat)
            return
        await bench_postgres(args.postgres, args.cards, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def bench_postgres(admin_url: str, cards: int, repeat: int) -> None:
    import asyncpg

    admin = admin_url.replace("postgres://", "postgresql://")
    name = f"stamphub_cardlist_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        await bench(admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}", cards, repeat)
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
