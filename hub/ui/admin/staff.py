"""Staff logins ("seats") per location, and the locations themselves."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi.responses import RedirectResponse
from nicegui import ui

from hub.domain.businesses import add_location, add_seat, rename_seat, reset_seat_password, revoke_seat
from hub.errors import DomainError
from hub.models import Location, StaffSeat
from hub.runtime import runtime
from hub.ui.admin.frame import Session, frame, owner_session, show_error, to_login, when

SCANNER_PATH = "/scanner"


# Seat maintenance the admin console needs beyond hub.domain.businesses (add_seat,
# revoke_seat). Scoped by business like every domain function.
def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def scanner_link(login: str) -> str:
    return f"{runtime().settings.public_url}{SCANNER_PATH}?login={login}"


async def staff_page() -> RedirectResponse | None:
    session = await owner_session()
    if session is None:
        return to_login()

    @ui.refreshable
    async def listing() -> None:
        await seats(session, listing.refresh)

    with frame(session, "Staff"):
        ui.label(
            "One staff login per workstation (Bar Counter, Cash Register, Kiosk Tablet). Stamps are credited to "
            "the login, so the Overview shows who stamped how many."
        ).classes("text-stone-600")
        await listing()
    return None


async def seats(session: Session, refresh: Callable[[], object]) -> None:
    locations = await Location.filter(business_id=session.business_id).order_by("id")
    if not locations:
        ui.label("Create a location first.").classes("text-stone-500")
        ui.button("Locations", on_click=lambda: ui.navigate.to("/admin/locations"))
        return
    for location in locations:
        with ui.card().classes("w-full").mark(f"location-{location.id}"):
            ui.label(location.name).classes("text-lg font-bold")
            rows = await StaffSeat.filter(business_id=session.business_id, location_id=location.id).order_by("id")
            for seat in rows:
                seat_row(session, seat, refresh)
            add_seat_form(session, location, refresh)


def seat_row(session: Session, seat: StaffSeat, refresh: Callable[[], object]) -> None:
    revoked = seat.revoked_at is not None
    with (
        ui.row()
        .classes("w-full items-center gap-3 border-b py-2" + (" opacity-50" if revoked else ""))
        .mark(f"seat-{seat.id}")
    ):
        ui.label(seat.name).classes("w-48 font-medium").mark(f"seat-name-{seat.id}")
        ui.label(f"login: {seat.login}").classes("w-48 font-mono text-sm")
        if revoked:
            ui.label(f"revoked {when(seat.revoked_at)}").classes("text-sm text-red-700").mark(f"seat-revoked-{seat.id}")
            return
        link = scanner_link(seat.login)
        ui.link(link, link, new_tab=True).classes("text-sm grow truncate").mark(f"seat-link-{seat.id}")
        ui.button(icon="edit", on_click=lambda: rename_dialog(session, seat, refresh)).props(
            "flat round dense"
        ).tooltip("Rename").mark(f"rename-{seat.id}")
        ui.button(icon="password", on_click=lambda: reset_dialog(session, seat)).props("flat round dense").tooltip(
            "Reset PIN"
        ).mark(f"reset-{seat.id}")
        ui.button(icon="block", on_click=lambda: revoke_dialog(session, seat, refresh)).props(
            "flat round dense color=negative"
        ).tooltip("Revoke").mark(f"revoke-{seat.id}")


def add_seat_form(session: Session, location: Location, refresh: Callable[[], object]) -> None:
    with ui.row().classes("items-end gap-2 pt-2"):
        name = (
            ui.input("New staff login", placeholder="Bar Counter")
            .props("outlined dense")
            .mark(f"seat-new-name-{location.id}")
        )
        login = ui.input("Login").props("outlined dense").mark(f"seat-new-login-{location.id}")
        pin = ui.input("PIN", value=new_pin()).props("outlined dense").mark(f"seat-new-pin-{location.id}")

        async def create() -> None:
            try:
                await add_seat(session.business_id, location.id, name.value or "", login.value or "", pin.value or "")
            except DomainError as error:
                show_error(error)
                return
            ui.notify(
                f"Staff login {login.value} created. Give the PIN to the staff: {pin.value}",
                type="positive",
                timeout=10000,
            )
            refresh()

        ui.button("Add", icon="person_add", on_click=create).mark(f"seat-add-{location.id}")


async def rename_dialog(session: Session, seat: StaffSeat, refresh: Callable[[], object]) -> None:
    with ui.dialog() as dialog, ui.card().mark("rename-dialog"):
        name = ui.input("Name", value=seat.name).props("outlined dense").mark("rename-input")
        with ui.row():
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Rename", on_click=lambda: dialog.submit(name.value)).mark("rename-save")
    value = await dialog
    if value is None:
        return
    try:
        await rename_seat(session.business_id, seat.id, value)
    except DomainError as error:
        show_error(error)
        return
    refresh()


async def reset_dialog(session: Session, seat: StaffSeat) -> None:
    with ui.dialog() as dialog, ui.card().mark("reset-dialog"):
        ui.label(f"New PIN for {seat.name}").classes("font-bold")
        pin = ui.input("PIN", value=new_pin()).props("outlined dense").mark("reset-input")
        ui.label(
            "Devices signed in with the old PIN stay signed in until they sign out; revoke to cut them off."
        ).classes("text-xs text-stone-500")
        with ui.row():
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Set PIN", on_click=lambda: dialog.submit(pin.value)).mark("reset-save")
    value = await dialog
    if value is None:
        return
    try:
        await reset_seat_password(session.business_id, seat.id, value)
    except DomainError as error:
        show_error(error)
        return
    ui.notify(f"PIN for {seat.name} changed to {value}.", type="positive", timeout=10000)


async def revoke_dialog(session: Session, seat: StaffSeat, refresh: Callable[[], object]) -> None:
    with ui.dialog() as dialog, ui.card().mark("revoke-dialog"):
        ui.label(f"Revoke {seat.name} ({seat.login})?").classes("font-bold")
        ui.label("It can no longer sign in or stamp. Its past stamps stay in the journal.")
        with ui.row():
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Revoke", on_click=lambda: dialog.submit(True)).props("color=negative").mark("revoke-confirm")
    if not await dialog:
        return
    try:
        await revoke_seat(session.business_id, seat.id)
    except DomainError as error:
        show_error(error)
        return
    refresh()


async def locations_page() -> RedirectResponse | None:
    session = await owner_session()
    if session is None:
        return to_login()

    @ui.refreshable
    async def listing() -> None:
        locations = await Location.filter(business_id=session.business_id).order_by("id")
        if not locations:
            ui.label("No locations yet.").classes("text-stone-500")
        for location in locations:
            count = await StaffSeat.filter(location_id=location.id, revoked_at=None).count()
            with ui.card().classes("w-full").mark(f"location-{location.id}"):
                with ui.row().classes("items-center gap-3"):
                    ui.icon("storefront")
                    ui.label(location.name).classes("font-bold")
                    ui.label(f"{count} staff logins · since {location.created_at:%Y-%m-%d}").classes(
                        "text-sm text-stone-500"
                    )

    async def create() -> None:
        try:
            await add_location(session.business_id, name.value or "")
        except DomainError as error:
            show_error(error)
            return
        name.value = ""
        listing.refresh()

    with frame(session, "Locations"):
        ui.label("Billing is per location.").classes("text-stone-600")
        with ui.row().classes("items-end gap-2"):
            name = ui.input("New location", placeholder="Market Square").props("outlined dense").mark("location-name")
            ui.button("Add location", icon="add_business", on_click=create).mark("location-add")
        await listing()
    return None


def register() -> None:
    ui.page("/admin/staff", title="Staff · Stamphub")(staff_page)
    ui.page("/admin/locations", title="Locations · Stamphub")(locations_page)
