"""A voided check is reversed exactly: the vouchers Toast names (or all the redeem used), the
stamps the accrue gave, and nothing a later operation did."""

from __future__ import annotations

from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.toast_connections import Rule, update_rule
from hub.domain.vouchers import issue_manual_voucher, redeem_voucher
from hub.models import Card, Voucher, VoucherState
from tests.integrations.toast.toast_pos import check, redemption_of, selection


async def test_reversing_a_redeem_gives_back_only_the_vouchers_toast_names_then_the_rest(asgi_toast, shop):
    number = str(shop.card.number)
    first = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    second = await issue_manual_voucher(shop.business_id, shop.card.id, title="Tea", expires_at=None)
    applied = [redemption_of({"identifier": str(v.id), "amount": 3.5}) for v in (first, second)]
    redeemed = await asgi_toast.redeem(number, check([selection("Latte", 9.0)]), applied)
    assert len(redeemed.json["checkResponse"]["appliedRedemptions"]) == 2

    await asgi_toast.reverse(number, redeemed.guid, redemptions=[applied[1]])
    states = {v.id: v.state for v in await Voucher.filter(card_id=shop.card.id)}
    assert states == {first.id: VoucherState.REDEEMED, second.id: VoucherState.ACTIVE}
    await asgi_toast.reverse(number, redeemed.guid)
    states = {v.id: v.state for v in await Voucher.filter(card_id=shop.card.id)}
    assert states == {first.id: VoucherState.ACTIVE, second.id: VoucherState.ACTIVE}


async def test_reversing_an_accrue_leaves_later_stamps_and_withdraws_the_voucher_it_earned(asgi_toast, shop):
    number = str(shop.card.number)
    await adjust_stamps(shop.business_id, shop.card.id, 6)
    await update_rule(shop.business_id, Rule("item", ("Latte",), reward_value=350))
    accrued = await asgi_toast.accrue(number, check([selection("Latte", 4.2, quantity=3)]))  # 6 + 3: a voucher, 1 left
    assert "Reward earned" in accrued.json["checkResponse"]["userMessage"]
    await add_stamp(shop.business_id, shop.card.id, idempotency_key="counter-later")  # 2 now
    reward = await Voucher.get(card_id=shop.card.id, source="card_full")

    reversed_ = await asgi_toast.reverse(number, accrued.guid)
    assert reversed_.transaction_status == "ACCEPT"
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.rounds_completed) == (7, 0)  # 2 + 8 - 3: the later stamp stays
    await reward.refresh_from_db()
    assert reward.state == VoucherState.EXPIRED


async def test_an_accrue_whose_reward_was_used_cannot_be_reversed_and_keeps_its_stamps(asgi_toast, shop):
    number = str(shop.card.number)
    await adjust_stamps(shop.business_id, shop.card.id, 7)
    accrued = await asgi_toast.accrue(number, check([selection("Latte", 4.2)]))
    reward = await Voucher.get(card_id=shop.card.id, source="card_full")
    assert (await redeem_voucher(shop.business_id, reward)).outcome == "redeemed"
    refused = await asgi_toast.reverse(number, accrued.guid)
    assert refused.status == 400 and refused.transaction_status == "ERROR_TRANSACTION_CANNOT_BE_REVERSED"
    card = await Card.get(id=shop.card.id)
    assert (card.stamps, card.rounds_completed) == (0, 1)
