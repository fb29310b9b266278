"""The customer's journey in real Chromium on a 360 px phone: join, hold the card, watch a
stamp land, survive a network drop."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.chromium_steps import join, stamp_through_the_api, until_connected

pytestmark = pytest.mark.browser


async def test_join_hold_the_card_and_watch_a_stamp_land_at_360_px(page: Page, card_server, shop, secret, artifacts):
    card = await join(page, shop.template.id, "Ada Lovelace", screenshot=artifacts / "join-page-360px.png")
    assert page.url.endswith(f"/c/{card.token}")
    await expect(page.get_by_text("0 / 8")).to_be_visible()

    await stamp_through_the_api(card_server.url, shop, secret, card)
    await expect(page.get_by_text("1 / 8")).to_be_visible(timeout=5_000)
    await expect(page.locator(".stamp-new")).to_have_count(1)

    # Phone-first: nothing sticks out sideways at 360 px.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    card_face = await page.locator("[data-mark=card-face]").first.bounding_box()
    assert card_face["x"] >= 0 and card_face["x"] + card_face["width"] <= 360
    await page.wait_for_timeout(700)  # let the stamp finish popping in
    await page.screenshot(path=artifacts / "card-page-360px.png", full_page=True)


async def test_after_a_network_drop_the_page_reconnects_and_catches_up(page: Page, card_server, shop, secret):
    card = await join(page, shop.template.id, "Grace Hopper")
    await until_connected(page)
    await page.evaluate("window.cardSocket.io.reconnection(false); window.cardSocket.disconnect()")
    await stamp_through_the_api(card_server.url, shop, secret, card)
    await stamp_through_the_api(card_server.url, shop, secret, card)
    await page.wait_for_timeout(1_000)
    await expect(page.get_by_text("0 / 8")).to_be_visible()  # offline: nothing arrived yet
    await page.evaluate("window.cardSocket.io.reconnection(true); window.cardSocket.connect()")
    await expect(page.get_by_text("2 / 8")).to_be_visible(timeout=20_000)  # a loaded CI machine reconnects slowly


async def test_a_returning_browser_gets_its_card_back(page: Page, shop):
    card = await join(page, shop.template.id, "Linus")
    await page.goto(f"/join/{shop.template.id}")
    await expect(page.get_by_text("Linus", exact=True)).to_be_visible()
    assert page.url.endswith(f"/c/{card.token}")


async def test_a_lottery_spins_in_the_browser_and_reveals_its_seed(page: Page, artifacts):
    from hub.domain import lottery
    from hub.models import LotteryDraw
    from tests.factories import make_shop

    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    pool = await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id, blank_weight=1)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    await page.goto(f"/c/{shop.card.token}")
    await expect(page.get_by_text("0 / 2")).to_be_visible()

    await lottery.fire_lottery(shop.business_id, shop.card.id, pool.id, source="receipt")
    draw = await LotteryDraw.get(card_id=shop.card.id)
    await expect(page.get_by_text(draw.commitment)).to_be_visible(timeout=5_000)
    await expect(page.get_by_text(draw.seed)).to_have_count(0)
    await expect(page.get_by_text(draw.seed)).to_be_visible(timeout=10_000)
    await page.screenshot(path=artifacts / "lottery-revealed-360px.png")
    await page.get_by_role("button", name="Close").click()
    if draw.voucher_id:
        await expect(page.get_by_text("Free cake").first).to_be_visible()
