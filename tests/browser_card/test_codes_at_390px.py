"""A delivery insert and a receipt QR on a 390 x 844 phone in real Chromium: the scanned code
lands on the card the phone holds (or on the card it joins for), a rejection says why, and a
lottery code opens the card where the draw spins, whose fairness then checks out."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from hub import clock
from hub.domain import inserts, lottery, receipts
from hub.models import Card, LotteryDraw
from tests.chromium_steps import fits_the_phone, join
from tests.factories import make_shop

pytestmark = pytest.mark.browser


@pytest.fixture
async def page390(phone390: BrowserContext) -> Page:
    return await phone390.new_page()


async def insert_code(shop, secret: bytes, **kind) -> str:
    batch = await inserts.create_batch(shop.business_id, shop.template.id, name="Bags", size=1, **kind)
    return (await inserts.batch_urls(batch, secret, "http://phone"))[0].rsplit("/", 1)[1]


async def test_a_delivery_insert_stamps_the_card_this_phone_holds(page390: Page, shop, secret, artifacts):
    card = await join(page390, shop.template.id, "Ada")
    code = await insert_code(shop, secret)
    await page390.goto(f"/i/{code}")
    await expect(page390.get_by_text("Stamp added!")).to_be_visible()
    await expect(page390.get_by_text("1 / 8")).to_be_visible()
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "insert-stamped-390px.png", full_page=True)
    await page390.get_by_role("link", name="Open my card").click()
    await expect(page390.get_by_text("Show this code at the counter")).to_be_visible()
    assert page390.url.endswith(f"/c/{card.token}")
    assert (await Card.get(id=card.id)).stamps == 1

    await page390.goto(f"/i/{code}")  # the same insert scanned again
    await expect(page390.get_by_text("This code was already used. Each code works once.")).to_be_visible()
    await fits_the_phone(page390)
    assert (await Card.get(id=card.id)).stamps == 1


async def test_a_receipt_scanned_before_joining_lands_on_the_new_card(page390: Page, shop, artifacts):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id)
    code = receipts.receipt_code(key.secret, key.id, "PHONE-1", 1000, int(clock.timestamp()))
    await page390.goto(f"/i/{code}")
    await page390.get_by_label("Your name").fill("Bea")
    await page390.get_by_role("button", name="Get my card").click()
    await expect(page390.get_by_text("Stamp added!")).to_be_visible()
    await expect(page390.get_by_text("1 / 8")).to_be_visible()
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "receipt-joined-390px.png", full_page=True)
    card = await Card.filter(template_id=shop.template.id).order_by("-id").first()
    assert card.id != shop.card.id and card.stamps == 1


async def test_a_stale_receipt_says_so_on_the_phone(page390: Page, shop, artifacts):
    key = await receipts.create_receipt_key(shop.business_id, shop.location.id, shop.template.id, max_age_hours=1)
    code = receipts.receipt_code(key.secret, key.id, "OLD-1", 1000, int(clock.timestamp()) - 7200)
    await page390.goto(f"/i/{code}")
    await expect(page390.get_by_text("This receipt is too old: receipts count for 1 hours.")).to_be_visible()
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "receipt-stale-390px.png")


async def test_a_lottery_insert_spins_on_the_card_and_the_draw_checks_out(page390: Page, secret, artifacts):
    shop = await make_shop(stamps_required=2)
    pool = await lottery.create_pool(shop.business_id, "Bag draw", blank_weight=1)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake", weight=3)
    card = await join(page390, shop.template.id, "Cy")
    code = await insert_code(shop, secret, kind="lottery", pool_id=pool.id)
    await page390.goto(f"/i/{code}")
    await page390.wait_for_url(f"**/c/{card.token}")
    draw = await LotteryDraw.get(card_id=card.id)
    await expect(page390.get_by_text(draw.commitment)).to_be_visible()
    await expect(page390.get_by_text(draw.seed)).to_be_visible(timeout=15_000)

    await page390.get_by_role("link", name="Check that this draw was fair").click()
    await expect(page390.get_by_text("Verified: the seed matches the commitment")).to_be_visible()
    await expect(page390.get_by_label("Commitment")).to_have_value(draw.commitment)
    await fits_the_phone(page390)
    await page390.screenshot(path=artifacts / "fairness-verified-390px.png", full_page=True)
