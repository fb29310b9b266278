"""The big result box: one glance tells the barista what happened."""

from __future__ import annotations

from nicegui import ui

from hub.ui.scanner.verdicts import TONE_STYLE, Verdict


class OutcomePanel:
    def __init__(self, idle: str = "Ready to scan") -> None:
        self.idle = idle
        self.box = ui.row().classes("stamphub-outcome w-full items-center no-wrap gap-4").mark("outcome-box")
        with self.box:
            self.icon = ui.icon("qr_code_scanner", size="56px")
            with ui.column().classes("gap-0"):
                self.headline = ui.label(idle).classes("text-4xl font-bold leading-tight").mark("outcome")
                self.detail = ui.label("").classes("text-lg opacity-90").mark("outcome-detail")
        self._flip = False
        self._paint("#334155")

    def _paint(self, colour: str) -> None:
        self.box.style(f"background-color:{colour}")

    def show(self, verdict: Verdict, *, sound: bool = True) -> None:
        colour, icon = TONE_STYLE[verdict.tone]
        self._paint(colour)
        self.icon.name = icon
        self.headline.text = verdict.headline
        self.detail.text = verdict.detail
        # Alternating between two identical animations restarts it: a visual "beep" per scan.
        self._flip = not self._flip
        self.box.classes(add="flash-a" if self._flip else "flash-b", remove="flash-b" if self._flip else "flash-a")
        if sound:
            self.box.client.run_javascript(f"window.StamphubFeedback && StamphubFeedback.signal('{verdict.sound}')")
