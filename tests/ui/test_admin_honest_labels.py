"""Nothing that misleads: switches say the state they are in, Billing and Locations count the
same locations, and the card detail says which time zone its times are in."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import ui
from nicegui.testing import User

from hub.domain import automations
from hub.domain.businesses import add_location, sign_up
from hub.domain.stamps import add_stamp
from hub.models import Business
from tests.factories import Shop
from tests.ui.owner_steps import sign_in


def switch(user: User, marker: str) -> ui.switch:
    return user.find(marker=marker).elements.pop()


async def test_an_automation_switch_reads_off_while_off_and_on_while_on(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/campaigns/automations")
    await user.should_see(marker="birthday-enabled", retries=50)
    birthday = switch(user, "birthday-enabled")
    assert (birthday.value, birthday.text) == (False, "Off")
    user.find(marker="birthday-enabled").click()
    assert (birthday.value, birthday.text) == (True, "On")
    user.find(marker="birthday-enabled").click()
    assert (birthday.value, birthday.text) == (False, "Off")
    current = await automations.automation(shop.business_id, "birthday")
    await automations.configure(
        shop.business_id, "birthday", enabled=True, subject=current.subject, body=current.body, channels=["push"]
    )
    await user.open("/admin/campaigns/automations")
    await user.should_see(marker="birthday-enabled", retries=50)
    assert switch(user, "birthday-enabled").text == "On"
    assert switch(user, "winback-enabled").text == "Off"


async def test_billing_and_locations_count_the_same_locations(user: User, live, redis):
    owner = await sign_up("No Shop Yet", f"noshop-{id(object())}@example.com", "correct horse")
    await Business.filter(id=owner.business_id).update(plan="monthly")
    fresh = Shop(owner.business_id, owner.email, "correct horse", *([None] * 7))  # type: ignore[arg-type]
    await sign_in(user, fresh)
    await user.open("/admin/locations")
    await user.should_see("No locations yet.", retries=50)
    await user.open("/admin/billing")
    await user.should_see("No locations yet: billed as 1 location", retries=50)
    await user.should_see("€29.00 / month")
    await user.should_see("0 staff seats")
    await user.should_see(marker="no-invoices")
    await user.should_not_see("1 locations")
    await add_location(owner.business_id, "Harbour")
    await add_location(owner.business_id, "Old Town")
    await user.open("/admin/billing")
    await user.should_see("2 locations", retries=50)
    await user.should_see("€58.00 / month")
    await user.open("/admin/locations")
    await user.should_see("Harbour", retries=50)
    await user.should_see("Old Town")


async def test_times_in_the_card_detail_name_the_business_time_zone(user: User, live, redis, shop, clock_at):
    await Business.filter(id=shop.business_id).update(timezone="Asia/Seoul")
    clock_at(datetime(2026, 7, 1, 3, 30, tzinfo=UTC))
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id)
    await sign_in(user, shop)
    await user.open(f"/admin/cards/{shop.card.id}")
    await user.should_see(marker="detail-last-stamp", retries=50)
    assert user.find(marker="detail-last-stamp").elements.pop().text == "2026-07-01 12:30 KST"
    assert user.find(marker="detail-created").elements.pop().text.endswith(" KST")
