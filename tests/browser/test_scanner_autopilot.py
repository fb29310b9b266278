"""Auto-stamp in Chromium: a scanner's fast key burst stamps; a person typing slowly does not."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from hub.domain import codes
from hub.models import Card
from tests.browser.conftest import autopilot_on, scanner_types
from tests.factories import make_shop

pytestmark = pytest.mark.browser


async def test_a_fast_key_burst_with_enter_stamps_the_card(page: Page, secret):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await scanner_types(page, codes.card_code(secret, shop.card.number))
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    assert await page.evaluate("window.StamphubWedge.bursts") == 1
    await expect(page.get_by_text("Auto-stamp is on")).to_be_visible()  # Enter did not flip the switch
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_slow_human_typing_is_not_taken_for_a_scan(page: Page, secret):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await page.keyboard.type(codes.card_code(secret, shop.card.number), delay=120)  # a person, in real time
    await page.keyboard.press("Enter")
    await page.wait_for_timeout(1_500)
    await expect(page.get_by_text("Ready to scan")).to_be_visible()
    assert await page.evaluate("window.StamphubWedge.bursts") == 0
    assert (await Card.get(id=shop.card.id)).stamps == 0
