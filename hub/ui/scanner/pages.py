"""Staff scanner (/scanner) and self-service kiosk (/kiosk)."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from hub.runtime import runtime
from hub.ui.card_page.frame import page_language
from hub.ui.scanner import assets, offline
from hub.ui.scanner.autopilot import Autopilot
from hub.ui.scanner.camera import CameraScanner, photo_upload
from hub.ui.scanner.desk import Desk
from hub.ui.scanner.kiosk import Kiosk
from hub.ui.scanner.outcome import OutcomePanel
from hub.ui.scanner.panels import LiveFeed, redeem_panel, search_panel
from hub.ui.scanner.session import current_seat, log_out, login_form


async def scanner_page(login: str = "") -> None:
    assets.include()
    ctx = await current_seat("/scanner")
    offline.include("scanner", ctx)
    if ctx is None:
        # A seat's link from the Staff page fills in its login: open the link, type the PIN.
        login_form("Staff scanner", "/scanner", login_hint=login)
        return
    desk = Desk(ctx, runtime().settings.secret_key)

    async def scanned(code: str, via: str, key: str | None = None) -> None:
        outcome.show(await desk.scan(code, via=via, key=key))

    def switch_mode(auto: bool) -> None:
        manual.set_visibility(not auto)
        waiting.set_visibility(auto)
        if auto:
            camera.stop()
        else:
            camera.start()

    with ui.header().classes("items-center justify-between bg-slate-800 px-4"):
        with ui.column().classes("gap-0"):
            ui.label(ctx.business.name).classes("text-lg font-bold")
            ui.label(f"{ctx.location.name} · {ctx.seat.name}").classes("text-sm opacity-80").mark("seat")
        with ui.row().classes("items-center gap-4"):
            autopilot = Autopilot(lambda code, key: scanned(code, "wedge", key), switch_mode)
            ui.button("Log out", on_click=lambda: log_out("/scanner")).props("flat color=white").mark("logout")

    with ui.row().classes("w-full p-4 gap-6 items-start justify-center"):
        with ui.column().classes("gap-4").style("flex:1 1 420px;max-width:720px"):
            outcome = OutcomePanel(desk)
            with ui.column().classes("w-full gap-2") as manual:
                camera = CameraScanner(lambda code: scanned(code, "camera"))
                photo_upload(lambda code: scanned(code, "photo"), outcome.show)
            with ui.column().classes("w-full items-center py-10 gap-2") as waiting:
                ui.icon("barcode_reader", size="96px").classes("text-amber-600")
                ui.label("Auto-stamp is on").classes("text-2xl font-bold").mark("autopilot-on")
                ui.label("Scan cards with the handheld scanner; stamps happen on their own.").classes(
                    "opacity-70 text-center"
                )
        with ui.column().classes("gap-4").style("flex:0 1 380px"):
            redeem_panel(desk, outcome.show)
            search_panel(desk, outcome.show)
            LiveFeed(ctx.location_id, ctx.seat_id, ctx.business.timezone)
    switch_mode(autopilot.on)


async def kiosk_page(request: Request, lang: str | None = None, login: str = "") -> None:
    # Chosen before signing in, so `/kiosk?lang=de` set up once on the tablet outlasts the login.
    language = page_language(request, lang)
    assets.include()
    ctx = await current_seat("/kiosk")
    offline.include("kiosk", ctx)
    if ctx is None:
        login_form("Self-service kiosk", "/kiosk", login_hint=login)
        return
    # A tablet whose browser speaks none of the offered languages greets in the business's own.
    language = page_language(request, lang, ctx.business.language)
    await Kiosk(ctx, runtime().settings.secret_key, language).build()


def register() -> None:
    assets.register()
    offline.register()
    ui.page("/scanner", title="Stamphub scanner")(scanner_page)
    ui.page("/kiosk", title="Stamphub kiosk")(kiosk_page)
