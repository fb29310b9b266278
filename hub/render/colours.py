"""The one colour parser: a design's colours, checked, with the brand's defaults.

A design stores `#rgb` or `#rrggbb`; anything else (a half-typed value in the designer, a
value that would break out of a CSS declaration) is drawn in the default instead.
"""

from __future__ import annotations

from typing import Any

from PIL import ImageColor

BRAND = "#3b2416"
DEFAULTS = {"background": BRAND, "foreground": "#fff8ef", "accent": "#e0a458"}
KEYS = tuple(DEFAULTS)

RGB = tuple[int, int, int]


def is_colour(value: Any) -> bool:
    text = str(value or "")
    return len(text) in (4, 7) and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:])


def css(design: dict[str, Any], key: str) -> str:
    """The design's colour for `key` as it can go into CSS or SVG, else the default."""
    value = design.get(key)
    return value if is_colour(value) else DEFAULTS[key]


def rgb(design: dict[str, Any], key: str) -> RGB:
    return parse(css(design, key))


def parse(value: str) -> RGB:
    red, green, blue = ImageColor.getrgb(value)[:3]
    return red, green, blue


def rgb_css(colour: RGB) -> str:
    return f"rgb({colour[0]}, {colour[1]}, {colour[2]})"


def hex_css(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)
