"""Shared steps for the staff scanner and kiosk tests (no tests here)."""

from __future__ import annotations

import base64
import io
import re

import qrcode
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from PIL import Image


def without_camera(user: User) -> None:
    """The simulated browser has no camera unless a test gave it one."""
    user.javascript_rules.setdefault(re.compile(r".*StamphubCamera\.start"), lambda _: NO_CAMERA)


NO_CAMERA = {"ok": False, "error": "No camera found."}


async def sign_in(user: User, shop, path: str = "/scanner") -> None:
    without_camera(user)
    await user.open(path)
    user.find(marker="login").type(shop.seat_login)
    user.find(marker="pin").type(shop.seat_password)
    user.find(marker="sign-in").click()
    signed_in = "logout" if path == "/scanner" else "kiosk-prompt"
    # With several simulated users, the sign-in's navigation may reach another user's page
    # (NiceGUI patches ui.navigate per simulation); reopening the page is what a device does.
    for _ in range(50):
        try:
            await user.should_see(marker=signed_in, retries=30)
            return
        except AssertionError:
            await user.open(path)
    await user.should_see(marker=signed_in)


def qr_image(payload: str, size: int = 360) -> Image.Image:
    """The code on a grey background, as a camera would frame it."""
    qr = qrcode.make(payload, box_size=8, border=4).get_image().convert("L")
    qr = qr.resize((size * 2 // 3, size * 2 // 3), Image.NEAREST)
    frame = Image.new("L", (size * 4 // 3, size), 140)
    frame.paste(qr, ((frame.width - qr.width) // 2, (frame.height - qr.height) // 2))
    return frame


def camera_frame(payload: str) -> dict:
    """A frame as the browser script sends it: grayscale, as a base64 JPEG."""
    image = qr_image(payload)
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=85)
    return {"w": image.width, "h": image.height, "jpeg": base64.b64encode(jpeg.getvalue()).decode()}


def with_camera(user: User, payload: str | None) -> None:
    blank = {"w": 4, "h": 3, "data": base64.b64encode(bytes(12)).decode()}
    frame = camera_frame(payload) if payload else blank
    user.javascript_rules[re.compile(r".*StamphubCamera\.start")] = lambda _: {"ok": True}
    user.javascript_rules[re.compile(r".*StamphubCamera\.grab")] = lambda _: frame


def burst(user: User, code: str, key: str = "0f8fad5b-d9cb-469f-a165-70867728950e") -> None:
    """What the browser script sends after a scanner typed `code` and Enter."""
    UserInteraction(user, {user.client.layout}, None).trigger("stamphub_wedge", {"code": code, "key": key})
