"""Toast's sign-up makes a card (once per email); a transfer moves a guest's stamps and usable
vouchers onto the card they name and closes the old one."""

from __future__ import annotations

import uuid

from hub.domain.stamps import adjust_stamps
from hub.domain.vouchers import issue_manual_voucher
from hub.models import Card, CardEvent, Voucher, VoucherState
from tests.factories import make_shop


async def sign_up(pos, email: str):
    return await pos.send("LOYALTY_SIGNUP", {"signupTransactionInformation": {"email": email}})


async def transfer(pos, source: str, target: str, guid: str | None = None):
    body = {"transferTransactionInformation": {"fromLoyaltyIdentifier": source, "toLoyaltyIdentifier": target}}
    return await pos.send("LOYALTY_TRANSFER", body, guid=guid)


async def test_signup_creates_a_card_of_the_chosen_stamp_card_once_per_email(asgi_toast, shop):
    email = f"new-{uuid.uuid4().hex[:6]}@example.com"
    signed = await sign_up(asgi_toast, email)
    assert signed.status == 200 and signed.transaction_status == "ACCEPT"
    card = await Card.get(number=int(signed.json["signupResponse"]["loyaltyIdentifier"]))
    assert (card.business_id, card.template_id) == (shop.business_id, shop.template.id)
    twice = await sign_up(asgi_toast, email.upper())
    assert twice.status == 400 and twice.transaction_status == "ERROR_ALREADY_REGISTERED"
    by_phone = await asgi_toast.send("LOYALTY_SIGNUP", {"signupTransactionInformation": {"phone": "6175550100"}})
    assert by_phone.status == 400 and by_phone.transaction_status == "ERROR_INVALID_INPUT_PROPERTIES"


async def test_a_transfer_moves_stamps_and_vouchers_to_the_named_card_once(asgi_toast, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 3)
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Sorry coffee", expires_at=None)
    signed = await sign_up(asgi_toast, f"again-{uuid.uuid4().hex[:6]}@example.com")
    new_number = signed.json["signupResponse"]["loyaltyIdentifier"]
    moved = await transfer(asgi_toast, str(shop.card.number), new_number)
    assert moved.status == 200 and moved.json["transferResponse"] == {"loyaltyIdentifier": new_number}
    target = await Card.get(number=int(new_number))
    old = await Card.get(id=shop.card.id)
    assert (target.stamps, old.stamps, old.deleted_at is not None) == (3, 0, True)
    await voucher.refresh_from_db()
    assert (voucher.card_id, voucher.state) == (target.id, VoucherState.ACTIVE)
    assert (await transfer(asgi_toast, str(shop.card.number), new_number, guid=moved.guid)).content == moved.content
    assert await CardEvent.filter(card_id=target.id, kind="transferred_in").count() == 1
    # The old card is gone: Toast finds no account, and cannot move it again.
    again = await transfer(asgi_toast, str(shop.card.number), new_number)
    assert again.status == 400 and again.transaction_status == "ERROR_INVALID_TRANSFER"
    assert (await Card.get(id=target.id)).stamps == 3
    assert await Voucher.filter(card_id=target.id).count() == 1


async def test_a_transfer_to_another_business_card_is_refused(asgi_toast, shop):
    other = await make_shop(name="Other Bakery")
    refused = await transfer(asgi_toast, str(shop.card.number), str(other.card.number))
    assert refused.status == 400 and refused.transaction_status == "ERROR_INVALID_TRANSFER"
    assert (await Card.get(id=shop.card.id)).deleted_at is None
