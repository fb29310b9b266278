"""A scripted Toast session against a real server over HTTP (real database and Redis): every
request and every answer is checked against Toast's published OpenAPI document."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from hub.domain.stamps import adjust_stamps
from hub.domain.toast_connections import Rule, connect_toast
from hub.domain.vouchers import issue_manual_voucher
from hub.models import Card, CardEvent, ToastTransaction, Voucher, VoucherState
from tests.factories import make_shop
from tests.integrations.toast.conftest import toast_for
from tests.integrations.toast.toast_pos import check, redemption_of, selection, validate_response

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(web_server):
    yield web_server


@pytest.fixture
async def pos(server, shop):
    toast = await toast_for(shop, base_url=server.url)
    yield toast
    await toast.client.aclose()


async def card_of(shop) -> Card:
    return await Card.get(id=shop.card.id)


async def test_search_inquire_accrue_redeem_reverse_and_retries_of_each(pos, shop):
    await adjust_stamps(shop.business_id, shop.card.id, 8)  # a full card: one "Free coffee" voucher
    voucher = await Voucher.get(card_id=shop.card.id)
    number = str(shop.card.number)
    lunch = check([selection("Latte", 4.2), selection("Bagel", 5.3)])

    # Search by the email the customer gave; the identifier is the card's public number.
    found = await pos.search(email=(await shop.card.customer).email.upper())
    assert found.status == 200 and found.transaction_status == "ACCEPT"
    account = found.json["searchResponse"]["accounts"][0]
    assert account["identifier"] == number and account["firstName"] == "Mina" and account["lastName"] == "Park"
    assert (await pos.search(guid=found.guid, email="someone@else.example")).content == found.content
    missing = await pos.search(email="nobody@example.com")
    assert missing.status == 404 and missing.json == {"transactionStatus": "ERROR_ACCOUNT_INVALID"}

    # Inquire: the voucher is an offer, the progress shows as the points balance.
    inquired = await pos.inquire(number, lunch)
    offers = inquired.json["checkResponse"]["offers"]
    assert [(o["identifier"], o["name"], o["amount"], o["applicable"]) for o in offers] == [
        (str(voucher.id), "Free coffee", 3.5, True)
    ]
    assert inquired.json["checkResponse"]["accountInfo"]["pointsBalance"] == "0"
    assert (await pos.inquire(number, lunch, guid=inquired.guid)).content == inquired.content

    # Accrue the paid check: one stamp, and a retry of the same transaction changes nothing.
    accrued = await pos.accrue(number, lunch)
    assert accrued.transaction_status == "ACCEPT" and (await card_of(shop)).stamps == 1
    retried = await pos.accrue(number, lunch, guid=accrued.guid)
    assert retried.content == accrued.content and (await card_of(shop)).stamps == 1
    stamp = await CardEvent.get(card_id=shop.card.id, kind="stamp", delta=1)
    assert stamp.detail["check_guid"] == lunch["guid"]

    # The employee applies the offer: inquire validates it, redeem uses the voucher up.
    applied = redemption_of(offers[0])
    validated = await pos.inquire(number, lunch, [applied])
    assert validated.json["checkResponse"]["appliedRedemptions"][0]["identifier"] == str(voucher.id)
    assert validated.json["checkResponse"]["rejectedRedemptions"] == []
    redeemed = await pos.redeem(number, lunch, [applied])
    assert redeemed.json["checkResponse"]["appliedRedemptions"][0]["identifier"] == str(voucher.id)
    assert redeemed.json["checkResponse"]["offers"] == []
    await voucher.refresh_from_db()
    assert voucher.state == VoucherState.REDEEMED and voucher.redeemed_via == "toast"
    assert (await pos.redeem(number, lunch, [applied], guid=redeemed.guid)).content == redeemed.content
    used = await CardEvent.get(card_id=shop.card.id, kind="voucher_redeemed")
    assert used.detail["check_guid"] == lunch["guid"] and used.location_id == shop.location.id

    # A used voucher is refused on the next check, with why.
    again = await pos.redeem(number, check([selection("Latte", 4.2)]), [redemption_of(offers[0])])
    assert again.json["checkResponse"]["appliedRedemptions"] == []
    assert again.json["checkResponse"]["rejectedRedemptions"][0]["message"].startswith("Already redeemed")

    # The check is voided: both transactions are reversed exactly, and each reversal once.
    undo_redeem = await pos.reverse(number, redeemed.guid)
    assert undo_redeem.status == 200 and undo_redeem.json == {"transactionStatus": "ACCEPT"}
    await voucher.refresh_from_db()
    assert voucher.state == VoucherState.ACTIVE and voucher.redeemed_at is None
    assert (await pos.reverse(number, redeemed.guid, guid=undo_redeem.guid)).content == undo_redeem.content
    undo_accrue = await pos.reverse(number, accrued.guid)
    assert undo_accrue.transaction_status == "ACCEPT" and (await card_of(shop)).stamps == 0
    assert (await pos.reverse(number, accrued.guid, guid=undo_accrue.guid)).content == undo_accrue.content
    once_more = await pos.reverse(number, accrued.guid)  # a new reversal of the same accrue
    assert once_more.transaction_status == "ACCEPT" and (await card_of(shop)).stamps == 0
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp_reversed").count() == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="voucher_reinstated").count() == 1

    # The voucher is good again, at Toast as at the counter.
    offers_again = (await pos.inquire(number, lunch)).json["checkResponse"]["offers"]
    assert [o["identifier"] for o in offers_again] == [str(voucher.id)]

    nothing = await pos.reverse(number, str(uuid.uuid4()))
    assert nothing.status == 400 and nothing.transaction_status == "ERROR_TRANSACTION_DOES_NOT_EXIST"
    not_reversible = await pos.reverse(number, inquired.guid)
    assert not_reversible.status == 400 and not_reversible.transaction_status == "ERROR_TRANSACTION_CANNOT_BE_REVERSED"


async def test_identical_requests_arriving_together_get_the_same_bytes_and_act_once(pos, shop):
    paid = check([selection("Latte", 4.2)])
    guid = str(uuid.uuid4())
    replies = await asyncio.gather(*(pos.accrue(str(shop.card.number), paid, guid=guid) for _ in range(6)))
    assert len({r.content for r in replies}) == 1 and replies[0].transaction_status == "ACCEPT"
    assert (await card_of(shop)).stamps == 1
    assert await ToastTransaction.filter(transaction_guid=guid).count() == 1


async def test_a_voucher_redeemed_at_toast_and_the_counter_at_once_is_used_exactly_once(pos, shop, server):
    number = str(shop.card.number)
    staff = httpx.AsyncClient(base_url=server.url, timeout=10)
    try:
        for round_ in range(4):
            voucher = await _voucher(shop, f"Goodwill {round_}")
            offer = {"identifier": str(voucher.id), "amount": 3.5}
            counter = staff.post(
                "/api/v1/redeem-codes/redeem",
                json={"redeem_code": voucher.redeem_code},
                headers={"Authorization": f"Bearer {shop.api_key}", "Idempotency-Key": str(uuid.uuid4())},
            )
            at_toast, at_counter = await asyncio.gather(
                pos.redeem(number, check([selection("Latte", 4.2)]), [redemption_of(offer)]), counter
            )
            toast_won = bool(at_toast.json["checkResponse"]["appliedRedemptions"])
            counter_won = at_counter.json()["outcome"] == "redeemed"
            assert toast_won != counter_won, (at_toast.json, at_counter.json())
            if not toast_won:
                assert at_toast.json["checkResponse"]["rejectedRedemptions"][0]["redemption"]["identifier"] == str(
                    voucher.id
                )
            await voucher.refresh_from_db()
            assert voucher.state == VoucherState.REDEEMED
            assert voucher.redeemed_via == ("toast" if toast_won else "pos")
            assert await CardEvent.filter(voucher_id=voucher.id, kind="voucher_redeemed").count() == 1
    finally:
        await staff.aclose()


async def _voucher(shop, title: str) -> Voucher:
    return await issue_manual_voucher(shop.business_id, shop.card.id, title=title, expires_at=None)


async def test_one_business_credential_cannot_touch_another_business_cards(pos, shop, server):
    other = await make_shop(name="Other Bakery")
    theirs = await toast_for(other, base_url=server.url)
    try:
        foreign = await pos.accrue(str(other.card.number), check([selection("Latte", 4.2)]))
        assert foreign.status == 404 and foreign.transaction_status == "ERROR_ACCOUNT_INVALID"
        wrong_door = await pos.send("LOYALTY_INQUIRE", _inquiry(other.card.number), url=theirs.url)
        assert wrong_door.status == 400 and wrong_door.transaction_status == "ERROR_INVALID_TOKEN"
        found = await pos.search(email=(await other.card.customer).email)
        assert found.status == 404
    finally:
        await theirs.client.aclose()
    assert (await Card.get(id=other.card.id)).stamps == 0


def _inquiry(number: int) -> dict:
    return {"checkTransactionInformation": {"loyaltyIdentifier": str(number), "check": check([])}}


async def test_a_wrong_or_missing_key_gets_the_spec_token_error_and_changes_nothing(pos, shop):
    for key in ("", "shtoast_wrong", pos.key + "x"):
        reply = await pos.send("LOYALTY_ACCRUE", _inquiry(shop.card.number), key=key)
        assert reply.status == 400 and reply.json == {"transactionStatus": "ERROR_INVALID_TOKEN"}
    assert (await card_of(shop)).stamps == 0
    assert not await ToastTransaction.filter(business_id=shop.business_id).exists()


async def test_unknown_accounts_and_malformed_requests_get_the_spec_answers(pos, shop, server):
    unknown = await pos.inquire("999999999", check([]))
    assert unknown.status == 404 and unknown.transaction_status == "ERROR_ACCOUNT_INVALID"
    # What the spec's own enum forbids is sent raw, and only the answer is checked.
    headers = {"Authorization": pos.key, "Toast-Transaction-GUID": str(uuid.uuid4())}
    bad_type = await pos.client.post(pos.url, json={}, headers={**headers, "Toast-Transaction-Type": "LOYALTY_PIZZA"})
    assert (
        bad_type.status_code == 400 and bad_type.json()["transactionStatus"] == "ERROR_INVALID_TOAST_TRANSACTION_TYPE"
    )
    garbled = await pos.client.post(
        pos.url, content=b"{not json", headers={**headers, "Toast-Transaction-Type": "LOYALTY_INQUIRE"}
    )
    assert garbled.status_code == 400 and garbled.json()["transactionStatus"] == "ERROR_INVALID_INPUT_PROPERTIES"
    for reply in (bad_type, garbled):
        validate_response(headers, b"{}", reply.status_code, reply.content)


async def test_a_connection_bound_to_a_restaurant_refuses_another_restaurant(server, shop):
    restaurant = str(uuid.uuid4())
    await connect_toast(shop.business_id, shop.template.id, Rule(reward_value=100, restaurant_guid=restaurant))
    pos = await toast_for(shop, Rule(reward_value=100, restaurant_guid=restaurant), base_url=server.url)
    try:
        elsewhere = await pos.inquire(str(shop.card.number), check([]))
        assert elsewhere.status == 400 and elsewhere.transaction_status == "ERROR_INVALID_RESTAURANT"
        pos.restaurant = restaurant
        here = await pos.inquire(str(shop.card.number), check([]))
        assert here.status == 200
    finally:
        await pos.client.aclose()
