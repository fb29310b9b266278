"""Seat login form and the current seat of this device."""

from __future__ import annotations

from nicegui import app, context, ui

from hub.domain import staff_sessions
from hub.domain.staff_sessions import SESSION_KEY, SeatContext
from hub.errors import DomainError
from hub.realtime.access import subject
from hub.runtime import runtime
from hub.ui.device import device_id
from hub.ui.live import hold_access


async def current_seat(sign_in_path: str) -> SeatContext | None:
    """This device's seat; the page ends (back to `sign_in_path`) as soon as the seat's session
    does (seat revoked, PIN reset, logged out)."""
    storage = app.storage.user
    ctx = await staff_sessions.current_seat(storage.get(SESSION_KEY))
    if ctx is None:
        storage.pop(SESSION_KEY, None)
        return None

    async def still_signed_in() -> bool:
        return await staff_sessions.current_seat(storage.get(SESSION_KEY)) is not None

    hold_access(subject("seat", ctx.seat_id), still_signed_in, sign_in_path)
    return ctx


def login_form(title: str, next_path: str, *, login_hint: str = "") -> None:
    """A seat signs in here; the session is per device and survives reloads."""
    ip, device = context.client.ip, device_id()

    async def submit() -> None:
        rt = runtime()
        try:
            session = await staff_sessions.log_in(
                rt.redis, rt.settings.redis_prefix, login.value, pin.value, ip=ip, device=device
            )
        except DomainError as error:
            message.text = error.message
            pin.value = ""
            return
        app.storage.user[SESSION_KEY] = session
        ui.navigate.to(next_path)

    with ui.column().classes("absolute-center items-stretch gap-3 w-80"):
        ui.label(title).classes("text-2xl font-bold text-center")
        ui.label("Sign in with your staff login").classes("text-center opacity-70")
        # The cursor waits where typing starts: the PIN when the link filled in the login.
        hint = login_hint.strip()[:64]
        login = ui.input("Staff login", value=hint).props("outlined autocomplete=username").mark("login")
        pin = ui.input("PIN", password=True).props("outlined autocomplete=current-password inputmode=numeric")
        pin.mark("pin").on("keydown.enter", submit)
        (pin if hint else login).props("autofocus")
        message = ui.label().classes("text-red-700 font-medium min-h-6").mark("login-error")
        ui.button("Sign in", on_click=submit).props("unelevated size=lg").mark("sign-in")


async def log_out(next_path: str) -> None:
    await staff_sessions.log_out(app.storage.user)
    ui.navigate.to(next_path)
