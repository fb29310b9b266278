"""The big result box: one glance tells the barista what happened, and what can follow
(+1 another stamp, redeem a waiting reward)."""

from __future__ import annotations

from nicegui import ui

from hub.ui.scanner.desk import Desk, new_key
from hub.ui.scanner.rewards import waiting_rewards
from hub.ui.scanner.verdicts import TONE_STYLE, Verdict


class OutcomePanel:
    def __init__(self, desk: Desk, idle: str = "Ready to scan") -> None:
        self.desk = desk
        self.idle = idle
        self.box = ui.column().classes("stamphub-outcome w-full gap-3").mark("outcome-box")
        with self.box:
            with ui.row().classes("w-full items-center no-wrap gap-4"):
                self.icon = ui.icon("qr_code_scanner", size="56px")
                with ui.column().classes("gap-0 min-w-0"):
                    self.headline = ui.label(idle).classes("stamphub-headline font-bold leading-tight").mark("outcome")
                    self.detail = ui.label("").classes("text-lg opacity-90").mark("outcome-detail")
            self.follow_up = ui.column().classes("w-full gap-2")
        self._flip = False
        # Keys of the "+1" buttons already pressed: a double tap must not give two extra stamps.
        self._pressed: set[str] = set()
        self._paint("#334155")

    def _paint(self, colour: str) -> None:
        self.box.style(f"background-color:{colour}")

    def show(self, verdict: Verdict, *, sound: bool = True) -> None:
        colour, icon = TONE_STYLE[verdict.tone]
        self._paint(colour)
        self.icon.name = icon
        self.headline.text = verdict.headline
        self.detail.text = verdict.detail
        self.follow_up.clear()
        with self.follow_up:
            self._actions(verdict)
            waiting_rewards(self.desk, verdict.vouchers, verdict.customer, self.show)
        # Alternating between two identical animations restarts it: a visual "beep" per scan.
        self._flip = not self._flip
        self.box.classes(add="flash-a" if self._flip else "flash-b", remove="flash-b" if self._flip else "flash-a")
        if sound:
            self.box.client.run_javascript(f"window.StamphubFeedback && StamphubFeedback.signal('{verdict.sound}')")

    def _actions(self, verdict: Verdict) -> None:
        if verdict.tone != "already" or verdict.number is None:
            return
        key = new_key("another")
        with ui.row().classes("gap-2"):
            ui.button("+1 another stamp", icon="add", on_click=lambda: self._another(verdict.number, key)).props(
                "unelevated no-caps size=lg color=white text-color=grey-10"
            ).mark("another-stamp")

    async def _another(self, number: int, key: str) -> None:
        if key in self._pressed:
            return
        self._pressed.add(key)
        self.show(await self.desk.another(number, key))
