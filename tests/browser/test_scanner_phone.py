"""The scanner on a staff member's own phone (390 × 844): camera, result and redeem fit the
width, the camera prefers the back camera, and the photo fallback reads as a button."""

from __future__ import annotations

import io

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from hub.domain import codes
from hub.domain.stamps import adjust_stamps
from hub.domain.vouchers import issue_manual_voucher
from tests.browser.conftest import qr_scene, sign_in
from tests.contexts import close_context
from tests.factories import make_shop

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Records what the page asks of the camera, then lets Chromium's fake camera answer.
RECORD_CAMERA = """
(() => {
  window.cameraAsked = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.cameraAsked.push(JSON.parse(JSON.stringify(constraints)));
    return original(constraints);
  };
})();
"""


@pytest.fixture
async def phone(browser: Browser, server) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True, permissions=["camera"]
    )
    ctx.set_default_timeout(15_000)
    await ctx.add_init_script(RECORD_CAMERA)
    yield ctx
    await close_context(ctx)


async def fits_the_width(page: Page) -> None:
    widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px wide in {widths[1]} px"


async def within_the_screen(page: Page, locator) -> None:
    await locator.scroll_into_view_if_needed()
    box = await locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box


async def test_camera_result_and_redeem_fit_a_phone_without_sideways_scrolling(phone: BrowserContext, secret):
    shop = await make_shop(reward_title="Free flat white with oat milk")
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    await issue_manual_voucher(shop.business_id, shop.card.id, title="Birthday slice of cake", expires_at=None)
    page = await phone.new_page()
    await sign_in(page, shop.seat_login, shop.seat_password)
    await fits_the_width(page)
    await within_the_screen(page, page.locator("video"))
    await within_the_screen(page, page.get_by_placeholder("XXXX-XXXX"))
    await within_the_screen(page, page.get_by_role("button", name="Redeem", exact=True))

    # A verdict with its follow-ups: the longest thing the result box shows.
    await page.get_by_role("button", name="Take a photo of the code").wait_for()
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Take a photo of the code").click()
    photo = io.BytesIO()
    qr_scene(codes.card_code(secret, shop.card.number)).save(photo, "PNG")
    await (await chooser.value).set_files({"name": "card.png", "mimeType": "image/png", "buffer": photo.getvalue()})
    await expect(page.get_by_text("Reward earned")).to_be_visible()
    await expect(page.get_by_text("2 rewards waiting")).to_be_visible()
    await fits_the_width(page)
    await within_the_screen(page, page.get_by_text("Reward earned"))
    await within_the_screen(page, page.get_by_role("button", name="Redeem Birthday slice of cake"))
    await within_the_screen(page, page.get_by_role("button", name="Undo"))


async def test_the_staff_camera_prefers_the_back_camera(phone: BrowserContext):
    shop = await make_shop()
    page = await phone.new_page()
    await sign_in(page, shop.seat_login, shop.seat_password)
    await page.wait_for_function("window.cameraAsked.length > 0")
    asked = (await page.evaluate("window.cameraAsked"))[0]["video"]["facingMode"]
    assert asked in ("environment", {"ideal": "environment"})


async def test_the_photo_fallback_reads_as_a_button_not_as_an_upload_counter(phone: BrowserContext):
    shop = await make_shop()
    page = await phone.new_page()
    await sign_in(page, shop.seat_login, shop.seat_password)
    await expect(page.get_by_role("button", name="Take a photo of the code")).to_be_visible()
    await expect(page.get_by_text("0.00%")).not_to_be_visible()
    assert "0.00%" not in await page.locator("body").aria_snapshot()
