"""Toast loyalty endpoint latency, per transaction type, as Toast sees it over HTTP.

Starts a Stamphub of its own (loadtests/stack.py), connects Toast for the demo business, issues
`--guests` cards with a voucher each, then plays `--sessions` Toast sessions (`--concurrency` at
once, as several terminals of a restaurant): search → inquire → accrue → inquire with the offer
applied → redeem → reverse the redeem → reverse the accrue, plus one retried transaction each.
Prints count, mean, p50, p95 and max per type. Toast asks for under 500 ms on average.

    .venv/bin/python loadtests/bench_toast.py                       # SQLite + embedded Redis
    .venv/bin/python loadtests/bench_toast.py --database postgres://postgres@127.0.0.1:5432/test \\
        --redis redis://127.0.0.1:6379/0 --sessions 300 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtests.stack import Stack, percentile  # noqa: E402


async def prepare(stack: Stack, guests: int) -> tuple[str, str, list[tuple[str, str]]]:
    """The Toast connection and the guests (card number, email), written straight to the stack's
    database like the seed."""
    os.environ.update(stack.env)
    from hub import db
    from hub.domain.cards import issue_card
    from hub.domain.toast_connections import Rule, connect_toast
    from hub.domain.vouchers import issue_manual_voucher
    from hub.models import CardTemplate

    await db.connect(stack.database_url)
    try:
        template = await CardTemplate.get(id=stack.demo["template_id"])
        business_id = template.business_id
        connection, key = await connect_toast(business_id, template.id, Rule(reward_value=350))
        people = []
        for i in range(guests):
            email = f"guest{i}-{uuid.uuid4().hex[:6]}@example.com"
            card = await issue_card(business_id, template.id, f"Guest Number{i}", email=email)
            await issue_manual_voucher(business_id, card.id, title="Free coffee", expires_at=None)
            people.append((str(card.number), email))
    finally:
        await db.close()
    return f"/api/toast/loyalty/{connection.public_id}", key, people


def a_check() -> dict:
    item = {"guid": str(uuid.uuid4()), "entityType": "MenuItem"}
    selection = {"guid": str(uuid.uuid4()), "entityType": "MenuItemSelection", "item": item, "quantity": 2}
    selection |= {"displayName": "Latte", "price": 8.4}
    return {"guid": str(uuid.uuid4()), "entityType": "Check", "selections": [selection], "amount": 8.4}


class Toast:
    def __init__(self, client: httpx.AsyncClient, path: str, key: str) -> None:
        self.client, self.path, self.key = client, path, key
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors = 0

    async def send(self, kind: str, body: dict, guid: str | None = None, label: str | None = None) -> dict:
        guid = guid or str(uuid.uuid4())
        headers = {"Authorization": self.key, "Toast-Transaction-Type": kind, "Toast-Transaction-GUID": guid}
        started = time.perf_counter()
        response = await self.client.post(self.path, json={"toastTransactionType": kind, **body}, headers=headers)
        self.times[label or kind].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            self.errors += 1
        return {"guid": guid, **response.json()}

    async def session(self, number: str, email: str) -> None:
        check = a_check()

        def info(redemptions: list | None = None) -> dict:
            return {
                "checkTransactionInformation": {
                    "loyaltyIdentifier": number,
                    "check": check,
                    "redemptions": redemptions or [],
                }
            }

        await self.send("LOYALTY_SEARCH", {"searchTransactionInformation": {"searchCriteria": {"email": email}}})
        inquired = await self.send("LOYALTY_INQUIRE", info())
        offer = inquired["checkResponse"]["offers"][0]
        applied = [
            {"identifier": offer["identifier"], "appliedDiscountGuid": str(uuid.uuid4()), "amount": offer["amount"]}
        ]
        await self.send("LOYALTY_INQUIRE", info(applied))
        accrued = await self.send("LOYALTY_ACCRUE", info())
        await self.send("LOYALTY_ACCRUE", info(), guid=accrued["guid"], label="retry (stored answer)")
        redeemed = await self.send("LOYALTY_REDEEM", info(applied))
        for target in (redeemed, accrued):
            body = {"reverseTransactionInformation": {"loyaltyIdentifier": number, "transactionId": target["guid"]}}
            await self.send("LOYALTY_REVERSE", body)


async def drive(base_url: str, path: str, key: str, people: list[tuple[str, str]], sessions: int, concurrency: int):
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        toast = Toast(client, path, key)
        queue: asyncio.Queue = asyncio.Queue()
        for i in range(sessions):
            queue.put_nowait(people[i % len(people)])

        async def terminal() -> None:
            while not queue.empty():
                await toast.session(*queue.get_nowait())

        # One guest is never at two terminals at once: sessions of one card run one after another.
        started = time.perf_counter()
        await asyncio.gather(*(terminal() for _ in range(min(concurrency, len(people)))))
        return toast, time.perf_counter() - started


def report(toast: Toast, seconds: float, kind: str) -> dict:
    print(f"\nToast loyalty endpoint on {kind}, {sum(map(len, toast.times.values()))} requests in {seconds:.1f} s")
    print(f"  {'transaction':<24}{'count':>7}{'mean ms':>10}{'p50':>9}{'p95':>9}{'max':>9}")
    figures = {}
    for label, times in sorted(toast.times.items()):
        row = {
            "count": len(times),
            "mean": statistics.fmean(times),
            "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95),
            "max": max(times),
        }
        figures[label] = row
        print(
            f"  {label:<24}{row['count']:>7}{row['mean']:>10.1f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['max']:>9.1f}"
        )
    print(f"  non-200 answers: {toast.errors}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL; a fresh database is created beside it")
    parser.add_argument("--redis", help="Redis URL; used under a key prefix of the bench's own")
    parser.add_argument("--guests", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    with Stack(database=args.database, redis=args.redis, web=1, worker=False) as stack:
        path, key, people = asyncio.run(prepare(stack, args.guests))
        toast, seconds = asyncio.run(drive(stack.urls[0], path, key, people, args.sessions, args.concurrency))
        figures = report(toast, seconds, stack.kind)
        if errors := stack.error_lines():
            print("\n".join(["app errors:", *errors[:20]]))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    sys.exit(1 if toast.errors or errors else 0)


if __name__ == "__main__":
    main()
