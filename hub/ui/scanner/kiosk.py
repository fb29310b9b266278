"""The self-service kiosk: a tablet facing the customer, who shows their card to the camera.

No staff action is needed; the staff controls (log out, camera, full screen) sit behind
the seat's PIN so a customer cannot leave the kiosk page. Everything on it, the controls
included, is in the tablet browser's language (or `?lang=`), like the card page.
"""

from __future__ import annotations

import asyncio

from nicegui import app, background_tasks, ui
from nicegui.events import GenericEventArguments

from hub.domain import staff_sessions
from hub.domain.lottery import prize_titles
from hub.domain.staff_sessions import SeatContext
from hub.domain.templates import find_template
from hub.errors import DomainError, RateLimited
from hub.i18n import N_, Lang
from hub.models import CardTemplate
from hub.runtime import runtime
from hub.scanning.wedge import clean_burst, clean_key
from hub.ui.card_page.frame import declare_language
from hub.ui.card_page.reward import reward_text
from hub.ui.card_render import render_card
from hub.ui.device import device_id
from hub.ui.scanner.autopilot import EVENT
from hub.ui.scanner.camera import CameraScanner
from hub.ui.scanner.desk import Desk
from hub.ui.scanner.session import log_out
from hub.ui.scanner.verdicts import TONE_STYLE, Verdict, for_customer

FACING_KEY = "kiosk_facing"
RESULT_SECONDS = 5.0
NO_CAMERA = N_("{error} Please ask our staff.")
HAS_REWARD = N_("You have a reward — show this card to the staff")


