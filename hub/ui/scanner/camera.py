"""Camera scanning: the browser shows the live picture, the server decodes what it sees.

The server pulls one downscaled grayscale frame at a time, so a slow link lowers the
frame rate instead of piling frames up, and the pause after a good read is decided here
rather than trusted to the browser.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

from nicegui import background_tasks, ui

from hub.errors import InvalidInput
from hub.i18n import N_, Lang
from hub.scanning.decode import decode_frame_b64, decode_jpeg_frame_b64, decode_photo
from hub.scanning.repeats import RepeatGuard
from hub.ui.scanner.verdicts import Verdict, from_error, nothing_found

OnCode = Callable[[str], Awaitable[None]]

FRAME_SIDE = 640  # long side in pixels: enough for a card held 20-40 cm from the lens
FRAME_INTERVAL = 0.2  # seconds between frames (plus the round trip): a few frames a second
PAUSE_AFTER_READ = 2.5  # seconds the camera rests after a good read, while the result shows

# The browser script's messages (static/scanner.js), marked here so the kiosk can say them
# in the customer's language.
BROWSER_ERRORS = (
    N_("No camera found."),
    N_("Camera access was refused. Allow it in the browser settings."),
    N_("This browser gives no camera access here (it needs HTTPS)."),
)
DID_NOT_START = N_("The camera did not start.")
USE_A_PHOTO = N_("{error} Use a photo or search instead.")


class CameraScanner:
    def __init__(
        self,
        on_code: OnCode,
        *,
        facing: str = "environment",
        classes: str = "",
        restart_button: bool = True,
        lang: Lang | None = None,
        unavailable: str = USE_A_PHOTO,
    ) -> None:
        """`lang` speaks the status line (English for staff); `unavailable` says what to do without a camera."""
        self.on_code = on_code
        self.facing = facing
        self.lang = lang or Lang()
        self.unavailable = unavailable
        self.guard = RepeatGuard()
        self.paused_until = 0.0
        self.running = False
        self._generation = 0
        self.video = (
            ui.element("video").classes(f"stamphub-video {classes}").props("autoplay muted playsinline").mark("camera")
        )
        with ui.row().classes("w-full items-center no-wrap gap-2"):
            self.status = ui.label("").classes("text-sm opacity-70 flex-grow").mark("camera-status")
            if restart_button:
                ui.button("Restart camera", icon="videocam", on_click=lambda: self.restart(self.facing)).props(
                    "flat dense no-caps"
                ).mark("camera-restart")

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self._generation += 1
        background_tasks.create(self._run(self._generation), name="scanner camera")

    def stop(self) -> None:
        self.running = False
        self._generation += 1
        self.status.text = self.lang._("Camera off")
        self.video.client.run_javascript("window.StamphubCamera && StamphubCamera.stop()")

    def restart(self, facing: str) -> None:
        self.facing = facing
        self.stop()
        self.start()

    def _current(self, generation: int) -> bool:
        return self.running and generation == self._generation and not self.video.client.is_deleted

    async def _run(self, generation: int) -> None:
        client = self.video.client
        self.status.text = self.lang._("Starting camera…")
        try:
            started = await client.run_javascript(
                f"return await StamphubCamera.start({json.dumps(f'c{self.video.id}')}, {json.dumps(self.facing)})",
                timeout=60,  # the person may first have to allow camera access
            )
        except TimeoutError:
            started = None
        if not self._current(generation):
            return
        if not isinstance(started, dict) or not started.get("ok"):
            error = started.get("error") if isinstance(started, dict) else None
            self.status.text = self.lang._(self.unavailable, error=self.lang._(error or DID_NOT_START))
            self.running = False
            return
        self.status.text = self.lang._("Camera on: hold the QR code in view")
        while self._current(generation):
            if time.monotonic() < self.paused_until:
                await asyncio.sleep(0.1)
                continue
            try:
                frame = await client.run_javascript(f"return StamphubCamera.grab({FRAME_SIDE})", timeout=5)
            except TimeoutError:  # a reconnecting socket; the next frame will tell
                continue
            if not self._current(generation):
                return
            codes = await self._decode(frame)
            fresh = [code for code in codes if self.guard.fresh(code)]
            if fresh:
                self.paused_until = time.monotonic() + PAUSE_AFTER_READ
                await self.on_code(fresh[0])
                # The window for "shown again" starts when the camera looks again, however long
                # the answer took: a card left in view through a slow answer never stamps twice.
                self.guard.hold(fresh[0], until=max(self.paused_until, time.monotonic()))
            await asyncio.sleep(FRAME_INTERVAL if frame else 0.5)

    @staticmethod
    async def _decode(frame: object) -> list[str]:
        if not isinstance(frame, dict):
            return []
        try:
            if "jpeg" in frame:
                return await asyncio.to_thread(decode_jpeg_frame_b64, str(frame["jpeg"]))
            return await asyncio.to_thread(
                decode_frame_b64, str(frame.get("data", "")), int(frame.get("w", 0)), int(frame.get("h", 0))
            )
        except (InvalidInput, TypeError, ValueError):
            return []


def photo_upload(on_code: OnCode, on_miss: Callable[[Verdict], None]) -> ui.upload:
    """The fallback without a camera: a photo of the code, taken or picked on the device.

    It shows as one button; the uploader behind it stays out of sight (its file list and
    "0.0B / 0.00%" meant nothing at the counter)."""

    async def handle(event) -> None:
        data = await event.file.read()
        event.sender.reset()
        try:
            codes = await asyncio.to_thread(decode_photo, data)
        except InvalidInput as error:
            on_miss(from_error(error))
            return
        if not codes:
            on_miss(nothing_found("photo"))
            return
        await on_code(codes[0])

    upload = (
        ui.upload(auto_upload=True, on_upload=handle, max_file_size=15 * 1024 * 1024)
        .props('accept="image/*"')
        .classes("stamphub-offscreen")
        .mark("photo")
    )
    ui.button("Take a photo of the code", icon="photo_camera", on_click=lambda: upload.run_method("pickFiles")).props(
        "outline no-caps"
    ).classes("w-full").mark("photo-button")
    return upload
