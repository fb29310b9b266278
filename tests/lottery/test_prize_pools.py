"""Prize pools as an owner runs them: versions of the odds, stock that never goes negative,
archiving that leaves won vouchers alone, and a lottery card that needs its pool."""

from __future__ import annotations

import asyncio

import pytest

from hub.domain import lottery, lottery_pools, templates
from hub.domain.stamps import add_stamp
from hub.errors import InvalidInput, NotFound
from hub.models import LotteryDraw, Prize, PrizePoolVersion, Voucher, VoucherState
from tests.factories import make_shop, new_card


async def test_fifty_concurrent_draws_on_three_prizes_left_win_exactly_three():
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Last cakes", blank_weight=1)
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1_000_000, stock=3)
    cards = [await new_card(shop, f"Guest {i}") for i in range(50)]

    draws = await asyncio.gather(
        *(lottery.grant_spin(shop.business_id, card.id, pool.id, source="receipt") for card in cards)
    )

    await cake.refresh_from_db()
    assert (cake.stock, cake.awarded) == (0, 3)
    assert sum(1 for d in draws if d.prize_id == cake.id) == 3
    assert await Voucher.filter(business_id=shop.business_id, source="lottery").count() == 3
    assert all(lottery.verify(d) for d in draws)


async def test_editing_the_odds_publishes_a_new_version_and_old_draws_still_verify():
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw")
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=5)
    first = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    assert first.pool_version == 2 and first.prize_id == cake.id

    await lottery_pools.update_prize(shop.business_id, pool.id, cake.id, weight=3)
    await lottery_pools.add_prize(shop.business_id, pool.id, "Tote bag", weight=1)
    await lottery_pools.update_pool(shop.business_id, pool.id, blank_weight=4)
    second = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)

    assert second.pool_version == 5
    assert [v.version for v in await lottery_pools.versions(shop.business_id, pool.id)] == [5, 4, 3, 2, 1]
    sealed = await PrizePoolVersion.get(pool_id=pool.id, version=5)
    assert [(e["title"], e["weight"]) for e in sealed.entries] == [("Free cake", 3), ("Tote bag", 1), ("", 4)]
    # The first draw keeps the single-prize list it was sealed with.
    await first.refresh_from_db()
    assert first.snapshot == [{"prize_id": cake.id, "title": "Free cake", "weight": 1}]
    assert lottery.verify(first) and lottery.verify(second)


async def test_a_draw_decided_before_an_edit_keeps_its_sealed_outcome_until_played():
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw")
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    waiting = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    assert await lottery.waiting_spins(shop.card.id) == 1

    await lottery_pools.retire_prize(shop.business_id, pool.id, cake.id)
    await lottery_pools.update_pool(shop.business_id, pool.id, blank_weight=1)

    played = await lottery.reveal_draw(shop.card.token, waiting.id)
    assert played.prize_id == cake.id and lottery.verify(played)
    assert await lottery.waiting_spins(shop.card.id) == 0
    blank = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    assert blank.prize_id is None  # the retired cake is drawn no more


async def test_odds_and_stock_are_live():
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw", blank_weight=2)
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=1)
    await lottery_pools.add_prize(shop.business_id, pool.id, "Cookie", weight=1)
    seen = await lottery_pools.overview(shop.business_id, pool.id)
    assert [(p.title, p.odds, p.stock) for p in seen.prizes] == [("Free cake", 0.25, 1), ("Cookie", 0.25, None)]
    assert seen.blank_odds == 0.5

    await lottery_pools.update_prize(shop.business_id, pool.id, cake.id, stock=0)
    seen = await lottery_pools.overview(shop.business_id, pool.id)
    assert [p.odds for p in seen.prizes] == [0.0, pytest.approx(1 / 3)]


async def test_archiving_keeps_won_vouchers_and_stops_new_draws(other_shop):
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Autumn draw")
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    won = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)

    with pytest.raises(NotFound):
        await lottery_pools.archive_pool(other_shop.business_id, pool.id)
    await lottery_pools.archive_pool(shop.business_id, pool.id)

    voucher = await Voucher.get(id=won.voucher_id)
    assert voucher.state in (VoucherState.ISSUED, VoucherState.ACTIVE) and voucher.title == "Free cake"
    assert pool.id not in await lottery_pools.pool_choices(shop.business_id)
    with pytest.raises(NotFound):
        await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    with pytest.raises(InvalidInput):
        await lottery_pools.add_prize(shop.business_id, pool.id, "Cookie")
    assert await LotteryDraw.filter(pool_id=pool.id).count() == 1


