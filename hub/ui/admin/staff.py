"""Staff logins ("seats") per location, and the locations themselves."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui

from hub.domain import businesses
from hub.domain.businesses import add_location, add_seat, rename_seat, reset_seat_password, revoke_seat
from hub.domain.visits import set_visit_window
from hub.errors import DomainError, InvalidInput
from hub.models import Location, StaffSeat
from hub.runtime import runtime
from hub.ui.admin.frame import Session, frame, notifies_errors, show_error, when
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin.section import input_row, section

SCANNER_PATH = "/scanner"


# Seat maintenance the admin console needs beyond hub.domain.businesses (add_seat,
# revoke_seat). Scoped by business like every domain function.
def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def scanner_link(login: str, opened_at: str) -> str:
    """The link a seat opens on its device: the login is filled in, the PIN is typed there.

    On PUBLIC_URL; without it, on the address this admin page was opened at (a phone at the
    counter cannot reach "localhost")."""
    conf = runtime().settings
    base = conf.public_url if conf.public_url_set else opened_at.rstrip("/")
    return f"{base}{SCANNER_PATH}?{urlencode({'login': login})}"


@admin_page("/admin/staff", "Staff")
async def staff_page(session: Session, request: Request) -> None:
    opened_at = str(request.base_url)

    @ui.refreshable
    async def listing() -> None:
        await seats(session, listing.refresh, opened_at)

    with frame(session, "Staff"):
        ui.label(
            "One staff login per workstation (Bar Counter, Cash Register, Kiosk Tablet). Stamps are credited to "
            "the login, so the Overview shows who stamped how many."
        ).classes("text-stone-600")
        await visit_window_form(session)
        await listing()
    return None


async def visit_window_form(session: Session) -> None:
    """One visit, one stamp: how soon the scanner and the kiosk ask before stamping a card again."""
    business = await businesses.get_business(session.business_id)

    async def save() -> None:
        try:
            await set_visit_window(session.business_id, round(float(minutes.value or 0) * 60))
        except (DomainError, ValueError, TypeError) as error:
            show_error(error if isinstance(error, DomainError) else InvalidInput("Type a number of minutes."))
            return
        ui.notify("Saved.", type="positive")

    with section(
        "One visit, one stamp",
        "A card stamped by any seat this recently is answered “Already stamped” at the scanner and the kiosk, "
        "with +1 for orders of several items. 0 switches this off. The REST API keeps its own rules.",
    ):
        with input_row():
            minutes = (
                ui.number("Minutes", value=business.visit_window_seconds / 60, min=0, max=60, step=0.5)
                .props("outlined dense")
                .classes("w-32")
                .mark("visit-window")
            )
            ui.button("Save", on_click=save).mark("visit-window-save")


async def seats(session: Session, refresh: Callable[[], object], opened_at: str) -> None:
    locations = await businesses.locations_of(session.business_id)
    if not locations:
        ui.label("Create a location first.").classes("text-stone-500")
        ui.button("Locations", on_click=lambda: ui.navigate.to("/admin/locations"))
        return
    for location in locations:
        with ui.card().classes("w-full").mark(f"location-{location.id}"):
            ui.label(location.name).classes("text-lg font-bold")
            rows = await businesses.seats_of(session.business_id, location_id=location.id)
            for seat in rows:
                seat_row(session, seat, refresh, opened_at)
            add_seat_form(session, location, refresh)


def seat_row(session: Session, seat: StaffSeat, refresh: Callable[[], object], opened_at: str) -> None:
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
        link = scanner_link(seat.login, opened_at)
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

        @notifies_errors
        async def create() -> None:
            await add_seat(session.business_id, location.id, name.value or "", login.value or "", pin.value or "")
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


@admin_page("/admin/locations", "Locations")
async def locations_page(session: Session) -> None:

    @ui.refreshable
    async def listing() -> None:
        locations = await businesses.locations_of(session.business_id)
        active = await businesses.active_seats_per_location(session.business_id)
        if not locations:
            ui.label("No locations yet.").classes("text-stone-500")
        for location in locations:
            count = active.get(location.id, 0)
            with ui.card().classes("w-full").mark(f"location-{location.id}"):
                with ui.row().classes("items-center gap-3"):
                    ui.icon("storefront")
                    ui.label(location.name).classes("font-bold")
                    ui.label(f"{count} staff logins · since {location.created_at:%Y-%m-%d}").classes(
                        "text-sm text-stone-500"
                    )

    @notifies_errors
    async def create() -> None:
        await add_location(session.business_id, name.value or "")
        name.value = ""
        listing.refresh()

    with frame(session, "Locations"):
        ui.label("Billing is per location.").classes("text-stone-600")
        with ui.row().classes("items-end gap-2"):
            name = ui.input("New location", placeholder="Market Square").props("outlined dense").mark("location-name")
            ui.button("Add location", icon="add_business", on_click=create).mark("location-add")
        await listing()
    return None
