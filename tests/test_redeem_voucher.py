import asyncio
from datetime import timedelta

import pytest

from hub.clock import utcnow
from hub.config import settings
from hub.domain import codes
from hub.domain.scans import scan
from hub.domain.stamps import adjust_stamps
from hub.domain.vouchers import expire_vouchers, find_by_redeem_code, issue_manual_voucher, redeem_voucher
from hub.errors import ForeignCard, InvalidInput
from hub.models import CardEvent, Voucher, VoucherState
from tests.events import CapturedEvents


async def _voucher(shop, **kwargs) -> Voucher:
    expires = kwargs.pop("expires_at", utcnow() + timedelta(days=30))
    return await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=expires, **kwargs)


async def test_a_voucher_redeems_once(shop):
    voucher = await _voucher(shop)
    async with CapturedEvents() as captured:
        result = await redeem_voucher(shop.business_id, voucher, seat_id=shop.seat.id, location_id=shop.location.id)
    assert result.outcome == "redeemed"
    voucher = await Voucher.get(id=voucher.id)
    assert voucher.state == VoucherState.REDEEMED and voucher.redeemed_seat_id == shop.seat.id
    assert captured.of_type("voucher.redeemed")[0]["voucher_id"] == voucher.id
    assert await CardEvent.exists(card_id=shop.card.id, kind="voucher_redeemed", voucher_id=voucher.id)


async def test_a_replayed_voucher_is_rejected_saying_when_and_where(shop):
    voucher = await _voucher(shop)
    await redeem_voucher(shop.business_id, voucher, seat_id=shop.seat.id, location_id=shop.location.id)
    again = await redeem_voucher(shop.business_id, await Voucher.get(id=voucher.id), seat_id=shop.seat.id)
    assert again.outcome == "rejected" and again.reason == "already_redeemed"
    assert again.detail["redeemed_by_seat"] == "Bar Counter"
    assert again.detail["redeemed_location"] == "Main Street"
    assert "Already redeemed" in again.message and "Main Street" in again.message


async def test_twenty_concurrent_redemptions_give_exactly_one_success(shop):
    voucher = await _voucher(shop)
    copies = [await Voucher.get(id=voucher.id) for _ in range(20)]
    results = await asyncio.gather(*(redeem_voucher(shop.business_id, v) for v in copies))
    assert sum(r.outcome == "redeemed" for r in results) == 1
    assert {r.reason for r in results if r.outcome == "rejected"} == {"already_redeemed"}
    assert await CardEvent.filter(voucher_id=voucher.id, kind="voucher_redeemed").count() == 1


async def test_an_expired_voucher_is_rejected_and_marked_expired(shop, clock_at):
    voucher = await _voucher(shop)
    clock_at(utcnow() + timedelta(days=31))
    result = await redeem_voucher(shop.business_id, voucher)
    assert result.outcome == "rejected" and result.reason == "expired"
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.EXPIRED


async def test_expiring_vouchers_moves_only_overdue_live_ones(shop):
    soon = await _voucher(shop)
    await Voucher.filter(id=soon.id).update(expires_at=utcnow() - timedelta(minutes=1))
    fresh = await _voucher(shop)
    async with CapturedEvents() as captured:
        count = await expire_vouchers()
    assert count >= 1
    assert (await Voucher.get(id=soon.id)).state == VoucherState.EXPIRED
    assert (await Voucher.get(id=fresh.id)).state == VoucherState.ACTIVE
    assert soon.id in [e["voucher_id"] for e in captured.of_type("voucher.expired")]


async def test_scanning_a_voucher_code_redeems_it(shop, secret):
    voucher = await _voucher(shop)
    result = await scan(shop.business_id, codes.voucher_code(secret, voucher.id), secret=secret)
    assert result.outcome == "redeemed"
    replay = await scan(shop.business_id, codes.voucher_code(secret, voucher.id), secret=secret)
    assert replay.outcome == "rejected" and replay.reason == "already_redeemed"


async def test_another_business_cannot_redeem_the_voucher(shop, other_shop, secret):
    voucher = await _voucher(shop)
    with pytest.raises(ForeignCard):
        await scan(other_shop.business_id, codes.voucher_code(secret, voucher.id), secret=secret)
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.ACTIVE


async def test_a_redeem_code_with_a_typo_is_caught_before_lookup(shop, redis):
    voucher = await _voucher(shop)
    code = voucher.redeem_code
    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    prefix = settings().redis_prefix
    with pytest.raises(InvalidInput):
        await find_by_redeem_code(redis, prefix, shop.business_id, typo, client="till")
    found = await find_by_redeem_code(
        redis, prefix, shop.business_id, codes.format_redeem_code(code).lower(), client="till"
    )
    assert found.id == voucher.id


async def test_manual_stamps_fill_the_card_and_removal_never_goes_negative(shop):
    card = await adjust_stamps(shop.business_id, shop.card.id, 9, note="lost paper card")
    assert card.stamps == 1 and card.rounds_completed == 1
    assert await Voucher.filter(card_id=card.id, source="card_full").count() == 1
    card = await adjust_stamps(shop.business_id, shop.card.id, -1)
    assert card.stamps == 0
    with pytest.raises(InvalidInput):
        await adjust_stamps(shop.business_id, shop.card.id, -1)
