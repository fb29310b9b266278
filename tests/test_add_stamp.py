import asyncio
from datetime import timedelta

import pytest

from hub.clock import utcnow
from hub.domain.stamps import add_stamp
from hub.errors import IdempotencyReplay, NotFound
from hub.models import Card, CardEvent, Voucher
from tests.events import CapturedEvents
from tests.factories import make_shop, new_card


async def test_a_stamp_moves_the_card_on_and_is_journaled(shop):
    async with CapturedEvents() as captured:
        result = await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    assert result.outcome == "stamped"
    assert result.message == "Stamped 1 / 8"
    card = await Card.get(id=shop.card.id)
    assert card.stamps == 1 and card.last_stamp_at is not None
    event = await CardEvent.get(card_id=card.id, kind="stamp")
    assert (event.seat_id, event.location_id, event.stamps_after) == (shop.seat.id, shop.location.id, 1)
    stamped = captured.of_type("card.stamped")[0]
    assert stamped["stamps"] == 1 and stamped["seat_id"] == shop.seat.id and stamped["reward"] is False
    updated = captured.of_type("card.updated")[0]
    assert {updated["number"], updated["stamps"], updated["token"]} == {card.number, 1, card.token}


async def test_the_eighth_stamp_earns_a_voucher_and_starts_the_next_round(shop):
    for _ in range(7):
        await add_stamp(shop.business_id, shop.card.id)
    async with CapturedEvents() as captured:
        result = await add_stamp(shop.business_id, shop.card.id)
    assert result.outcome == "reward"
    assert result.voucher is not None and result.voucher.state == "active"
    assert result.voucher.title == "Free coffee"
    assert result.voucher.expires_at > utcnow() + timedelta(days=80)
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.stamps_total, card.rounds_completed) == (0, 8, 1)
    assert [e["voucher_id"] for e in captured.of_type("voucher.issued")] == [result.voucher.id]
    assert captured.of_type("card.stamped")[0]["reward"] is True


async def test_a_double_tap_within_the_cooldown_is_rejected_with_the_wait(clock_at):
    shop = await make_shop(cooldown_seconds=60)
    clock = clock_at(utcnow(), frozen=True)
    assert (await add_stamp(shop.business_id, shop.card.id)).outcome == "stamped"
    clock.advance(seconds=5)
    second = await add_stamp(shop.business_id, shop.card.id)
    assert second.outcome == "rejected" and second.reason == "cooldown"
    assert second.detail["retry_after"] == 55
    assert "55" in second.message
    clock.advance(seconds=56)
    later = await add_stamp(shop.business_id, shop.card.id)
    assert later.outcome == "stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 2


async def test_the_daily_cap_limits_stamps_per_customer():
    shop = await make_shop(daily_cap=2)
    outcomes = [(await add_stamp(shop.business_id, shop.card.id)).outcome for _ in range(3)]
    assert outcomes == ["stamped", "stamped", "rejected"]
    assert (await Card.get(id=shop.card.id)).stamps == 2


async def test_a_replayed_idempotency_key_changes_nothing(shop):
    await add_stamp(shop.business_id, shop.card.id, idempotency_key="order-17")
    with pytest.raises(IdempotencyReplay):
        await add_stamp(shop.business_id, shop.card.id, idempotency_key="order-17")
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_till_retrying_within_the_cooldown_hears_already_counted_not_wait():
    shop = await make_shop(cooldown_seconds=60)
    await add_stamp(shop.business_id, shop.card.id, idempotency_key="order-18")
    with pytest.raises(IdempotencyReplay):
        await add_stamp(shop.business_id, shop.card.id, idempotency_key="order-18")
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_another_business_cannot_stamp_the_card(shop, other_shop):
    with pytest.raises(NotFound):
        await add_stamp(other_shop.business_id, shop.card.id)
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_fifty_concurrent_stamps_all_count_exactly_once(shop):
    card = await new_card(shop)
    results = await asyncio.gather(*(add_stamp(shop.business_id, card.id) for _ in range(50)))
    accepted = sum(r.outcome in ("stamped", "reward") for r in results)
    assert accepted == 50
    card = await Card.get(id=card.id)
    assert card.stamps_total == 50
    assert card.rounds_completed * 8 + card.stamps == 50
    assert await Voucher.filter(card_id=card.id).count() == 6
    assert await CardEvent.filter(card_id=card.id, kind="stamp").count() == 50


async def test_concurrent_taps_under_a_cooldown_give_exactly_one_stamp():
    shop = await make_shop(cooldown_seconds=30)
    results = await asyncio.gather(*(add_stamp(shop.business_id, shop.card.id) for _ in range(20)))
    assert sum(r.outcome == "stamped" for r in results) == 1
    assert {r.reason for r in results if r.outcome == "rejected"} == {"cooldown"}
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_concurrent_requests_with_one_idempotency_key_stamp_once(shop):
    card = await new_card(shop)
    results = await asyncio.gather(
        *(add_stamp(shop.business_id, card.id, idempotency_key="till-3:9001") for _ in range(10)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, IdempotencyReplay) for r in results if isinstance(r, Exception))
    assert (await Card.get(id=card.id)).stamps == 1
