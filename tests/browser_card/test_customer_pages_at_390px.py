"""The customer pages on a 390 x 844 phone in real Chromium: a deleted card is no dead end, a
shared phone can get its own card, and a page whose network slept wakes to the newest state."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Page, expect

from hub.domain.cards import delete_card
from hub.models import Card
from tests.chromium_steps import fits_the_phone, join, stamp_through_the_api, until_connected

pytestmark = pytest.mark.browser

SLEEP_SECONDS = 30


@pytest.fixture
async def page390(phone390: BrowserContext) -> Page:
    return await phone390.new_page()


async def test_a_deleted_cards_page_offers_a_new_card(page390: Page, shop, artifacts):
    card = await join(page390, shop.template.id, "Ada")
    await delete_card(shop.business_id, card.id)
    await expect(page390.get_by_text("This card was deleted.")).to_be_visible(timeout=15_000)  # live, no reload
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "deleted-card-390px.png")
    await page390.get_by_role("link", name="Get a new card").click()
    await expect(page390.get_by_role("button", name="Get my card")).to_be_visible()
    await page390.get_by_label("Your name").fill("Ada again")
    await page390.get_by_role("button", name="Get my card").click()
    await expect(page390.get_by_text("Show this code at the counter")).to_be_visible()
    fresh = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    assert fresh.id != card.id and page390.url.endswith(f"/c/{fresh.token}")


async def test_a_shared_phone_is_asked_not_you_and_gets_its_own_card(page390: Page, shop, artifacts):
    first = await join(page390, shop.template.id, "Mum")
    await page390.goto(f"/join/{shop.template.id}")  # the poster scanned again on the same phone
    await expect(page390.get_by_text("Welcome back, Mum!")).to_be_visible()
    await expect(page390).to_have_url(re.compile(f"/c/{first.token}$"))  # asked once: a reload does not ask
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "not-you-390px.png")
    await page390.reload()
    await expect(page390.get_by_text("Show this code at the counter")).to_be_visible()
    await expect(page390.get_by_text("Welcome back, Mum!")).to_have_count(0)
    await page390.goto(f"/join/{shop.template.id}")
    await page390.get_by_role("link", name="Not you? Get your own card").click()
    await page390.get_by_label("Your name").fill("Kid")
    await page390.get_by_role("button", name="Get my card").click()
    await expect(page390.get_by_text("Show this code at the counter")).to_be_visible()
    mine = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    assert mine.id != first.id and page390.url.endswith(f"/c/{mine.token}")
    await expect(page390.get_by_text("Kid", exact=True)).to_be_visible()


async def test_a_page_whose_network_slept_wakes_to_the_newest_state(
    phone390: BrowserContext, page390: Page, card_server, shop, secret
):
    page = page390
    card = await join(page, shop.template.id, "Sleepy")
    await until_connected(page)
    await page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    await stamp_through_the_api(card_server.url, shop, secret, card)
    await expect(page.get_by_text("1 / 8")).to_be_visible()

    await phone390.set_offline(True)
    await stamp_through_the_api(card_server.url, shop, secret, card)  # while the phone is away
    await page.wait_for_timeout(SLEEP_SECONDS * 1000)
    await expect(page.get_by_text("1 / 8")).to_be_visible()  # nothing can have arrived

    await phone390.set_offline(False)
    await expect(page.get_by_text("2 / 8")).to_be_visible(timeout=30_000)
    assert await page.evaluate("window.loadedOnce === true")  # woke without a reload
    await until_connected(page, 30)
    await stamp_through_the_api(card_server.url, shop, secret, card)  # and keeps listening
    await expect(page.get_by_text("3 / 8")).to_be_visible(timeout=30_000)
