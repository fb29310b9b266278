"""Auto-stamp: a USB or Bluetooth scanner types the code like a keyboard, ending with Enter.

The browser script tells bursts from human typing by key timing; this side only
decides whether the device is in autopilot and hands finished bursts on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import app, ui
from nicegui.events import GenericEventArguments, ValueChangeEventArguments

from hub.scanning.wedge import clean_burst, clean_key

STORAGE_KEY = "autopilot"
EVENT = "stamphub_wedge"


class Autopilot:
    def __init__(
        self,
        on_code: Callable[[str, str | None], Awaitable[None]],
        on_change: Callable[[bool], None],
    ) -> None:
        self.on_code = on_code
        self.on_change = on_change
        self.on = bool(app.storage.user.get(STORAGE_KEY, False))
        self.switch = (
            ui.switch("Auto-stamp", value=self.on, on_change=self._toggled)
            .props("color=amber keep-color")
            .classes("text-base font-medium")
            .mark("autopilot")
        )
        ui.on(EVENT, self._burst)
        # In the page itself, right after the wedge script: it listens from the first paint.
        # Told over the connection instead, it missed the first scan's leading keys.
        ui.add_head_html(f"<script>StamphubWedge.enable({self._js_on})</script>")

    @property
    def _js_on(self) -> str:
        return "true" if self.on else "false"

    def _tell_browser(self) -> None:
        self.switch.client.run_javascript(f"window.StamphubWedge && StamphubWedge.enable({self._js_on})")

    def _toggled(self, event: ValueChangeEventArguments) -> None:
        self.on = bool(event.value)
        # Per device (this browser), so the counter tablet and the phone in the back differ.
        app.storage.user[STORAGE_KEY] = self.on
        self._tell_browser()
        self.on_change(self.on)

    async def _burst(self, event: GenericEventArguments) -> None:
        args = event.args
        if isinstance(args, list) and len(args) == 1:
            args = args[0]
        if not self.on or not isinstance(args, dict):
            return
        code = clean_burst(args.get("code"))
        if code is not None:
            await self.on_code(code, clean_key(args.get("key")))
