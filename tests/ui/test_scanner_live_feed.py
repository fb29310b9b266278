"""Stamps made by other seats at the same location appear at once, through the event bus."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui.testing import User

from hub.domain.businesses import add_location, add_seat
from hub.domain.stamps import add_stamp
from tests.ui.seat_steps import sign_in


async def test_stamps_by_other_seats_here_appear_and_others_do_not(user: User, live, redis, shop):
    register = await add_seat(shop.business_id, shop.location.id, "Cash Register", f"reg-{shop.seat_login}", "1357")
    elsewhere = await add_location(shop.business_id, "Harbour")
    harbour = await add_seat(shop.business_id, elsewhere.id, "Harbour Bar", f"hb-{shop.seat_login}", "1357")
    await sign_in(user, shop)

    await add_stamp(shop.business_id, shop.card.id, seat_id=harbour.id, location_id=elsewhere.id)
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await add_stamp(shop.business_id, shop.card.id, seat_id=register.id, location_id=shop.location.id)

    await user.should_see(f"Cash Register stamped #{shop.card.number} · 3 / 8", retries=150)
    await user.should_not_see("Harbour Bar")
    await user.should_not_see(f"Bar Counter stamped #{shop.card.number}")


async def test_a_stamp_at_one_counter_shows_on_the_other_counters_screen(create_user, live, redis, shop):
    register = await add_seat(shop.business_id, shop.location.id, "Cash Register", f"reg-{shop.seat_login}", "1357")
    bar, till = create_user(), create_user()
    await sign_in(bar, shop)
    await sign_in(till, SimpleNamespace(seat_login=register.login, seat_password="1357"))
    await till.should_see("Main Street · Cash Register")

    till.find(marker="search").type(str(shop.card.number))
    till.find(marker="search-button").click()
    await till.should_see(marker=f"stamp-{shop.card.number}", retries=50)
    till.find(marker=f"stamp-{shop.card.number}").click()
    await till.should_see("Stamped 1 / 8", retries=50)

    await bar.should_see(f"Cash Register stamped #{shop.card.number} · 1 / 8", retries=150)
    await till.should_not_see("Cash Register stamped")


async def test_one_seat_may_be_open_on_several_devices(create_user, live, redis, shop):
    tablet, phone = create_user(), create_user()
    await sign_in(tablet, shop)
    await sign_in(phone, shop)
    await tablet.should_see("Main Street · Bar Counter")
    await phone.should_see("Main Street · Bar Counter")
