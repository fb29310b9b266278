"""Voucher redemption at the counter: by typed redeem code or scanned voucher, exactly once."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing import User

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.businesses import add_seat
from hub.domain.stamps import adjust_stamps
from hub.domain.vouchers import issue_manual_voucher, redeem_voucher
from hub.models import Voucher, VoucherState
from tests.ui.seat_steps import burst, sign_in


async def full_card_voucher(shop) -> Voucher:
    await adjust_stamps(shop.business_id, shop.card.id, 8)
    return await Voucher.get(card_id=shop.card.id)


async def test_a_typed_redeem_code_redeems_the_voucher(user: User, live, redis, shop):
    voucher = await full_card_voucher(shop)
    await sign_in(user, shop)
    user.find(marker="redeem-code").type(codes.format_redeem_code(voucher.redeem_code).lower())
    user.find(marker="redeem").click()
    await user.should_see("Voucher redeemed", retries=50)
    await user.should_see("Hand over: Free coffee")
    voucher = await Voucher.get(id=voucher.id)
    assert voucher.state == VoucherState.REDEEMED
    assert voucher.redeemed_seat_id == shop.seat.id
    assert voucher.redeemed_location_id == shop.location.id
    assert voucher.redeemed_via == "code"


async def test_a_replayed_voucher_is_rejected_naming_when_and_which_seat(user: User, live, redis, shop, secret):
    voucher = await full_card_voucher(shop)
    register = await add_seat(shop.business_id, shop.location.id, "Cash Register", f"reg-{shop.seat_login}", "1357")
    await redeem_voucher(shop.business_id, voucher, seat_id=register.id, location_id=shop.location.id)
    voucher = await Voucher.get(id=voucher.id)
    when = voucher.redeemed_at.strftime("%Y-%m-%d %H:%M UTC")
    await sign_in(user, shop)

    user.find(marker="redeem-code").type(voucher.redeem_code)
    user.find(marker="redeem").click()
    await user.should_see("Rejected: already redeemed", retries=50)
    await user.should_see(f"Redeemed {when} by Cash Register at Main Street.")

    user.find(marker="autopilot").click()
    burst(user, codes.voucher_code(secret, voucher.id))
    await user.should_see("Rejected: already redeemed", retries=50)


async def test_an_expired_voucher_is_rejected(user: User, live, redis, shop):
    voucher = await issue_manual_voucher(
        shop.business_id, shop.card.id, title="Sorry cake", expires_at=utcnow() + timedelta(hours=1)
    )
    await Voucher.filter(id=voucher.id).update(expires_at=utcnow() - timedelta(minutes=1))
    await sign_in(user, shop)
    user.find(marker="redeem-code").type(voucher.redeem_code)
    user.find(marker="redeem").click()
    await user.should_see("Rejected: expired", retries=50)


async def test_a_mistyped_redeem_code_is_caught_by_its_check_character(user: User, live, redis, shop):
    voucher = await full_card_voucher(shop)
    typo = voucher.redeem_code[:-1] + ("0" if voucher.redeem_code[-1] != "0" else "1")
    await sign_in(user, shop)
    user.find(marker="redeem-code").type(typo)
    user.find(marker="redeem").click()
    await user.should_see("Rejected: check the code", retries=50)
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.ACTIVE


async def test_another_business_voucher_code_is_not_found(user: User, live, redis, shop, other_shop):
    voucher = await full_card_voucher(other_shop)
    await sign_in(user, shop)
    user.find(marker="redeem-code").type(voucher.redeem_code)
    user.find(marker="redeem").click()
    await user.should_see("No voucher with that redeem code.", retries=50)
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.ACTIVE
