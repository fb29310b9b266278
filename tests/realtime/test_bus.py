"""The event bus: every subscriber gets its events in order, and none waits for another."""

import asyncio

from hub.realtime.bus import EventBus


def stamped(event_id: int, token: str = "t1") -> dict:
    return {"type": "card.updated", "event_id": event_id, "token": token, "business_id": 1, "stamps": event_id}


async def test_a_slow_subscriber_holds_up_neither_the_bus_nor_the_others():
    bus = EventBus()
    release = asyncio.Event()
    slow_seen: list[int] = []
    fast_seen: list[int] = []

    async def slow_page(event: dict) -> None:
        await release.wait()  # a page whose redraw waits on a slow read
        slow_seen.append(event["stamps"])

    async def fast_page(event: dict) -> None:
        await asyncio.sleep(0)
        fast_seen.append(event["stamps"])

    bus.subscribe("card:t1", slow_page)
    bus.subscribe("card:t1", fast_page)
    for i in range(1, 6):
        bus.dispatch(stamped(i))  # returns at once: the listener reads on
    await asyncio.wait_for(_until(lambda: fast_seen == [1, 2, 3, 4, 5]), 2)
    assert slow_seen == []
    release.set()
    await asyncio.wait_for(bus.settled(), 2)
    assert slow_seen == [1, 2, 3, 4, 5]


async def test_a_failing_run_is_logged_and_the_subscribers_next_events_still_arrive(caplog):
    bus = EventBus()
    seen: list[int] = []

    async def flaky(event: dict) -> None:
        if event["stamps"] == 2:
            raise RuntimeError("redraw failed")
        seen.append(event["stamps"])

    bus.subscribe("*", flaky)
    for i in (1, 2, 3):
        bus.dispatch(stamped(i))
    await asyncio.wait_for(bus.settled(), 2)
    assert seen == [1, 3]
    assert "failed" in caplog.text


async def test_a_replayed_event_is_delivered_once():
    bus = EventBus()
    seen: list[dict] = []
    bus.subscribe("*", seen.append)
    bus.dispatch(stamped(7))
    bus.dispatch(stamped(7))  # the same outbox row again, e.g. from a catch-up after an outage
    assert [e["event_id"] for e in seen] == [7]


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.01)
