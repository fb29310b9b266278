"""Every admin page on an owner's phone (390 × 844) and on a laptop (1440 × 900), in real
Chromium: nothing wider than the screen, the menu closed on the phone, screenshots kept."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from hub.domain import lottery_pools
from hub.domain.campaigns import create_campaign
from tests.contexts import close_context
from tests.servers import ROOT, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}

# Whatever is wider than the viewport, page-wide scrolling or a single element sticking out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const page = document.scrollingElement.scrollWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (el.closest('.q-drawer, .q-menu, .q-tooltip, [aria-hidden=true]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      // Children of something that scrolls sideways on purpose (a table) are inside it.
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) {
          const pb = p.getBoundingClientRect();
          if (pb.right <= width + 1 && pb.left >= -1) { clipped = true; break; }
        }
      }
      const where = `[${Math.round(box.left)}..${Math.round(box.right)}]`;
      const name = `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}`;
      if (!clipped) wide.push(`${name} ${where} ${(el.innerText || '').slice(0, 40)}`);
    }
  }
  return {width, page, wide: wide.slice(0, 8)};
}"""


def artifacts_dir() -> Path:
    """Screenshots go to $TEST_ARTIFACTS (CI uploads it when present) or ./test-artifacts."""
    path = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts") / "admin-viewports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def admin_server(web_server) -> Iterator[Server]:
    yield web_server


async def sign_in(page: Page, shop) -> None:
    await page.goto("/admin/login")
    await page.get_by_label("Email").fill(shop.owner_email)
    await page.get_by_label("Password").fill(shop.owner_password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/admin")


async def admin_routes(shop) -> list[str]:
    campaign = await create_campaign(
        shop.business_id, name="Spring hello", subject="Hello", body="Come by", channels=["push"]
    )
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw", blank_weight=2)
    await lottery_pools.add_prize(shop.business_id, pool.id, "A very generous slice of the house cheesecake", stock=5)
    return [
        "/admin",
        "/admin/templates",
        f"/admin/templates/{shop.template.id}",
        "/admin/cards",
        f"/admin/cards/{shop.card.id}",
        "/admin/vouchers",
        "/admin/prizes",
        "/admin/journal",
        "/admin/campaigns",
        "/admin/campaigns/new",
        "/admin/campaigns/automations",
        "/admin/campaigns/messenger",
        f"/admin/campaigns/{campaign.id}",
        "/admin/staff",
        "/admin/locations",
        "/admin/integrations",
        "/admin/integrations/webhooks",
        "/admin/billing",
        "/admin/account",
    ]


async def designer_reads_right(page: Page) -> None:
    """The image pickers say what to do, not "0.0B / 0.00%"; Regenerate stays on screen."""
    await expect(page.get_by_text("Choose an image (PNG or JPEG, up to 5 MB)").first).to_be_visible()
    for counter in await page.get_by_text("0.00%").all():
        await expect(counter).to_be_hidden()
    regenerate = page.get_by_role("button", name="Regenerate stamp card")
    await expect(regenerate).to_be_in_viewport()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
async def test_every_admin_page_fits_the_screen(browser: Browser, admin_server: Server, shop, viewport):
    folder = artifacts_dir()
    print(f"screenshots in {folder}")
    context = await browser.new_context(base_url=admin_server.url, viewport=viewport)
    context.set_default_timeout(20_000)
    try:
        page = await context.new_page()
        await sign_in(page, shop)
        problems = []
        for path in await admin_routes(shop):
            await page.goto(path)
            await expect(page.locator(".q-header")).to_be_visible()
            await page.wait_for_load_state("networkidle")
            await page.wait_for_timeout(300)  # charts and sections settle
            name = path.strip("/").replace("/", "-") or "admin"
            await page.screenshot(path=folder / f"{name}-{viewport['width']}.png", full_page=True)
            drawer = page.locator(".q-drawer")
            if viewport is PHONE:
                box = await drawer.bounding_box()
                if not (box is None or box["x"] + box["width"] <= 1):
                    problems.append(f"{path}: the menu is open on load")
            if path.startswith("/admin/templates/"):
                await designer_reads_right(page)
            found = await page.evaluate(OVERFLOW)
            if found["page"] > found["width"] or found["wide"]:
                problems.append(f"{path}: page {found['page']} px in {found['width']} px; {found['wide']}")
        assert not problems, "\n".join(problems)
    finally:
        await close_context(context)


async def settled_box(locator) -> dict:
    """Where an element ends up once its opening animation (a scale-in) is over."""
    previous = None
    for _ in range(50):
        box = await locator.bounding_box()
        if box is not None and box == previous:
            return box
        previous = box
        await asyncio.sleep(0.1)
    raise AssertionError(f"the element never came to rest: {previous}")


async def test_on_a_phone_the_card_detail_is_a_full_screen_sheet_and_dialogs_fill_the_screen(
    browser: Browser, admin_server: Server, shop
):
    context = await browser.new_context(base_url=admin_server.url, viewport=PHONE)
    context.set_default_timeout(20_000)
    try:
        page = await context.new_page()
        await sign_in(page, shop)
        await page.goto("/admin/cards")
        await expect(page.get_by_text(f"#{shop.card.number}")).to_be_visible()
        await expect(page.get_by_text("Choose a card to see its details.")).to_be_hidden()
        await page.get_by_text(f"#{shop.card.number}").click()
        title = page.get_by_text(f"#{shop.card.number} - Mina Park")
        await expect(title).to_be_visible()
        sheet = await settled_box(page.locator(".q-card", has=title).first)
        assert sheet["x"] < 16 and sheet["width"] > PHONE["width"] - 32
        await page.get_by_role("button", name="Issue coupon").click()
        dialog = page.locator(".q-dialog .q-card")
        await expect(dialog).to_be_visible()
        box = await settled_box(dialog)
        assert box["x"] == 0 and box["width"] == PHONE["width"]
        await page.screenshot(path=artifacts_dir() / "coupon-dialog-390.png")
        await page.get_by_role("button", name="Cancel").click()
        await page.get_by_role("button", name="Close", exact=True).click()
        await expect(title).to_be_hidden()
        await expect(page.get_by_text(f"#{shop.card.number}", exact=True)).to_be_visible()
    finally:
        await close_context(context)