async def test_a_lottery_card_publishes_only_with_a_pool_and_says_what_it_plays_for():
    shop = await make_shop(reward_title="Free coffee")
    values = {**templates.snapshot(shop.template), "reward_type": "lottery"}
    with pytest.raises(InvalidInput, match="needs a prize pool"):
        await templates.publish(shop.business_id, shop.template.id, values)

    pool = await lottery_pools.create_pool(shop.business_id, "Card draw")
    for title, stock in (("Free cake", 2), ("Tote bag", 0), ("Tote bag XL", None), ("Free coffee", None)):
        await lottery_pools.add_prize(shop.business_id, pool.id, title, stock=stock)
    await lottery_pools.attach_pool(shop.business_id, shop.template.id, pool.id)
    template = await templates.publish(shop.business_id, shop.template.id, values)

    assert await lottery.prize_titles(template) == ["Free cake", "Tote bag XL", "Free coffee"]
    with pytest.raises(InvalidInput, match="draws from this pool"):
        await lottery_pools.archive_pool(shop.business_id, pool.id)
    await add_stamp(shop.business_id, shop.card.id)
    assert await LotteryDraw.filter(card_id=shop.card.id, source="card_full").count() == 0  # not full yet


async def test_attaching_a_pool_replaces_the_cards_previous_one(other_shop):
    shop = await make_shop(reward_type="lottery", stamps_required=1)
    first = await lottery_pools.create_pool(shop.business_id, "First", template_id=shop.template.id)
    second = await lottery_pools.create_pool(shop.business_id, "Second")
    await lottery_pools.add_prize(shop.business_id, second.id, "Tote bag")
    with pytest.raises(NotFound):
        await lottery_pools.attach_pool(other_shop.business_id, shop.template.id, second.id)
    await lottery_pools.attach_pool(shop.business_id, shop.template.id, second.id)

    result = await add_stamp(shop.business_id, shop.card.id)
    assert result.voucher.title == "Tote bag"
    assert (await lottery.pool_for_template(shop.template)).id == second.id
    await first.refresh_from_db()
    assert first.template_id is None

    # A pool rewards one lottery card, and a lottery card keeps a pool.
    with pytest.raises(InvalidInput, match="needs a prize pool"):
        await lottery_pools.attach_pool(shop.business_id, shop.template.id, None)
    second_card = await templates.create_template(shop.business_id, "Tea card", reward_type="lottery")
    with pytest.raises(InvalidInput, match="already rewards"):
        await lottery_pools.attach_pool(shop.business_id, second_card.id, second.id)
    await lottery_pools.attach_pool(shop.business_id, second_card.id, first.id)


async def test_prizes_are_checked():
    shop = await make_shop()
    pool = await lottery_pools.create_pool(shop.business_id, "Checks")
    for bad in ({"weight": 0}, {"stock": -1}, {"valid_days": 99999}, {"image_url": "javascript:alert(1)"}):
        with pytest.raises(InvalidInput):
            await lottery_pools.add_prize(shop.business_id, pool.id, "Cake", **bad)
    with pytest.raises(InvalidInput):
        await lottery_pools.add_prize(shop.business_id, pool.id, " ")
    with pytest.raises(InvalidInput):
        await lottery_pools.create_pool(shop.business_id, "Negative", blank_weight=-1)
    assert await Prize.filter(pool_id=pool.id).count() == 0


async def test_the_wallet_pass_names_what_a_full_card_spins_for(secret):
    from hub.wallet.content import load_content

    shop = await make_shop(reward_type="lottery", reward_title="Free coffee")
    assert (await load_content(shop.card, secret=secret, public_url="https://x")).reward_title == "Free coffee"
    pool = await lottery_pools.create_pool(shop.business_id, "Card draw", template_id=shop.template.id)
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake")
    await lottery_pools.add_prize(shop.business_id, pool.id, "Tote bag")
    content = await load_content(shop.card, secret=secret, public_url="https://x")
    assert content.reward_title == "a spin for Free cake or Tote bag"
