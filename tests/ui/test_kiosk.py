"""The self-service kiosk: the customer shows the card, sees the stamp land, the screen resets."""

from __future__ import annotations

import re

from nicegui import app
from nicegui.testing import User

from hub.domain import codes, lottery
from hub.domain.stamps import adjust_stamps
from hub.models import Card, CardEvent, Voucher, VoucherState
from hub.ui.scanner import kiosk
from tests.factories import make_shop
from tests.ui.seat_steps import sign_in, with_camera


async def test_a_seat_signs_in_to_the_kiosk(user: User, live, redis, shop):
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Show your stamp card's QR code to the camera")
    await user.should_see("Corner Café")


async def test_showing_a_card_stamps_it_with_a_big_friendly_result_that_resets(
    user: User, live, redis, shop, secret, monkeypatch
):
    monkeypatch.setattr(kiosk, "RESULT_SECONDS", 0.5)
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Stamp added!", retries=100)
    await user.should_see(marker="progress")  # the customer's card, drawn by the card renderer
    await user.should_see("1 / 8")
    await user.should_not_see(marker="kiosk-result", retries=30)
    event = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert event.detail["source"] == "kiosk"
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_the_last_stamp_celebrates_the_reward(user: User, live, redis, shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Reward earned!", retries=100)


async def test_a_voucher_shown_at_the_kiosk_is_not_redeemed(user: User, live, redis, shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    with_camera(user, codes.voucher_code(secret, voucher.id))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Vouchers at the counter, please", retries=100)
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.ACTIVE


async def test_another_business_card_is_refused_kindly(user: User, live, redis, shop, other_shop, secret):
    with_camera(user, codes.card_code(secret, other_shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Wrong card", retries=100)
    await user.should_see("This card is not a Corner Café card.")


async def test_staff_controls_need_the_seat_pin(user: User, live, redis, shop):
    await sign_in(user, shop, "/kiosk")
    user.find(marker="kiosk-staff").click()
    user.find(marker="kiosk-pin").type("9999")
    user.find(marker="kiosk-unlock").click()
    await user.should_see("Wrong PIN.", retries=50)
    await user.should_not_see(marker="kiosk-logout")

    user.find(marker="kiosk-pin").type(shop.seat_password)
    user.find(marker="kiosk-unlock").click()
    await user.should_see(marker="kiosk-logout", retries=50)
    user.find(marker="kiosk-switch-camera").click()
    assert app.storage.user[kiosk.FACING_KEY] == "environment"
    user.find(marker="kiosk-logout").click()
    await user.should_see(marker="sign-in", retries=50)


async def test_the_kiosk_faces_the_customer_by_default(user: User, live, redis, shop):
    calls: list[str] = []

    def start(match: re.Match) -> dict:
        calls.append(match.group(0))
        return {"ok": False, "error": "No camera found."}

    user.javascript_rules[re.compile(r".*StamphubCamera\.start.*")] = start
    await sign_in(user, shop, "/kiosk")
    await user.should_see("No camera found.", retries=50)
    assert '"user"' in calls[0]


async def test_the_kiosk_speaks_the_tablets_language(user: User, live, redis, shop, secret):
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Halte den QR-Code deiner Stempelkarte vor die Kamera")
    await user.should_see("Stempel hinzugefügt!", retries=100)
    await user.should_see("Prämie: Free coffee")


async def test_a_language_set_up_with_lang_outlasts_the_sign_in(user: User, live, redis, shop, other_shop, secret):
    with_camera(user, codes.card_code(secret, other_shop.card.number))
    await user.open("/kiosk?lang=de")
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Falsche Karte", retries=100)
    await user.should_see("Das ist keine Karte von Corner Café.")


async def test_without_a_camera_the_customer_is_sent_to_the_staff_in_english_by_default(user: User, live, redis, shop):
    await sign_in(user, shop, "/kiosk")
    await user.should_see("No camera found. Please ask our staff.", retries=50)


async def test_a_full_lottery_card_that_draws_a_blank_is_not_called_a_reward(user: User, live, redis, secret):
    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id, blank_weight=1)
    await adjust_stamps(shop.business_id, shop.card.id, 1)
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Prize draw: no prize this time", retries=100)
    await user.should_not_see("Reward earned!")
    assert not await Voucher.filter(card_id=shop.card.id).exists()


async def test_the_kiosk_card_names_what_a_lottery_card_spins_for(user: User, live, redis, secret):
    shop = await make_shop(reward_type="lottery", stamps_required=3, reward_title="Mystery prize")
    pool = await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id)
    await lottery.add_prize(shop.business_id, pool.id, "Free cake")
    await lottery.add_prize(shop.business_id, pool.id, "Tote bag")
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop, "/kiosk")
    await user.should_see("Fill the card: spin for Free cake or Tote bag", retries=100)
    await user.should_not_see("Reward: Mystery prize")
