"""The big result box: one glance tells the barista what happened, and what can follow
(+1 another stamp, undo the last stamp, redeem a waiting reward)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from nicegui import ui

from hub.domain.visits import UNDO_SECONDS
from hub.ui.scanner.desk import Desk, new_key
from hub.ui.scanner.rewards import waiting_rewards
from hub.ui.scanner.verdicts import TONE_STYLE, Verdict

BUTTON = "unelevated no-caps size=lg color=white text-color=grey-10"


@dataclass(frozen=True)
class _Given:
    """The last stamp this scanner gave, which it offers to undo."""

    key: str
    number: int
    at: float  # time.monotonic(): only how long the button stays, the domain keeps the rule

    def left(self) -> float:
        return UNDO_SECONDS - (time.monotonic() - self.at)


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
        # Keys of the buttons already pressed: a double tap must not act twice.
        self._pressed: set[str] = set()
        self._given: _Given | None = None
        self._paint("#334155")

    def _paint(self, colour: str) -> None:
        self.box.style(f"background-color:{colour}")

    def show(self, verdict: Verdict, *, sound: bool = True) -> None:
        if verdict.stamp_key and verdict.number is not None:
            self._given = _Given(verdict.stamp_key, verdict.number, time.monotonic())
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
        given = self._given
        undo = given is not None and given.number == verdict.number and given.left() > 0
        if verdict.tone != "already" and not undo:
            return
        with ui.row().classes("gap-2"):
            if verdict.tone == "already" and verdict.number is not None:
                key = new_key("another")
                another = partial(self.desk.another, verdict.number, key)
                ui.button("+1 another stamp", icon="add", on_click=lambda: self._once(key, another)).props(BUTTON).mark(
                    "another-stamp"
                )
            if undo:
                button = ui.button("Undo", icon="undo", on_click=lambda: self._undo(given)).props(BUTTON).mark("undo")
                ui.timer(given.left(), button.delete, once=True)

    async def _undo(self, given: _Given) -> None:
        self._given = None
        await self._once(f"undo-{given.key}", partial(self.desk.undo, given.key))

    async def _once(self, key: str, act: Callable[[], Awaitable[Verdict]]) -> None:
        if key in self._pressed:
            return
        self._pressed.add(key)
        self.show(await act())
