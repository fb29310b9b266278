"""The printable join poster: a big QR for /join/<template> in PNG, SVG or PDF.

Raster posters are drawn with DejaVu Sans, which has no CJK glyphs; for Japanese, Korean and
Chinese they fall back to English text, while the SVG (drawn by the viewer's fonts) keeps
the requested language.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import qrcode
import qrcode.constants
from fastapi import HTTPException, Response
from PIL import Image, ImageDraw, ImageFont

from hub.domain.joining import join_target
from hub.i18n import Lang, supported
from hub.runtime import runtime

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
NO_RASTER_GLYPHS = ("ja", "ko", "zh_Hans")


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _matrix(url: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()


def _texts(lang: Lang) -> tuple[str, str]:
    return lang._("Scan to get your stamp card"), lang._("No app, no password: just your name.")


def _colour(value: object, default: str) -> str:
    text = str(value or "")
    return text if len(text) == 7 and text.startswith("#") else default


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, bold: bool, width: int):
    font = _font(size, bold)
    while size > 18 and draw.textlength(text, font=font) > width:
        size -= 4
        font = _font(size, bold)
    return font


def render_png(business: str, title: str, url: str, lang: Lang, colours: tuple[str, str, str]) -> Image.Image:
    background, foreground, accent = colours
    if lang.code in NO_RASTER_GLYPHS:
        lang = Lang("en")
    headline, footer = _texts(lang)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    y = 120
    for text, size, bold, fill in ((business, 84, True, foreground), (title, 56, False, accent)):
        font = _fit(draw, text, size, bold, WIDTH - 160)
        draw.text((WIDTH / 2, y), text, font=font, fill=fill, anchor="mt")
        y += size + 40
    matrix = _matrix(url)
    cells = len(matrix)
    box = 860
    cell = box // (cells + 8)
    side = cell * (cells + 8)
    left, top = (WIDTH - side) // 2, y + 40
    draw.rounded_rectangle((left, top, left + side, top + side), radius=36, fill="#ffffff")
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x0, y0 = left + (c + 4) * cell, top + (r + 4) * cell
                draw.rectangle((x0, y0, x0 + cell - 1, y0 + cell - 1), fill="#000000")
    y = top + side + 70
    font = _fit(draw, headline, 64, True, WIDTH - 160)
    draw.text((WIDTH / 2, y), headline, font=font, fill=foreground, anchor="mt")
    y += 110
    draw.text((WIDTH / 2, y), footer, font=_fit(draw, footer, 40, False, WIDTH - 160), fill=foreground, anchor="mt")
    draw.text((WIDTH / 2, HEIGHT - 90), url, font=_fit(draw, url, 30, False, WIDTH - 160), fill=foreground, anchor="mt")
    return image


def render_svg(business: str, title: str, url: str, lang: Lang, colours: tuple[str, str, str]) -> str:
    background, foreground, accent = colours
    headline, footer = _texts(lang)
    matrix = _matrix(url)
    cells = len(matrix)
    side = 860
    cell = side / (cells + 8)
    left, top = (WIDTH - side) / 2, 380
    path = "".join(
        f"M{left + (c + 4) * cell:.2f},{top + (r + 4) * cell:.2f}h{cell:.2f}v{cell:.2f}h-{cell:.2f}z"
        for r, row in enumerate(matrix)
        for c, dark in enumerate(row)
        if dark
    )
    font = "font-family=\"'DejaVu Sans', 'Noto Sans', 'Noto Sans CJK', system-ui, sans-serif\""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="210mm" height="297mm" '
        f'lang="{lang.html_lang}">'
        f'<rect width="100%" height="100%" fill="{background}"/>'
        f'<text x="{WIDTH / 2}" y="200" {font} font-size="84" font-weight="700" fill="{foreground}" '
        f'text-anchor="middle">{escape(business)}</text>'
        f'<text x="{WIDTH / 2}" y="300" {font} font-size="56" fill="{accent}" '
        f'text-anchor="middle">{escape(title)}</text>'
        f'<rect x="{left}" y="{top}" width="{side}" height="{side}" rx="36" fill="#ffffff"/>'
        f'<path d="{path}" fill="#000000"/>'
        f'<text x="{WIDTH / 2}" y="{top + side + 120}" {font} font-size="64" font-weight="700" fill="{foreground}" '
        f'text-anchor="middle">{escape(headline)}</text>'
        f'<text x="{WIDTH / 2}" y="{top + side + 210}" {font} font-size="40" fill="{foreground}" '
        f'text-anchor="middle">{escape(footer)}</text>'
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 60}" {font} font-size="30" fill="{foreground}" '
        f'text-anchor="middle">{escape(url)}</text>'
        "</svg>"
    )


async def poster(template_id: int, fmt: str, lang: str | None = None) -> Response:
    """GET /join/<template>/poster.<png|svg|pdf>?lang=<code>."""
    if fmt not in FORMATS:
        raise HTTPException(404, "Posters come as png, svg or pdf.")
    target = await join_target(template_id)
    if target is None:
        raise HTTPException(404, "No such stamp card.")
    language = Lang(supported(lang) or target.business.language)
    design = target.template.design or {}
    colours = (
        _colour(design.get("background"), "#3b2416"),
        _colour(design.get("foreground"), "#fff8ef"),
        _colour(design.get("accent"), "#e0a458"),
    )
    url = f"{runtime().settings.public_url}/join/{template_id}"
    title = design.get("title") or target.template.name
    args = (target.business.name, title, url, language, colours)
    if fmt == "svg":
        body = render_svg(*args).encode()
    else:
        buffer = io.BytesIO()
        image = render_png(*args)
        if fmt == "pdf":
            image.save(buffer, "PDF", resolution=150.0, title=f"{target.business.name} – {title}")
        else:
            image.save(buffer, "PNG", dpi=(150, 150), optimize=True)
        body = buffer.getvalue()
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="stamp-card-poster-{template_id}.{fmt}"'},
    )
