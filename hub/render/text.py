"""Lines of text on an image: shrinking a line to a width, wrapping a paragraph."""

from __future__ import annotations

import unicodedata

from PIL import ImageDraw

from hub.render import fonts


def fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    size: int,
    width: float,
    *,
    bold: bool = False,
    lang: str | None = None,
    smallest: int = 14,
    step: int = 2,
) -> fonts.Font:
    """The text's font at `size`, made smaller (down to `smallest`) until the line fits `width`."""
    font = fonts.font(text, size, bold=bold, lang=lang)
    while size > smallest and draw.textlength(text, font=font) > width:
        size -= step
        font = fonts.font(text, size, bold=bold, lang=lang)
    return font


def wrap(draw: ImageDraw.ImageDraw, text: str, font: fonts.Font, width: float) -> list[str]:
    """Lines no wider than `width`: broken between words, and inside a word too long for a line
    (Chinese, Japanese and Thai put no spaces between words)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while draw.textlength(line, font=font) > width and len(_clusters(line)) > 1:
                head, line = _split(draw, line, font, width)
                lines.append(head)
        lines.append(line)
    return lines


def is_mark(c: str) -> bool:
    """A sign drawn on the letter before it (a Thai vowel, a Devanagari matra, an accent)."""
    return unicodedata.category(c) in ("Mn", "Mc", "Me")


def first_letter(line: str) -> str:
    """The line's first letter with its marks: a Hindi or Thai letter keeps its vowel sign."""
    clusters = _clusters(line.strip())
    return clusters[0] if clusters else ""


def _clusters(text: str) -> list[str]:
    """Characters with their combining marks kept on them."""
    out: list[str] = []
    for c in text:
        if out and is_mark(c):
            out[-1] += c
        else:
            out.append(c)
    return out


def _split(draw: ImageDraw.ImageDraw, line: str, font: fonts.Font, width: float) -> tuple[str, str]:
    clusters = _clusters(line)
    cut = 1
    while cut < len(clusters) and draw.textlength("".join(clusters[: cut + 1]), font=font) <= width:
        cut += 1
    return "".join(clusters[:cut]).rstrip(), "".join(clusters[cut:]).lstrip()
