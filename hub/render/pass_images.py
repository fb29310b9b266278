"""Pass images drawn with Pillow from the template design: icon, logo and the stamp strip.

The Apple and Google passes ship them, and the designer's previews show the very same images,
so what the owner sees is what the wallet gets. Same design keys and colours as the web card
(`hub/render/colours.py`). Uploaded logo / strip images are used when the design names them.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageOps

from hub.config import settings
from hub.render import colours, fonts, text

# Apple's sizes at 1x; every image is also shipped at @2x and @3x.
ICON = (29, 29)
LOGO = (160, 50)
STRIP = (375, 123)
SCALES = (1, 2, 3)


color = colours.rgb


def uploaded(path: str | None) -> Path | None:
    """An uploaded image named by the design: its `/uploads/…` address (what the designer
    stores) or a path relative to the data folder; absolute file paths are taken as they are."""
    if not path:
        return None
    data = settings().data_dir
    if path.startswith("/uploads/") or not Path(path).is_absolute():
        candidate = (data / path.lstrip("/")).resolve()
        # A design names files, not places: nothing outside the data folder is read.
        if not candidate.is_relative_to(data.resolve()):
            return None
    else:
        candidate = Path(path)
    return candidate if candidate.is_file() else None


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_url(png: bytes) -> str:
    """A drawn image for a page (the designer's previews)."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _badge(size: tuple[int, int], design: dict[str, Any], *, filled_background: bool) -> Image.Image:
    w, h = size
    image = Image.new("RGBA", size, color(design, "background") + (255,) if filled_background else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    d = min(w, h)
    draw.ellipse((0, 0, d - 1, d - 1), fill=color(design, "accent"))
    letter = text.first_letter(design.get("title") or "").upper() or "S"
    font = fonts.font(letter, max(8, int(d * 0.6)), bold=True)
    draw.text((d / 2, d / 2), letter, fill=color(design, "background"), font=font, anchor="mm")
    return image


def _fit(path: Path, size: tuple[int, int], *, crop: bool) -> Image.Image:
    with Image.open(path) as source:
        source = source.convert("RGBA")
        if crop:
            return ImageOps.fit(source, size, Image.Resampling.LANCZOS)
        source.thumbnail(size, Image.Resampling.LANCZOS)
        return source


def icon(design: dict[str, Any], scale: int) -> bytes:
    size = (ICON[0] * scale, ICON[1] * scale)
    if logo := uploaded(design.get("logo")):
        canvas = Image.new("RGBA", size, color(design, "background") + (255,))
        mark = _fit(logo, size, crop=False)
        canvas.alpha_composite(mark, ((size[0] - mark.width) // 2, (size[1] - mark.height) // 2))
        return _png(canvas)
    return _png(_badge(size, design, filled_background=True))


def logo(design: dict[str, Any], scale: int) -> bytes:
    size = (LOGO[0] * scale, LOGO[1] * scale)
    if path := uploaded(design.get("logo")):
        return _png(_fit(path, size, crop=False))
    return _png(_badge((size[1], size[1]), design, filled_background=False))


def strip(design: dict[str, Any], stamps: int, stamps_required: int, scale: int, *, text_band: float = 0.0) -> bytes:
    """The stamp grid: filled circles for stamps collected, rings for the ones to go.

    `text_band` keeps the top fraction of the strip clear for the pass's primary field,
    which Wallet draws over the strip's upper left.
    """
    w, h = STRIP[0] * scale, STRIP[1] * scale
    if background := uploaded(design.get("strip")):
        image = _fit(background, (w, h), crop=True)
    else:
        image = Image.new("RGBA", (w, h), color(design, "background") + (255,))
    draw = ImageDraw.Draw(image)
    required = max(1, stamps_required)
    if text_band:
        rows = 1 if required <= 10 else 2 if required <= 24 else math.ceil(required / 12)
    else:
        rows = 1 if required <= 6 else 2 if required <= 16 else math.ceil(required / 10)
    cols = math.ceil(required / rows)
    pad = 10 * scale
    top = h * text_band
    cell = min((w - 2 * pad) / cols, (h - top - 2 * pad) / rows)
    radius = cell * 0.38
    grid_w, grid_h = cell * cols, cell * rows
    x0, y0 = (w - grid_w) / 2, top + (h - top - grid_h) / 2
    accent, foreground = color(design, "accent"), color(design, "foreground")
    ring = max(1, int(2 * scale))
    for i in range(required):
        row, col = divmod(i, cols)
        cx, cy = x0 + cell * (col + 0.5), y0 + cell * (row + 0.5)
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        if i < stamps:
            draw.ellipse(box, fill=accent)
            # A tick, drawn as two strokes so it needs no icon font.
            r = radius * 0.5
            draw.line(
                [(cx - r, cy), (cx - r * 0.25, cy + r * 0.7), (cx + r, cy - r * 0.6)],
                fill=color(design, "background"),
                width=max(2, int(radius * 0.22)),
                joint="curve",
            )
        else:
            draw.ellipse(box, outline=foreground + (170,), width=ring)
    return _png(image)


def program_logo(design: dict[str, Any]) -> bytes:
    """Google's programLogo: square, 660 px recommended."""
    size = (660, 660)
    if path := uploaded(design.get("logo")):
        canvas = Image.new("RGBA", size, color(design, "background") + (255,))
        mark = _fit(path, (560, 560), crop=False)
        canvas.alpha_composite(mark, ((size[0] - mark.width) // 2, (size[1] - mark.height) // 2))
        return _png(canvas)
    return _png(_badge(size, design, filled_background=True))


def app_icon(design: dict[str, Any], px: int) -> bytes:
    """A square home-screen icon (the installed scanner and kiosk): the uploaded logo centred on
    the card's background, inside the safe zone launchers crop to; else the lettered badge."""
    canvas = Image.new("RGBA", (px, px), color(design, "background") + (255,))
    inner = int(px * 0.7)
    if logo := uploaded(design.get("logo")):
        mark = _fit(logo, (inner, inner), crop=False)
    else:
        mark = _badge((inner, inner), design, filled_background=False)
    canvas.alpha_composite(mark, ((px - mark.width) // 2, (px - mark.height) // 2))
    return _png(canvas)
