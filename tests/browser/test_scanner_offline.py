"""The scanner keeps taking USB-scanner scans while its server is away: they wait in the page's
queue (kept over a reload, which the service worker serves), and land exactly once when the
server is back, each judged by the visit guard at the time it was scanned."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from hub.domain import codes
from hub.domain.vouchers import issue_manual_voucher
from hub.models import Card, CardEvent, Voucher, VoucherState
from tests.browser.conftest import autopilot_on, scanner_types, sign_in
from tests.contexts import close_context
from tests.factories import Shop, make_shop, new_card
from tests.servers import Server, free_port, start_server, stop_server

pytestmark = pytest.mark.browser

# What the page needs to open without its server: the shell and every static file it loaded.
OFFLINE_READY = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open("stamphub-scanner-v1");
  if (!(await cache.match(location.pathname))) return false;
  const files = performance.getEntriesByType("resource").map((e) => e.name)
    .filter((u) => /\\/(_nicegui\\/[^/]+\\/(static|components|libraries|esm)|scanner-assets)\\//.test(u));
  for (const url of files) if (!(await cache.match(url, { ignoreVary: true }))) return false;
  return true;
}"""

QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("stamphub-offline", 1);
  open.onsuccess = () => {
    const get = open.result.transaction("scans").objectStore("scans").getAll();
    get.onsuccess = () => resolve(get.result);
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""


class Restartable:
    """A web process of the test's own, stopped and started again on the same address."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: Server | None = start_server(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.server:
            stop_server(self.server)
            self.server = None

    def start(self) -> None:
        self.server = start_server(self.port)


@pytest.fixture
async def web() -> AsyncIterator[Restartable]:
    process = Restartable()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
async def staff(browser: Browser, web: Restartable) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(base_url=web.url)
    ctx.set_default_timeout(20_000)
    yield ctx
    await close_context(ctx)


async def ready_for_offline(page: Page) -> None:
    await page.wait_for_function(OFFLINE_READY, polling=200, timeout=30_000)


def banner(page: Page):
    return page.locator("#stamphub-offline")


async def stamps(card: Card) -> int:
    return (await Card.get(id=card.id)).stamps


async def cards_of(shop: Shop, n: int) -> list[Card]:
    return [shop.card, *[await new_card(shop, f"Guest {i}") for i in range(n - 1)]]


async def test_scans_taken_while_the_server_is_down_land_once_when_it_is_back(
    browser: Browser, staff: BrowserContext, web: Restartable, secret
):
    shop = await make_shop()
    cards = await cards_of(shop, 4)
    page = await staff.new_page()
    await autopilot_on(page, shop)
    await ready_for_offline(page)
    customer = await browser.new_context(base_url=web.url, viewport={"width": 390, "height": 844})
    try:
        card_page = await customer.new_page()
        await card_page.goto(f"/c/{shop.card.token}")
        await expect(card_page.get_by_text("0 / 8")).to_be_visible()

        web.stop()
        await expect(banner(page)).to_contain_text("Offline — 0 scans waiting")
        # The first card twice, a minute apart at most: one visit.
        order = [cards[0], cards[1], cards[2], cards[0], cards[3]]
        for typed, (card, gap) in enumerate(zip(order, [2, 8, 15, 5, 12], strict=True), start=1):
            await scanner_types(page, codes.card_code(secret, card.number), gap_ms=gap)
            await expect(banner(page)).to_have_attribute("data-waiting", str(typed))
        await expect(banner(page)).to_contain_text("Offline — 5 scans waiting")

        await page.reload()  # no server: the service worker opens the kept page
        await expect(banner(page)).to_contain_text("Offline — 5 scans waiting")
        assert len(await page.evaluate(QUEUE)) == 5
        assert [await stamps(c) for c in cards] == [0, 0, 0, 0]

        web.start()
        await expect(banner(page)).to_have_attribute("data-waiting", "0", timeout=30_000)
        await expect(banner(page)).to_contain_text("0 scans waiting")
        await expect(banner(page)).to_contain_text(f"card {cards[3].number} stamped 1/8")
        await expect(banner(page)).to_contain_text(f"card {cards[0].number} already stamped")
        assert [await stamps(c) for c in cards] == [1, 1, 1, 1]
        journal = await CardEvent.filter(business_id=shop.business_id, kind="stamp").order_by("id")
        assert len(journal) == 4
        for row in journal:  # scanned while offline, synced later
            assert row.seat_id == shop.seat.id and row.detail["source"] == "offline"
            assert row.scanned_at is not None and row.scanned_at <= row.created_at
        assert await page.evaluate(QUEUE) == []
        await expect(card_page.get_by_text("1 / 8")).to_be_visible(timeout=30_000)
    finally:
        await close_context(customer)


async def test_two_tabs_sending_the_same_queue_stamp_each_card_once(staff: BrowserContext, web: Restartable, secret):
    shop = await make_shop()
    cards = await cards_of(shop, 3)
    first = await staff.new_page()
    await autopilot_on(first, shop)
    await ready_for_offline(first)
    second = await staff.new_page()
    await second.goto("/scanner")
    await expect(second.get_by_text("Auto-stamp is on")).to_be_visible()

    web.stop()
    for card in cards:
        await scanner_types(first, codes.card_code(secret, card.number), gap_ms=6)
    # One queue on this device: the other tab holds it too.
    await expect(banner(second)).to_contain_text("Offline — 3 scans waiting")
    queued = await second.evaluate(QUEUE)
    assert len(queued) == 3

    web.start()
    for tab in (first, second):
        await expect(banner(tab)).to_have_attribute("data-waiting", "0", timeout=30_000)
    # And once more, the whole queue again from the second tab, as a tab that read it before
    # the first one sent it would.
    again = [{"key": e["key"], "code": e["code"], "seat": e["seat"], "scanned_at": e["scannedAt"]} for e in queued]
    response = await staff.request.post("/scanner/sync", data={"sent_at": queued[-1]["scannedAt"], "scans": again})
    assert response.ok
    assert all("(sent before)" in v["line"] for v in (await response.json())["verdicts"])
    assert [await stamps(c) for c in cards] == [1, 1, 1]
    assert await CardEvent.filter(business_id=shop.business_id, kind="stamp").count() == 3


async def test_offline_a_voucher_is_not_queued_and_camera_mode_points_to_the_usb_scanner(
    staff: BrowserContext, web: Restartable, secret
):
    shop = await make_shop()
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    page = await staff.new_page()
    await sign_in(page, shop.seat_login, shop.seat_password)  # camera mode: Auto-stamp off
    await ready_for_offline(page)

    web.stop()
    await expect(banner(page)).to_contain_text("Camera scans need the connection; a USB scanner keeps working")
    await scanner_types(page, codes.voucher_code(secret, voucher.id), gap_ms=5)
    await expect(banner(page)).to_contain_text("Redeeming needs the connection")
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=5)  # a USB scanner still works
    await expect(banner(page)).to_contain_text("Offline — 1 scan waiting")
    assert [e["code"] for e in await page.evaluate(QUEUE)] == [codes.card_code(secret, shop.card.number)]

    web.start()
    await expect(banner(page)).to_have_attribute("data-waiting", "0", timeout=30_000)
    assert await stamps(shop.card) == 1
    assert (await Voucher.get(id=voucher.id)).state != VoucherState.REDEEMED


PUT_OLD_SCAN = """([code, seat]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("stamphub-offline", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("scans", { keyPath: "key" });
  open.onsuccess = () => {
    const tx = open.result.transaction("scans", "readwrite");
    tx.objectStore("scans").put({
      key: crypto.randomUUID(), code, seat, seatName: "Bar Counter", surface: "scanner",
      scannedAt: Date.now() - 25 * 3600 * 1000, held: "",
    });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


@pytest.mark.parametrize("choice", ["Send anyway", "Discard"])
async def test_a_scan_older_than_a_day_waits_for_the_staff_to_send_or_discard_it(page: Page, secret, choice):
    shop = await make_shop()
    await autopilot_on(page, shop)
    await page.evaluate(PUT_OLD_SCAN, [codes.card_code(secret, shop.card.number), shop.seat.id])
    await page.reload()
    await expect(banner(page)).to_contain_text("1 scan kept on this device: 1 scan scanned more than a day ago")
    await expect(banner(page)).to_have_attribute("data-waiting", "0")
    assert await stamps(shop.card) == 0
    await banner(page).get_by_role("button", name=choice).click()
    await expect(banner(page)).not_to_contain_text("kept on this device")
    await page.wait_for_function(f"({QUEUE})().then((q) => q.length === 0)")
    if choice == "Discard":
        assert await stamps(shop.card) == 0
    else:
        await expect(banner(page)).to_contain_text(f"card {shop.card.number} stamped 1/8")
        row = await CardEvent.get(card_id=shop.card.id, kind="stamp")
        assert row.scanned_at is None and row.detail["source"] == "offline-late"


async def test_the_kiosk_queues_usb_scanner_scans_offline_too(staff: BrowserContext, web: Restartable, secret):
    shop = await make_shop()
    page = await staff.new_page()
    await sign_in(page, shop.seat_login, shop.seat_password, path="/kiosk")
    await ready_for_offline(page)

    web.stop()
    await expect(banner(page)).to_contain_text("Camera scans need the connection; a USB scanner keeps working")
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=9)
    await expect(banner(page)).to_contain_text("Offline — 1 scan waiting")
    await page.reload()
    await expect(banner(page)).to_contain_text("Offline — 1 scan waiting")

    web.start()
    await expect(banner(page)).to_have_attribute("data-waiting", "0", timeout=30_000)
    assert await stamps(shop.card) == 1
    row = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert row.detail["source"] == "offline" and row.scanned_at is not None


async def test_a_usb_scanner_on_the_kiosk_stand_stamps_the_card(page: Page, secret):
    await page.set_viewport_size({"width": 1024, "height": 768})  # the tablet on its stand
    shop = await make_shop()
    await sign_in(page, shop.seat_login, shop.seat_password, path="/kiosk")
    await scanner_types(page, codes.card_code(secret, shop.card.number), gap_ms=4)
    await expect(page.get_by_text("Stamp added!")).to_be_visible()
    assert await stamps(shop.card) == 1
    assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


async def test_the_queue_survives_a_browser_restart_while_the_server_is_away(
    browser: Browser, web: Restartable, secret, tmp_path
):
    """The tablet's browser is closed (or crashes) with scans waiting and opened again before the
    server is back: the page opens from the device, still signed in, with its queue."""
    from tests.conftest import CHROMIUM, chromium_args
    from tests.servers import real_clock_env

    shop = await make_shop()
    cards = await cards_of(shop, 2)

    async def device() -> BrowserContext:
        ctx = await browser.browser_type.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            env=real_clock_env(),
            headless=True,
            args=chromium_args(),
            base_url=web.url,
        )
        ctx.set_default_timeout(20_000)
        return ctx

    first = await device()
    try:
        page = first.pages[0] if first.pages else await first.new_page()
        await autopilot_on(page, shop)
        await ready_for_offline(page)
        web.stop()
        for typed, card in enumerate(cards, start=1):
            await scanner_types(page, codes.card_code(secret, card.number), gap_ms=6)
            await expect(banner(page)).to_have_attribute("data-waiting", str(typed))
    finally:
        await close_context(first)

    second = await device()
    try:
        page = second.pages[0] if second.pages else await second.new_page()
        await page.goto("/scanner")  # no server: the service worker opens the kept page
        await expect(banner(page)).to_contain_text("Offline — 2 scans waiting")
        assert [await stamps(c) for c in cards] == [0, 0]

        web.start()
        await expect(banner(page)).to_have_attribute("data-waiting", "0", timeout=30_000)
        assert [await stamps(c) for c in cards] == [1, 1]
        assert await page.evaluate(QUEUE) == []
    finally:
        await close_context(second)
