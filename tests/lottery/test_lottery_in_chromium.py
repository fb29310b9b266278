"""The lottery in real Chromium at a phone's 390 px: the owner sets up a pool with prizes in
the admin, and a customer's full card plays its draw live on the card page."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect

from hub.domain import codes, lottery, lottery_pools, templates
from hub.i18n import Lang
from hub.models import LotteryDraw, Prize, PrizePool
from hub.ui.card_page.reward import reward_text
from tests.chromium_steps import fits_the_phone
from tests.factories import make_shop
from tests.servers import ROOT, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"


async def typed(page: Page, label: str, text: str, *, scope=None) -> None:
    field = (scope or page).get_by_label(label, exact=True)
    await field.fill("")
    await field.press_sequentially(text, delay=60)


async def test_an_owner_sets_up_a_pool_with_prizes_on_a_phone(phone390: BrowserContext):
    ARTIFACTS.mkdir(exist_ok=True)
    shop = await make_shop()
    page = await phone390.new_page()
    await page.goto("/admin/login")
    await typed(page, "Email", shop.owner_email)
    await typed(page, "Password", shop.owner_password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Cards issued")).to_be_visible()

    await page.goto("/admin/prizes")
    await expect(page.get_by_text("No prize pools yet")).to_be_visible()
    await typed(page, "Pool name", "Spring draw")
    await page.get_by_role("button", name="Create pool").click()
    await expect(page.get_by_text("Prize pool created")).to_be_visible()
    pool = await PrizePool.get(business_id=shop.business_id)
    box = page.locator(".q-card").filter(has_text="Add a prize")

    await typed(page, "Prize", "Free cake", scope=box)
    await typed(page, "Weight (odds)", "1", scope=box)
    await box.get_by_text("Unlimited").click()  # limited: a stock field appears
    await typed(page, "Stock", "3", scope=box)
    await typed(page, "Voucher valid (days, 0 = no expiry)", "14", scope=box)
    await box.get_by_role("button", name="Add prize").click()
    await expect(page.get_by_text("Prize added")).to_be_visible()
    await expect(box.get_by_text("100.0 % · weight 1 · 3 left · 0 won · valid 14 days")).to_be_visible()

    await typed(page, "Prize", "Tote bag", scope=box)
    await typed(page, "Weight (odds)", "1", scope=box)
    await box.get_by_role("button", name="Add prize").click()
    await expect(box.get_by_text("Tote bag")).to_be_visible()
    await typed(page, "Weight of no prize", "2", scope=box)
    await box.get_by_role("button", name="Save").click()
    await expect(box.get_by_text("No prize: 50.0 %")).to_be_visible()
    await expect(box.get_by_text("25.0 % · weight 1 · 3 left")).to_be_visible()
    await expect(box.locator(".nicegui-echart")).to_be_visible()
    await fits_the_phone(page)
    await page.screenshot(path=ARTIFACTS / "admin-prize-pool-390px.png", full_page=True)

    prizes = await Prize.filter(pool_id=pool.id).order_by("position")
    assert [(p.title, p.stock, p.valid_days) for p in prizes] == [("Free cake", 3, 14), ("Tote bag", None, None)]
    await pool.refresh_from_db()
    assert pool.blank_weight == 2 and pool.version == 4

    # A draw elsewhere moves the stock on the open page, while the owner types the next prize:
    # the field keeps its focus and every key.
    await lottery_pools.update_pool(shop.business_id, pool.id, blank_weight=0)
    await lottery_pools.retire_prize(shop.business_id, pool.id, prizes[1].id)
    await box.get_by_label("Prize", exact=True).click()
    await page.keyboard.type("Mu", delay=60)
    await lottery.grant_spin(shop.business_id, shop.card.id, pool.id, source="receipt")
    await expect(box.get_by_text("100.0 % · weight 1 · 2 left · 1 won")).to_be_visible()
    await page.keyboard.type("ffin", delay=60)
    await box.get_by_role("button", name="Add prize").click()
    await expect(box.get_by_text("Muffin", exact=True)).to_be_visible()


async def test_a_full_card_plays_its_draw_live_on_the_card_page(phone390: BrowserContext, web_server: Server, secret):
    shop = await make_shop(stamps_required=2, reward_title="Free coffee")
    pool = await lottery_pools.create_pool(shop.business_id, "Card draw", template_id=shop.template.id)
    for title in ("Free cake", "Tote bag", "Free coffee"):
        await lottery_pools.add_prize(shop.business_id, pool.id, title, weight=1)
    await templates.publish(
        shop.business_id, shop.template.id, {**templates.snapshot(shop.template), "reward_type": "lottery"}
    )
    page = await phone390.new_page()
    await page.goto(f"/c/{shop.card.token}")
    promise = reward_text(Lang("en"), "Free coffee", ["Free cake", "Tote bag", "Free coffee"])
    assert promise.startswith("Fill the card: spin for Free cake, Tote bag")
    await expect(page.get_by_text(promise)).to_be_visible()
    await expect(page.get_by_text("Reward: Free coffee")).to_have_count(0)

    async with httpx.AsyncClient(base_url=web_server.url, timeout=10) as api:
        for _ in range(2):
            response = await api.post(
                "/api/v1/scans",
                json={"code": codes.rotating_card_code(secret, shop.card.number), "idempotency_key": str(uuid.uuid4())},
                headers={"Authorization": f"Bearer {shop.api_key}"},
            )
            assert response.status_code == 200, response.text

    draw = await LotteryDraw.get(card_id=shop.card.id)
    assert draw.source == "card_full" and draw.prize_id is not None
    await expect(page.get_by_text(draw.commitment)).to_be_visible(timeout=10_000)
    won = (await Prize.get(id=draw.prize_id)).title
    await expect(page.get_by_text(f"You won: {won}!")).to_be_visible(timeout=15_000)
    await expect(page.get_by_text(draw.seed)).to_be_visible()
    await fits_the_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "card-lottery-played-390px.png", full_page=True)
    await page.get_by_role("button", name="Close").click()
    await expect(page.get_by_text(won).first).to_be_visible()
    assert (await LotteryDraw.get(id=draw.id)).revealed_at is not None
