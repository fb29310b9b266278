"""Lottery draws: decided server-side, stock never oversold, verifiable from the revealed seed."""

import asyncio

import pytest

from hub.domain import lottery
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardEvent, LotteryDraw, Prize, Voucher
from tests.events import CapturedEvents
from tests.factories import make_shop, new_card


async def lottery_shop(**pool):
    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    pool = await lottery.create_pool(shop.business_id, "Spring draw", template_id=shop.template.id, **pool)
    return shop, pool


async def test_two_hundred_concurrent_draws_never_award_more_than_the_stock():
    shop, pool = await lottery_shop(blank_weight=1)
    prize = await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1000, stock=10)
    cards = [await new_card(shop, f"Guest {i}") for i in range(20)]

    draws = await asyncio.gather(
        *(lottery.fire_lottery(shop.business_id, cards[i % 20].id, pool.id, source="receipt") for i in range(200))
    )

    await prize.refresh_from_db()
    assert (prize.stock, prize.awarded) == (0, 10)
    assert sum(1 for d in draws if d.prize_id == prize.id) == 10
    assert await Voucher.filter(business_id=shop.business_id, source="lottery").count() == 10
    assert await LotteryDraw.filter(pool_id=pool.id).count() == 200


async def test_concurrent_full_cards_share_the_stock_too():
    shop, pool = await lottery_shop()
    prize = await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=5, stock=3)
    await lottery.add_prize(shop.business_id, pool.id, "Cookie", weight=1)
    cards = [await new_card(shop, f"Guest {i}") for i in range(12)]
    for card in cards:
        await add_stamp(shop.business_id, card.id)

    results = await asyncio.gather(*(add_stamp(shop.business_id, c.id) for c in cards))

    assert {r.outcome for r in results} == {"reward"}
    await prize.refresh_from_db()
    assert prize.stock == 0 and prize.awarded == 3
    titles = sorted(r.voucher.title for r in results)
    assert titles.count("Free cake") == 3 and titles.count("Cookie") == 9


async def test_the_revealed_seed_reproduces_every_outcome():
    shop, pool = await lottery_shop(blank_weight=3)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=2, stock=5)
    await lottery.add_prize(shop.business_id, pool.id, "Cookie", weight=5)
    for _ in range(30):
        await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="campaign")

    for draw in await LotteryDraw.filter(pool_id=pool.id):
        assert lottery.commitment_of(draw.seed) == draw.commitment
        index = lottery.pick(draw.seed, draw.snapshot)
        assert draw.snapshot[index]["prize_id"] == draw.prize_id
        assert lottery.verify(draw)


def test_the_outcome_is_a_pure_function_of_seed_and_weights():
    entries = [{"prize_id": 1, "title": "A", "weight": 1}, {"prize_id": 2, "title": "B", "weight": 3}]
    seed = "00" * 32
    assert lottery.pick(seed, entries) == lottery.pick(seed, entries)
    assert lottery.roll_of(seed) % 4 == 0 or lottery.pick(seed, entries) == 1
    assert lottery.pick(seed, []) is None
    counts = [0, 0]
    for i in range(4000):
        counts[lottery.pick(f"{i:064x}", entries)] += 1
    assert 800 < counts[0] < 1200  # about a quarter


async def test_a_tampered_draw_fails_verification():
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Cookie", weight=1)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="insert")
    assert lottery.verify(draw)
    draw.seed = "f" * 64
    assert not lottery.verify(draw)


async def test_a_full_lottery_card_draws_in_the_stamp_transaction_and_announces_the_commitment():
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=1)
    await add_stamp(shop.business_id, shop.card.id)
    async with CapturedEvents() as captured:
        result = await add_stamp(shop.business_id, shop.card.id)

    assert result.outcome == "reward" and result.voucher.title == "Free cake"
    assert result.voucher.source == "lottery"
    draw = await LotteryDraw.get(card_id=shop.card.id)
    [drawn] = captured.of_type("lottery.drawn")
    assert drawn["commitment"] == draw.commitment and drawn["draw_id"] == draw.id
    assert "seed" not in drawn
    assert drawn["won"] and drawn["voucher_id"] == result.voucher.id
    assert [e["type"] for e in captured.events].index("lottery.drawn") < len(captured.events)
    assert await CardEvent.exists(card_id=shop.card.id, kind="lottery_drawn")
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_an_empty_pool_with_a_blank_weight_draws_no_prize():
    shop, pool = await lottery_shop(blank_weight=1)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=0)
    await adjust_stamps(shop.business_id, shop.card.id, 2)
    draw = await LotteryDraw.get(card_id=shop.card.id)
    assert draw.prize_id is None and draw.voucher_id is None
    assert draw.snapshot == [{"prize_id": None, "title": "", "weight": 1}]


async def test_a_lottery_template_without_a_pool_falls_back_to_its_plain_reward():
    shop = await make_shop(reward_type="lottery", stamps_required=1, reward_title="Free coffee")
    result = await add_stamp(shop.business_id, shop.card.id)
    assert result.voucher.title == "Free coffee" and result.voucher.source == "card_full"


async def test_revealing_marks_the_draw_as_watched_only_for_its_own_card():
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Cookie", weight=1)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="insert")
    assert [d.id for d in await lottery.unrevealed_draws(shop.card.id)] == [draw.id]
    other = await new_card(shop)
    with pytest.raises(NotFound):
        await lottery.reveal_draw(other.token, draw.id)
    revealed = await lottery.reveal_draw(shop.card.token, draw.id)
    assert revealed.revealed_at is not None
    assert await lottery.unrevealed_draws(shop.card.id) == []
    assert (await lottery.public_draw(draw.commitment)).id == draw.id


async def test_pools_and_prizes_are_validated_and_scoped_to_their_business(other_shop):
    shop, pool = await lottery_shop()
    with pytest.raises(InvalidInput):
        await lottery.add_prize(shop.business_id, pool.id, "Cake", weight=0)
    with pytest.raises(InvalidInput):
        await lottery.add_prize(shop.business_id, pool.id, "Cake", stock=-1)
    with pytest.raises(NotFound):
        await lottery.add_prize(other_shop.business_id, pool.id, "Cake")
    with pytest.raises(NotFound):
        await lottery.create_pool(other_shop.business_id, "X", template_id=shop.template.id)
    with pytest.raises(NotFound):
        await lottery.fire_lottery(other_shop.business_id, shop.card.id, pool.id, source="insert")
    with pytest.raises(InvalidInput):
        await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="nonsense")
    assert await Prize.filter(pool_id=pool.id).count() == 0
