"""View as customer: the owner sees the customer's card page read-only, now or as of an event."""

from nicegui import app, ui
from nicegui.testing import User

from hub.domain import codes, owner_sessions
from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import redeem_voucher
from hub.models import CardEvent, OwnerAccount, Voucher


async def sign_in_as_owner(user: User, shop) -> None:
    """Stands in for the admin login, which stores exactly this in the user session."""
    owner = await OwnerAccount.get(email=shop.owner_email)

    @ui.page("/test-support/owner-session")
    def owner_session() -> None:
        app.storage.user["owner"] = owner_sessions.session_for(owner)

    await user.open("/test-support/owner-session")


async def test_the_owner_sees_the_card_as_its_customer_does(user: User, live, shop):
    await add_stamp(shop.business_id, shop.card.id)
    await sign_in_as_owner(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}/view")
    await user.should_see("Customer view (read-only)")
    await user.should_see("1 / 8")
    await user.should_see("Mina Park")
    await add_stamp(shop.business_id, shop.card.id)
    await user.should_see("2 / 8", retries=50)


async def test_the_card_as_of_a_journal_event(user: User, live, shop):
    for _ in range(3):
        await add_stamp(shop.business_id, shop.card.id)
    third = await CardEvent.filter(card_id=shop.card.id, kind="stamp").order_by("-id").first()
    await adjust_stamps(shop.business_id, shop.card.id, 5)
    voucher = await Voucher.get(card_id=shop.card.id)
    issued = await CardEvent.get(card_id=shop.card.id, kind="voucher_issued")
    await redeem_voucher(shop.business_id, voucher)
    await sign_in_as_owner(user, shop)

    await user.open(f"/admin/cards/{shop.card.id}/view?as_of={third.id}")
    await user.should_see("3 / 8")
    await user.should_see("As of")
    await user.should_not_see(marker=f"voucher-{voucher.id}")

    await user.open(f"/admin/cards/{shop.card.id}/view?as_of={issued.id}")
    await user.should_see("0 / 8")
    await user.should_see("Active")
    await user.should_see(codes.format_redeem_code(voucher.redeem_code))

    await user.open(f"/admin/cards/{shop.card.id}/view")
    await user.should_see("Redeemed")
    await user.should_not_see(codes.format_redeem_code(voucher.redeem_code))


async def test_another_business_card_or_event_is_not_found(user: User, live, shop, other_shop):
    await sign_in_as_owner(user, shop)
    response = await user.http_client.get(f"/admin/cards/{other_shop.card.id}/view")
    assert response.status_code == 404
    foreign_event = await CardEvent.filter(card_id=other_shop.card.id).first()
    response = await user.http_client.get(f"/admin/cards/{shop.card.id}/view?as_of={foreign_event.id}")
    assert response.status_code == 404


async def test_without_an_owner_session_it_sends_you_to_sign_in(user: User, live, shop):
    response = await user.http_client.get(f"/admin/cards/{shop.card.id}/view?as_of=5")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login?next=")
