"""Undo at the counter: the last stamp a scanner gave can be taken back for 2 minutes, journaled
and pushed like any change, never once its reward was redeemed."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.scans import scan
from hub.domain.stamps import adjust_stamps
from hub.domain.visits import Visit, undo_stamp
from hub.domain.vouchers import redeem_voucher
from hub.errors import CannotUndo
from hub.models import Card, CardEvent, Voucher, VoucherState
from tests.events import CapturedEvents
from tests.factories import make_shop


async def counter_stamp(shop, secret, visit=Visit.ONE) -> str:
    key = f"test-{uuid.uuid4().hex}"
    await scan(
        shop.business_id,
        codes.card_code(secret, shop.card.number),
        secret=secret,
        seat_id=shop.seat.id,
        location_id=shop.location.id,
        idempotency_key=key,
        via="wedge",
        visit=visit,
    )
    return key


async def undo(shop, key: str):
    return await undo_stamp(shop.business_id, key, seat_id=shop.seat.id, location_id=shop.location.id)


async def test_undo_takes_the_stamp_back_journaled_and_pushed_and_the_card_can_be_stamped_again(shop, secret):
    key = await counter_stamp(shop, secret)
    async with CapturedEvents() as captured:
        card, _ = await undo(shop, key)
    assert (card.stamps, card.stamps_total, card.last_stamp_at) == (0, 0, None)
    fresh = await Card.get(id=shop.card.id)
    assert (fresh.stamps, fresh.last_stamp_at) == (0, None)
    undone = await CardEvent.get(card_id=shop.card.id, kind="stamp_undone")
    assert (undone.delta, undone.stamps_after, undone.seat_id) == (-1, 0, shop.seat.id)
    assert [e["stamps"] for e in captured.of_type("card.updated")] == [0]
    await counter_stamp(shop, secret)  # the undone stamp is no visit
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_undo_is_offered_for_two_minutes(shop, secret, clock_at):
    clock = clock_at(utcnow(), frozen=True)
    key = await counter_stamp(shop, secret)
    clock.advance(seconds=121)
    with pytest.raises(CannotUndo, match="Too late"):
        await undo(shop, key)
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_stamp_is_undone_once_however_often_and_simultaneously_undo_is_tapped(shop, secret):
    key = await counter_stamp(shop, secret)
    results = await asyncio.gather(*(undo(shop, key) for _ in range(5)), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, CannotUndo) for r in results if isinstance(r, Exception))
    assert (await Card.get(id=shop.card.id)).stamps == 0
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp_undone").count() == 1


async def test_undoing_the_stamp_that_filled_the_card_takes_its_voucher_back(shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    key = await counter_stamp(shop, secret)
    voucher = await Voucher.get(card_id=shop.card.id)
    async with CapturedEvents() as captured:
        card, _ = await undo(shop, key)
    assert (card.stamps, card.rounds_completed) == (7, 0)
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.EXPIRED
    assert [e["voucher_id"] for e in captured.of_type("voucher.expired")] == [voucher.id]


async def test_a_stamp_whose_reward_was_redeemed_cannot_be_undone(shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    key = await counter_stamp(shop, secret)
    await redeem_voucher(shop.business_id, await Voucher.get(card_id=shop.card.id))
    with pytest.raises(CannotUndo, match="already redeemed"):
        await undo(shop, key)
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.rounds_completed) == (0, 1)
    assert not await CardEvent.filter(card_id=shop.card.id, kind="stamp_undone").exists()


async def test_only_the_cards_last_stamp_can_be_undone(shop, secret):
    first = await counter_stamp(shop, secret)
    extra = await counter_stamp(shop, secret, visit=Visit.EXTRA)
    with pytest.raises(CannotUndo, match="changed since"):
        await undo(shop, first)
    card, _ = await undo(shop, extra)
    assert card.stamps == 1 and card.last_stamp_at is not None  # the first stamp's time again


async def test_an_undone_stamp_does_not_count_towards_the_daily_cap(secret):
    shop = await make_shop(daily_cap=1)
    await undo(shop, await counter_stamp(shop, secret))
    await counter_stamp(shop, secret)
    assert (await Card.get(id=shop.card.id)).stamps == 1
