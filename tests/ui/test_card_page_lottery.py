"""A lottery plays on the card page: commitment before the spin, outcome and seed after."""

from nicegui.testing import User

from hub.domain import lottery
from hub.domain.stamps import add_stamp
from hub.models import LotteryDraw
from tests.factories import make_shop


async def lottery_shop(**pool):
    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    pool = await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id, **pool)
    return shop, pool


async def test_a_full_card_spins_live_showing_the_commitment_then_the_seed(user: User, live):
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=5)
    await add_stamp(shop.business_id, shop.card.id)
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("Fill the card to spin the prize draw!")

    await add_stamp(shop.business_id, shop.card.id)
    draw = await LotteryDraw.get(card_id=shop.card.id)
    await user.should_see(draw.commitment, retries=50)
    await user.should_not_see(draw.seed)
    await user.should_see("You won: Free cake!", retries=80)
    await user.should_see(draw.seed)
    await draw.refresh_from_db()
    assert draw.revealed_at is not None
    user.find(marker="close-draw").click()
    await user.should_see(marker=f"voucher-{draw.voucher_id}", retries=20)


async def test_the_prize_stays_hidden_until_the_customer_has_watched_the_draw(user: User, live):
    shop, pool = await lottery_shop()
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=1)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="insert")

    await user.open(f"/c/{shop.card.token}")
    await user.should_not_see(marker=f"voucher-{draw.voucher_id}")
    await user.should_not_see("Prize draw won: Free cake")
    await user.should_see(draw.commitment, retries=20)  # a draw fired while away plays on open
    await user.should_see("You won: Free cake!", retries=80)
    await user.should_see(marker=f"voucher-{draw.voucher_id}", retries=20)


async def test_a_blank_draw_says_so(user: User, live):
    shop, pool = await lottery_shop(blank_weight=1)
    await user.open(f"/c/{shop.card.token}")
    await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="campaign")
    await user.should_see("No prize this time", retries=80)


async def test_the_fairness_page_verifies_a_revealed_draw(user: User, live):
    shop, pool = await lottery_shop(blank_weight=2)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    draw = await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="receipt")

    await user.open(f"/fairness?commitment={draw.commitment}")
    await user.should_see("not been revealed yet")
    await user.should_not_see(draw.seed)

    await lottery.reveal_draw(shop.card.token, draw.id)
    await user.open(f"/fairness?commitment={draw.commitment}")
    await user.should_see("Verified: the seed matches the commitment")
    await user.should_see(draw.seed)
    await user.should_see("Free cake — weight 3")


async def test_the_fairness_page_explains_and_rejects_unknown_commitments(user: User, live):
    await user.open("/fairness?commitment=" + "0" * 64)
    await user.should_see("How to check a prize draw")
    await user.should_see("No draw has this commitment.")
    await user.open("/fairness?lang=ja")
    await user.should_see("抽選の確認方法")
