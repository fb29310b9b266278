"""Logo and strip images for the card designer, stored under <data_dir>/uploads and served at /uploads.

Every upload is decoded and re-encoded as PNG with Pillow, in a worker thread and within
`hub.images`' pixel limit: what we serve is always a plain image of bounded size, whatever
was sent, and no page waits while it is decoded.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from pathlib import Path

from nicegui import app
from PIL import Image

from hub.config import settings
from hub.errors import InvalidInput
from hub.images import UNREADABLE, open_image

URL_PREFIX = "/uploads"
MAX_BYTES = 5 * 1024 * 1024
# Apple's recommended pixel sizes (@3x) for a store card's logo and strip.
BOUNDS = {"logo": (480, 150), "strip": (1125, 432), "prize": (600, 600)}


def upload_dir() -> Path:
    path = settings().data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_image(business_id: int, kind: str, data: bytes) -> str:
    """Store an uploaded image; returns the URL the design refers to."""
    if kind not in BOUNDS:
        raise InvalidInput("Unknown image kind.", field=kind)
    if not data or len(data) > MAX_BYTES:
        raise InvalidInput("Upload an image of up to 5 MB.", field=kind)
    try:
        with open_image(data, field=kind) as probe:
            probe.verify()
        with open_image(data, field=kind) as image:
            image = image.convert("RGBA")
            image.thumbnail(BOUNDS[kind])
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidInput(UNREADABLE, field=kind) from exc
    folder = upload_dir() / str(int(business_id))
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{secrets.token_urlsafe(12)}.png"
    (folder / name).write_bytes(out.getvalue())
    return f"{URL_PREFIX}/{int(business_id)}/{name}"


async def store_image(business_id: int, kind: str, data: bytes) -> str:
    """`save_image` off the event loop."""
    return await asyncio.to_thread(save_image, business_id, kind, data)


def register() -> None:
    app.add_static_files(URL_PREFIX, upload_dir())
