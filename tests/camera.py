"""Chromium's fake camera: a y4m video file the browser films from."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

from tests.conftest import TMP

CAMERA_FILE = TMP / "camera.y4m"
WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, frame: Image.Image, frames: int = 10) -> None:
    """A short 4:2:0 video of one grayscale picture; Chromium plays it in a loop."""
    y = frame.convert("L").resize((WIDTH, HEIGHT)).tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + y + chroma + chroma)
    tmp.replace(path)  # the capture device never sees a half-written file


def qr_scene(payload: str) -> Image.Image:
    """The code as a customer holds it up: a phone screen's QR, in the middle of the view."""
    qr = qrcode.make(payload, box_size=10, border=4).get_image().convert("L").resize((320, 320), Image.NEAREST)
    scene = Image.new("L", (WIDTH, HEIGHT), 90)
    scene.paste(qr, ((WIDTH - qr.width) // 2, (HEIGHT - qr.height) // 2))
    return scene


def show_to_camera(payload: str | None) -> None:
    """What the fake camera films from the next time a page opens it."""
    write_y4m(CAMERA_FILE, qr_scene(payload) if payload else Image.new("L", (WIDTH, HEIGHT), 90))
