"""One visit, one stamp at the counter: the staff scanner and the kiosk stamp a card once per
visit window, whichever seat reads it and however many read it at once; the REST API does not
see the guard."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.businesses import add_seat
from hub.domain.scans import scan
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.visits import Visit, set_visit_window
from hub.errors import InvalidInput
from hub.models import Business, Card, CardEvent
from tests.api_steps import post_scan
from tests.factories import make_shop


async def counter_scan(shop, secret, *, seat=None, visit=Visit.ONE):
    seat = seat or shop.seat
    return await scan(
        shop.business_id,
        codes.card_code(secret, shop.card.number),
        secret=secret,
        seat_id=seat.id,
        location_id=seat.location_id,
        idempotency_key=f"test-{uuid.uuid4().hex}",
        via="wedge",
        visit=visit,
    )


async def test_a_business_starts_with_a_two_minute_visit_window(shop):
    assert (await Business.get(id=shop.business_id)).visit_window_seconds == 120


async def test_a_card_scanned_again_within_the_window_is_already_stamped_naming_when_and_where(shop, secret, clock_at):
    clock = clock_at(utcnow(), frozen=True)
    assert (await counter_scan(shop, secret)).outcome == "stamped"
    clock.advance(seconds=40)
    again = await counter_scan(shop, secret)
    assert (again.outcome, again.reason) == ("rejected", "already_stamped")
    assert again.detail["seconds_ago"] == 40
    assert (again.detail["seat_name"], again.detail["location_name"]) == ("Bar Counter", "Main Street")
    assert again.message == "Already stamped 40 s ago: one visit, one stamp."
    assert (await Card.get(id=shop.card.id)).stamps == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1


async def test_after_the_window_the_next_visit_stamps(shop, secret, clock_at):
    clock = clock_at(utcnow(), frozen=True)
    await counter_scan(shop, secret)
    clock.advance(seconds=119)
    assert (await counter_scan(shop, secret)).reason == "already_stamped"
    clock.advance(seconds=1)
    assert (await counter_scan(shop, secret)).outcome == "stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 2


async def test_another_seat_sees_the_first_seats_stamp(shop, secret):
    till = await add_seat(shop.business_id, shop.location.id, "Cash Register", f"till-{uuid.uuid4().hex[:8]}", "1357")
    await counter_scan(shop, secret)
    again = await counter_scan(shop, secret, seat=till)
    assert again.reason == "already_stamped" and again.detail["seat_name"] == "Bar Counter"


async def test_the_owner_sets_the_window_and_zero_switches_the_guard_off(shop, secret, clock_at):
    clock = clock_at(utcnow(), frozen=True)
    await set_visit_window(shop.business_id, 30)
    await counter_scan(shop, secret)
    clock.advance(seconds=30)
    assert (await counter_scan(shop, secret)).outcome == "stamped"
    await set_visit_window(shop.business_id, 0)
    assert (await counter_scan(shop, secret)).outcome == "stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 3


@pytest.mark.parametrize("seconds", [-1, 3601, "120"])
async def test_a_window_out_of_range_is_refused(shop, seconds):
    with pytest.raises(InvalidInput):
        await set_visit_window(shop.business_id, seconds)


async def test_fifty_simultaneous_counter_scans_of_one_card_give_exactly_one_stamp(shop, secret):
    seats = [shop.seat]
    for n in range(4):
        seats.append(
            await add_seat(shop.business_id, shop.location.id, f"Seat {n}", f"seat{n}-{uuid.uuid4().hex[:8]}", "1357")
        )
    results = await asyncio.gather(*(counter_scan(shop, secret, seat=seats[i % len(seats)]) for i in range(50)))
    assert sorted(r.outcome for r in results).count("stamped") == 1
    assert {r.reason for r in results if r.outcome != "stamped"} == {"already_stamped"}
    assert (await Card.get(id=shop.card.id)).stamps == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1


async def test_another_stamp_is_given_on_purpose_attributed_and_journaled_as_deliberate(clock_at, secret):
    shop = await make_shop(cooldown_seconds=600)
    clock = clock_at(utcnow(), frozen=True)
    await counter_scan(shop, secret)
    clock.advance(seconds=10)
    extra = await counter_scan(shop, secret, visit=Visit.EXTRA)
    assert extra.outcome == "stamped" and extra.card.stamps == 2  # neither the guard nor the cooldown
    event = await CardEvent.filter(card_id=shop.card.id, kind="stamp").order_by("-id").first()
    assert event.detail == {"source": "wedge", "deliberate": True}
    assert (event.seat_id, event.location_id) == (shop.seat.id, shop.location.id)


async def test_another_stamp_still_honours_the_daily_cap(secret):
    shop = await make_shop(daily_cap=1)
    await counter_scan(shop, secret)
    extra = await counter_scan(shop, secret, visit=Visit.EXTRA)
    assert (extra.outcome, extra.reason) == ("rejected", "daily_cap")


async def test_other_ways_of_stamping_are_not_guarded(shop):
    for _ in range(3):
        assert (await add_stamp(shop.business_id, shop.card.id, source="insert")).outcome == "stamped"


async def test_the_rest_api_keeps_its_own_rules(api, shop, secret):  # noqa: F811
    code = codes.card_code(secret, shop.card.number)
    await counter_scan(shop, secret)
    for _ in range(2):
        response = await post_scan(api, shop, code)
        assert response.json()["outcome"] == "stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 3


async def test_an_owners_correction_in_the_admin_is_no_visit(shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 2)
    assert (await counter_scan(shop, secret)).outcome == "stamped"
