"""The one font loader: a Noto font per script, so posters, insert sheets and pass images draw
every language's letters instead of boxes.

Each text is drawn in the first font of the chain that has a glyph for every one of its
characters (looked up in the font's `cmap`). A line no font has whole (Thai or Hindi with a
Latin word) is cut into runs, each in a font that has it (`runs`). The fonts
are Debian's `fonts-noto-core` and `fonts-noto-cjk` (`make fonts` installs them); where they
are missing DejaVu Sans, then Pillow's own font, draw what they can. Arabic and the Indic
scripts need shaping: Pillow's Raqm layout (HarfBuzz + FriBiDi) does it when present, which
`shaping()` tells.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont, features

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Face:
    """One font of the chain; `family` names the face inside a collection (`.ttc`)."""

    script: str
    regular: str
    bold: str
    family: str = ""


_CJK = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")

CHAIN: tuple[Face, ...] = (
    Face("latin", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),  # with Greek and Cyrillic
    Face("arabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    Face("hebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    Face("devanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    Face("bengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    Face("tamil", "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    Face("thai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    Face("georgian", "NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
    Face("armenian", "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    # One collection, four faces: a Han character is drawn the way its language writes it.
    Face("zh_Hans", *_CJK, "Noto Sans CJK SC"),
    Face("zh_Hant", *_CJK, "Noto Sans CJK TC"),
    Face("ja", *_CJK, "Noto Sans CJK JP"),
    Face("ko", *_CJK, "Noto Sans CJK KR"),
    Face("dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
)
CJK_LANGS = ("zh_Hans", "zh_Hant", "ja", "ko")
# The Debian packages the chain comes from, for `make fonts` and the README.
PACKAGES = ("fonts-noto-core", "fonts-noto-cjk", "fonts-dejavu-core")


def path(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def shaping() -> bool:
    """Whether joined scripts (Arabic) and reordering ones (Devanagari, Bengali, Tamil) are
    shaped; without Raqm, Pillow draws each letter in its isolated form, left to right."""
    return bool(features.check("raqm"))


@functools.cache
def _index(name: str, family: str) -> int:
    """The face's position in a collection, found by its family name (Debian's order may change)."""
    found = path(name)
    if not family or found is None or found.suffix != ".ttc":
        return 0
    collection = TTCollection(str(found), lazy=True)
    try:
        for number, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == family:
                return number
    finally:
        collection.close()
    return 0


@functools.cache
def coverage(face: Face) -> frozenset[int]:
    """The code points the face has glyphs for; empty when its file is not installed."""
    found = path(face.regular)
    if found is None:
        return frozenset()
    font = TTFont(str(found), fontNumber=_index(face.regular, face.family), lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


def _drawn(text: str) -> set[int]:
    """The characters that need a glyph: spaces, joiners and direction marks draw nothing."""
    return {ord(c) for c in text if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc")}


def _cjk_guess(text: str) -> str:
    for c in text:
        if "\u3040" <= c <= "\u30ff":  # kana
            return "ja"
        if "\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff":  # hangul
            return "ko"
    return "zh_Hans"


def _chain(text: str, lang: str | None) -> list[Face]:
    """The chain with the CJK face the language (or, without one, the text) asks for first."""
    wanted = lang if lang in CJK_LANGS else _cjk_guess(text)
    return sorted(CHAIN, key=lambda face: face.script in CJK_LANGS and face.script != wanted)


def face_for(text: str, *, lang: str | None = None) -> Face | None:
    """The first face of the chain with every glyph `text` needs, else the one with the most;
    None when no font of the chain is installed."""
    needed = _drawn(text)
    best: Face | None = None
    best_count = -1
    for face in _chain(text, lang):
        have = coverage(face)
        if not have:
            continue
        count = len(needed & have)
        if count == len(needed):
            return face
        if count > best_count:
            best, best_count = face, count
    return best


def font(text: str, size: int, *, bold: bool = False, lang: str | None = None) -> Font:
    """A font that draws `text` (a line, or a whole paragraph to wrap) at `size` pixels."""
    face = face_for(text, lang=lang)
    if face is None:
        return ImageFont.load_default(size=size)
    return _load(face, size, bold, threading.get_ident())


def runs(text: str, size: int, *, bold: bool = False, lang: str | None = None) -> tuple[tuple[str, Font], ...]:
    """The line in pieces that one font each draws whole: a single piece when one font can.

    A character stays in the running piece while that piece's font has it (spaces and marks
    always do), so a line changes font as seldom as it can."""
    return _runs(text, size, bold, lang, threading.get_ident())


@functools.lru_cache(maxsize=1024)
def _runs(text: str, size: int, bold: bool, lang: str | None, thread: int) -> tuple[tuple[str, Font], ...]:
    face = face_for(text, lang=lang)
    if face is None:
        return ((text, ImageFont.load_default(size=size)),)
    if _drawn(text) <= coverage(face):
        return ((text, _load(face, size, bold, thread)),)
    chain = [face, *(other for other in _chain(text, lang) if other != face)]
    pieces: list[tuple[str, Face]] = []
    for c in text:
        current = pieces[-1][1] if pieces else face
        if not _drawn(c) or unicodedata.category(c) in ("Mn", "Mc", "Me") or ord(c) in coverage(current):
            chosen = current
        else:
            chosen = next((other for other in chain if ord(c) in coverage(other)), current)
        if pieces and pieces[-1][1] == chosen:
            pieces[-1] = (pieces[-1][0] + c, chosen)
        else:
            pieces.append((c, chosen))
    return tuple((piece, _load(piece_face, size, bold, thread)) for piece, piece_face in pieces)


# A FreeType face is for one thread at a time, and sheets, posters and pass images are drawn in
# worker threads: each thread gets fonts of its own.
@functools.lru_cache(maxsize=256)
def _load(face: Face, size: int, bold: bool, thread: int) -> Font:
    name = face.bold if bold and path(face.bold) else face.regular
    found = path(name)
    assert found is not None  # face_for only returns installed faces
    return ImageFont.truetype(str(found), size, index=_index(name, face.family))
