"""The one QR helper: the module matrix, an SVG data URL for pages and a sharp raster for print.

A fixed mask pattern: choosing the "best" of the eight costs ten times the rest of the work
(35 ms against 3 ms a code), and every card page draws at least one code and an insert batch
two thousand. Any mask is a valid QR code; the scanner's and phones' decoders read them all.
"""

from __future__ import annotations

import base64
import functools

import qrcode
import qrcode.constants
from PIL import Image


def matrix(payload: str, *, border: int = 0) -> list[list[bool]]:
    return _matrix(payload, border)


@functools.lru_cache(maxsize=256)
def _matrix(payload: str, border: int) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, mask_pattern=0)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr.get_matrix()


def svg_path(rows: list[list[bool]], *, left: float = 0, top: float = 0, cell: float = 1) -> str:
    """The dark modules as one path of horizontal runs: small, and crisp at any size."""
    runs = []
    for y, row in enumerate(rows):
        x, size = 0, len(row)
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                width = (x - start) * cell
                runs.append(f"M{_n(left + start * cell)} {_n(top + y * cell)}h{_n(width)}v{_n(cell)}h-{_n(width)}z")
            else:
                x += 1
    return "".join(runs)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


@functools.lru_cache(maxsize=256)
def svg_data_url(payload: str) -> str:
    """The payload's QR (quiet zone of two modules) as an SVG data URL."""
    rows = matrix(payload, border=2)
    size = len(rows)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{svg_path(rows)}" fill="#000"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def image(payload: str, size: int, *, border: int = 4) -> Image.Image:
    """A black-on-white QR at most `size` pixels wide, with whole pixels per module so every
    module edge stays sharp for phone cameras."""
    rows = matrix(payload, border=border)
    modules = len(rows)
    scale = max(1, size // modules)
    pixels = bytes(0 if dark else 255 for row in rows for dark in row)
    picture = Image.frombytes("L", (modules, modules), pixels)
    return picture.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("RGB")
