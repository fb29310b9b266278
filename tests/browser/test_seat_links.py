"""A seat's link on the Staff page opens the scanner with its login filled in, on an address the
counter's device can reach: open the link, type the PIN."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from tests.chromium_steps import owner_signs_in
from tests.contexts import close_context
from tests.factories import make_shop
from tests.servers import Server, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unconfigured_server(database) -> Iterator[Server]:
    """A server started without PUBLIC_URL: its own idea of its address is "localhost"."""
    with running_server(PUBLIC_URL="") as server:
        yield server


async def test_the_seat_link_opens_the_scanner_with_the_login_filled_in(browser: Browser, unconfigured_server):
    shop = await make_shop()
    owner = await browser.new_context(base_url=unconfigured_server.url)
    counter = await browser.new_context()  # another device: no session, no base address
    try:
        admin = await owner.new_page()
        await owner_signs_in(admin, shop)
        await admin.goto("/admin/staff")
        link = admin.get_by_role("link", name="/scanner?login=")
        href = await link.get_attribute("href")
        assert href == f"{unconfigured_server.url}/scanner?login={shop.seat_login}"  # not localhost
        assert await link.inner_text() == href

        scanner = await counter.new_page()
        await scanner.goto(href)
        await expect(scanner.get_by_label("Staff login")).to_have_value(shop.seat_login)
        await expect(scanner.get_by_label("PIN")).to_be_focused()
        await scanner.keyboard.type(shop.seat_password)
        await scanner.keyboard.press("Enter")
        await expect(scanner.get_by_text("Main Street · Bar Counter")).to_be_visible()
    finally:
        await close_context(counter)
        await close_context(owner)
