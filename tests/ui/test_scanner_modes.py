"""The scanner's ways in: camera frames, a photo, the keyboard-wedge autopilot."""

from __future__ import annotations

import asyncio
import io

from nicegui import app
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from hub import clock
from hub.domain import codes, lottery
from hub.domain.cards import delete_card
from hub.domain.stamps import adjust_stamps
from hub.domain.visits import set_visit_window
from hub.models import Card, CardTemplate, Voucher
from tests.factories import make_shop, new_card
from tests.ui.seat_steps import burst, qr_image, sign_in, with_camera


async def test_the_camera_stamps_a_card_once_while_it_stays_in_view(user: User, live, redis, shop, secret):
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop)
    await user.should_see("Stamped 1 / 8", retries=100)
    await user.should_see("Mina Park · card #")
    await asyncio.sleep(1.0)  # the same card keeps being read
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_full_lottery_card_that_draws_a_blank_tells_the_staff_so(user: User, live, redis, secret):
    shop = await make_shop(reward_type="lottery", stamps_required=2, reward_title="Mystery prize")
    await lottery.create_pool(shop.business_id, "Draw", template_id=shop.template.id, blank_weight=1)
    await adjust_stamps(shop.business_id, shop.card.id, 1)
    with_camera(user, codes.card_code(secret, shop.card.number))
    await sign_in(user, shop)
    await user.should_see("Card full: no prize this time", retries=100)
    await user.should_not_see("Reward earned")


async def test_the_camera_redeems_a_voucher_code(user: User, live, redis, shop, secret):
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    voucher = await Voucher.get(card_id=shop.card.id)
    with_camera(user, codes.voucher_code(secret, voucher.id))
    await sign_in(user, shop)
    await user.should_see("Voucher redeemed", retries=100)
    await user.should_see("Hand over: Free coffee")


async def test_a_photo_of_the_code_stamps_the_card(user: User, live, redis, shop, secret):
    await sign_in(user, shop)
    photo = io.BytesIO()
    qr_image(codes.card_code(secret, shop.card.number), size=900).convert("RGB").save(photo, "JPEG", quality=85)
    upload = next(iter(user.find(marker="photo").elements))
    await upload.handle_uploads([SmallFileUpload("card.jpg", "image/jpeg", photo.getvalue())])
    await user.should_see("Stamped 1 / 8", retries=50)


async def test_a_photo_without_a_code_says_so(user: User, live, redis, shop):
    await sign_in(user, shop)
    photo = io.BytesIO()
    Image.new("RGB", (320, 240), "white").save(photo, "PNG")
    upload = next(iter(user.find(marker="photo").elements))
    await upload.handle_uploads([SmallFileUpload("blank.png", "image/png", photo.getvalue())])
    await user.should_see("No code found", retries=50)


async def test_a_file_that_is_no_photo_is_refused_clearly(user: User, live, redis, shop):
    await sign_in(user, shop)
    upload = next(iter(user.find(marker="photo").elements))
    await upload.handle_uploads([SmallFileUpload("notes.txt", "text/plain", b"hello")])
    await user.should_see("not a photo we can read", retries=50)


async def test_auto_stamp_stamps_what_the_scanner_types(user: User, live, redis, shop, secret):
    await sign_in(user, shop)
    user.find(marker="autopilot").click()
    await user.should_see(marker="autopilot-on")
    burst(user, codes.card_code(secret, shop.card.number))
    await user.should_see("Stamped 1 / 8", retries=50)
    assert app.storage.user["autopilot"] is True


async def test_a_burst_sent_twice_stamps_once(user: User, live, redis, shop, secret):
    await sign_in(user, shop)
    user.find(marker="autopilot").click()
    burst(user, codes.card_code(secret, shop.card.number))
    await user.should_see("Stamped 1 / 8", retries=50)
    burst(user, codes.card_code(secret, shop.card.number))
    await user.should_see("Already done", retries=50)
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_scanner_input_is_ignored_while_auto_stamp_is_off(user: User, live, redis, shop, secret):
    await sign_in(user, shop)
    burst(user, codes.card_code(secret, shop.card.number))
    await asyncio.sleep(0.3)
    await user.should_see("Ready to scan")
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_auto_stamp_is_remembered_on_this_device(user: User, live, redis, shop):
    await sign_in(user, shop)
    user.find(marker="autopilot").click()
    await user.open("/scanner")
    await user.should_see(marker="autopilot-on")
    user.find(marker="autopilot").click()
    await user.open("/scanner")
    await user.should_not_see(marker="autopilot-on")


async def test_every_rejection_is_shown_plainly(user: User, live, redis, shop, other_shop, secret):
    await CardTemplate.filter(id=shop.template.id).update(cooldown_seconds=600)
    gone = await new_card(shop, "Ola Gone")
    await delete_card(shop.business_id, gone.id)
    await sign_in(user, shop)
    user.find(marker="autopilot").click()

    burst(user, "C.123456.AAAAAAAAAAAAAAAA", key="k-forged-000001")
    await user.should_see("Rejected: unknown code", retries=50)
    await user.should_see("signature does not match")
    burst(user, "hello world", key="k-malformed-0001")
    await user.should_see("not a Stamphub card or voucher code", retries=50)
    burst(user, codes.card_code(secret, other_shop.card.number), key="k-foreign-000001")
    await user.should_see("Rejected: another business's card", retries=50)
    burst(user, codes.card_code(secret, gone.number), key="k-deleted-000001")
    await user.should_see("This card no longer exists.", retries=50)
    burst(user, codes.card_code(secret, shop.card.number), key="k-first-0000001")
    await user.should_see("Stamped 1 / 8", retries=50)
    burst(user, codes.card_code(secret, shop.card.number), key="k-second-000001")
    await user.should_see("at Bar Counter", retries=50)  # one visit, one stamp
    await set_visit_window(shop.business_id, 0)
    burst(user, codes.card_code(secret, shop.card.number), key="k-third-0000001")
    await user.should_see("Rejected: cooldown", retries=50)
    await user.should_see("Try again in", retries=50)
    assert (await Card.get(id=other_shop.card.id)).stamps == 0
    assert (await Card.get(id=shop.card.id)).stamps == 1


async def test_a_screenshot_of_an_old_rotating_code_is_rejected(user: User, live, redis, shop, secret):
    old = codes.rotating_card_code(secret, shop.card.number, now=clock.timestamp() - 600)
    await sign_in(user, shop)
    user.find(marker="autopilot").click()
    burst(user, old)
    await user.should_see("Rejected: expired code", retries=50)
    burst(user, codes.rotating_card_code(secret, shop.card.number), key="k-live-code-0001")
    await user.should_see("Stamped 1 / 8", retries=50)
