"""The card's inbox in real Chromium on a 390 px phone: the owner sends a message while the
card page is open, it arrives live with its unread badge, and opening it marks it read."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from hub.models import InboxMessage
from tests.chromium_steps import until_connected
from tests.factories import new_card
from tests.inbox.sending import send_to_card

pytestmark = pytest.mark.browser


async def test_a_message_arrives_live_with_its_badge_and_opening_it_marks_it_read(
    phone390: BrowserContext, shop, artifacts
):
    card = await new_card(shop, "Ada")
    page: Page = await phone390.new_page()
    await page.goto(f"/c/{card.token}")
    await expect(page.locator("[data-mark=inbox-empty]")).to_be_visible()
    await until_connected(page)

    await send_to_card(shop.business_id, card, "Open late tonight", "We are open until 10.\nSee you!")

    message = page.locator("[data-mark^=message-]").filter(has_text="Open late tonight")
    await expect(message).to_be_visible(timeout=10_000)
    await expect(page.locator("[data-mark=unread-badge]")).to_have_text("1")
    text = message.locator("[data-mark=message-text]")
    await expect(text).to_be_hidden()  # closed until tapped
    await expect(page.locator(".toast")).to_contain_text("Open late tonight")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=artifacts / "card-inbox-390px.png", full_page=True)

    await message.locator("summary").tap()
    await expect(text).to_contain_text("We are open until 10.")
    await expect(text).to_be_visible()
    await expect(page.locator("[data-mark=unread-badge]")).to_have_count(0)
    [row] = await InboxMessage.filter(card_id=card.id)
    for _ in range(50):
        await row.refresh_from_db()
        if row.read_at is not None:
            break
        await page.wait_for_timeout(100)
    assert row.read_at is not None

    # A reload shows it read: no badge, the message still there.
    await page.reload()
    await expect(page.locator("[data-mark=unread-badge]")).to_have_count(0)
    await expect(message).to_be_visible()
