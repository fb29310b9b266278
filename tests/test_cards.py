import pytest

from hub.domain import codes
from hub.domain.cards import delete_card, get_card_by_token, issue_card
from hub.domain.scans import scan
from hub.domain.vouchers import issue_manual_voucher
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardEvent, Voucher, VoucherState
from tests.events import CapturedEvents


async def test_joining_issues_a_card_with_a_six_digit_number_and_an_unguessable_token(shop):
    async with CapturedEvents() as captured:
        card = await issue_card(shop.business_id, shop.template.id, "  Sun Li ", email="Sun@Example.com")
    assert 100000 <= card.number <= 999999
    assert len(card.token) >= 22 and card.token != str(card.number)
    assert card.platforms == ["web"] and card.stamps == 0
    customer = await card.customer
    assert (customer.name, customer.email) == ("Sun Li", "sun@example.com")
    assert await CardEvent.exists(card_id=card.id, kind="issued")
    assert captured.of_type("card.issued")[0]["customer_name"] == "Sun Li"


@pytest.mark.parametrize(("name", "email"), [("", None), ("x" * 121, None), ("Ana", "not-an-email")])
async def test_a_card_needs_a_name_and_a_plausible_email(shop, name, email):
    with pytest.raises(InvalidInput):
        await issue_card(shop.business_id, shop.template.id, name, email=email)


async def test_a_card_cannot_be_issued_on_another_business_template(shop, other_shop):
    with pytest.raises(NotFound):
        await issue_card(other_shop.business_id, shop.template.id, "Ana")


async def test_a_deleted_card_stops_working_everywhere_and_its_vouchers_die(shop, secret):
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    async with CapturedEvents() as captured:
        await delete_card(shop.business_id, shop.card.id)
    assert await get_card_by_token(shop.card.token) is None
    assert (await Voucher.get(id=voucher.id)).state == VoucherState.EXPIRED
    with pytest.raises(NotFound):
        await scan(shop.business_id, codes.card_code(secret, shop.card.number), secret=secret)
    assert (await Card.get(id=shop.card.id)).deleted_at is not None
    assert await CardEvent.exists(card_id=shop.card.id, kind="deleted")
    assert captured.of_type("card.updated")[0]["deleted"] is True
    assert captured.of_type("card.deleted")[0]["token"] == shop.card.token


async def test_another_business_cannot_delete_the_card(shop, other_shop):
    with pytest.raises(NotFound):
        await delete_card(other_shop.business_id, shop.card.id)
    assert (await Card.get(id=shop.card.id)).deleted_at is None
