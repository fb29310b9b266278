"""The Toast panel on an owner's phone (390 × 844) in real Chromium: connecting works and the
page never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from hub.models import ToastConnection
from tests.chromium_steps import owner_signs_in
from tests.contexts import close_context
from tests.servers import ROOT, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def admin_server(web_server) -> Iterator[Server]:
    yield web_server


async def test_an_owner_connects_toast_from_a_phone(browser: Browser, admin_server: Server, shop):
    context = await browser.new_context(base_url=admin_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    try:
        page = await context.new_page()
        await owner_signs_in(page, shop)
        await page.goto("/admin/integrations/webhooks")
        # The admin frame opens its menu over the page on a phone; the owner taps beside it first.
        await page.mouse.click(370, 600)
        await expect(page.get_by_role("link", name="Billing")).not_to_be_visible()
        await page.get_by_label("Voucher value on a check").fill("3.50")
        await page.get_by_role("button", name="Connect Toast").click()
        await expect(page.get_by_text("Toast connected")).to_be_visible()
        connection = await ToastConnection.get(business_id=shop.business_id, revoked_at=None)
        await expect(page.get_by_text(f"/api/toast/loyalty/{connection.public_id}").first).to_be_visible()
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        await page.screenshot(path=str(ROOT / "test-artifacts" / "toast-connect-phone.png"))
        await page.get_by_role("button", name="Done").click()
        widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px wide in {widths[1]} px"
        assert connection.reward_value == 350
    finally:
        await close_context(context)
