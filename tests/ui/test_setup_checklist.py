"""A new business's Overview: the five first steps with progress, each ticked by doing it."""

from __future__ import annotations

from nicegui.testing import User

from hub.domain.businesses import sign_up
from hub.domain.cards import issue_card
from hub.domain.stamps import add_stamp
from hub.models import CardTemplate, Location, StaffSeat
from tests.conftest import eventually
from tests.factories import Shop
from tests.ui.owner_steps import sign_in


async def new_owner() -> Shop:
    owner = await sign_up("Fresh Bakery", f"fresh-{id(object())}@example.com", "correct horse")
    return Shop(owner.business_id, owner.email, "correct horse", *([None] * 7))  # type: ignore[arg-type]


async def progress(user: User, done: int, *open_steps: str) -> None:
    await user.open("/admin")
    await user.should_see(f"{done} of 5 done", retries=50)
    for step in ("design", "poster", "seat", "scan", "reward"):
        state = "open" if step in open_steps else "done"
        await user.should_see(marker=f"step-{step}-{state}")


async def test_each_first_step_ticks_when_the_owner_does_it(user: User, live, redis):
    owner = await new_owner()
    await sign_in(user, owner)
    await progress(user, 0, "design", "poster", "seat", "scan", "reward")

    await user.open("/admin/templates")
    user.find(marker="new-name").type("Bread card")
    user.find(marker="create-template").click()
    await user.should_see(marker="designer-status", retries=50)
    template = await CardTemplate.get(business_id=owner.business_id)
    await progress(user, 1, "poster", "seat", "scan", "reward")

    poster = await user.http_client.get(f"/admin/templates/{template.id}/poster.pdf", follow_redirects=True)
    assert poster.headers["content-type"] == "application/pdf"
    await progress(user, 2, "seat", "scan", "reward")

    await user.open("/admin/locations")
    user.find(marker="location-name").type("High Street")
    user.find(marker="location-add").click()
    await eventually(lambda: Location.exists(business_id=owner.business_id))
    location = await Location.get(business_id=owner.business_id)
    await user.open("/admin/staff")
    user.find(marker=f"seat-new-name-{location.id}").type("Till")
    user.find(marker=f"seat-new-login-{location.id}").type(f"till-{owner.business_id}")
    user.find(marker=f"seat-add-{location.id}").click()
    await eventually(lambda: StaffSeat.exists(business_id=owner.business_id))
    await progress(user, 3, "scan", "reward")

    seat = await StaffSeat.get(business_id=owner.business_id)
    card = await issue_card(owner.business_id, template.id, "First Customer")
    await add_stamp(owner.business_id, card.id, seat_id=seat.id, location_id=location.id)
    await progress(user, 4, "reward")

    await add_stamp(
        owner.business_id, card.id, seat_id=seat.id, location_id=location.id, count=template.stamps_required
    )
    await user.open("/admin")
    await user.should_see("Cards issued", retries=50)
    await user.should_not_see(marker="checklist")


async def test_a_business_at_work_sees_no_checklist(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin")
    await user.should_see(marker="checklist")  # the shop has not printed its poster nor scanned
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, count=8)
    await user.http_client.get(f"/admin/templates/{shop.template.id}/poster.png")
    await user.open("/admin")
    await user.should_see("Cards issued", retries=50)
    await user.should_not_see(marker="checklist")