class Kiosk:
    def __init__(self, ctx: SeatContext, secret: bytes, lang: Lang) -> None:
        self.ctx = ctx
        self.lang = lang
        self.desk = Desk(ctx, secret)
        self.device = device_id()
        self._shown = 0

    async def build(self) -> None:
        _ = self.lang._
        ui.query("body").classes("stamphub-kiosk")
        declare_language(self.lang)
        with ui.column().classes("w-full items-center gap-4 p-6"):
            ui.label(self.ctx.business.name).classes("text-4xl font-bold")
            ui.label(_("Show your stamp card's QR code to the camera")).classes("text-2xl opacity-80").mark(
                "kiosk-prompt"
            )
            with ui.element("div").classes("w-full").style("max-width:900px"):
                self.camera = CameraScanner(
                    self.scanned,
                    facing=app.storage.user.get(FACING_KEY, "user"),
                    restart_button=False,
                    lang=self.lang,
                    unavailable=NO_CAMERA,
                )
        self.result = ui.element("div").classes("stamphub-kiosk-result").mark("kiosk-result")
        self.result.set_visibility(False)
        ui.button(icon="settings", on_click=self.open_controls).props("flat round color=grey-7").classes(
            "fixed bottom-2 right-2 opacity-40"
        ).mark("kiosk-staff")
        self.controls = self._controls_dialog()
        # A USB scanner on the stand works too (and is what keeps working offline).
        ui.on(EVENT, self._wedge)
        ui.add_head_html("<script>StamphubWedge.enable(true)</script>")
        ui.run_javascript("window.StamphubKeepAwake && StamphubKeepAwake()")
        self.camera.start()

    async def scanned(self, code: str, key: str | None = None) -> None:
        await self.show(await self.desk.scan(code, via="kiosk", key=key, vouchers=False))

    async def _wedge(self, event: GenericEventArguments) -> None:
        args = event.args[0] if isinstance(event.args, list) and len(event.args) == 1 else event.args
        code = clean_burst(args.get("code")) if isinstance(args, dict) else None
        if code is not None:
            await self.scanned(code, clean_key(args.get("key")))

    async def show(self, verdict: Verdict) -> None:
        headline, detail = for_customer(verdict, self.ctx.business.name, self.lang)
        template = await find_template(self.ctx.business_id, verdict.template_id) if verdict.template_id else None
        prizes = await prize_titles(template) if template is not None else []
        colour, icon = TONE_STYLE[verdict.tone]
        self._shown += 1
        self.result.clear()
        self.result.style(f"background-color:{colour}")
        with self.result:
            ui.icon(icon, size="120px")
            ui.label(headline).classes("text-6xl font-bold").mark("kiosk-headline")
            ui.label(detail).classes("text-3xl").mark("kiosk-detail")
            if verdict.vouchers and verdict.tone != "reward":  # a reward says so itself
                ui.label(self.lang._(HAS_REWARD)).classes("text-3xl font-bold").mark("kiosk-rewards")
            if template is not None and verdict.good:
                with ui.element("div").classes("w-96 text-left"):
                    self._card(template, verdict.stamps or 0, prizes)
        self.result.set_visibility(True)
        self.result.client.run_javascript(f"window.StamphubFeedback && StamphubFeedback.signal('{verdict.sound}')")
        background_tasks.create(self._reset(self._shown), name="kiosk reset")

    def _card(self, template: CardTemplate, stamps: int, prizes: list[str]) -> None:
        required = template.stamps_required
        render_card(
            template.design,
            stamps=stamps,
            stamps_required=required,
            reward_title=template.reward_title,
            progress_text=f"{self.lang.number(stamps)} / {self.lang.number(required)}",
            reward_text=reward_text(self.lang, template.reward_title, prizes),
        )

    async def _reset(self, shown: int) -> None:
        await asyncio.sleep(RESULT_SECONDS)
        if shown == self._shown and not self.result.is_deleted:
            self.result.set_visibility(False)

    def open_controls(self) -> None:
        self.pin.value = ""
        self.pin_error.text = ""
        self.locked.set_visibility(True)
        self.unlocked.set_visibility(False)
        self.controls.open()

    def _controls_dialog(self) -> ui.dialog:
        _ = self.lang._
        with ui.dialog() as dialog, ui.card().classes("w-80"):
            with ui.column().classes("w-full") as self.locked:
                ui.label(_("Staff only")).classes("text-lg font-bold")
                self.pin = ui.input(_("Seat PIN"), password=True).props("outlined inputmode=numeric").mark("kiosk-pin")
                self.pin.on("keydown.enter", self._unlock)
                self.pin_error = ui.label("").classes("text-red-700").mark("kiosk-pin-error")
                with ui.row():
                    ui.button(_("Unlock"), on_click=self._unlock).props("unelevated").mark("kiosk-unlock")
                    ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            with ui.column().classes("w-full") as self.unlocked:
                ui.label(f"{self.ctx.location.name} · {self.ctx.seat.name}").classes("font-bold")
                ui.button(
                    _("Full screen"), icon="fullscreen", on_click=lambda: ui.run_javascript("StamphubFullscreen()")
                ).props("flat")
                ui.button(_("Switch camera"), icon="cameraswitch", on_click=self._switch_camera).props("flat").mark(
                    "kiosk-switch-camera"
                )
                ui.button(_("Log out"), icon="logout", on_click=lambda: log_out("/kiosk")).props(
                    "flat color=negative"
                ).mark("kiosk-logout")
                ui.button(_("Close"), on_click=dialog.close).props("flat")
            self.unlocked.set_visibility(False)
        return dialog

    async def _unlock(self) -> None:
        rt = runtime()
        try:
            await staff_sessions.check_pin(
                rt.redis, rt.settings.redis_prefix, self.ctx.seat_id, self.pin.value, device=self.device
            )
        except RateLimited:
            self._refuse_pin(self.lang._("Too many attempts. Wait a moment and try again."))
            return
        except DomainError:
            self._refuse_pin(self.lang._("Wrong PIN."))
            return
        self.locked.set_visibility(False)
        self.unlocked.set_visibility(True)

    def _refuse_pin(self, message: str) -> None:
        self.pin_error.text = message
        self.pin.value = ""

    def _switch_camera(self) -> None:
        facing = "environment" if self.camera.facing == "user" else "user"
        app.storage.user[FACING_KEY] = facing
        self.camera.restart(facing)
