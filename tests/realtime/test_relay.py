"""The outbox relay: a stamp's events go out from memory, and nothing is stranded."""

import asyncio
from datetime import timedelta

import pytest

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.scans import scan
from hub.models import OutboxEvent
from hub.realtime import outbox
from hub.realtime.relay import CLAIM_TTL


async def arrivals(live) -> list[dict]:
    got: list[dict] = []
    live.bus.subscribe("*", got.append)
    return got


async def wait_for(got: list[dict], predicate, timeout: float = 3.0) -> list[dict]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = [e for e in got if predicate(e)]
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching event among {[e.get('type') for e in got]}")


async def test_a_stamps_events_are_published_once_each_and_marked(live, shop, secret):
    got = await arrivals(live)
    await scan(shop.business_id, codes.card_code(secret, shop.card.number), secret=secret, idempotency_key="r-1")
    updated = await wait_for(got, lambda e: e["type"] == "card.updated" and e.get("card_id") == shop.card.id)
    stamped = await wait_for(got, lambda e: e["type"] == "card.stamped" and e.get("card_id") == shop.card.id)
    assert updated[0]["stamps"] == stamped[0]["stamps"] == 1
    await asyncio.sleep(0.3)
    assert len([e for e in got if e["type"] == "card.stamped" and e.get("card_id") == shop.card.id]) == 1
    rows = await OutboxEvent.filter(id__in=[updated[0]["event_id"], stamped[0]["event_id"]])
    assert all(row.published_at is not None for row in rows)


async def test_rows_a_dead_process_never_handed_over_are_swept_once_its_claim_is_stale(live, shop):
    stale = utcnow() - CLAIM_TTL - timedelta(seconds=1)
    row = await OutboxEvent.create(
        payload={"type": "card.updated", "business_id": shop.business_id, "card_id": shop.card.id, "stamps": 7},
        claim="deadbeefdeadbeef" + outbox.HANDOVER_SUFFIX,
        claimed_at=stale,
    )
    got = await arrivals(live)
    await wait_for(got, lambda e: e.get("event_id") == row.id, timeout=4.0)


async def test_a_commit_while_the_relay_is_busy_is_not_lost(live, shop):
    got = await arrivals(live)
    for i in range(5):  # commits landing while the relay publishes the previous ones
        async with outbox.transaction() as conn:
            await outbox.record(conn, {"type": "card.message", "business_id": shop.business_id, "n": i})
        await asyncio.sleep(0)
    for i in range(5):
        await wait_for(got, lambda e, i=i: e["type"] == "card.message" and e.get("n") == i, timeout=0.9)


async def test_an_operation_wakes_the_relay_when_it_commits_and_not_when_it_fails(shop):
    """No writer calls the relay by hand: a committed card operation wakes it, a refused one does not."""
    from hub.domain.cards import delete_card, issue_card
    from hub.errors import NotFound

    wake = asyncio.Event()
    taken: list = []
    outbox.register_relay(wake, "woken-by-commit", taken.append)
    try:
        with pytest.raises(NotFound):
            await delete_card(shop.business_id, 2**31 - 1)
        assert not wake.is_set() and taken == []
        card = await issue_card(shop.business_id, shop.template.id, "Woken")
        assert wake.is_set() and taken == [None]  # the relay reads the committed rows
        wake.clear()
        await delete_card(shop.business_id, card.id)
        assert wake.is_set()
    finally:
        outbox.unregister_relay(wake)
