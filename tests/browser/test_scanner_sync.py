"""The endpoint a scanner sends its offline queue to, called as the page calls it (the seat's
session cookie of a signed-in browser): once per key, nothing from a revoked seat, scan times
believed only within bounds, vouchers never redeemed from a queue."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from playwright.async_api import BrowserContext, Page, expect

from hub.domain import codes
from hub.domain.businesses import revoke_seat
from hub.domain.vouchers import issue_manual_voucher
from hub.models import Card, CardEvent, Voucher, VoucherState
from tests.browser.conftest import sign_in
from tests.factories import Shop, make_shop, new_card

pytestmark = pytest.mark.browser

# The device's clock is its own business: only the differences between its readings count.
DEVICE_NOW = 1_700_000_000_000
MINUTE = 60_000


def queued(code: str, shop: Shop, *, age_ms: int = 0, key: str | None = None) -> dict:
    return {"key": key or str(uuid.uuid4()), "code": code, "seat": shop.seat.id, "scanned_at": DEVICE_NOW - age_ms}


async def send(context: BrowserContext, *scans: dict) -> tuple[int, dict]:
    response = await context.request.post("/scanner/sync", data={"sent_at": DEVICE_NOW, "scans": list(scans)})
    return response.status, await response.json()


async def signed_in_shop(page: Page) -> Shop:
    shop = await make_shop()
    await sign_in(page, shop.seat_login, shop.seat_password)
    return shop


async def stamps(card: Card) -> int:
    return (await Card.get(id=card.id)).stamps


async def test_a_scan_sent_twice_or_twice_at_once_stamps_once(page: Page, context: BrowserContext, secret):
    shop = await signed_in_shop(page)
    scan = queued(codes.card_code(secret, shop.card.number), shop)
    answers = await asyncio.gather(send(context, scan), send(context, scan))
    status, again = await send(context, scan)
    assert [a[0] for a in answers] == [200, 200] and status == 200
    lines = sorted(a[1]["verdicts"][0]["line"] for a in answers) + [again["verdicts"][0]["line"]]
    assert sum(line.endswith(f"card {shop.card.number} stamped 1/8") for line in lines) == 1
    assert sum(line.endswith("(sent before)") for line in lines) == 2
    assert await stamps(shop.card) == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1


async def test_a_revoked_seats_queue_is_refused_with_a_clear_message(page: Page, context: BrowserContext, secret):
    shop = await signed_in_shop(page)
    await revoke_seat(shop.business_id, shop.seat.id)
    status, body = await send(context, queued(codes.card_code(secret, shop.card.number), shop))
    assert status == 403 and body["error"] == "seat_revoked"
    assert "revoked" in body["message"] and "not applied" in body["message"]
    assert await stamps(shop.card) == 0


async def test_the_scan_time_is_believed_within_a_day_and_not_beyond(page: Page, context: BrowserContext, secret):
    shop = await signed_in_shop(page)
    recent, stale, ahead = shop.card, await new_card(shop, "Ada"), await new_card(shop, "Bo")
    status, body = await send(
        context,
        queued(codes.card_code(secret, recent.number), shop, age_ms=10 * MINUTE),
        queued(codes.card_code(secret, stale.number), shop, age_ms=25 * 60 * MINUTE),
        # Scanned "after" it was sent: the device's clock went back; it counts as just now.
        queued(codes.card_code(secret, ahead.number), shop, age_ms=-60 * MINUTE),
    )
    assert status == 200 and [v["tone"] for v in body["verdicts"]] == ["stamped"] * 3
    rows = {e.card_id: e for e in await CardEvent.filter(business_id=shop.business_id, kind="stamp")}
    ten_minutes_early = rows[recent.id].created_at - rows[recent.id].scanned_at
    assert timedelta(minutes=9) < ten_minutes_early < timedelta(minutes=11)
    # Past the queue's day, the claim is kept but not believed: read when it arrived.
    assert rows[stale.id].scanned_at is None and rows[stale.id].detail["source"] == "offline-late"
    assert abs(rows[ahead.id].created_at - rows[ahead.id].scanned_at) < timedelta(seconds=30)


async def test_the_visit_guard_judges_queued_scans_by_when_they_were_scanned(
    page: Page, context: BrowserContext, secret
):
    shop = await signed_in_shop(page)
    code = codes.card_code(secret, shop.card.number)
    status, body = await send(
        context,
        queued(code, shop, age_ms=40 * MINUTE),  # one visit
        queued(code, shop, age_ms=5 * MINUTE),  # a later visit
        queued(code, shop, age_ms=4 * MINUTE),  # the same visit again
    )
    assert status == 200
    assert [v["tone"] for v in body["verdicts"]] == ["stamped", "stamped", "already"]
    assert "already stamped 1 min ago" in body["verdicts"][2]["line"]
    assert await stamps(shop.card) == 2


async def test_a_voucher_code_from_a_queue_is_refused_and_stays_unredeemed(page: Page, context: BrowserContext, secret):
    shop = await signed_in_shop(page)
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    status, body = await send(context, queued(codes.voucher_code(secret, voucher.id), shop))
    assert status == 200
    assert "Redeeming needs the connection" in body["verdicts"][0]["line"]
    assert (await Voucher.get(id=voucher.id)).state != VoucherState.REDEEMED


async def test_a_scan_queued_under_another_seat_is_kept_not_applied(page: Page, context: BrowserContext, secret):
    shop = await signed_in_shop(page)
    scan = queued(codes.card_code(secret, shop.card.number), shop) | {"seat": shop.seat.id + 1000}
    status, body = await send(context, scan)
    assert status == 200 and body["verdicts"][0]["keep"] is True
    assert "another staff login" in body["verdicts"][0]["line"]
    assert await stamps(shop.card) == 0


async def test_without_a_signed_in_seat_nothing_is_taken(context: BrowserContext, secret):
    shop = await make_shop()
    status, body = await send(context, queued(codes.card_code(secret, shop.card.number), shop))
    assert status == 401 and "sign in" in body["message"].lower()
    assert await stamps(shop.card) == 0


@pytest.mark.parametrize(("surface", "display"), [("scanner", "standalone"), ("kiosk", "fullscreen")])
async def test_the_scanner_and_the_kiosk_install_as_apps_with_the_business_icon(
    page: Page, context: BrowserContext, surface, display
):
    await signed_in_shop(page)
    manifest = await (await context.request.get(f"/{surface}/manifest.webmanifest")).json()
    assert manifest["display"] == display and manifest["start_url"] == f"/{surface}"
    assert manifest["name"] == f"Corner Café {surface}"
    for icon in manifest["icons"]:
        response = await context.request.get(icon["src"])
        image = Image.open(io.BytesIO(await response.body()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
    await page.goto(f"/{surface}")
    assert await page.locator("link[rel=manifest]").get_attribute("href") == f"/{surface}/manifest.webmanifest"
    await page.wait_for_function("navigator.serviceWorker.controller !== null")


async def test_chromium_offering_to_install_shows_the_install_button(page: Page):
    await signed_in_shop(page)
    install = page.get_by_role("button", name="Install app")
    await expect(install).to_be_hidden()
    await page.evaluate(
        """() => {
        const event = new Event("beforeinstallprompt", { cancelable: true });
        event.prompt = () => { window.installAsked = true; };
        event.userChoice = Promise.resolve({ outcome: "accepted" });
        window.dispatchEvent(event);
    }"""
    )
    await install.click()
    assert await page.evaluate("window.installAsked") is True
    await expect(install).to_be_hidden()
