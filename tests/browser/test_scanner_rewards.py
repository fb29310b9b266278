"""Vouchers waiting are in view at the counter, in Chromium: with every verdict about a card and
every search result, each with a redeem button that asks first; the kiosk tells the customer."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from hub.domain import codes
from hub.domain.stamps import adjust_stamps
from hub.domain.vouchers import issue_manual_voucher
from hub.models import Voucher, VoucherState
from tests.browser.conftest import autopilot_on, scanner_types, show_to_camera, sign_in
from tests.chromium_steps import earn_the_reward, redeem
from tests.contexts import close_context
from tests.factories import make_shop

pytestmark = pytest.mark.browser


async def shop_with_two_rewards():
    shop = await make_shop(daily_cap=1)
    await adjust_stamps(shop.business_id, shop.card.id, 8)  # a full card: "Free coffee"
    await issue_manual_voucher(shop.business_id, shop.card.id, title="Free cake", expires_at=None)
    coffee, cake = await Voucher.filter(card_id=shop.card.id).order_by("id")
    return shop, coffee, cake


async def test_every_verdict_about_the_card_shows_its_rewards_and_redeems_one_after_asking(page: Page, secret):
    shop, coffee, cake = await shop_with_two_rewards()
    await autopilot_on(page, shop)
    code = codes.card_code(secret, shop.card.number)
    await scanner_types(page, code)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    await expect(page.get_by_text("2 rewards waiting: Free coffee, Free cake")).to_be_visible()

    await page.get_by_role("button", name="Redeem Free cake").click()
    await expect(page.get_by_text("Redeem “Free cake” for Mina Park?")).to_be_visible()
    await page.get_by_role("button", name="Cancel").click()
    assert (await Voucher.get(id=cake.id)).state == VoucherState.ACTIVE  # nothing without a yes

    await redeem(page, "Free cake")
    await expect(page.get_by_text("Hand over: Free cake")).to_be_visible()
    await expect(page.get_by_text("1 reward waiting: Free coffee")).to_be_visible()
    assert (await Voucher.get(id=cake.id)).state == VoucherState.REDEEMED
    assert (await Voucher.get(id=coffee.id)).redeemed_seat_id is None

    # Already stamped (amber) and rejected (daily cap, red) verdicts show it too.
    await scanner_types(page, code)
    await expect(page.get_by_text("Already stamped")).to_be_visible()
    await expect(page.get_by_text("1 reward waiting: Free coffee")).to_be_visible()
    await page.get_by_role("button", name="+1 another stamp").click()
    await expect(page.get_by_text("Rejected: daily limit reached")).to_be_visible()
    await expect(page.get_by_text("1 reward waiting: Free coffee")).to_be_visible()


async def test_a_reward_earned_now_can_be_handed_over_at_once(page: Page, secret):
    shop = await make_shop()
    await earn_the_reward(page, shop, secret)
    await redeem(page, "Free coffee")
    await expect(page.get_by_text("Hand over: Free coffee")).to_be_visible()


async def test_a_search_result_shows_the_customers_rewards_with_a_redeem_button(page: Page):
    shop, coffee, cake = await shop_with_two_rewards()
    await sign_in(page, shop.seat_login, shop.seat_password)
    search = page.get_by_placeholder("Email, card number or name")
    await search.fill("Mina")
    await search.press("Enter")
    await expect(page.get_by_text("2 rewards waiting: Free coffee, Free cake")).to_be_visible()
    await redeem(page, "Free coffee")
    await expect(page.get_by_text("Hand over: Free coffee")).to_be_visible()
    await expect(page.get_by_text("1 reward waiting: Free cake").first).to_be_visible()
    assert (await Voucher.get(id=coffee.id)).state == VoucherState.REDEEMED


async def test_a_card_without_rewards_shows_none(page: Page, secret):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await scanner_types(page, codes.card_code(secret, shop.card.number))
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    await expect(page.get_by_text("waiting:")).to_have_count(0)


async def test_the_kiosk_tells_a_customer_with_a_reward_to_show_the_card_to_the_staff(browser: Browser, server, secret):
    shop, _, _ = await shop_with_two_rewards()
    context = await browser.new_context(base_url=server.url, permissions=["camera"])
    try:
        show_to_camera(codes.card_code(secret, shop.card.number))
        kiosk = await context.new_page()
        await sign_in(kiosk, shop.seat_login, shop.seat_password, path="/kiosk")
        await expect(kiosk.get_by_text("Stamp added!")).to_be_visible(timeout=20_000)
        await expect(kiosk.get_by_text("You have a reward — show this card to the staff")).to_be_visible()
        await expect(kiosk.get_by_role("button", name="Redeem Free coffee")).to_have_count(0)
    finally:
        show_to_camera(None)
        await close_context(context)
