"""The printable join poster: a big QR for /join/<template> in PNG, SVG or PDF.

Raster posters draw each line in the Noto font of its script (`hub/render/fonts.py`), so a
poster in Japanese or Arabic, or a shop named in Georgian, prints real letters; the SVG names
the same fonts and is drawn by the viewer's.
"""

from __future__ import annotations

import asyncio
import io
from html import escape

from fastapi import HTTPException, Response
from PIL import Image, ImageDraw

from hub.domain.joining import join_target
from hub.i18n import Lang, supported
from hub.render import colours, qr, text
from hub.runtime import runtime

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
SVG_FONTS = "'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans Arabic', 'DejaVu Sans', system-ui, sans-serif"


def _texts(lang: Lang) -> tuple[str, str]:
    return lang._("Scan to get your stamp card"), lang._("No app, no password: just your name.")


def _fit(draw: ImageDraw.ImageDraw, line: str, size: int, bold: bool, lang: Lang) -> text.Type:
    return text.fit(draw, line, size, WIDTH - 160, bold=bold, lang=lang.code, smallest=18, step=4)


def render_png(business: str, title: str, url: str, lang: Lang, palette: tuple[str, ...]) -> Image.Image:
    background, foreground, accent = palette
    headline, footer = _texts(lang)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    y = 120
    for line, size, bold, fill in ((business, 84, True, foreground), (title, 56, False, accent)):
        text.draw_line(draw, (WIDTH / 2, y), line, _fit(draw, line, size, bold, lang), fill=fill, anchor="mt")
        y += size + 40
    matrix = qr.matrix(url)
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
    for line, size, bold, top in ((headline, 64, True, y), (footer, 40, False, y + 110), (url, 30, False, HEIGHT - 90)):
        text.draw_line(draw, (WIDTH / 2, top), line, _fit(draw, line, size, bold, lang), fill=foreground, anchor="mt")
    return image


def render_svg(business: str, title: str, url: str, lang: Lang, palette: tuple[str, ...]) -> str:
    background, foreground, accent = palette
    headline, footer = _texts(lang)
    matrix = qr.matrix(url)
    cells = len(matrix)
    side = 860
    cell = side / (cells + 8)
    left, top = (WIDTH - side) / 2, 380
    path = qr.svg_path(matrix, left=left + 4 * cell, top=top + 4 * cell, cell=cell)
    font = f'font-family="{SVG_FONTS}"'
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


def _raster(fmt: str, args: tuple, title: str) -> bytes:
    buffer = io.BytesIO()
    image = render_png(*args)
    if fmt == "pdf":
        image.save(buffer, "PDF", resolution=150.0, title=title)
    else:
        image.save(buffer, "PNG", dpi=(150, 150), optimize=True)
    return buffer.getvalue()


async def poster(template_id: int, fmt: str, lang: str | None = None) -> Response:
    """GET /join/<template>/poster.<png|svg|pdf>?lang=<code>."""
    if fmt not in FORMATS:
        raise HTTPException(404, "Posters come as png, svg or pdf.")
    target = await join_target(template_id)
    if target is None:
        raise HTTPException(404, "No such stamp card.")
    language = Lang(supported(lang) or target.business.language)
    design = target.template.design or {}
    palette = tuple(colours.css(design, key) for key in colours.KEYS)
    url = f"{runtime().settings.public_url}/join/{template_id}"
    title = design.get("title") or target.template.name
    args = (target.business.name, title, url, language, palette)
    if fmt == "svg":
        body = render_svg(*args).encode()
    else:
        # A poster is a few megapixels to draw and compress: off the loop that serves every page.
        body = await asyncio.to_thread(_raster, fmt, args, f"{target.business.name} – {title}")
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="stamp-card-poster-{template_id}.{fmt}"'},
    )
