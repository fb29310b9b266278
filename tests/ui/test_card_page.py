"""The customer's card page: the card, its vouchers and code, live, in the browser's language."""

import asyncio
from datetime import timedelta

from nicegui.testing import User

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import redeem_voucher
from hub.models import Voucher
from hub.ui.card_page.live_card import LiveCard
from hub.ui.card_render import qr_svg_data_url
from tests.factories import make_shop


async def test_the_card_page_shows_progress_and_updates_live(user: User, live, shop):
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("0 / 8")
    await user.should_see("Stamps to go: 8")
    await user.should_see("Reward: Free coffee")
    await add_stamp(shop.business_id, shop.card.id)
    await user.should_see("1 / 8", retries=50)
    await user.should_see("Stamps to go: 7")
    assert len(user.find(marker="stamp-filled").elements) == 1


async def test_the_card_stays_on_screen_while_a_live_update_is_read(user: User, live, shop, monkeypatch):
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("0 / 8")
    reading, go_on = asyncio.Event(), asyncio.Event()
    read = LiveCard.read

    async def slow_read(self):
        reading.set()
        await go_on.wait()  # the database is slow to answer
        return await read(self)

    monkeypatch.setattr(LiveCard, "read", slow_read)
    await add_stamp(shop.business_id, shop.card.id)
    await asyncio.wait_for(reading.wait(), 5)
    await user.should_see("0 / 8")  # not an empty page while the update is read
    await user.should_see(marker="card-qr")
    go_on.set()
    await user.should_see("1 / 8", retries=50)


async def test_a_stamp_landing_while_the_page_first_reads_the_card_is_shown(user: User, live, shop, monkeypatch):
    read = LiveCard.read
    first = True

    async def read_then_stamp(self):
        nonlocal first
        view = await read(self)
        if first:
            first = False
            passed = asyncio.Event()

            def on_updated(event: dict) -> None:
                if event["type"] == "card.updated":
                    passed.set()

            unsubscribe = live.bus.subscribe(f"card:{shop.card.token}", on_updated)
            await add_stamp(shop.business_id, shop.card.id)  # after the read, before the first draw
            await asyncio.wait_for(passed.wait(), 5)  # and its event has gone by
            unsubscribe()
        return view

    monkeypatch.setattr(LiveCard, "read", read_then_stamp)
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("1 / 8", retries=50)


async def test_a_new_stamp_pops_in_while_the_old_ones_stay_put(user: User, live, shop):
    await add_stamp(shop.business_id, shop.card.id)
    await user.open(f"/c/{shop.card.token}")
    assert not any("stamp-new" in e.classes for e in user.find(marker="stamp-filled").elements)
    await add_stamp(shop.business_id, shop.card.id)
    await user.should_see("2 / 8", retries=50)
    popping = [e for e in user.find(marker="stamp-filled").elements if "stamp-new" in e.classes]
    assert len(popping) == 1


async def test_a_full_card_shows_its_voucher_with_code_qr_and_expiry(user: User, live, shop):
    await user.open(f"/c/{shop.card.token}")
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    await user.should_see(marker=f"voucher-{voucher.id}", retries=50)
    await user.should_see(codes.format_redeem_code(voucher.redeem_code))
    await user.should_see("Valid until")
    await user.should_see(marker="voucher-qr")
    await user.should_see("Active")


async def test_a_redeemed_voucher_flips_at_once_and_loses_its_codes(user: User, live, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("Active")
    await redeem_voucher(shop.business_id, voucher)
    await user.should_see("Redeemed", retries=50)
    await user.should_not_see(codes.format_redeem_code(voucher.redeem_code))
    await user.should_not_see(marker="voucher-qr")


async def test_the_card_code_rotates_every_thirty_seconds_without_a_reload(user: User, live, shop, secret, clock_at):
    await user.open(f"/c/{shop.card.token}")
    qr = user.find(marker="card-qr").elements.pop()
    assert qr.source == qr_svg_data_url(codes.rotating_card_code(secret, shop.card.number))
    await user.should_see(f"Card no. {shop.card.number}")
    await user.should_see("every 30 seconds")

    clock_at(utcnow() + timedelta(seconds=codes.ROTATION_SECONDS), frozen=True)
    expected = qr_svg_data_url(codes.rotating_card_code(secret, shop.card.number))
    for _ in range(30):
        if qr.source == expected:
            break
        await asyncio.sleep(0.1)
    assert qr.source == expected
    assert codes.parse_code(secret, codes.rotating_card_code(secret, shop.card.number)).ident == (shop.card.number)


async def test_the_history_lists_what_happened(user: User, live, shop):
    await add_stamp(shop.business_id, shop.card.id)
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("History")
    await user.should_see("Stamp added")
    await user.should_see("Card issued")


async def test_wallet_buttons_come_from_the_wallet_links(user: User, live, shop):
    from hub.wallet.links import wallet_links

    await user.open(f"/c/{shop.card.token}")
    for link in wallet_links(shop.card):
        await user.should_see(marker=f"wallet-{link['platform']}")


async def test_a_deleted_card_says_so_live(user: User, live, shop):
    from hub.domain.cards import delete_card

    await user.open(f"/c/{shop.card.token}")
    await delete_card(shop.business_id, shop.card.id)
    await user.should_see("This card was deleted.", retries=50)


async def test_an_unknown_token_is_a_404_with_a_clear_message(user: User, live):
    response = await user.http_client.get("/c/not-a-real-token")
    assert response.status_code == 404
    assert "does not exist" in response.text


async def test_the_page_speaks_the_browsers_language(user: User, live, shop):
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("Noch 8 Stempel")
    await user.should_see("Prämie: Free coffee")


async def test_a_language_chosen_with_the_switcher_sticks_for_the_browser(user: User, live, shop):
    await user.open(f"/c/{shop.card.token}")
    await user.should_see(marker="language", retries=100)
    user.find(marker="language").elements.pop().set_value("ko")
    await user.should_see("남은 스탬프: 8", retries=100)
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("남은 스탬프: 8", retries=100)


async def test_numbers_and_dates_are_localised(user: User, live):
    shop = await make_shop(stamps_required=12)
    await adjust_stamps(shop.business_id, shop.card.id, 12)
    await user.open(f"/c/{shop.card.token}?lang=de")
    await user.should_see("0 / 12")
    await user.should_see("Gültig bis")
