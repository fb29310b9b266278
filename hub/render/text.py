"""Lines of text on an image, each in the fonts its letters need: drawing, measuring,
shrinking a line to a width and wrapping a paragraph."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from PIL import ImageDraw

from hub.render import fonts


@dataclass(frozen=True)
class Type:
    """A size and weight; the font is chosen per line from its letters (`fonts.runs`)."""

    size: int
    bold: bool = False
    lang: str | None = None

    def runs(self, line: str) -> tuple[tuple[str, fonts.Font], ...]:
        return fonts.runs(line, self.size, bold=self.bold, lang=self.lang)


def length(draw: ImageDraw.ImageDraw, line: str, kind: Type) -> float:
    return sum(draw.textlength(piece, font=font) for piece, font in kind.runs(line))


def draw_line(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], line: str, kind: Type, *, fill: Any, anchor: str = "la"
) -> None:
    """Like `draw.text`, for a line that may need several fonts: pieces share one baseline.

    `anchor` is Pillow's; a line cut into pieces is placed by its horizontal part ("l", "m",
    "r") and its top ("a" or "t" alike)."""
    pieces = kind.runs(line)
    if len(pieces) == 1:
        draw.text(xy, line, font=pieces[0][1], fill=fill, anchor=anchor)
        return
    x, y = xy
    total = sum(draw.textlength(piece, font=font) for piece, font in pieces)
    x -= {"l": 0, "m": total / 2, "r": total}[anchor[0]]
    baseline = y + max(_ascent(font) for _, font in pieces)
    for piece, font in pieces:
        draw.text((x, baseline), piece, font=font, fill=fill, anchor="ls")
        x += draw.textlength(piece, font=font)


def _ascent(font: fonts.Font) -> float:
    getmetrics = getattr(font, "getmetrics", None)
    return getmetrics()[0] if getmetrics else 0


def fit(
    draw: ImageDraw.ImageDraw,
    line: str,
    size: int,
    width: float,
    *,
    bold: bool = False,
    lang: str | None = None,
    smallest: int = 14,
    step: int = 2,
) -> Type:
    """The line's type at `size`, made smaller (down to `smallest`) until the line fits `width`."""
    kind = Type(size, bold, lang)
    while kind.size > smallest and length(draw, line, kind) > width:
        kind = replace(kind, size=kind.size - step)
    return kind


def wrap(draw: ImageDraw.ImageDraw, text: str, kind: Type, width: float) -> list[str]:
    """Lines no wider than `width`: broken between words, and inside a word too long for a line
    (Chinese, Japanese and Thai put no spaces between words)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if length(draw, candidate, kind) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while length(draw, line, kind) > width and len(_clusters(line)) > 1:
                head, line = _split(draw, line, kind, width)
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


def _split(draw: ImageDraw.ImageDraw, line: str, kind: Type, width: float) -> tuple[str, str]:
    clusters = _clusters(line)
    cut = 1
    while cut < len(clusters) and length(draw, "".join(clusters[: cut + 1]), kind) <= width:
        cut += 1
    return "".join(clusters[:cut]).rstrip(), "".join(clusters[cut:]).lstrip()
