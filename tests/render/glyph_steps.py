"""Glyph checks shared by the renderer's tests (no tests here)."""

from __future__ import annotations

from fontTools.ttLib import TTFont
from PIL import ImageFont

from hub.render import text


def glyph_names(font: ImageFont.FreeTypeFont, sample: str) -> dict[str, str]:
    """Each character's glyph in the font file Pillow draws with, as fontTools reads its cmap."""
    with TTFont(font.path, fontNumber=font.index, lazy=True) as opened:
        cmap = opened.getBestCmap()
        return {c: cmap.get(ord(c), ".notdef") for c in sample if not c.isspace()}


def missing_glyphs(line: str, kind: text.Type) -> list[str]:
    """The line's letters that the fonts drawing them have no glyph for."""
    return [c for piece, font in kind.runs(line) for c, name in glyph_names(font, piece).items() if name == ".notdef"]
