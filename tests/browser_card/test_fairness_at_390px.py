"""The fairness check on a 390 x 844 phone in real Chromium with JavaScript switched off: the
page explains the steps, and a draw is checked by a plain form."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from hub.domain import lottery
from tests.chromium_steps import PHONE, fits_the_phone
from tests.contexts import close_context
from tests.factories import make_shop
from tests.servers import Server

pytestmark = pytest.mark.browser


@pytest.fixture
async def no_script390(browser: Browser, web_server: Server) -> AsyncIterator[Page]:
    """The same phone with JavaScript switched off."""
    ctx = await browser.new_context(
        base_url=web_server.url, viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    ctx.set_default_timeout(20_000)
    yield await ctx.new_page()
    await close_context(ctx)


async def test_a_draw_is_checked_on_a_phone_without_javascript(no_script390: Page, artifacts):
    page = no_script390
    shop = await make_shop()
    pool = await lottery.create_pool(shop.business_id, "Draw", blank_weight=2)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    draw = await lottery.grant_spin(shop.business_id, shop.card.id, pool.id)
    await lottery.reveal_draw(shop.card.token, draw.id)

    await page.goto("/fairness")
    await expect(page.get_by_text("How to check a prize draw").first).to_be_visible()
    await page.get_by_label("Commitment").fill(f"  {draw.commitment.upper()} ")
    await page.get_by_role("button", name="Check").click()
    await expect(page.get_by_text("Verified: the seed matches the commitment")).to_be_visible()
    await expect(page.get_by_text(draw.seed).first).to_be_visible()
    await expect(page.get_by_text("Free cake — weight 3")).to_be_visible()
    await fits_the_phone(page)
    await page.screenshot(path=artifacts / "fairness-no-script-390px.png", full_page=True)

    await page.get_by_label("Commitment").fill("0" * 64)
    await page.get_by_role("button", name="Check").click()
    await expect(page.get_by_text("No draw has this commitment.")).to_be_visible()
