import asyncio
from datetime import UTC, datetime

import pytest

from hub.domain.businesses import add_seat
from hub.domain.cards import issue_card
from hub.domain.plans import PlanLimitReached, usage
from hub.domain.stamps import add_stamp
from hub.domain.vouchers import issue_manual_voucher, redeem_voucher
from hub.models import Business
from tests.factories import make_shop, new_card, use_up


async def test_the_101st_operation_on_free_is_refused_with_an_upgrade_hint():
    shop = await make_shop(plan="free")
    await use_up(shop, 100)
    assert await usage(shop.business_id) == 100
    refused = await add_stamp(shop.business_id, shop.card.id)
    assert refused.outcome == "rejected" and refused.reason == "plan_limit"
    assert "Upgrade" in refused.message and "100" in refused.message
    with pytest.raises(PlanLimitReached):
        await issue_card(shop.business_id, shop.template.id, "Late Joiner")
    assert await usage(shop.business_id) == 100


async def test_twenty_operations_arriving_at_once_at_the_limit_let_exactly_the_remainder_through():
    shop = await make_shop(plan="free")
    await use_up(shop, 95)
    cards = [await new_card(shop) for _ in range(2)]  # 97 operations
    results = await asyncio.gather(*(add_stamp(shop.business_id, cards[i % 2].id) for i in range(20)))
    assert sum(r.outcome != "rejected" for r in results) == 3
    assert {r.reason for r in results if r.outcome == "rejected"} == {"plan_limit"}
    assert await usage(shop.business_id) == 100


async def test_existing_vouchers_stay_redeemable_at_the_limit():
    shop = await make_shop(plan="free")
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    await use_up(shop, 100)
    assert (await redeem_voucher(shop.business_id, voucher)).outcome == "redeemed"


async def test_a_new_month_resets_the_meter(clock_at):
    clock = clock_at(datetime(2027, 1, 31, 22, 0, tzinfo=UTC))
    shop = await make_shop(plan="free")
    await use_up(shop, 100)
    assert (await add_stamp(shop.business_id, shop.card.id)).reason == "plan_limit"
    clock.advance(hours=3)
    assert (await add_stamp(shop.business_id, shop.card.id)).outcome == "stamped"


async def test_free_allows_one_staff_seat_and_paid_plans_lift_it_at_once():
    shop = await make_shop(plan="free")
    with pytest.raises(PlanLimitReached, match="1 staff seat"):
        await add_seat(shop.business_id, shop.location.id, "Kiosk", f"kiosk-{shop.business_id}", "1357")
    await Business.filter(id=shop.business_id).update(plan="monthly")
    seat = await add_seat(shop.business_id, shop.location.id, "Kiosk", f"kiosk-{shop.business_id}", "1357")
    assert seat.id
