"""One visit, one stamp at the counter, in Chromium: a double tap, a second scan of the same card
and two seats reading it at once give one stamp; "+1 another stamp" gives one more on purpose."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from hub.domain import codes
from hub.domain.businesses import add_seat
from hub.domain.stamps import adjust_stamps
from hub.models import Card, CardEvent
from tests.browser.conftest import autopilot_on, scanner_types, sign_in
from tests.chromium_steps import earn_the_reward, redeem
from tests.contexts import close_context
from tests.factories import make_shop

pytestmark = pytest.mark.browser


async def stamps_of(shop) -> int:
    return (await Card.get(id=shop.card.id)).stamps


async def double_tap(page: Page, name: str) -> None:
    """Two taps the page surely sends both of, before it can redraw anything in between."""
    await page.get_by_role("button", name=name, exact=True).evaluate("el => { el.click(); el.click(); }")


async def test_a_double_tap_on_stamp_gives_one_stamp(page: Page):
    shop = await make_shop()
    await adjust_stamps(shop.business_id, shop.card.id, 1)  # an owner's correction is no visit
    await sign_in(page, shop.seat_login, shop.seat_password)
    await page.get_by_placeholder("Email, card number or name").fill(str(shop.card.number))
    await page.get_by_placeholder("Email, card number or name").press("Enter")
    await double_tap(page, "Stamp")
    await expect(page.get_by_text("Already stamped")).to_be_visible()
    await page.wait_for_timeout(500)
    assert await stamps_of(shop) == 2


async def test_the_same_card_scanned_twice_asks_and_plus_one_gives_another_stamp_on_purpose(page: Page, secret):
    shop = await make_shop()
    await autopilot_on(page, shop)
    code = codes.card_code(secret, shop.card.number)
    await scanner_types(page, code, gap_ms=8)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    await scanner_types(page, code, gap_ms=8)
    await expect(page.get_by_text("ago at Bar Counter")).to_be_visible()
    await expect(page.get_by_text("Already stamped")).to_be_visible()
    assert await stamps_of(shop) == 1

    await double_tap(page, "+1 another stamp")
    await expect(page.get_by_text("Stamped 2 / 8")).to_be_visible()
    await page.wait_for_timeout(500)
    assert await stamps_of(shop) == 2
    extra = await CardEvent.filter(card_id=shop.card.id, kind="stamp").order_by("-id").first()
    assert extra.detail.get("deliberate") is True and extra.seat_id == shop.seat.id


async def test_two_seats_reading_the_same_card_at_once_give_one_stamp(browser: Browser, server, secret):
    shop = await make_shop()
    till = await add_seat(shop.business_id, shop.location.id, "Cash Register", f"till-{uuid.uuid4().hex[:8]}", "1357")
    contexts = [await browser.new_context(base_url=server.url) for _ in range(2)]
    try:
        bar, register = [await ctx.new_page() for ctx in contexts]
        await autopilot_on(bar, shop)
        await autopilot_on(register, type(shop)(**{**shop.__dict__, "seat_login": till.login, "seat_password": "1357"}))
        code = codes.card_code(secret, shop.card.number)
        await asyncio.gather(scanner_types(bar, code, gap_ms=5), scanner_types(register, code, gap_ms=5))
        verdicts = set()
        for scanner in (bar, register):
            verdict = scanner.get_by_text("Stamped 1 / 8").or_(scanner.get_by_text("Already stamped"))
            await expect(verdict).to_be_visible()
            verdicts.add("stamped" if await scanner.get_by_text("Stamped 1 / 8").count() else "already")
        assert verdicts == {"stamped", "already"}
        assert await stamps_of(shop) == 1
        assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1
    finally:
        for ctx in contexts:
            await close_context(ctx)


async def test_undo_takes_the_last_stamp_back_and_the_card_page_follows_live(
    browser: Browser, page: Page, server, secret
):
    shop = await make_shop()
    customer = await browser.new_context(base_url=server.url)
    try:
        card_page = await customer.new_page()
        await card_page.goto(f"/c/{shop.card.token}")
        await autopilot_on(page, shop)
        code = codes.card_code(secret, shop.card.number)
        await scanner_types(page, code)
        await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
        await expect(card_page.get_by_text("1 / 8")).to_be_visible()

        await double_tap(page, "Undo")
        await expect(page.get_by_text("Stamp undone")).to_be_visible()
        await expect(card_page.get_by_text("0 / 8")).to_be_visible()
        assert await stamps_of(shop) == 0
        undone = await CardEvent.get(card_id=shop.card.id, kind="stamp_undone")
        assert undone.seat_id == shop.seat.id

        await scanner_types(page, code)  # the undone stamp was no visit
        await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    finally:
        await close_context(customer)


async def test_a_stamp_whose_reward_was_handed_over_cannot_be_undone(page: Page, secret):
    shop = await make_shop()
    await earn_the_reward(page, shop, secret)
    await redeem(page, "Free coffee")
    await expect(page.get_by_text("Hand over: Free coffee")).to_be_visible()
    await page.get_by_role("button", name="Undo").click()
    await expect(page.get_by_text("Cannot undo")).to_be_visible()
    await expect(page.get_by_text("already redeemed")).to_be_visible()
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.rounds_completed) == (0, 1)
