"""End to end in Chromium: the camera films a card's QR code, the scanner stamps it, and the
customer's card page, open in another browser, shows the stamp without a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from hub.domain import codes
from hub.models import Card, CardEvent
from tests.browser.conftest import show_to_camera, sign_in
from tests.contexts import close_context
from tests.factories import make_shop

pytestmark = pytest.mark.browser


async def test_the_camera_stamps_the_card_and_the_card_page_updates_live(browser: Browser, server, secret):
    shop = await make_shop()
    customer = await browser.new_context(base_url=server.url)
    staff = await browser.new_context(base_url=server.url, permissions=["camera"])
    try:
        card_page = await customer.new_page()
        await card_page.goto(f"/c/{shop.card.token}")
        await expect(card_page.get_by_text("0 / 8")).to_be_visible()

        show_to_camera(codes.card_code(secret, shop.card.number))
        scanner = await staff.new_page()
        await sign_in(scanner, shop.seat_login, shop.seat_password)
        await expect(scanner.get_by_text("Stamped 1 / 8")).to_be_visible(timeout=20_000)
        await expect(card_page.get_by_text("1 / 8")).to_be_visible(timeout=20_000)

        # The card stays in front of the camera: it must not be stamped again.
        await scanner.wait_for_timeout(3_000)
        assert (await Card.get(id=shop.card.id)).stamps == 1
        event = await CardEvent.get(card_id=shop.card.id, kind="stamp")
        assert (event.seat_id, event.detail["source"]) == (shop.seat.id, "camera")
    finally:
        show_to_camera(None)
        await close_context(staff)
        await close_context(customer)
