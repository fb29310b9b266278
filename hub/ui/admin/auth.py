"""Owner sign-in, sign-up and sign-out."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from hub import ratelimit
from hub.domain import owner_sessions
from hub.domain.businesses import sign_up
from hub.errors import DomainError
from hub.runtime import runtime
from hub.ui.admin.frame import owner_session, show_error, sign_in, sign_out
from hub.ui.device import device_id

SIGNUP_PER_IP = 10


def _card(title: str) -> ui.card:
    ui.query("body").classes("bg-stone-100")
    with ui.column().classes("w-full items-center mt-16"):
        ui.label("Stamphub").classes("text-3xl font-bold text-[#5b3a29]")
        card = ui.card().classes("w-full max-w-96 p-6 gap-3")
    with card:
        ui.label(title).classes("text-xl font-bold")
    return card


async def login_page(request: Request) -> RedirectResponse | None:
    if await owner_session():
        return RedirectResponse("/admin", status_code=303)
    ip = request.client.host if request.client else "unknown"
    device = device_id()
    rt = runtime()

    async def submit() -> None:
        try:
            owner = await owner_sessions.log_in(
                rt.redis, rt.settings.redis_prefix, email.value or "", password.value or "", device=device, ip=ip
            )
        except DomainError as error:
            password.value = ""
            message.text = error.message
            message.set_visibility(True)
            return
        sign_in(owner)
        ui.navigate.to("/admin")

    with _card("Sign in to your back office"):
        email = ui.input("Email").props("type=email autocomplete=username outlined").classes("w-full").mark("email")
        password = (
            ui.input("Password", password=True)
            .props("autocomplete=current-password outlined")
            .classes("w-full")
            .mark("password")
        )
        password.on("keydown.enter", submit)
        message = ui.label().classes("text-red-700 text-sm").mark("login-error")
        message.set_visibility(False)
        ui.button("Sign in", on_click=submit).classes("w-full").mark("sign-in")
        with ui.row().classes("text-sm gap-1"):
            ui.label("New here?")
            ui.link("Create an account", "/admin/signup")
    return None


async def signup_page(request: Request) -> RedirectResponse | None:
    if await owner_session():
        return RedirectResponse("/admin", status_code=303)
    ip = request.client.host if request.client else "unknown"
    rt = runtime()

    async def submit() -> None:
        try:
            await ratelimit.hit(
                rt.redis, rt.settings.redis_prefix, f"owner-signup:ip:{ip}", limit=SIGNUP_PER_IP, window=3600
            )
            owner = await sign_up(business.value or "", email.value or "", password.value or "")
        except DomainError as error:
            show_error(error)
            message.text = error.message
            return
        sign_in(owner)
        ui.navigate.to("/admin")

    with _card("Create your business account"):
        business = ui.input("Business name").props("outlined").classes("w-full").mark("business")
        email = ui.input("Email").props("type=email autocomplete=username outlined").classes("w-full").mark("email")
        password = (
            ui.input("Password (8 characters or more)", password=True)
            .props("autocomplete=new-password outlined")
            .classes("w-full")
            .mark("password")
        )
        message = ui.label().classes("text-red-700 text-sm").mark("signup-error")
        ui.button("Create account", on_click=submit).classes("w-full").mark("sign-up")
        with ui.row().classes("text-sm gap-1"):
            ui.label("Already have an account?")
            ui.link("Sign in", "/admin/login")
    return None


async def logout_page() -> RedirectResponse:
    await sign_out()
    return RedirectResponse("/admin/login", status_code=303)


def register() -> None:
    ui.page("/admin/login", title="Sign in · Stamphub")(login_page)
    ui.page("/admin/signup", title="Sign up · Stamphub")(signup_page)
    ui.page("/admin/logout")(logout_page)
