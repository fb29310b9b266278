"""Auto-stamp never drops a scan: the keyboard wedge listens from the first paint, holds a scan
until the page's connection is up, and takes a scanner's burst as a scan wherever the focus is,
while a person typing into a box is never taken for a scanner."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from hub.domain import codes
from hub.domain.stamps import adjust_stamps
from hub.models import Card, Voucher, VoucherState
from tests.browser.conftest import autopilot_on, hold_connection, scanner_types
from tests.factories import make_shop

pytestmark = pytest.mark.browser

# What USB scanners send, from the fastest to the slowest we know of.
GAPS_MS = [2, 8, 15]
BOXES = {"redeem": "XXXX-XXXX", "search": "Email, card number or name"}


@pytest.mark.parametrize("gap_ms", GAPS_MS)
async def test_a_scan_typed_the_moment_the_page_loads_stamps_the_card(page: Page, secret, gap_ms):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await hold_connection(page, seconds=1.5)
    await page.reload(wait_until="domcontentloaded")
    # The page is painted but not yet connected: the scan must wait for the connection, whole.
    assert not await page.evaluate("!!window.did_handshake")
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=gap_ms)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    assert (await Card.get(id=shop.card.id)).stamps == 1


@pytest.mark.parametrize("gap_ms", GAPS_MS)
async def test_the_first_scan_after_opening_the_scanner_stamps_the_card(page: Page, secret, gap_ms):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await page.reload()
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=gap_ms)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    await expect(page.get_by_text("not a Stamphub card")).to_have_count(0)
    assert (await Card.get(id=shop.card.id)).stamps == 1


@pytest.mark.parametrize("box", list(BOXES))
async def test_a_scan_right_after_the_tab_regains_focus_stamps_the_card(
    context: BrowserContext, page: Page, secret, box
):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await page.get_by_placeholder(BOXES[box]).click()  # where the cursor was when the barista left
    other = await context.new_page()
    await other.goto("about:blank")
    await other.bring_to_front()
    await page.bring_to_front()
    await page.evaluate("window.dispatchEvent(new FocusEvent('focus'))")
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=8)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    assert (await Card.get(id=shop.card.id)).stamps == 1


@pytest.mark.parametrize("box", list(BOXES))
@pytest.mark.parametrize("gap_ms", GAPS_MS)
async def test_a_scan_typed_while_the_cursor_is_in_a_box_is_a_scan(page: Page, secret, box, gap_ms):
    shop = await make_shop()
    await autopilot_on(page, shop)
    field = page.get_by_placeholder(BOXES[box])
    await field.click()
    await field.press_sequentially("ab", delay=150)  # half a word the barista had typed
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=gap_ms)
    await expect(page.get_by_text("Stamped 1 / 8")).to_be_visible()
    await expect(field).to_have_value("ab")  # the box keeps what the person typed, nothing more
    await expect(page.get_by_text("typo")).to_have_count(0)
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_person_typing_a_redeem_code_is_never_taken_for_a_scanner(page: Page):
    shop = await make_shop()
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    await autopilot_on(page, shop)
    field = page.get_by_placeholder(BOXES["redeem"])
    await field.click()
    await field.press_sequentially(voucher.redeem_code, delay=90)  # a quick typist, in real time
    await field.press("Enter")
    await expect(page.get_by_text("Voucher redeemed")).to_be_visible()
    assert await page.evaluate("window.StamphubWedge.bursts") == 0
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.REDEEMED
