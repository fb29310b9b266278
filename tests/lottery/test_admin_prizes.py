"""The admin's Prize pools page: editing a prize publishes a new version, archiving keeps the
vouchers customers won, and an owner sees only their own pools."""

from __future__ import annotations

from nicegui.testing import User

from hub.domain import lottery, lottery_pools
from hub.models import PrizePool, Voucher
from tests.card_pages import Html
from tests.factories import make_shop
from tests.ui.owner_steps import sign_in


async def test_an_owner_edits_odds_and_archives_a_pool_keeping_won_vouchers(user: User, live, redis, shop):
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw")
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=1, stock=2)
    won = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    foreign = await make_shop()
    await lottery_pools.create_pool(foreign.business_id, "Someone else's draw")

    await sign_in(user, shop)
    await user.open("/admin/prizes")
    await user.should_see("Spring draw")
    await user.should_not_see("Someone else's draw")
    await user.should_see("100.0 % · weight 1 · 1 left · 1 won")

    user.find(marker=f"prize-edit-{cake.id}").click()
    await user.should_see(marker="prize-dialog", retries=50)
    user.find(marker="edit-weight").clear().type("3")
    user.find(marker="edit-save").click()
    await user.should_see("Prize saved", retries=50)
    await pool.refresh_from_db()
    assert pool.version == 3
    await cake.refresh_from_db()
    assert cake.weight == 3 and cake.stock == 1

    user.find(marker=f"pool-archive-{pool.id}").click()
    user.find(marker="archive-confirm").click()
    await user.should_see("Spring draw archived", retries=50)
    await user.should_see(marker=f"archived-{pool.id}", retries=50)
    assert (await PrizePool.get(id=pool.id)).archived_at is not None
    voucher = await Voucher.get(id=won.voucher_id)
    assert voucher.title == "Free cake" and voucher.state.value in ("issued", "active")


async def test_bad_prize_input_is_explained(user: User, live, redis, shop):
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw")
    await sign_in(user, shop)
    await user.open("/admin/prizes")
    user.find(marker=f"prize-add-{pool.id}").click()
    await user.should_see("Give the prize a name", retries=50)
    user.find(marker=f"prize-title-{pool.id}").type("Free cake")
    user.find(marker=f"prize-unlimited-{pool.id}").click()  # limited, but no stock given
    user.find(marker=f"prize-add-{pool.id}").click()
    await user.should_see("Stock is a number from 0 up", retries=50)


async def test_the_fairness_page_verifies_a_draw_after_its_pool_changed(user: User, live, shop):
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw", blank_weight=2)
    cake = await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    draw = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    await lottery_pools.update_prize(shop.business_id, pool.id, cake.id, title="Cheesecake", weight=9)
    await lottery_pools.retire_prize(shop.business_id, pool.id, cake.id)
    await lottery_pools.archive_pool(shop.business_id, pool.id)
    await lottery.reveal_draw(shop.card.token, draw.id)

    html = Html((await user.http_client.get(f"/fairness?commitment={draw.commitment}")).text)
    html.should_see("Verified: the seed matches the commitment")
    html.should_see("Free cake — weight 3")
    html.should_not_see("Cheesecake")
