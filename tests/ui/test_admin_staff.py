from nicegui import ui
from nicegui.testing import User

from hub.domain.businesses import authenticate_seat
from hub.errors import Unauthorized
from hub.models import Business, Location, StaffSeat
from tests.conftest import eventually
from tests.ui.owner_steps import sign_in


async def test_the_staff_page_shows_each_seat_with_its_scanner_link(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    await user.should_see("Bar Counter")
    await user.should_see(f"login: {shop.seat_login}")
    await user.should_see(f"http://testserver/scanner?login={shop.seat_login}")


async def test_an_owner_creates_a_staff_login(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    loc = shop.location.id
    user.find(marker=f"seat-new-name-{loc}").type("Cash Register")
    user.find(marker=f"seat-new-login-{loc}").type(f"till-{shop.business_id}")
    user.find(marker=f"seat-new-pin-{loc}").clear().type("9753")
    user.find(marker=f"seat-add-{loc}").click()
    await user.should_see("Give the PIN to the staff: 9753", retries=50)
    await user.should_see(f"login: till-{shop.business_id}")
    seat = await authenticate_seat(f"till-{shop.business_id}", "9753")
    assert (seat.business_id, seat.location_id, seat.name) == (shop.business_id, loc, "Cash Register")


async def test_an_owner_renames_a_seat(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    user.find(marker=f"rename-{shop.seat.id}").click()
    await user.should_see(marker="rename-dialog")
    user.find(marker="rename-input").clear().type("Espresso Bar")
    user.find(marker="rename-save").click()
    await eventually(lambda: user.find(marker=f"seat-name-{shop.seat.id}").elements.pop().text == "Espresso Bar")
    assert (await StaffSeat.get(id=shop.seat.id)).name == "Espresso Bar"


async def test_an_owner_resets_a_pin(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    user.find(marker=f"reset-{shop.seat.id}").click()
    await user.should_see(marker="reset-dialog")
    user.find(marker="reset-input").clear().type("1357")
    user.find(marker="reset-save").click()
    await user.should_see("changed to 1357", retries=50)
    await authenticate_seat(shop.seat_login, "1357")
    try:
        await authenticate_seat(shop.seat_login, shop.seat_password)
    except Unauthorized:
        return
    raise AssertionError("the old PIN still works")


async def test_an_owner_revokes_a_seat(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    user.find(marker=f"revoke-{shop.seat.id}").click()
    await user.should_see(marker="revoke-dialog")
    user.find(marker="revoke-confirm").click()
    await user.should_see(marker=f"seat-revoked-{shop.seat.id}", retries=50)
    try:
        await authenticate_seat(shop.seat_login, shop.seat_password)
    except Unauthorized:
        return
    raise AssertionError("a revoked seat still signs in")


async def test_an_owner_adds_a_location(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/locations")
    await user.should_see("Main Street")
    user.find(marker="location-name").type("Harbour Kiosk")
    user.find(marker="location-add").click()
    await eventually(lambda: Location.exists(business_id=shop.business_id, name="Harbour Kiosk"))
    await user.should_see(kind=ui.label, content="Harbour Kiosk", retries=50)


async def test_seat_changes_are_scoped_to_the_business(shop, other_shop):
    from hub.ui.admin.staff import rename_seat, reset_seat_password

    for call in (
        rename_seat(shop.business_id, other_shop.seat.id, "Hijacked"),
        reset_seat_password(shop.business_id, other_shop.seat.id, "0000"),
    ):
        try:
            await call
        except Exception as error:
            assert type(error).__name__ == "NotFound"
            continue
        raise AssertionError("another business's seat was changed")
    assert (await StaffSeat.get(id=other_shop.seat.id)).name == "Bar Counter"


async def test_an_owner_sets_how_long_one_visit_lasts_at_the_counter(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/staff")
    await user.should_see("One visit, one stamp")
    user.find(marker="visit-window").clear().type("5")
    user.find(marker="visit-window-save").click()
    await eventually(lambda: _window_is(shop, 300))
    user.find(marker="visit-window").clear().type("90")
    user.find(marker="visit-window-save").click()
    await user.should_see("Choose between 0 and 60 minutes.", retries=50)
    assert await _window_is(shop, 300)


async def _window_is(shop, seconds: int) -> bool:
    return (await Business.get(id=shop.business_id)).visit_window_seconds == seconds
